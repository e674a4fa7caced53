"""``auditor db sync``: OSV's per-ecosystem exports, downloaded into the cache directory.

Layout (read by the ``osv-local`` source)::

    <cache>/osv/<Ecosystem>/all.zip     the export, as published
    <cache>/osv/<Ecosystem>/meta.json   {"downloaded", "source_url", "sha256", "size",
                                         "records", "etag", "last_modified"}

``downloaded`` is when the local copy was last confirmed current: written on download and
renewed when the server answers a conditional request with 304 Not Modified.

An export replaces the database only after it passed every check: size limits, a readable
zip whose members are all safely named ``.json`` files (no absolute paths, no ``..``, no
symlinks, no directories: zip-slip safe although nothing is extracted), each one a JSON
object with an ``id``, at least ``min_records`` of them and not fewer than ``min_ratio`` of
the records of the database it replaces, and a checksum the server published, if any. The
download goes to a temporary file in the same directory and both files are swapped in with
``os.replace``, so an interrupted or failed sync leaves the previous database intact.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import stat
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from auditor.core.errors import SourceError, excerpt
from auditor.core.fsutil import ZIP_ERRORS
from auditor.core.model import Ecosystem
from auditor.core.redact import redact_url
from auditor.net.client import HttpClient

DEFAULT_EXPORT_URL = "https://osv-vulnerabilities.storage.googleapis.com"
EXPORT_URL_ENV = "AUDITOR_OSV_EXPORT_URL"
ZIP_NAME = "all.zip"
META_NAME = "meta.json"
_META_KEYS = ("downloaded", "source_url", "sha256", "size", "records", "etag", "last_modified")

if sys.platform != "win32":  # one sync per database at a time (POSIX advisory lock)
    import fcntl


@dataclass(frozen=True, kw_only=True)
class SyncLimits:
    """Sanity limits for an export (bytes unless named otherwise)."""

    max_download: int = 2 * 1024**3
    max_members: int = 2_000_000
    max_member_bytes: int = 32 * 1024**2
    max_uncompressed: int = 16 * 1024**3
    min_records: int = 1
    min_ratio: float = 0.5  # refuse an export with fewer than half the current records


@dataclass(frozen=True, kw_only=True)
class DbMeta:
    """The contents of ``meta.json``."""

    downloaded: str
    source_url: str
    sha256: str
    size: int
    records: int
    etag: str | None = None
    last_modified: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in _META_KEYS}

    @property
    def downloaded_at(self) -> datetime:
        return _parse_time(self.downloaded)

    @classmethod
    def read(cls, path: Path) -> DbMeta:
        """Read and validate ``meta.json``; a ``SourceError`` naming the file and key."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SourceError(f"{path}: missing") from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise SourceError(f"{path}: unreadable ({exc})") from None
        if not isinstance(data, dict):
            raise SourceError(f"{path}: expected a JSON object")
        for key, kinds in _META_TYPES.items():
            value = data.get(key)
            if not isinstance(value, kinds) or isinstance(value, bool):
                raise SourceError(f"{path}: missing or invalid {key!r}")
        meta = cls(
            downloaded=data["downloaded"],
            source_url=data["source_url"],
            sha256=data["sha256"],
            size=data["size"],
            records=data["records"],
            etag=data.get("etag"),
            last_modified=data.get("last_modified"),
        )
        try:
            meta.downloaded_at  # noqa: B018 - validates the timestamp
        except ValueError:
            raise SourceError(f"{path}: 'downloaded' is not an ISO-8601 time") from None
        return meta


_META_TYPES: dict[str, type | tuple[type, ...]] = {
    "downloaded": str,
    "source_url": str,
    "sha256": str,
    "size": int,
    "records": int,
    "etag": (str, type(None)),
    "last_modified": (str, type(None)),
}


@dataclass(frozen=True, kw_only=True)
class SyncResult:
    ecosystem: Ecosystem
    updated: bool  # False: the server said the export is unchanged (304)
    meta: DbMeta


def database_dir(cache_dir: Path, ecosystem: Ecosystem) -> Path:
    return cache_dir / "osv" / ecosystem.value


def export_url(base: str, ecosystem: Ecosystem) -> str:
    return f"{base.rstrip('/')}/{quote(ecosystem.value)}/{ZIP_NAME}"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def sync_ecosystem(
    client: HttpClient,
    cache_dir: Path,
    ecosystem: Ecosystem,
    *,
    base_url: str = DEFAULT_EXPORT_URL,
    limits: SyncLimits | None = None,
    now: Callable[[], datetime] = utc_now,
) -> SyncResult:
    """Download one ecosystem's export if it changed; replace the database atomically."""
    limits = limits or SyncLimits()
    updated, meta = keep_current(
        client,
        database_dir(cache_dir, ecosystem),
        ZIP_NAME,
        export_url(base_url, ecosystem),
        verify=lambda path, shown: verify_export(path, limits, shown),
        label=f"the {ecosystem.value} database",
        limits=limits,
        now=now,
    )
    return SyncResult(ecosystem=ecosystem, updated=updated, meta=meta)


Verify = Callable[[Path, str], int]  # (downloaded file, shown URL) -> records; SourceError


def keep_current(
    client: HttpClient,
    folder: Path,
    name: str,
    url: str,
    *,
    verify: Verify,
    label: str,
    limits: SyncLimits | None = None,
    now: Callable[[], datetime] = utc_now,
) -> tuple[bool, DbMeta]:
    """Keep ``folder/name`` (with ``meta.json`` beside it) a verified copy of ``url``:
    a conditional download, ``verify`` on the new file, then both files swapped in.
    Returns whether it changed and its metadata."""
    limits = limits or SyncLimits()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SourceError(f"{folder}: cannot create the folder: {exc.strerror}") from None
    with _locked(folder, name, label):
        current = _current_meta(folder, name)
        return _sync_locked(
            client,
            target=folder / name,
            url=url,
            shown=redact_url(url),
            current=current,
            limits=limits,
            now=now,
            verify=verify,
        )


def import_file(
    source: Path,
    folder: Path,
    name: str,
    *,
    verify: Verify,
    label: str,
    now: Callable[[], datetime] = utc_now,
) -> DbMeta:
    """Put a copy of the local file ``source`` in place of ``folder/name`` once it passed
    ``verify``, as a download would (``meta.json`` names the file as its source)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SourceError(f"{folder}: cannot create the folder: {exc.strerror}") from None
    with _locked(folder, name, label):
        fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            size = 0
            with source.open("rb") as handle, os.fdopen(fd, "wb") as out:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
                    size += len(block)
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            records = verify(tmp, str(source))
            meta = DbMeta(
                downloaded=now().astimezone(timezone.utc).isoformat(timespec="seconds"),
                source_url=str(source),
                sha256=digest.hexdigest(),
                size=size,
                records=records,
            )
            _install(tmp, folder / name, meta)
        except OSError as exc:
            raise SourceError(f"{source}: cannot read or copy: {exc.strerror or exc}") from None
        finally:
            tmp.unlink(missing_ok=True)
        return meta


def _sync_locked(
    client: HttpClient,
    *,
    target: Path,
    url: str,
    shown: str,
    current: DbMeta | None,
    limits: SyncLimits,
    now: Callable[[], datetime],
    verify: Verify,
) -> tuple[bool, DbMeta]:
    folder = target.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w+b") as handle:
            result = client.download(
                url,
                handle,
                etag=current.etag if current else None,
                last_modified=current.last_modified if current else None,
                max_bytes=limits.max_download,
            )
            os.fsync(handle.fileno())
        stamp = now().astimezone(timezone.utc).isoformat(timespec="seconds")
        if result.not_modified and current is not None:
            meta = replace(
                current,
                downloaded=stamp,
                etag=result.etag or current.etag,
                last_modified=result.last_modified or current.last_modified,
            )
            _write_json(folder / META_NAME, meta.to_json())
            return False, meta
        if result.not_modified:
            raise SourceError(f"{shown}: HTTP 304 to an unconditional request")
        _check_published_checksum(result.headers, result.md5, result.sha256, shown)
        records = verify(tmp, shown)
        _check_shrink(records, current, limits, shown)
        meta = DbMeta(
            downloaded=stamp,
            source_url=shown,
            sha256=result.sha256,
            size=result.size,
            records=records,
            etag=result.etag,
            last_modified=result.last_modified,
        )
        _install(tmp, target, meta)
    except OSError as exc:
        raise SourceError(f"{folder}: cannot write the database: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return True, meta


def _install(tmp: Path, target: Path, meta: DbMeta) -> None:
    """Swap the verified file in, then its ``meta.json``."""
    os.replace(tmp, target)
    _write_json(target.parent / META_NAME, meta.to_json())
    _fsync_dir(target.parent)


def verify_export(path: Path, limits: SyncLimits, shown: str) -> int:
    """Check an export zip member by member; return its number of records."""
    if not zipfile.is_zipfile(path):
        raise SourceError(f"{shown}: not a zip archive (truncated or wrong file?)")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_members(members, limits, shown)
            for info in members:
                _check_record(archive, info, limits, shown)
    except ZIP_ERRORS as exc:
        raise SourceError(f"{shown}: corrupt zip archive ({excerpt(str(exc), 200)})") from None
    if len(members) < limits.min_records:
        raise SourceError(
            f"{shown}: only {len(members)} records, expected at least {limits.min_records}"
        )
    return len(members)


def _check_members(members: list[zipfile.ZipInfo], limits: SyncLimits, shown: str) -> None:
    if len(members) > limits.max_members:
        raise SourceError(f"{shown}: {len(members)} members, more than {limits.max_members}")
    total = 0
    for info in members:
        problem = _unsafe_member(info)
        if problem:
            raise SourceError(f"{shown}: member {_printable(info.filename)}: {problem}")
        if info.file_size > limits.max_member_bytes:
            raise SourceError(
                f"{shown}: member {_printable(info.filename)} is {info.file_size} bytes, "
                f"more than {limits.max_member_bytes}"
            )
        total += info.file_size
    if total > limits.max_uncompressed:
        raise SourceError(
            f"{shown}: {total} bytes uncompressed, more than {limits.max_uncompressed}"
        )


def _unsafe_member(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    mode = info.external_attr >> 16
    if info.is_dir():
        return "a directory, expected only .json files"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "an absolute path"
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        return "a path that leaves the archive ('..')"
    if any(not ch.isprintable() for ch in name):
        return "a name with control characters"
    if not name.endswith(".json"):
        return "not a .json file"
    return None


def _check_record(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: SyncLimits, shown: str
) -> None:
    # read at most one byte more than allowed, so a lying header cannot inflate memory
    with archive.open(info) as member:
        data = member.read(limits.max_member_bytes + 1)
    where = f"{shown}: member {_printable(info.filename)}"
    if len(data) > limits.max_member_bytes:
        raise SourceError(f"{where} is larger than {limits.max_member_bytes} bytes")
    try:
        record = json.loads(data)
    except ValueError:
        raise SourceError(f"{where} is not valid JSON") from None
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        raise SourceError(f"{where} is not an OSV record (no 'id')")


def _check_published_checksum(
    headers: dict[str, str] | Any, md5_hex: str, sha256_hex: str, shown: str
) -> None:
    """Compare with a digest the server publishes: GCS ``x-goog-hash`` md5, ``Content-MD5``,
    or an artifact mirror's ``X-Checksum-Sha256``."""
    md5_b64 = base64.b64encode(bytes.fromhex(md5_hex)).decode()
    published: list[tuple[str, str, str]] = []
    for part in headers.get("x-goog-hash", "").split(","):
        kind, _, value = part.strip().partition("=")
        if kind == "md5" and value:
            published.append(("md5", value, md5_b64))
    if headers.get("content-md5"):
        published.append(("md5", headers["content-md5"].strip(), md5_b64))
    if headers.get("x-checksum-sha256"):
        published.append(("sha256", headers["x-checksum-sha256"].strip().lower(), sha256_hex))
    for kind, expected, actual in published:
        if expected != actual:
            raise SourceError(
                f"{shown}: {kind} checksum mismatch (published {_printable(expected)}, "
                f"downloaded {actual})"
            )


def _check_shrink(records: int, current: DbMeta | None, limits: SyncLimits, shown: str) -> None:
    if current is not None and records < current.records * limits.min_ratio:
        raise SourceError(
            f"{shown}: {records} records, fewer than {limits.min_ratio:.0%} of the "
            f"{current.records} in the current database; keeping the current one "
            "(--allow-shrink accepts it)"
        )


def _current_meta(folder: Path, name: str = ZIP_NAME) -> DbMeta | None:
    """The current database's metadata, if it is complete and consistent."""
    try:
        meta = DbMeta.read(folder / META_NAME)
        size = (folder / name).stat().st_size
    except (SourceError, OSError):
        return None
    return meta if size == meta.size else None


def _write_json(path: Path, data: dict[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _locked(folder: Path, name: str, label: str) -> Iterator[None]:
    if sys.platform == "win32":  # no fcntl; os.replace still keeps each file whole
        yield
        return
    with open(folder / ".sync.lock", "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise SourceError(f"another auditor db sync is updating {label}") from None
        try:
            for leftover in folder.glob(f".{name}.*.part"):
                leftover.unlink(missing_ok=True)  # from a sync that was killed
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _parse_time(text: str) -> datetime:
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _printable(text: str) -> str:
    return repr("".join(ch if ch.isprintable() else "?" for ch in text[:200]))
