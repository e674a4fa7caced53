"""The on-disk HTTP response cache used by ``net.py``.

One file per entry, named by a hash of (method, redacted URL, body hash), so neither a
credential nor a hash of one ends up in a file name. Each file holds a header line, one line
of JSON metadata (including the SHA-256 of the body) and the body; an entry whose header,
metadata or body hash does not check out is treated as absent and removed. Writes go through
a temporary file and ``os.replace``, so a reader never sees half an entry. A cache failure
(full disk, permissions) is logged and ignored: the cache can only make a run faster.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from auditor.core.redact import redact_url

_MAGIC = b"auditor-http-cache/1\n"
_KEEP_HEADERS = ("content-type", "etag", "last-modified", "content-encoding")
logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class CacheEntry:
    """A stored response. ``url`` is redacted; ``stored`` is Unix time."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    stored: float

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers if k == wanted), None)

    def is_fresh(self, now: float, ttl: float) -> bool:
        return 0 <= now - self.stored < ttl

    @property
    def validators(self) -> dict[str, str]:
        """Conditional request headers for revalidating this entry, if the server gave any."""
        out = {}
        if etag := self.header("etag"):
            out["If-None-Match"] = etag
        if modified := self.header("last-modified"):
            out["If-Modified-Since"] = modified
        return out


def cache_key(method: str, url: str, body: bytes | None) -> str:
    """The entry key: a hash over the method, the redacted URL and the body's hash."""
    digest = hashlib.sha256()
    digest.update(method.upper().encode())
    digest.update(b"\n")
    digest.update(redact_url(url).encode())
    digest.update(b"\n")
    digest.update(hashlib.sha256(body or b"").hexdigest().encode())
    return digest.hexdigest()


def keep_headers(headers: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The response headers worth storing (lowercased names, sorted)."""
    return tuple(sorted((k, v) for k, v in headers.items() if k in _KEEP_HEADERS))


class ResponseCache:
    """A directory of cached responses; safe for concurrent threads and processes."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.entry"

    def load(self, key: str) -> CacheEntry | None:
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            logger.warning("cache entry %s unreadable (%s); ignoring it", path.name, exc.strerror)
            return None
        entry = _decode(data)
        if entry is None:
            logger.warning("cache entry %s is corrupted; discarding it", path.name)
            path.unlink(missing_ok=True)
        return entry

    def store(self, key: str, entry: CacheEntry) -> None:
        meta = {
            "url": entry.url,
            "status": entry.status,
            "headers": [list(pair) for pair in entry.headers],
            "stored": entry.stored,
            "size": len(entry.body),
            "sha256": hashlib.sha256(entry.body).hexdigest(),
        }
        payload = _MAGIC + json.dumps(meta, sort_keys=True).encode() + b"\n" + entry.body
        self._write(self.path(key), payload)

    def touch(self, key: str, entry: CacheEntry, now: float) -> CacheEntry:
        """Mark a revalidated entry fresh again (the server answered 304)."""
        fresh = replace(entry, stored=now)
        self.store(key, fresh)
        return fresh

    def _write(self, path: Path, payload: bytes) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(payload)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            logger.warning("cannot write cache entry %s (%s)", path.name, exc.strerror or exc)


def _decode(data: bytes) -> CacheEntry | None:
    if not data.startswith(_MAGIC):
        return None
    meta_line, sep, body = data[len(_MAGIC) :].partition(b"\n")
    if not sep:
        return None
    try:
        meta = json.loads(meta_line)
        headers = tuple((str(k), str(v)) for k, v in meta["headers"])
        entry = CacheEntry(
            url=str(meta["url"]),
            status=int(meta["status"]),
            headers=headers,
            body=body,
            stored=float(meta["stored"]),
        )
        valid = len(body) == meta["size"] and hashlib.sha256(body).hexdigest() == meta["sha256"]
    except (ValueError, KeyError, TypeError):
        return None
    return entry if valid else None
