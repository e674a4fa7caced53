"""The OSV record (schema 1.x) as typed, frozen values, parsed from untrusted JSON or YAML.

Every structural problem is an ``AdvisoryFormatError`` naming the record file and the dotted
key path, e.g. ``osv/PyPI/all.zip:PYSEC-2020-1.json: 'fixed' is an integer, expected a
string in affected[0].ranges[0].events[1]``. Fields the matcher does not interpret
(``ecosystem_specific``, ``database_specific``) are kept as plain JSON values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from auditor.core.documents import Doc, InputFile, load_json, load_yaml
from auditor.core.errors import LockfileError, SourceError
from auditor.core.times import parse_rfc3339

EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")
RANGE_ECOSYSTEM = "ECOSYSTEM"
RANGE_SEMVER = "SEMVER"
RANGE_GIT = "GIT"
MALICIOUS_PREFIX = "MAL-"
# IDs end up in terminals, file names and ignore lists: printable, no spaces, bounded.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}$")

JsonObject = dict[str, Any]


class AdvisoryFormatError(SourceError):
    """An advisory record that is not valid OSV, with the file and the key path."""

    def __init__(
        self, path: str, message: str, *, key: str | None = None, line: int | None = None
    ) -> None:
        self.path = path
        self.message = message
        self.key = key
        self.line = line
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {message} in {key}" if key else f"{where}: {message}")


@dataclass(frozen=True, kw_only=True)
class Event:
    """One point of a range's timeline: ``kind`` is introduced/fixed/last_affected/limit."""

    kind: str
    version: str


@dataclass(frozen=True, kw_only=True)
class Range:
    type: str  # ECOSYSTEM, SEMVER, GIT (other values are kept and not evaluated)
    events: tuple[Event, ...]
    repo: str | None = None


@dataclass(frozen=True, kw_only=True)
class SeverityScore:
    type: str  # CVSS_V2, CVSS_V3, CVSS_V4, Ubuntu, ...
    score: str


@dataclass(frozen=True, kw_only=True)
class Reference:
    type: str
    url: str


@dataclass(frozen=True, kw_only=True)
class AffectedPackage:
    ecosystem: str
    name: str
    purl: str | None = None


@dataclass(frozen=True, kw_only=True, eq=False)
class Affected:
    """One ``affected[]`` entry: a package, its ranges and/or explicit versions."""

    index: int  # position in affected[], for messages
    package: AffectedPackage | None
    ranges: tuple[Range, ...] = ()
    versions: tuple[str, ...] = ()
    severity: tuple[SeverityScore, ...] = ()
    ecosystem_specific: JsonObject | None = None
    database_specific: JsonObject | None = None


@dataclass(frozen=True, kw_only=True, eq=False)
class OsvRecord:
    """One advisory. ``origin`` is where it was read (a file, or ``zip:member``)."""

    id: str
    modified: str
    origin: str
    schema_version: str | None = None
    published: str | None = None
    withdrawn: str | None = None
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    upstream: tuple[str, ...] = ()
    summary: str = ""
    details: str = ""
    severity: tuple[SeverityScore, ...] = ()
    affected: tuple[Affected, ...] = ()
    references: tuple[Reference, ...] = ()
    database_specific: JsonObject | None = None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn is not None

    @property
    def is_malicious(self) -> bool:
        """OpenSSF malicious-package records (``MAL-``): a malicious release, not a bug."""
        return self.id.startswith(MALICIOUS_PREFIX)

    @property
    def ids(self) -> tuple[str, ...]:
        """The record's own id and its aliases: what identifies the same vulnerability."""
        return (self.id, *self.aliases)

    @property
    def modified_at(self) -> datetime | None:
        return parse_timestamp(self.modified)

    @property
    def cwes(self) -> tuple[str, ...]:
        """CWE ids from ``database_specific.cwe_ids`` (GHSA) and ``affected[]`` (OpenSSF)."""
        found: set[str] = set()
        found.update(_cwe_ids(self.database_specific))
        for entry in self.affected:
            found.update(_cwe_ids(entry.database_specific))
        return tuple(sorted(found))


def _cwe_ids(specific: JsonObject | None) -> list[str]:
    if not specific:
        return []
    values: list[str] = []
    ids = specific.get("cwe_ids")
    if isinstance(ids, list):
        values.extend(v for v in ids if isinstance(v, str))
    cwes = specific.get("cwes")
    if isinstance(cwes, list):
        values.extend(c["cweId"] for c in cwes if isinstance(c, dict) and "cweId" in c)
    return [v for v in values if isinstance(v, str) and re.fullmatch(r"CWE-\d{1,6}", v)]


def parse_timestamp(text: str | None) -> datetime | None:
    """An RFC 3339 time (OSV writes ``Z`` and up to nanoseconds) as aware UTC, or None."""
    return parse_rfc3339(text)


# -- parsing -------------------------------------------------------------------------------


def load_record(text: str, origin: str, *, file_id: str | None = None) -> OsvRecord:
    """Parse one record file's text; YAML when ``origin`` ends in .yaml/.yml, else JSON.

    ``file_id`` is the id the file's name implies (its stem), used only when the record's
    own ``id`` is empty: the OpenSSF malicious-packages repository keeps reports that have
    no id assigned yet as ``MAL-0000-<source>-<hash>.json`` with ``"id": ""``, and a
    malicious package must not go unreported for want of a number.
    """
    file = InputFile(path=origin, text=text)
    try:
        doc = load_yaml(file) if origin.lower().endswith((".yaml", ".yml")) else load_json(file)
        return parse_record(doc, file_id=file_id)
    except LockfileError as exc:
        raise AdvisoryFormatError(exc.path, exc.message, key=exc.key, line=exc.line) from None


def record_from_value(value: Any, origin: str) -> OsvRecord:
    """Parse an already decoded JSON value (e.g. from an API response)."""
    try:
        return parse_record(Doc(origin, value))
    except LockfileError as exc:
        raise AdvisoryFormatError(exc.path, exc.message, key=exc.key, line=exc.line) from None


def parse_record(doc: Doc, *, file_id: str | None = None) -> OsvRecord:
    doc.mapping()
    record_id = doc.string("id")
    if not record_id and file_id and _ID.match(file_id):
        record_id = file_id
    if not _ID.match(record_id):
        doc.child("id").fail("is not a valid advisory id")
    return OsvRecord(
        id=record_id,
        modified=doc.string("modified"),
        origin=doc.file,
        schema_version=doc.opt_string("schema_version"),
        published=doc.opt_string("published"),
        withdrawn=doc.opt_string("withdrawn"),
        aliases=_ids(doc, "aliases", exclude=record_id),
        related=_ids(doc, "related", exclude=record_id),
        upstream=_ids(doc, "upstream", exclude=record_id),
        summary=doc.opt_string("summary") or "",
        details=doc.opt_string("details") or "",
        severity=_severities(doc),
        affected=tuple(_affected(i, item) for i, item in enumerate(doc.opt_array("affected"))),
        references=tuple(_reference(item) for item in doc.opt_array("references")),
        database_specific=_object(doc, "database_specific"),
    )


def _ids(doc: Doc, name: str, *, exclude: str) -> tuple[str, ...]:
    # Real records carry typos here (PYSEC-2022-184 has "GHSA-jf66-3q76-h5p5," beside the
    # right spelling). Such a string names no advisory, so it cannot link records: skip it
    # rather than lose the whole record.
    values = {item.as_str() for item in doc.opt_array(name)}
    return tuple(sorted(v for v in values if _ID.match(v) and v != exclude))


def _object(doc: Doc, name: str) -> JsonObject | None:
    table = doc.opt_table(name)
    return None if table is None else dict(table.mapping())


def _severities(doc: Doc) -> tuple[SeverityScore, ...]:
    return tuple(
        SeverityScore(type=item.string("type"), score=item.string("score"))
        for item in doc.opt_array("severity")
    )


def _reference(doc: Doc) -> Reference:
    return Reference(type=doc.opt_string("type") or "WEB", url=doc.string("url"))


def _affected(index: int, doc: Doc) -> Affected:
    doc.mapping()
    package = None
    table = doc.opt_table("package")
    if table is not None:
        package = AffectedPackage(
            ecosystem=table.string("ecosystem"),
            name=table.string("name"),
            purl=table.opt_string("purl"),
        )
    return Affected(
        index=index,
        package=package,
        ranges=tuple(_range(item) for item in doc.opt_array("ranges")),
        versions=tuple(doc.strings("versions")),
        severity=_severities(doc),
        ecosystem_specific=_object(doc, "ecosystem_specific"),
        database_specific=_object(doc, "database_specific"),
    )


def _range(doc: Doc) -> Range:
    doc.mapping()
    events = doc.array("events")
    if not events:
        doc.child("events").fail("is empty, expected at least one event")
    return Range(
        type=doc.string("type"),
        repo=doc.opt_string("repo"),
        events=tuple(_event(item) for item in events),
    )


def _event(doc: Doc) -> Event:
    table = doc.mapping()
    kinds = [k for k in EVENT_KINDS if k in table]
    if len(kinds) != 1:
        expected = "exactly one of " + ", ".join(EVENT_KINDS)
        doc.fail(f"event has {len(kinds)} of {expected}")
    return Event(kind=kinds[0], version=doc.string(kinds[0]))
