"""Reading lockfiles from git's objects (``report --backfill``) in a hostile repository: its
configuration runs nothing, a symbolic link is not followed, a blob past the size limit is
not read, and a lockfile's includes stay inside the scanned folder."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from auditor.collectors import plugins
from auditor.collectors.gitrepo import GitRepo
from auditor.collectors.gittree import BlobCache, CommitFiles, TreeCollector
from auditor.core.errors import LockfileError
from tests.githistory import Commit, build, saleor_versions
from tests.support import run_cli

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
WHEN = dt.datetime(2024, 5, 2, tzinfo=dt.timezone.utc)


def test_the_repositorys_configuration_runs_nothing(tmp_path: Path) -> None:
    """A repository whose config names an fsmonitor hook, a smudge filter and a textconv
    command for every file, and whose history holds a lockfile: a backfill reads the files
    (a snapshot is saved) and none of the commands ran."""
    repo = tmp_path / "shop"
    _, files = saleor_versions()[0]
    build(repo, [Commit(date=WHEN, files={**files, ".gitattributes": b"* filter=x diff=y\n"})])
    marks = [tmp_path / f"ran-{n}" for n in ("fsmonitor", "smudge", "textconv")]
    with (repo / ".git" / "config").open("a") as config:
        config.write(
            f'[core]\n\tfsmonitor = "touch {marks[0]}"\n'
            f'[filter "x"]\n\tsmudge = "touch {marks[1]}; cat"\n'
            f'[diff "y"]\n\ttextconv = "touch {marks[2]}; cat"\n'
        )
    db, out = str(tmp_path / "s.db"), str(tmp_path / "o")
    result = run_cli(
        ["report", str(repo), "--db", db, "--no-site", "--out", out, "--backfill", "2024-01-01"]
    )
    assert "backfill: 1 snapshot saved" in result.out, result.err
    assert [] == [m.name for m in marks if m.exists()]


def test_a_symbolic_link_is_not_followed(tmp_path: Path) -> None:
    """A poetry.lock committed as a link to a file outside the repository is that
    snapshot's error, naming the file; the link's target is never read."""
    repo = tmp_path / "shop"
    secret = tmp_path / "secret.txt"
    secret.write_text("token=abc\n")
    ids = build(repo, [Commit(date=WHEN, symlinks={"poetry.lock": str(secret)})])
    with GitRepo(repo) as git:
        files = CommitFiles(git, git.tree(ids[1], ""), BlobCache(git))
        collector = plugins.get("poetry-lock")
        done = TreeCollector().collect(files, "poetry.lock", collector)
    assert done.result is None
    assert done.error is not None
    assert "poetry.lock: a symbolic link in this commit; not followed" == done.error.render()


def test_a_blob_past_the_limit_is_not_read(tmp_path: Path) -> None:
    """The size comes from the tree: a file larger than the reader's limit is an error
    naming it and its size, and its blob is never loaded."""
    repo = tmp_path / "shop"
    ids = build(repo, [Commit(date=WHEN, files={"requirements.txt": b"idna==2.9\n" * 50})])
    with GitRepo(repo) as git:
        blobs = BlobCache(git, max_bytes=100)
        files = CommitFiles(git, git.tree(ids[1], ""), blobs)
        with pytest.raises(LockfileError, match=r"requirements.txt: file is 500 bytes, larger"):
            files.read("requirements.txt")
        assert {} == blobs._raw


def test_includes_stay_inside_the_scanned_folder(tmp_path: Path) -> None:
    """A requirements file of the scanned folder ``app`` including ``../secrets.txt``: an
    error of that file, and nothing outside ``app`` is read."""
    repo = tmp_path / "shop"
    files = {
        "app/requirements.txt": b"-r ../secrets.txt\nidna==2.9\n",
        "secrets.txt": b"token==1\n",
    }
    ids = build(repo, [Commit(date=WHEN, files=files)])
    with GitRepo(repo / "app") as git:
        assert "app" == git.prefix
        tree = CommitFiles(git, git.tree(ids[1], git.prefix), BlobCache(git))
        assert ["requirements.txt"] == sorted(tree.entries)
        done = TreeCollector().collect(tree, "requirements.txt", plugins.get("requirements"))
    assert done.error is not None
    assert "outside the scanned tree" in done.error.message


def test_contents_are_parsed_once_while_what_they_read_is_the_same(tmp_path: Path) -> None:
    """The same poetry.lock in two commits is parsed once; when the pyproject.toml beside it
    changes, it is parsed again (the collector read it)."""
    repo = tmp_path / "shop"
    _, files = saleor_versions()[0]
    later = dt.datetime(2024, 6, 2, tzinfo=dt.timezone.utc)
    last = dt.datetime(2024, 7, 2, tzinfo=dt.timezone.utc)
    ids = build(
        repo,
        [
            Commit(date=WHEN, files=files),
            Commit(date=later, files={"README.md": b"hi\n"}),
            Commit(date=last, files={"pyproject.toml": files["pyproject.toml"] + b"\n"}),
        ],
    )
    collector = TreeCollector()
    with GitRepo(repo) as git:
        blobs = BlobCache(git)
        for mark in (1, 2, 3):
            tree = CommitFiles(git, git.tree(ids[mark], ""), blobs)
            done = collector.collect(tree, "poetry.lock", plugins.get("poetry-lock"))
            assert done.result is not None
    assert 2 == collector.parsed


def test_a_name_that_is_not_utf8_is_read_by_its_blob(tmp_path: Path) -> None:
    """A lockfile committed under a folder whose name is not UTF-8 (git stores bytes): its
    name is shown with U+FFFD, and its content is still read (by blob id)."""
    import subprocess

    repo = tmp_path / "shop"
    build(repo, [Commit(date=WHEN, files={"README.md": b"hi\n"})])

    def run(*args: bytes | str, data: bytes | None = None) -> bytes:
        return subprocess.run(
            ["git", "-C", str(repo), *args], input=data, capture_output=True, check=True
        ).stdout.strip()

    oid = run("hash-object", "-w", "--stdin", data=b"idna==2.9\n").decode()
    run(
        "update-index",
        "--add",
        "--cacheinfo",
        f"100644,{oid},".encode() + b"caf\xe9/requirements.txt",
    )
    tree = run("write-tree").decode()
    commit = run("commit-tree", tree, "-m", "x").decode()
    with GitRepo(repo) as git:
        files = CommitFiles(git, git.tree(commit, ""), BlobCache(git))
        [(relative, collector)] = files.sort(()).targets
        assert "caf\ufffd/requirements.txt" == relative.as_posix()
        done = TreeCollector().collect(files, relative.as_posix(), collector)
    assert done.result is not None
    assert ["idna"] == [p.name for p in done.result.packages]
