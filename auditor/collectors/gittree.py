"""The lockfiles of one commit, read from git's objects as ``inputs.py`` reads them from
disk: the same size limit and decoding, names resolved inside the scanned folder, symbolic
links refused (a link in a commit is a path, and following it could name any file).

``TreeCollector`` collects the lockfiles of successive commits and parses each file
content once: a result is reused while the file and every file its collector read beside
it (``-r`` includes, the ``pyproject.toml`` next to a lock) have the same blobs.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from auditor.collectors.base import Collector, InputFile
from auditor.collectors.discovery import SKIP_DIRS, FoundFile, Sorted, sort_found
from auditor.collectors.gitrepo import SYMLINK_MODE, Entry, GitRepo
from auditor.collectors.inputs import MAX_FILE_BYTES, decode
from auditor.core.errors import LockfileError
from auditor.core.model import CollectResult, FileError

_Read = tuple[tuple[str, str | None], ...]  # (path, blob id or None: absent) of each file read


def skipped(path: PurePosixPath, venvs: frozenset[PurePosixPath]) -> bool:
    """Whether a file of a commit lies in a folder the directory walk skips (version
    control, dependencies, virtual environments, caches)."""
    for depth, part in enumerate(path.parts[:-1]):
        if part in SKIP_DIRS or part.endswith(".egg-info"):
            return True
        if PurePosixPath(*path.parts[: depth + 1]) in venvs:
            return True
    return False


class CommitFiles:
    """The files below the scanned folder in one commit, and their contents (read once
    per blob across commits through ``blobs``)."""

    def __init__(self, repo: GitRepo, entries: Mapping[str, Entry], blobs: BlobCache) -> None:
        self.repo = repo
        self.entries = entries
        self.blobs = blobs
        self.max_bytes = blobs.max_bytes

    def read(self, shown: str) -> InputFile:
        entry = self.entries.get(shown)
        if entry is None:
            raise LockfileError(shown, "file not found")
        if entry.mode == SYMLINK_MODE:
            raise LockfileError(shown, "a symbolic link in this commit; not followed")
        if entry.size > self.max_bytes:
            raise LockfileError(
                shown, f"file is {entry.size} bytes, larger than the {self.max_bytes}-byte limit"
            )
        return InputFile(path=shown, text=self.blobs.text(entry.oid, shown))

    def head(self, shown: str, size: int) -> str:
        entry = self.entries.get(shown)
        if entry is None or not entry.regular or entry.size > self.max_bytes:
            return ""
        return self.blobs.raw(entry.oid)[:size].decode("utf-8", errors="replace")

    def sort(self, exclude: Sequence[str]) -> Sorted:
        """The commit's lockfiles by the rules of the directory walk."""
        venvs = frozenset(
            PurePosixPath(p).parent for p in self.entries if PurePosixPath(p).name == "pyvenv.cfg"
        )

        def found() -> Iterator[FoundFile]:
            for shown in sorted(self.entries):
                relative = PurePosixPath(shown)
                if skipped(relative, venvs):
                    continue
                yield FoundFile(
                    relative=relative,
                    shown=shown,
                    head=lambda size, shown=shown: self.head(shown, size),  # type: ignore[misc]
                )

        return sort_found(found(), exclude)


class BlobCache:
    """Blob contents by id, read from git once each; their text and SHA-256 computed once."""

    def __init__(self, repo: GitRepo, *, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.repo = repo
        self.max_bytes = max_bytes
        self._raw: dict[str, bytes] = {}
        self._text: dict[str, str] = {}

    def raw(self, oid: str) -> bytes:
        data = self._raw.get(oid)
        if data is None:
            data = self._raw[oid] = self.repo.blob(oid)
        return data

    def text(self, oid: str, shown: str) -> str:
        text = self._text.get(oid)
        if text is None:
            text = self._text[oid] = decode(self.raw(oid), shown)
        return text

    def sha256(self, oid: str) -> str:
        return hashlib.sha256(self.raw(oid)).hexdigest()


class _Reader:
    """A collector's ``FileReader`` over one commit, noting every file it was asked for."""

    def __init__(self, files: CommitFiles) -> None:
        self.files = files
        self.read: dict[str, str | None] = {}

    def _resolve(self, base: InputFile, name: str) -> str:
        shown = posixpath.normpath(posixpath.join(posixpath.dirname(base.path), name))
        if shown.startswith("../") or shown == ".." or posixpath.isabs(shown):
            raise LockfileError(base.path, f"{name!r} is outside the scanned tree")
        return shown

    def _note(self, shown: str) -> None:
        entry = self.files.entries.get(shown)
        self.read[shown] = entry.oid if entry is not None else None

    def read_relative(self, base: InputFile, name: str) -> InputFile:
        shown = self._resolve(base, name)
        self._note(shown)
        if shown not in self.files.entries:
            raise LockfileError(base.path, f"{name!r} not found (looked for {shown})")
        return self.files.read(shown)

    def read_sibling(self, base: InputFile, name: str) -> InputFile | None:
        try:
            shown = self._resolve(base, name)
        except LockfileError:
            return None
        self._note(shown)
        entry = self.files.entries.get(shown)
        if entry is None or not entry.regular:
            return None
        return self.files.read(shown)

    def list_dir(self, base: InputFile, name: str) -> tuple[str, ...]:
        shown = self._resolve(base, name)
        listing = _listing(self.files, shown)
        self.read["/" + shown] = listing  # a listing, kept as its names
        return tuple(listing.split(",")) if listing else ()


@dataclass(frozen=True, kw_only=True)
class Collected:
    """One lockfile of one commit: its result or its error, and the files it read."""

    result: CollectResult | None
    error: FileError | None
    read: _Read


class TreeCollector:
    """Collects lockfiles commit after commit, parsing each content once."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str], list[Collected]] = {}
        self.parsed = 0  # how many files were parsed (the rest were reused)

    def collect(self, files: CommitFiles, shown: str, collector: Collector) -> Collected:
        entry = files.entries[shown]
        key = (collector.name, shown, entry.oid)
        for earlier in self._seen.get(key, ()):
            if all(_current(files, path, oid) == oid for path, oid in earlier.read):
                return earlier
        reader = _Reader(files)
        self.parsed += 1
        try:
            result: CollectResult | None = collector.collect(files.read(shown), reader)
            error = None
        except LockfileError as exc:
            result, error = None, FileError.of(exc)
        done = Collected(result=result, error=error, read=tuple(sorted(reader.read.items())))
        self._seen.setdefault(key, []).append(done)
        return done


def _current(files: CommitFiles, path: str, _oid: str | None) -> str | None:
    if path.startswith("/"):  # a folder listing
        return _listing(files, path[1:])
    entry = files.entries.get(path)
    return entry.oid if entry is not None else None


def _listing(files: CommitFiles, folder: str) -> str:
    """The names in a folder of the commit, sorted, joined by commas."""
    inside = "" if folder == "." else folder + "/"
    names = {p[len(inside) :].split("/", 1)[0] for p in files.entries if p.startswith(inside)}
    return ",".join(sorted(names))
