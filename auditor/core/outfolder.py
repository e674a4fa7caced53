"""A folder auditor writes its reports into, sharing it safely with what else lives there.

Users point ``--out`` at folders they serve, commit and mount: ``--out docs`` must not
replace a real ``docs/index.html``. The folder keeps a manifest (``auditor-files.json``)
of every file auditor wrote there, and a run

- refuses, before writing anything, to replace a file the manifest does not list (unless
  ``force``; then the file becomes auditor's);
- writes each file through a temporary name and a rename, with the mode the umask gives
  (``0666 & ~umask``, as any other program's files), so a reader never sees half a file;
  the files are not flushed to the disk one by one (``fsync``, milliseconds each, is most
  of the cost of writing a site of thousands of pages), the manifest is;
- removes the files an earlier run wrote that this run did not (a pruned snapshot's page,
  a format no longer chosen), never anything else;
- removes the temporary files of a write that was killed (``.<name>.<random>.tmp``) for
  the names it manages.

The manifest is written first listing both runs' files, and again at the end listing this
run's, so an interrupted run never leaves a file of auditor's that the next run would take
for someone else's.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from auditor.core.errors import AuditorError, UsageError
from auditor.core.fsutil import atomic_write

MANIFEST = "auditor-files.json"
SCHEMA = "auditor.files/1"
LEGACY_MANIFESTS = ("auditor-site.json",)  # the site's own manifest before auditor 0.2
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]{8}\.tmp$")


class OutFolder:
    """The output folder ``root``; ``force``: replace files auditor did not write."""

    def __init__(self, root: Path, *, force: bool = False, flag: str = "--out") -> None:
        self.root = root
        self.force = force
        self.flag = flag  # how the user named the folder, for messages

    # -- what auditor wrote before ----------------------------------------------------------------

    def written_before(self) -> set[str]:
        """The files the manifest (or a legacy site manifest) says auditor wrote here."""
        found: set[str] = set()
        for name in (MANIFEST, *LEGACY_MANIFESTS):
            found |= self._manifest(name)
        return found

    def _manifest(self, name: str) -> set[str]:
        try:
            data = json.loads((self.root / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return set()
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, list):
            return set()
        known = set()
        for item in files:
            if isinstance(item, str):
                try:
                    self.inside(item)
                except AuditorError:
                    continue  # a tampered manifest cannot make us touch anything outside
                known.add(item)
        return known

    def _is_ours(self, name: str) -> bool:
        """Whether the file ``name`` (a manifest) is one auditor wrote."""
        try:
            data = json.loads((self.root / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(data, dict) and isinstance(data.get("files"), list)

    # -- checks -------------------------------------------------------------------------------

    def inside(self, name: str) -> Path:
        """The file for ``name`` (a ``/`` path) below the folder; an error if it would land
        anywhere else."""
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise AuditorError(
                f"{self.root}: refusing to write outside the report folder: {name!r}"
            )
        base = self.root.resolve()
        target = (base / Path(*pure.parts)).resolve()
        if not target.is_relative_to(base):
            raise AuditorError(
                f"{self.root}: refusing to write outside the report folder: {name!r}"
            )
        return target

    def check(self, names: Iterable[str], *, prefixes: Iterable[str] = ()) -> None:
        """A ``UsageError`` (one line) if writing ``names`` would replace a file auditor did
        not write; ``prefixes``: folders whose every file the run may write (checked whole)."""
        if self.root.exists() and not self.root.is_dir():
            raise UsageError(f"{self.flag} {self.root}: exists and is not a folder")
        if self.force or not self.root.is_dir():
            return
        ours = self.written_before()
        wanted = [*names, MANIFEST]
        for prefix in prefixes:
            folder = self.root / prefix
            if folder.is_dir():
                wanted.extend(
                    PurePosixPath(path.relative_to(self.root)).as_posix()
                    for path in sorted(folder.rglob("*"))
                    if path.is_file() or path.is_symlink()
                )
        for name in wanted:
            if name in ours or (name == MANIFEST and self._is_ours(name)):
                continue
            target = self.root / name
            if target.is_file() or target.is_symlink():
                raise UsageError(
                    f"{self.flag} {self.root}: {name} exists and auditor did not write it; "
                    "choose another folder or pass --force to replace it"
                )

    # -- writing ------------------------------------------------------------------------------

    def write(self, files: Mapping[str, str | bytes]) -> list[Path]:
        """Write ``files`` (name → content), then remove what an earlier run wrote and this
        one did not. Raises ``UsageError`` before writing anything if a file would replace
        one auditor did not write, ``AuditorError`` when the folder cannot be written."""
        targets = {name: self.inside(name) for name in sorted(files)}
        self.check(targets)
        previous = self.written_before()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self._write_manifest(previous | set(targets))
            self._remove_leftovers(previous | set(targets))
            for name, target in targets.items():
                if target.is_symlink():
                    target.unlink()  # never write through a link planted in the folder
                atomic_write(target, files[name], durable=False)  # the manifest is durable
            for name in sorted(previous - set(targets)):
                self._remove(name)
            self._write_manifest(set(targets))
            for legacy in LEGACY_MANIFESTS:
                if legacy not in targets:
                    (self.root / legacy).unlink(missing_ok=True)
        except OSError as exc:
            raise AuditorError(f"{self.root}: cannot write: {exc.strerror or exc}") from None
        return list(targets.values())

    def _write_manifest(self, names: set[str]) -> None:
        document = {"schema": SCHEMA, "files": sorted(names)}
        atomic_write(self.root / MANIFEST, json.dumps(document, indent=0) + "\n")

    def _remove(self, name: str) -> None:
        stale = self.inside(name)
        if stale.is_file() and not stale.is_symlink():
            stale.unlink()
        base = self.root.resolve()
        folder = stale.parent
        while folder != base and folder.is_relative_to(base):
            try:
                folder.rmdir()  # only when the run left it empty
            except OSError:
                break
            folder = folder.parent

    def _remove_leftovers(self, names: set[str]) -> None:
        """Temporary files of an interrupted write of one of ``names``."""
        by_folder: dict[Path, set[str]] = {}
        for name in names:
            target = self.inside(name)
            by_folder.setdefault(target.parent, set()).add(target.name)
        for folder, wanted in by_folder.items():
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                match = _TEMPORARY.match(entry.name)
                if match and match["name"] in wanted and entry.is_file(follow_symlinks=False):
                    Path(entry.path).unlink(missing_ok=True)
