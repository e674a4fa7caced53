"""The osv-api record cache: one file per advisory, keyed by (id, modified), with a TTL.

``querybatch`` answers with each matching record's id and ``modified`` time. A record cached
with the same ``modified`` is the same record, so it is not fetched again while its entry is
younger than the TTL (the TTL bounds how long a record the API changed without touching
``modified`` can linger). Entries are written atomically; an unreadable, mismatched or
expired entry is simply fetched again, and a cache that cannot be written is ignored (the
run goes on without it).

Layout: ``<cache root>/osv-api/<id>.json`` holding ``{"id", "modified", "stored", "record"}``
(``stored`` is a Unix time, ``record`` the record exactly as the API sent it).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from auditor.advisories.osv import OsvRecord, parse_timestamp, record_from_value
from auditor.core.errors import AuditorError, SourceError, UsageError
from auditor.core.fsutil import atomic_write

TTL_ENV = "AUDITOR_OSV_CACHE_TTL"
DEFAULT_TTL = 7 * 24 * 3600.0
FOLDER = "osv-api"
MAX_ENTRY_BYTES = 16 * 1024 * 1024
logger = logging.getLogger(__name__)


def cache_ttl(environ: Mapping[str, str] | None = None) -> float:
    """The record TTL in seconds from ``AUDITOR_OSV_CACHE_TTL`` (0 disables the cache)."""
    environ = os.environ if environ is None else environ
    text = environ.get(TTL_ENV, "").strip()
    if not text:
        return DEFAULT_TTL
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise UsageError(f"{TTL_ENV}={text!r}: expected a number of seconds (0 or more)")
    return value


class RecordCache:
    """Records on disk by id; ``get`` answers only for the same ``modified`` within the TTL."""

    def __init__(self, folder: Path, ttl: float, now: Callable[[], float] = time.time) -> None:
        self.folder = folder
        self.ttl = ttl
        self._now = now
        self._write_failed = False

    def path(self, record_id: str) -> Path:
        # ids are validated before they get here (no "/"); quoting keeps ":" out of names
        return self.folder / f"{quote(record_id, safe='')}.json"

    def get(self, record_id: str, modified: str, origin: str) -> OsvRecord | None:
        entry = self._load(record_id)
        if entry is None or entry.get("id") != record_id:
            return None
        if not isinstance(entry.get("modified"), str) or not same_time(entry["modified"], modified):
            return None
        stored = entry.get("stored")
        if not isinstance(stored, (int, float)) or self._now() - stored > self.ttl:
            return None
        try:
            record = record_from_value(entry.get("record"), origin)
        except SourceError:
            return None
        return record if record.id == record_id and record.modified == entry["modified"] else None

    def put(self, record: OsvRecord, value: Any) -> None:
        if self._write_failed:
            return
        entry = {
            "id": record.id,
            "modified": record.modified,
            "stored": self._now(),
            "record": value,
        }
        try:
            atomic_write(self.path(record.id), json.dumps(entry, sort_keys=True))
        except AuditorError as exc:
            self._write_failed = True  # one warning per run, not one per record
            logger.warning("osv-api record cache not written: %s", exc)

    def _load(self, record_id: str) -> dict[str, Any] | None:
        try:
            with self.path(record_id).open("rb") as handle:
                data = handle.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None
        if len(data) > MAX_ENTRY_BYTES:
            return None
        try:
            value = json.loads(data)
        except (ValueError, RecursionError):
            return None
        return value if isinstance(value, dict) else None


def same_time(a: str, b: str) -> bool:
    """Two ``modified`` values name the same moment (spellings may differ in precision)."""
    left, right = parse_timestamp(a), parse_timestamp(b)
    if left is None or right is None:
        return a == b
    return left == right
