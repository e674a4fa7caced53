"""Reading a repository's history with git, nothing checked out: the first-parent commits
that changed some paths, the files of a commit's tree, and their contents.

The repository is untrusted (docs/security.md): git runs with the repository's hooks and
fsmonitor command overridden (``SAFE_CONFIG``; the user's own configuration, such as
``safe.directory``, still applies), no pager, no prompt, no replace objects, and only
commands that read objects (``log``, ``ls-tree``, ``cat-file``): no textconv, no
external diff, no filter of ``.gitattributes`` ever runs, and blobs are read raw. Sizes
come from the tree before a blob is read (a file past the reader's limit is an error of
that file, never loaded), symbolic links and submodules are entries, not files, and every
command has a timeout. Anything git refuses (not a repository, one owned by someone else)
is one line naming the folder.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from auditor.core.errors import UsageError, excerpt

GIT_TIMEOUT = 300.0  # a log of ten years of a large repository takes seconds, not minutes
SAFE_CONFIG = (  # what a repository's own config may not make git run
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "log.showSignature=false",
    "-c", "core.quotePath=false",
    "-c", "diff.external=",
)  # fmt: skip
REGULAR_MODES = frozenset({"100644", "100755"})
SYMLINK_MODE = "120000"


class GitError(UsageError):
    """git could not read the repository: one line naming the folder and git's reason."""


@dataclass(frozen=True, kw_only=True, order=True)
class Change:
    """A first-parent commit and the paths it changed (relative to the repository)."""

    committed: dt.datetime  # the commit date, UTC
    commit: str
    paths: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Entry:
    """A file of a commit's tree: its mode, blob id and size in bytes."""

    mode: str
    oid: str
    size: int

    @property
    def regular(self) -> bool:
        return self.mode in REGULAR_MODES


def git_environment() -> dict[str, str]:
    """The environment git runs in: no prompt, no pager, no replace objects, and no
    ``GIT_*`` variable of the caller pointing git at another repository or index."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        {
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_PAGER": "cat",
            "LC_ALL": "C",
        }
    )
    return env


class GitRepo:
    """The repository holding ``folder``; ``prefix`` is ``folder`` relative to its top."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._env = git_environment()
        top = self._run("rev-parse", "--show-toplevel").strip()
        self.top = Path(top)
        self.prefix = self._run("rev-parse", "--show-prefix").strip().rstrip("/")
        self._batch: subprocess.Popen[bytes] | None = None

    def _run(self, *args: str, cwd: Path | None = None) -> str:
        command = ["git", *SAFE_CONFIG, *args]
        try:
            proc = subprocess.run(
                command,
                cwd=cwd or self.folder,
                capture_output=True,
                timeout=GIT_TIMEOUT,
                check=False,
                env=self._env,
            )
        except FileNotFoundError:
            raise GitError(f"{self.folder}: git is not installed") from None
        except subprocess.TimeoutExpired:
            raise GitError(
                f"{self.folder}: git {args[0]} took longer than {GIT_TIMEOUT:.0f} s"
            ) from None
        except OSError as exc:
            raise GitError(f"{self.folder}: cannot run git: {exc.strerror or exc}") from None
        if proc.returncode != 0:
            reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            shown = excerpt(reason[0] if reason else f"exit status {proc.returncode}", 300)
            raise GitError(f"{self.folder}: git {args[0]} failed: {shown}")
        # names that are not UTF-8 are shown with U+FFFD (blobs are read by id, never by name)
        return proc.stdout.decode("utf-8", "replace")

    def head(self) -> str | None:
        """HEAD's commit, or None in a repository without commits."""
        try:
            return self._run("rev-parse", "--verify", "-q", "HEAD^{commit}").strip() or None
        except GitError:
            return None

    def shallow(self) -> bool:
        """Whether the clone is shallow (its history cut off: a CI checkout's default)."""
        try:
            return self._run("rev-parse", "--is-shallow-repository").strip() == "true"
        except GitError:
            return False

    def changes(self, since: dt.datetime, pathspec: str) -> list[Change]:
        """The first-parent commits of HEAD since ``since`` that changed something below
        ``pathspec`` (relative to the top; empty: everything), newest first."""
        if self.head() is None:
            return []
        text = self._run(
            "log",
            "--first-parent",
            "--diff-merges=first-parent",
            "--no-renames",
            "--no-textconv",
            "--no-ext-diff",
            f"--since={since.astimezone(dt.timezone.utc).isoformat()}",
            "--format=%x01%H %ct",
            "--name-only",
            "-z",
            "HEAD",
            "--",
            f":(top,literal){pathspec}" if pathspec else ":(top)",
            cwd=self.top,
        )
        return list(_parse_log(text))

    def tree(self, commit: str, prefix: str) -> dict[str, Entry]:
        """The entries below ``prefix`` of ``commit``'s tree, by path relative to
        ``prefix`` (regular files, symbolic links; submodules left out)."""
        spec = [f":(top,literal){prefix}"] if prefix else [":(top)"]
        text = self._run("ls-tree", "-r", "-z", "-l", "--full-tree", commit, "--", *spec)
        entries: dict[str, Entry] = {}
        start = len(prefix) + 1 if prefix else 0
        for record in text.split("\0"):
            if not record:
                continue
            info, _, path = record.partition("\t")
            fields = info.split()
            if len(fields) != 4 or fields[1] != "blob":
                continue  # a submodule (commit) is not a file of this repository
            mode, _, oid, size = fields
            if prefix and not path.startswith(prefix + "/"):
                continue
            length = int(size) if size.isdigit() else 0
            entries[path[start:]] = Entry(mode=mode, oid=oid, size=length)
        return entries

    def blob(self, oid: str) -> bytes:
        """A blob's bytes, raw (no filter of the repository runs), read by one long-lived
        ``cat-file --batch``; the caller checked its size against its limit first."""
        batch = self._batch
        if batch is None:
            batch = self._batch = subprocess.Popen(
                ["git", *SAFE_CONFIG, "cat-file", "--batch"],
                cwd=self.top,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=self._env,
            )
        stdin, stdout = batch.stdin, batch.stdout
        if stdin is None or stdout is None:  # pragma: no cover - Popen made both pipes
            raise GitError(f"{self.folder}: git cat-file has no pipes")
        try:
            stdin.write(oid.encode("ascii") + b"\n")
            stdin.flush()
        except OSError as exc:
            raise GitError(f"{self.folder}: git cat-file stopped: {exc.strerror or exc}") from None
        header = stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            raise GitError(f"{self.folder}: git cat-file: {oid} is not a blob")
        data = stdout.read(int(header[2]))
        stdout.read(1)  # the newline after the contents
        return data

    def close(self) -> None:
        batch, self._batch = self._batch, None
        if batch is not None:
            if batch.stdin is not None:
                batch.stdin.close()
            if batch.stdout is not None:
                batch.stdout.close()
            try:
                batch.wait(timeout=10)
            except subprocess.TimeoutExpired:
                batch.kill()
                batch.wait()

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _parse_log(text: str) -> Iterator[Change]:
    """``git log --format=%x01%H %ct --name-only -z`` → changes, in the log's order."""
    for record in text.split("\x01"):
        if not record.strip("\0\n"):
            continue
        head, _, rest = record.partition("\0")
        commit, _, stamp = head.strip().partition(" ")
        if not stamp.isdigit():
            continue
        paths = tuple(p.lstrip("\n") for p in rest.split("\0") if p.strip("\n"))
        committed = dt.datetime.fromtimestamp(int(stamp), tz=dt.timezone.utc)
        yield Change(committed=committed, commit=commit, paths=paths)
