"""Turning command-line paths into (file, collector) targets.

A directory is walked (no symlinked directories followed, version-control, dependency,
virtualenv and build folders skipped) and each file is matched to a collector by name. A
file named explicitly is matched by name first, then by content, and ``--as`` forces a
collector for it. A directory named explicitly that is an installed Python environment (a
virtual environment, recognised by its ``pyvenv.cfg``, or a ``site-packages`` folder) is
not walked: it is one target, the environment's installed distributions.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.collectors import plugins
from auditor.collectors.base import Collector
from auditor.collectors.inputs import TreeReader, decode, is_within
from auditor.core.errors import LockfileError, UsageError

SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr",
        "node_modules", "bower_components", "jspm_packages",
        ".venv", "venv", ".virtualenv", "__pypackages__", "site-packages",
        ".tox", ".nox", ".direnv",
        "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis",
        "build", "dist", ".eggs", ".next", ".nuxt", ".yarn", ".pnpm-store",
        ".auditor", "auditor-report",
    }
)  # fmt: skip
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


def _head(path: Path) -> str:
    """The first bytes of a found file as text, for ``Collector.confirm`` (empty when it
    cannot be read: collecting it then reports the error properly)."""
    try:
        with path.open("rb") as handle:
            return handle.read(SNIFF_BYTES).decode("utf-8", errors="replace")
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
    args: Sequence[str], *, force: str | None = None, cwd: Path | None = None
) -> list[Target]:
    """Resolve paths given on the command line into targets, in a stable order."""
    here = (cwd or Path.cwd()).absolute()
    forced = _forced(force) if force else None
    targets: list[Target] = []
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
            root = path.absolute()
            for found in walk(root):
                relative = found.relative_to(root)
                collector = collector_for_name(relative)
                if collector is not None and collector.confirm(relative.as_posix(), _head(found)):
                    targets.append(Target(path=found, root=root, collector=collector))
            continue
        root = here if is_within(path.absolute(), here) else path.absolute().parent
        shown = TreeReader(root).display(path)
        collector = forced or collector_for_name(path) or _sniff(path, shown)
        if collector is None:
            known = ", ".join(plugins.names())
            raise UsageError(
                f"{arg}: cannot tell which lockfile format this is; use --as FORMAT ({known})"
            )
        targets.append(Target(path=path.absolute(), root=root, collector=collector, explicit=True))
    return targets
