"""Turning command-line paths into (file, collector) targets.

A directory is walked (no symlinked directories followed; version-control, dependency,
virtualenv and cache folders skipped: never a project's own lockfile) and each file is
matched to a collector by name. A file named explicitly is matched by name first, then by
content, and ``--as`` forces a collector for it.

The walk also notes what it cannot read (``unsupported``: lockfiles of formats without a
collector, manifests without a lockfile, see ``unsupported.py``) and what the user excluded
(``--exclude GLOB``, the config's ``exclude``): a file below a scanned folder whose path
matches a pattern is left out and counted. A pattern without ``/`` matches any file or
folder of that name (``fixtures``, ``*.lock``); one with ``/`` matches the path from the
scanned folder (``tests/fixtures``, ``vendor/*``; a leading ``**/`` matches at any depth).
Files named on the command line are never excluded.

A directory named explicitly that is an installed Python environment (a virtual environment,
recognised by its ``pyvenv.cfg``, or a ``site-packages`` folder) is not walked: it is one
target, the environment's installed distributions.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from auditor.collectors import plugins
from auditor.collectors.base import Collector
from auditor.collectors.inputs import TreeReader, decode, is_within
from auditor.collectors.unsupported import (
    MAX_MANIFEST_BYTES,
    NOT_READ,
    lockfile_entry,
    manifest_for,
    unlocked_manifests,
    unsupported_lockfile,
)
from auditor.core.errors import LockfileError, UsageError
from auditor.core.model import UnsupportedFile

SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr",
        "node_modules", "bower_components", "jspm_packages",
        ".venv", "venv", ".virtualenv", "__pypackages__", "site-packages",
        ".tox", ".nox", ".direnv",
        "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis",
        ".eggs", ".next", ".nuxt", ".yarn", ".pnpm-store",
        ".auditor", "auditor-report",
    }
)  # fmt: skip
# build/ and dist/ are not skipped: real projects commit lockfiles there (--exclude them)
SNIFF_BYTES = 64 * 1024
ENVIRONMENT_COLLECTOR = "python-environment"
SITE_FOLDERS = ("site-packages", "dist-packages")


@dataclass(frozen=True, kw_only=True)
class Target:
    """One file to collect, the collector for it, and the tree it may read from."""

    path: Path
    root: Path
    collector: Collector
    explicit: bool = False


@dataclass(frozen=True, kw_only=True)
class Discovery:
    """What the paths hold: the files to collect, the files that declare dependencies
    auditor does not read, and the files the user's exclude patterns left out."""

    targets: tuple[Target, ...]
    unsupported: tuple[UnsupportedFile, ...] = ()
    excluded: tuple[str, ...] = ()  # displayed paths of the lockfiles excluded


def excluded(relative: PurePosixPath, patterns: Sequence[str]) -> bool:
    """Whether a path below a scanned folder matches one of the exclude patterns."""
    parts = relative.parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for raw in patterns:
        pattern = raw.strip().removeprefix("./").strip("/")
        if not pattern:
            continue
        if "/" not in pattern:
            if any(fnmatch.fnmatchcase(part, pattern) for part in parts):
                return True
            continue
        candidates = [pattern]
        if pattern.startswith("**/"):
            candidates.append(pattern[3:])
        if any(fnmatch.fnmatchcase(p, c) for p in prefixes for c in candidates):
            return True
    return False


def _skip_dir(entry: os.DirEntry[str]) -> bool:
    name = entry.name
    if name in SKIP_DIRS or name.endswith(".egg-info"):
        return True
    # any virtualenv, whatever its name
    return os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))


def walk(root: Path) -> Iterator[Path]:
    """Every regular file below ``root`` in sorted order, symlinks kept inside the tree."""
    real_root = root.resolve()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not _skip_dir(entry):
                        subdirs.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=True):
                    path = Path(entry.path)
                    if not entry.is_symlink() or is_within(path.resolve(), real_root):
                        yield path
            except OSError:
                continue
        stack.extend(reversed(subdirs))


def collector_for_name(path: Path) -> Collector | None:
    for collector in plugins.COLLECTORS.values():
        if collector.claims(path.name) or collector.claims(path.as_posix()):
            return collector
    return None


def _head(path: Path, size: int = SNIFF_BYTES) -> str:
    """The first bytes of a found file as text, for ``Collector.confirm`` (empty when it
    cannot be read: collecting it then reports the error properly)."""
    try:
        with path.open("rb") as handle:
            return handle.read(size).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _sniff(path: Path, shown: str) -> Collector | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise LockfileError(shown, f"cannot read: {exc.strerror or exc}") from None
    text = decode(head, shown) if head else ""
    for collector in plugins.COLLECTORS.values():
        if collector.sniff(text):
            return collector
    return None


def _forced(name: str) -> Collector:
    try:
        return plugins.get(name)
    except KeyError:
        known = ", ".join(plugins.names())
        raise UsageError(f"--as {name}: unknown format (known: {known})") from None


def environment_target(path: Path, here: Path) -> Target | None:
    """The target for a directory named on the command line that is an installed Python
    environment: a virtual environment (its ``pyvenv.cfg``) or a ``site-packages`` folder
    (by name, or because distributions are installed in it); ``None`` for any other."""
    if (path / "pyvenv.cfg").is_file():
        anchor = path / "pyvenv.cfg"
    elif path.name in SITE_FOLDERS or _holds_distributions(path):
        anchor = path
    else:
        return None
    absolute = path.absolute()
    root = here if is_within(absolute, here) else absolute
    collector = plugins.get(ENVIRONMENT_COLLECTOR)
    return Target(path=anchor.absolute(), root=root, collector=collector, explicit=True)


def _holds_distributions(path: Path) -> bool:
    try:
        return any(entry.name.endswith(".dist-info") for entry in os.scandir(path))
    except OSError:
        return False


def find_targets(
    args: Sequence[str],
    *,
    force: str | None = None,
    cwd: Path | None = None,
    exclude: Sequence[str] = (),
) -> list[Target]:
    """Resolve paths given on the command line into targets, in a stable order."""
    return list(discover(args, force=force, cwd=cwd, exclude=exclude).targets)


def discover(
    args: Sequence[str],
    *,
    force: str | None = None,
    cwd: Path | None = None,
    exclude: Sequence[str] = (),
) -> Discovery:
    """Resolve paths given on the command line into targets (in a stable order), and note
    what they hold that auditor does not read and what ``exclude`` left out."""
    here = (cwd or Path.cwd()).absolute()
    forced = _forced(force) if force else None
    targets: list[Target] = []
    unsupported: list[UnsupportedFile] = []
    left_out: list[str] = []
    for arg in args or ["."]:
        path = Path(arg) if Path(arg).is_absolute() else here / arg
        if not path.exists():
            raise UsageError(f"{arg}: no such file or directory")
        if path.is_dir():
            if forced is not None:
                raise UsageError(f"--as {force}: applies to files, but {arg} is a directory")
            environment = environment_target(path, here)
            if environment is not None:
                targets.append(environment)
                continue
            found = _walk_folder(path.absolute(), exclude)
            targets.extend(found.targets)
            unsupported.extend(found.unsupported)
            left_out.extend(found.excluded)
            continue
        targets.append(_named_file(arg, path, here, forced))
    return Discovery(
        targets=tuple(targets),
        unsupported=tuple(sorted(set(unsupported))),
        excluded=tuple(sorted(set(left_out))),
    )


def _named_file(arg: str, path: Path, here: Path, forced: Collector | None) -> Target:
    root = here if is_within(path.absolute(), here) else path.absolute().parent
    shown = TreeReader(root).display(path)
    collector = forced or collector_for_name(path) or _sniff(path, shown)
    if collector is None:
        what = unsupported_lockfile(path.name)
        if what is not None:
            raise UsageError(f"{arg}: lockfile of {what}: {NOT_READ}")
        known = ", ".join(plugins.names())
        raise UsageError(
            f"{arg}: cannot tell which lockfile format this is; use --as FORMAT ({known})"
        )
    return Target(path=path.absolute(), root=root, collector=collector, explicit=True)


def _walk_folder(root: Path, exclude: Sequence[str]) -> Discovery:
    reader = TreeReader(root)
    paths: dict[PurePosixPath, Path] = {}

    def found() -> Iterator[FoundFile]:
        for path in walk(root):
            relative = PurePosixPath(path.relative_to(root).as_posix())
            paths[relative] = path
            yield FoundFile(
                relative=relative,
                shown=reader.display(path),
                head=lambda size, path=path: _head(path, size),  # type: ignore[misc]
            )

    sorted_ = sort_found(found(), exclude)
    return Discovery(
        targets=tuple(
            Target(path=paths[relative], root=root, collector=collector)
            for relative, collector in sorted_.targets
        ),
        unsupported=sorted_.unsupported,
        excluded=sorted_.excluded,
    )


@dataclass(frozen=True, kw_only=True)
class FoundFile:
    """A file of a scanned tree (on disk or in a git commit): its path below the scanned
    folder, its displayed name, and how to read its first bytes."""

    relative: PurePosixPath
    shown: str
    head: Callable[[int], str]


@dataclass(frozen=True, kw_only=True)
class Sorted:
    """What the files of a tree are: lockfiles to collect (with their collector), files of
    formats auditor does not read, and lockfiles the exclude patterns left out."""

    targets: tuple[tuple[PurePosixPath, Collector], ...]
    unsupported: tuple[UnsupportedFile, ...]
    excluded: tuple[str, ...]


def sort_found(files: Iterable[FoundFile], exclude: Sequence[str]) -> Sorted:
    """Sort the files of a tree, in their order: the one rule for a folder on disk and for
    a commit's tree (``report --backfill``)."""
    targets: list[tuple[PurePosixPath, Collector]] = []
    unsupported: list[UnsupportedFile] = []
    left_out: list[str] = []
    manifests: list[tuple[PurePosixPath, str, str]] = []
    locks: list[PurePosixPath] = []
    for file in files:
        relative = file.relative
        collector = collector_for_name(Path(relative))
        if collector is not None and not collector.confirm(
            relative.as_posix(), file.head(SNIFF_BYTES)
        ):
            collector = None
        what = None if collector is not None else unsupported_lockfile(relative.name)
        manifest = manifest_for(relative.name) if collector is None and what is None else None
        if collector is None and what is None and manifest is None:
            continue  # most files: nothing more is computed for them
        if exclude and excluded(relative, exclude):
            left_out.append(file.shown)
            continue
        if collector is not None:
            targets.append((relative, collector))
            locks.append(relative)
        elif what is not None:
            unsupported.append(lockfile_entry(file.shown, what))
            locks.append(relative)
        else:
            manifests.append((relative, file.shown, file.head(MAX_MANIFEST_BYTES)))
    unsupported.extend(unlocked_manifests(manifests, locks))
    return Sorted(targets=tuple(targets), unsupported=tuple(unsupported), excluded=tuple(left_out))
