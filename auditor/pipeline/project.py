"""What a run knows about the project it scans: its folder, its name, its git state.

Git is asked through the ``git`` command when it is installed; any failure (no git, not a
repository, a repository owned by someone else) simply leaves the fields empty. Remote URLs
are never stored: only the repository's name is taken from them.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from auditor.collectors.gitrepo import SAFE_CONFIG

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
            # the checkout's own config may not run commands (an fsmonitor hook on ls-files)
            ["git", *SAFE_CONFIG, "-C", str(folder), *args],
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


def commit_time(folder: Path) -> datetime | None:
    """When the checkout's HEAD was committed (aware), or None when git cannot say."""
    text = _git(folder, "log", "-1", "--format=%cI", "HEAD")
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def tracked(folder: Path, paths: Sequence[str]) -> bool:
    """Whether every one of ``paths`` (relative to ``folder``, or absolute) is a file of
    the checkout holding ``folder`` (in git's index); False when git cannot say."""
    if not paths:
        return False
    return _git(folder, "ls-files", "--error-unmatch", "--", *paths) is not None


def repo_name(remote_url: str) -> str | None:
    """``owner/repo.git`` style remotes (https, ssh, scp-like) → ``repo``; a clone of a
    bundle file (``examples/saleor.bundle``) → ``saleor``."""
    tail = remote_url.strip().rstrip("/").replace(":", "/").rsplit("/", 1)[-1]
    name = tail.removesuffix(".git").removesuffix(".bundle")
    return name or None


def project_root(paths: Sequence[str], cwd: Path | None = None) -> Path:
    """The scanned project's folder: the first PATH if a directory, else its folder."""
    here = (cwd or Path.cwd()).absolute()
    first = Path(paths[0]) if paths else Path(".")
    path = first if first.is_absolute() else here / first
    return path if path.is_dir() else path.parent


def default_project_name(root: Path, git: GitState, *, mountinfo: str | None = None) -> str:
    """The origin remote's repository name when ``root`` is the checkout's top; else, when
    ``root`` is a folder mounted into a container (``docker run -v "$PWD:/work"``), the name
    the folder has where it comes from, not the mount point's (``work``); else the folder's
    name. ``mountinfo``: the text of /proc/self/mountinfo (read when not given)."""
    resolved = root.resolve()
    if git.remote_name and git.toplevel is not None and git.toplevel.resolve() == resolved:
        return git.remote_name
    mounted = mount_source_name(resolved, _mountinfo() if mountinfo is None else mountinfo)
    return mounted or resolved.name or str(resolved)


def mount_source_name(folder: Path, mountinfo: str) -> str | None:
    """The name of the folder a bind mount at ``folder`` shows, from the mount's root in
    its source file system (field 4 of /proc/self/mountinfo: ``/home/me/shop`` for
    ``-v /home/me/shop:/work``); None when ``folder`` is not such a mount point."""
    found = None
    for line in mountinfo.splitlines():
        fields = line.split(" ")
        if len(fields) < 5:
            continue
        source, mount_point = _unescape(fields[3]), _unescape(fields[4])
        if mount_point == str(folder) and source not in ("", "/"):
            found = PurePosixPath(source).name or None  # the last mount there is the one seen
    return found


def _unescape(field: str) -> str:
    """mountinfo writes a space, tab, newline and backslash as octal escapes (``\\040``)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _mountinfo() -> str:
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as handle:
            return handle.read(1_000_000)
    except OSError:
        return ""
