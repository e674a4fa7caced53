"""What a run knows about the project it scans: its folder, its name, its git state.

Git is asked through the ``git`` command when it is installed; any failure (no git, not a
repository, a repository owned by someone else) simply leaves the fields empty. Remote URLs
are never stored: only the repository's name is taken from them.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_GIT_TIMEOUT = 10.0


@dataclass(frozen=True, kw_only=True)
class GitState:
    commit: str | None = None
    branch: str | None = None
    toplevel: Path | None = None
    remote_name: str | None = None  # the repository's name from the origin remote


def _git(folder: Path, *args: str) -> str | None:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        proc = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT,
            check=False,
            env=env,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    out = proc.stdout.strip()
    return out if proc.returncode == 0 and out else None


def git_state(folder: Path, environ: Mapping[str, str] | None = None) -> GitState:
    """The commit, branch and remote repository name of the checkout holding ``folder``."""
    if not folder.is_dir():
        return GitState()
    commit = _git(folder, "rev-parse", "--verify", "-q", "HEAD")
    if commit is None:
        return GitState()
    env = os.environ if environ is None else environ
    # Detached HEAD is normal in CI; the CI's own variables then name the branch.
    branch = _git(folder, "symbolic-ref", "--short", "-q", "HEAD") or (
        env.get("GITHUB_HEAD_REF") or env.get("GITHUB_REF_NAME") or None
    )
    toplevel = _git(folder, "rev-parse", "--show-toplevel")
    remote = _git(folder, "config", "--get", "remote.origin.url")
    return GitState(
        commit=commit,
        branch=branch,
        toplevel=Path(toplevel) if toplevel else None,
        remote_name=repo_name(remote) if remote else None,
    )


def repo_name(remote_url: str) -> str | None:
    """``owner/repo.git`` style remotes (https, ssh, scp-like) → ``repo``."""
    tail = remote_url.strip().rstrip("/").replace(":", "/").rsplit("/", 1)[-1]
    name = tail.removesuffix(".git")
    return name or None


def project_root(paths: Sequence[str], cwd: Path | None = None) -> Path:
    """The scanned project's folder: the first PATH if a directory, else its folder."""
    here = (cwd or Path.cwd()).absolute()
    first = Path(paths[0]) if paths else Path(".")
    path = first if first.is_absolute() else here / first
    return path if path.is_dir() else path.parent


def default_project_name(root: Path, git: GitState) -> str:
    """The origin remote's repository name when ``root`` is the checkout's top, else the
    folder's name."""
    resolved = root.resolve()
    if git.remote_name and git.toplevel is not None and git.toplevel.resolve() == resolved:
        return git.remote_name
    return resolved.name or str(resolved)
