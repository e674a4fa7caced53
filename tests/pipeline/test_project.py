"""What a run knows about its project: git commit and branch, project folder and name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditor.pipeline.project import (
    GitState,
    default_project_name,
    git_state,
    project_root,
    repo_name,
)
from tests.support import FIXTURES, commit_all, git

PIPFILE_DIR = FIXTURES / "pipfile-lock/real/pypa__pipenv__examples"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def make_repo(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Pipfile.lock").write_text((PIPFILE_DIR / "Pipfile.lock").read_text())
    return commit_all(folder, branch="trunk")


@needs_git
def test_git_state_of_a_checkout(tmp_path: Path) -> None:
    """Commit, branch and the origin's repository name (never its URL)."""
    repo = tmp_path / "checkout"
    commit = make_repo(repo)
    git(repo, "remote", "add", "origin", "https://user:token@git.invalid/team/shop.git")
    state = git_state(repo, environ={})
    assert (commit, "trunk", "shop") == (state.commit, state.branch, state.remote_name)
    assert "shop" == default_project_name(repo, state)
    assert "sub" == default_project_name(repo / "sub", git_state(repo, environ={}))


@needs_git
def test_detached_head_takes_the_branch_from_ci(tmp_path: Path) -> None:
    """In CI the checkout is detached; GITHUB_HEAD_REF / GITHUB_REF_NAME name the branch."""
    repo = tmp_path / "ci"
    commit = make_repo(repo)
    git(repo, "checkout", "-q", "--detach")
    assert git_state(repo, environ={}).branch is None
    state = git_state(repo, environ={"GITHUB_REF_NAME": "main"})
    assert (commit, "main") == (state.commit, state.branch)


def test_no_repository_no_git_fields(tmp_path: Path) -> None:
    """Outside a repository (or without git at all) the fields stay empty, no error."""
    assert GitState() == git_state(tmp_path / "missing")
    plain = tmp_path / "plain"
    plain.mkdir()
    state = git_state(plain, environ={})
    assert state.commit is None
    assert "plain" == default_project_name(plain, state)


def test_git_missing_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PATH without git: the run is saved without commit and branch."""
    monkeypatch.setenv("PATH", str(tmp_path))
    assert GitState() == git_state(PIPFILE_DIR)


@pytest.mark.parametrize(
    ("remote", "name"),
    [
        ("https://git.invalid/team/shop.git", "shop"),
        ("git@git.invalid:team/shop.git", "shop"),
        ("ssh://git@git.invalid/team/shop/", "shop"),
        ("/srv/git/shop.git", "shop"),
    ],
)
def test_repo_name(remote: str, name: str) -> None:
    """The last path part, without .git."""
    assert name == repo_name(remote)


def test_project_root(tmp_path: Path) -> None:
    """The first PATH if a folder, else its folder; no PATH means the current folder."""
    lock = tmp_path / "Pipfile.lock"
    lock.write_text("{}")
    assert tmp_path == project_root([str(lock)])
    assert tmp_path == project_root([str(tmp_path)])
    assert tmp_path == project_root([], cwd=tmp_path)


# A container's /proc/self/mountinfo: the project mounted with ``-v /home/me/my shop:/work``
# (the space written \040).
MOUNTINFO = """\
612 540 0:52 / / ro,relatime master:1 - overlay overlay rw,lowerdir=/var/lib/docker/l
613 612 0:55 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
640 612 253:1 /home/me/my\\040shop /work rw,relatime - ext4 /dev/vda1 rw
"""


def test_a_mounted_folder_is_named_as_it_is_where_it_comes_from() -> None:
    """In the Docker image the project is /work: without a git remote to name it, its name
    is the mounted folder's own ("my shop"), not "work"; a folder that is not a mount
    point keeps its name, and a remote still wins."""
    work = Path("/work")
    assert "my shop" == default_project_name(work, GitState(), mountinfo=MOUNTINFO)
    assert "sub" == default_project_name(work / "sub", GitState(), mountinfo=MOUNTINFO)
    assert "work" == default_project_name(work, GitState(), mountinfo="")
    remote = GitState(commit="a" * 40, toplevel=work, remote_name="shop")
    assert "shop" == default_project_name(work, remote, mountinfo=MOUNTINFO)
    # the root of the container's own file system is not a mounted project folder
    assert "/" == default_project_name(Path("/"), GitState(), mountinfo=MOUNTINFO)
