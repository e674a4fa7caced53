"""Git repositories for the CI tests: a bare "remote" and checkouts of it, all local."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "saleor-2020"
IDENTITY = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), **IDENTITY},
    )
    return proc.stdout


@dataclass(frozen=True)
class Repos:
    remote: Path  # bare repository standing in for GitHub
    workspace: Path  # the job's checkout of the default branch

    def branch_head(self, branch: str) -> str:
        out = git(self.remote, "for-each-ref", "--format=%(objectname)", f"refs/heads/{branch}")
        return out.strip()

    def branch_file(self, branch: str, name: str, into: Path) -> Path:
        """Write ``name`` as committed on ``branch`` of the remote to ``into``."""
        data = subprocess.run(
            ["git", "show", f"{branch}:{name}"], cwd=self.remote, capture_output=True, check=True
        ).stdout
        into.write_bytes(data)
        return into

    def commit_count(self, branch: str) -> int:
        return int(git(self.remote, "rev-list", "--count", branch).strip())


def make_repos(base: Path, project: str = "shop") -> Repos:
    """A bare remote with one commit on main (the saleor example's lockfile) and a clone."""
    remote = base / f"{project}.git"
    git(base, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    seed = base / "seed"
    git(base, "clone", "--quiet", str(remote), str(seed))
    for name in ("poetry.lock", "pyproject.toml"):
        shutil.copy(EXAMPLE / name, seed / name)
    git(seed, "checkout", "--quiet", "-b", "main")
    git(seed, "add", "--all")
    git(seed, "commit", "--quiet", "-m", "lockfile")
    git(seed, "push", "--quiet", "origin", "main")
    workspace = base / project
    git(base, "clone", "--quiet", str(remote), str(workspace))
    shutil.rmtree(seed)
    return Repos(remote=remote, workspace=workspace)
