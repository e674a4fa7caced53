"""``osv-local``: OSV records on disk, no network.

Accepted layouts, all read the same way:

- a directory of OSV records (``.json``, ``.yaml``, ``.yml``), searched recursively, such as
  a checkout of an advisory database;
- OSV's per-ecosystem export (``all.zip``), or a directory holding such zips, including
  the cache ``auditor db sync`` writes: ``<cache>/osv/<Ecosystem>/all.zip`` with a
  ``meta.json`` beside each zip recording when it was downloaded;
- a single record file.

The index maps (ecosystem, normalised name) to where each record lives; it is built once,
on the first query, from a light read of each record (package names and times only).
Records are parsed fully only for the packages asked about, so a full PyPI export costs
memory for its index, not for tens of thousands of parsed records. A zip is read in place:
nothing is extracted, so member names cannot escape anywhere.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from auditor.advisories.base import (
    AdvisorySource,
    SourceAnswer,
    SourceOptions,
    age_in_days,
    precheck,
)
from auditor.advisories.osv import AdvisoryFormatError, OsvRecord, load_record, parse_timestamp
from auditor.core.documents import yaml_error, yaml_value
from auditor.core.errors import LockfileError, SourceError, UsageError
from auditor.core.fsutil import ZIP_ERRORS
from auditor.core.model import Ecosystem, Package
from auditor.core.resources import bundled_data
from auditor.core.result import SourceInfo
from auditor.core.times import rfc3339

RECORD_SUFFIXES = (".json", ".yaml", ".yml")
MAX_RECORD_BYTES = 16 * 1024 * 1024  # the largest real OSV record is well under 1 MiB
META_NAME = "meta.json"
ZIP_NAME = "all.zip"
BUNDLED = bundled_data("advisories")
BUNDLED_LOCATION = "data/advisories (bundled snapshot)"
BUNDLED_NOTE = (
    "the bundled snapshot is a small, dated sample of real OSV records for offline use; "
    "it is not a complete advisory database: run auditor db sync, or give --advisory-db a "
    "directory of OSV records or OSV's all.zip export, for a real audit"
)


@dataclass(frozen=True)
class _Where:
    """Where one record lives: a file, or a member of a zip."""

    container: Path
    member: str | None = None

    def origin(self) -> str:
        return f"{self.container}:{self.member}" if self.member else str(self.container)

    def file_id(self) -> str:
        name = PurePosixPath(self.member) if self.member else self.container
        return name.name.rsplit(".", 1)[0]


@dataclass
class _Index:
    by_package: dict[tuple[Ecosystem, str], list[_Where]] = field(default_factory=dict)
    ecosystems: set[Ecosystem] = field(default_factory=set)
    records: int = 0
    undated: int = 0  # records without a real 'modified' time
    newest: datetime | None = None
    downloaded: list[datetime] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, where: _Where, value: Any) -> None:
        """Index one decoded record by the packages it names (a light, tolerant read)."""
        if not isinstance(value, dict):
            raise AdvisoryFormatError(where.origin(), "record is not a JSON object")
        self.records += 1
        text = value.get("modified")
        modified = parse_timestamp(text) if isinstance(text, str) else None
        if modified is None or modified.year == 1:
            # golang/vulndb's data/osv leaves every 'modified' at Go's zero time
            # (0001-01-01T00:00:00Z): not a date, so it says nothing about the data's age
            self.undated += 1
        elif self.newest is None or modified > self.newest:
            self.newest = modified
        affected = value.get("affected")
        for entry in affected if isinstance(affected, list) else ():
            package = entry.get("package") if isinstance(entry, dict) else None
            if not isinstance(package, dict):
                continue
            ecosystem, name = package.get("ecosystem"), package.get("name")
            if not isinstance(ecosystem, str) or not isinstance(name, str):
                continue
            try:
                eco = Ecosystem.parse(ecosystem)
            except ValueError:
                continue  # an ecosystem auditor does not audit (Debian, crates.io, ...)
            self.ecosystems.add(eco)
            places = self.by_package.setdefault((eco, eco.normalize_name(name)), [])
            if not places or places[-1] != where:
                places.append(where)


class OsvLocalSource(AdvisorySource):
    name = "osv-local"
    live = False
    description = "OSV records on disk: a directory, OSV's all.zip export, or the sync cache"

    def __init__(
        self,
        path: Path,
        *,
        options: SourceOptions | None = None,
        bundled: bool = False,
        synced: bool = False,
    ) -> None:
        self.path = path
        self.options = options or SourceOptions()
        self.bundled = bundled
        self.synced = synced
        self._index: _Index | None = None
        self._parsed: dict[_Where, OsvRecord] = {}

    @classmethod
    def from_options(cls, options: SourceOptions) -> OsvLocalSource:
        if options.advisory_db is None:
            # What `auditor db sync` downloaded beats the small bundled sample.
            synced = synced_database(options.cache_dir)
            if synced is not None:
                return cls(synced, options=options, synced=True)
            return cls(BUNDLED, options=options, bundled=True)
        path = options.advisory_db
        if not path.exists():
            raise UsageError(f"--advisory-db: {path} does not exist")
        return cls(path, options=options)

    @property
    def location(self) -> str:
        if self.bundled:
            return BUNDLED_LOCATION
        return f"{self.path} (auditor db sync)" if self.synced else str(self.path)

    def describe(self) -> SourceInfo:
        return SourceInfo(name=self.name, location=self.location)

    # -- the index ----------------------------------------------------------------------------

    def index(self) -> _Index:
        if self._index is None:
            self._index = self._build_index()
        return self._index

    def _build_index(self) -> _Index:
        index = _Index()
        if not self.path.exists():
            raise SourceError(f"{self.name}: {self.location} does not exist")
        if self.path.is_file():
            self._index_file(self.path, index)
            return index
        for folder, dirs, files in os.walk(self.path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            here = Path(folder)
            has_zip = any(f.lower().endswith(".zip") for f in files)
            for name in sorted(files):
                if name.startswith("."):
                    continue
                if has_zip and name == META_NAME:
                    self._read_meta(here / name, index)
                else:
                    self._index_file(here / name, index, named_ecosystem=here.name)
        if index.records == 0:
            raise SourceError(f"{self.name}: no OSV records in {self.location}")
        return index

    def _index_file(self, path: Path, index: _Index, named_ecosystem: str = "") -> None:
        lower = path.name.lower()
        if lower.endswith(".zip"):
            # <cache>/osv/<Ecosystem>/all.zip covers that ecosystem even if it has no
            # record; a zip elsewhere covers what its records name.
            with suppress(ValueError):
                index.ecosystems.add(Ecosystem.parse(named_ecosystem))
            for member, data in _zip_members(path):
                where = _Where(path, member)
                index.add(where, _decode(data, where))
        elif lower.endswith(RECORD_SUFFIXES):
            where = _Where(path)
            index.add(where, _decode(_read_file(path), where))

    def _read_meta(self, path: Path, index: _Index) -> None:
        try:
            meta = json.loads(_read_file(path))
        except (ValueError, SourceError):
            index.notes.append(f"{path}: unreadable, download time unknown")
            return
        when = parse_timestamp(meta.get("downloaded")) if isinstance(meta, dict) else None
        if when is None:
            index.notes.append(f"{path}: no valid 'downloaded' time")
        else:
            index.downloaded.append(when)

    # -- answering ------------------------------------------------------------------------------

    def query_all(self, packages: Sequence[Package]) -> SourceAnswer:
        index = self.index()
        records: dict[str, tuple[OsvRecord, ...]] = {}
        unchecked: list[tuple[str, str]] = []
        unaudited: list[tuple[str, str]] = []
        with ExitStack() as stack:
            zips: dict[Path, zipfile.ZipFile] = {}
            for package in packages:
                reason = precheck(package)
                if reason is not None:
                    unaudited.append((package.id, reason))
                    continue
                if package.ecosystem not in index.ecosystems:
                    reason = f"no {package.ecosystem.value} advisories in {self.location}"
                    if self.synced:
                        reason += f" (run auditor db sync --ecosystem {package.ecosystem.value})"
                    unchecked.append((package.id, reason))
                    continue
                try:
                    found = self._records_for(package, index, zips, stack)
                except SourceError as exc:
                    unchecked.append((package.id, str(exc)))
                    continue
                if found:
                    records[package.id] = found
        return SourceAnswer(
            records=records,
            unchecked=tuple(unchecked),
            unaudited=tuple(unaudited),
            info=self.info(),
        )

    def _records_for(
        self,
        package: Package,
        index: _Index,
        zips: dict[Path, zipfile.ZipFile],
        stack: ExitStack,
    ) -> tuple[OsvRecord, ...]:
        found = []
        for where in index.by_package.get((package.ecosystem, package.name), ()):
            record = self._parsed.get(where)
            if record is None:
                if where.member is None:
                    data = _read_file(where.container)
                else:
                    archive = zips.get(where.container)
                    if archive is None:
                        archive = stack.enter_context(_open_zip(where.container))
                        zips[where.container] = archive
                    data = _read_member(archive, where)
                record = load_record(_text(data, where), where.origin(), file_id=where.file_id())
                self._parsed[where] = record
            found.append(record)
        return tuple(found)

    def info(self) -> SourceInfo:
        index = self.index()
        updated = min(index.downloaded) if index.downloaded else index.newest
        age = age_in_days(updated, self.options.now)
        notes = list(index.notes)
        if updated is None and index.undated:
            notes.append(
                f"{index.undated} of {index.records} records carry no modification time "
                "(Go's zero time 0001-01-01T00:00:00Z, as golang/vulndb's data/osv writes it): "
                "the age of this data is unknown"
            )
        if self.bundled:
            notes.insert(0, BUNDLED_NOTE)
        return SourceInfo(
            name=self.name,
            location=self.location,
            updated=rfc3339(updated) if updated else None,
            age_days=age,
            stale=age is None or age > self.options.stale_days,
            records=index.records,
            ecosystems=tuple(sorted(e.value for e in index.ecosystems)),
            notes=tuple(notes),
            sample=self.bundled,
        )


def synced_database(cache_dir: Path | None) -> Path | None:
    """``<cache>/osv`` when ``auditor db sync`` left at least one export there."""
    if cache_dir is None:
        return None
    folder = cache_dir / "osv"
    try:
        found = any(p.is_file() for p in folder.glob(f"*/{ZIP_NAME}"))
    except OSError:
        return None
    return folder if found else None


# -- reading, bounded ---------------------------------------------------------------------------


def _read_file(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_RECORD_BYTES + 1)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_RECORD_BYTES:
        raise AdvisoryFormatError(str(path), f"larger than {MAX_RECORD_BYTES} bytes")
    return data


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise SourceError(f"{path}: not a readable zip file ({exc})") from None


def _zip_members(path: Path) -> Iterator[tuple[str, bytes]]:
    with _open_zip(path) as archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.lower().endswith(RECORD_SUFFIXES):
                continue
            yield info.filename, _read_member(archive, _Where(path, info.filename))


def _read_member(archive: zipfile.ZipFile, where: _Where) -> bytes:
    assert where.member is not None  # noqa: S101 - only zip locations come here
    try:
        info = archive.getinfo(where.member)
        if info.file_size > MAX_RECORD_BYTES:
            raise AdvisoryFormatError(where.origin(), f"larger than {MAX_RECORD_BYTES} bytes")
        with archive.open(info) as handle:
            data = handle.read(MAX_RECORD_BYTES + 1)
    except ZIP_ERRORS as exc:
        raise SourceError(f"{where.origin()}: cannot read from the zip ({exc})") from None
    if len(data) > MAX_RECORD_BYTES:
        raise AdvisoryFormatError(where.origin(), f"larger than {MAX_RECORD_BYTES} bytes")
    return data


def _text(data: bytes, where: _Where) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AdvisoryFormatError(where.origin(), f"not UTF-8 text (byte {exc.start})") from None


def _decode(data: bytes, where: _Where) -> Any:
    text = _text(data, where)
    if where.origin().lower().endswith((".yaml", ".yml")):
        try:
            return yaml_value(text, where.origin())
        except LockfileError as exc:
            raise AdvisoryFormatError(where.origin(), exc.message) from None
        except (yaml_error(), RecursionError, ValueError, TypeError):
            load_record(text, where.origin())  # raises the precise error
            raise AdvisoryFormatError(where.origin(), "not valid YAML") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        load_record(text, where.origin())  # raises the precise error (with the line)
        raise AdvisoryFormatError(where.origin(), "not valid JSON") from None
