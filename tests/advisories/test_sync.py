"""`db sync` against a local server: downloads, conditional requests, every bad export,
interrupted writes, and the previous database surviving each failure."""

from __future__ import annotations

import base64
import fcntl
import hashlib
import io
import json
import os
import stat
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from auditor.advisories import sync
from auditor.advisories.sync import SyncLimits, database_dir, sync_ecosystem, verify_export
from auditor.core.errors import SourceError
from auditor.core.model import Ecosystem
from auditor.net.client import HttpClient
from tests.advisories.exports import (
    conditional,
    export_zip,
    make_zip,
    record_files,
    serve_exports,
)
from tests.httpserver import FakeClock, HttpTestServer, Reply, quick_config, truncated

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
T1 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def _client(**overrides: Any) -> HttpClient:
    return HttpClient(quick_config(**overrides), clock=FakeClock())


def _sync(server: HttpTestServer, cache: Path, eco: Ecosystem = Ecosystem.PYPI, **kw: Any) -> Any:
    client = kw.pop("client", None) or _client()
    return sync_ecosystem(
        client, cache, eco, base_url=server.url, now=kw.pop("now", lambda: T0), **kw
    )


def _snapshot(cache: Path, eco: Ecosystem = Ecosystem.PYPI) -> dict[str, bytes]:
    folder = database_dir(cache, eco)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != ".sync.lock"}


def test_first_sync_writes_zip_and_meta(http_server: HttpTestServer, tmp_path: Path) -> None:
    """The export lands in <cache>/osv/PyPI/ with the documented meta.json; nothing else."""
    served = serve_exports(http_server, "PyPI")["PyPI"]
    result = _sync(http_server, tmp_path)
    folder = tmp_path / "osv" / "PyPI"
    assert served == (folder / "all.zip").read_bytes()
    meta = json.loads((folder / "meta.json").read_text())
    assert {
        "downloaded": "2026-03-01T12:00:00+00:00",
        "source_url": f"{http_server.url}/PyPI/all.zip",
        "sha256": hashlib.sha256(served).hexdigest(),
        "size": len(served),
        "records": 5,
        "etag": '"' + hashlib.md5(served, usedforsecurity=False).hexdigest() + '"',
        "last_modified": None,
    } == meta
    assert (True, 5) == (result.updated, result.meta.records)
    assert ["all.zip", "meta.json"] == sorted(_snapshot(tmp_path))


def test_unchanged_export_is_not_downloaded_again(
    http_server: HttpTestServer, tmp_path: Path
) -> None:
    """The second sync sends If-None-Match; a 304 keeps the zip and renews `downloaded`."""
    serve_exports(http_server, "PyPI")
    _sync(http_server, tmp_path)
    before = _snapshot(tmp_path)
    result = _sync(http_server, tmp_path, now=lambda: T1)
    after = _snapshot(tmp_path)
    assert not result.updated
    assert before["all.zip"] == after["all.zip"]
    meta = json.loads(after["meta.json"])
    assert "2026-03-02T12:00:00+00:00" == meta["downloaded"]
    assert json.loads(before["meta.json"])["sha256"] == meta["sha256"]
    assert http_server.requests[1].header("If-None-Match") == meta["etag"]


def test_last_modified_is_used_when_there_is_no_etag(
    http_server: HttpTestServer, tmp_path: Path
) -> None:
    """Without an ETag, If-Modified-Since carries the stored Last-Modified."""
    data = export_zip("Go")
    date = "Sun, 01 Mar 2026 10:00:00 GMT"
    http_server.route("GET", "/Go/all.zip", Reply(body=data, headers={"Last-Modified": date}))
    _sync(http_server, tmp_path, Ecosystem.GO)
    http_server.route("GET", "/Go/all.zip", conditional(data, last_modified=date))
    assert not _sync(http_server, tmp_path, Ecosystem.GO).updated
    assert date == http_server.requests[-1].header("If-Modified-Since")


def test_changed_export_replaces_the_database(http_server: HttpTestServer, tmp_path: Path) -> None:
    """A new export (new ETag) replaces zip and meta together."""
    serve_exports(http_server, "npm")
    _sync(http_server, tmp_path, Ecosystem.NPM)
    smaller = make_zip(record_files("npm")[:2])
    http_server.route("GET", "/npm/all.zip", conditional(smaller))
    result = _sync(http_server, tmp_path, Ecosystem.NPM)
    assert (True, 2) == (result.updated, result.meta.records)
    assert smaller == (tmp_path / "osv/npm/all.zip").read_bytes()


def _symlink_zip() -> bytes:
    info = zipfile.ZipInfo("link.json")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    good = record_files("PyPI")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(good[0][0], good[0][1])
        archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def _dir_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("records/"), b"")
    return buffer.getvalue()


GOOD = record_files("PyPI")
BAD_EXPORTS = {
    "not-a-zip": (b"<html>Service Unavailable</html>", "not a zip archive"),
    "truncated-zip": (export_zip("PyPI")[:-200], "not a zip archive"),
    "empty-zip": (make_zip([]), "only 0 records, expected at least 1"),
    "zip-slip": (make_zip([*GOOD, ("../../evil.json", b"{}")]), "a path that leaves the archive"),
    "nested-slip": (make_zip([("a/../../x.json", b"{}")]), "a path that leaves the archive"),
    "absolute": (make_zip([("/tmp/evil.json", b"{}")]), "an absolute path"),
    "drive": (make_zip([("C:/evil.json", b"{}")]), "an absolute path"),
    "symlink": (_symlink_zip(), "member 'link.json': a symbolic link"),
    "directory": (_dir_zip(), "a directory, expected only .json files"),
    "not-json-name": (make_zip([*GOOD, ("README.md", b"hi")]), "'README.md': not a .json file"),
    "control-char": (make_zip([("a\x1b[2J.json", b"{}")]), "a name with control characters"),
    "bad-json": (make_zip([*GOOD, ("X-1.json", b'{"id": ')]), "'X-1.json' is not valid JSON"),
    "no-id": (make_zip([*GOOD, ("X-2.json", b"[1, 2]")]), "is not an OSV record (no 'id')"),
}


@pytest.mark.parametrize("case", sorted(BAD_EXPORTS))
def test_bad_export_keeps_the_previous_database(
    http_server: HttpTestServer, tmp_path: Path, case: str
) -> None:
    """Every bad export is refused with one line naming the URL and the problem."""
    serve_exports(http_server, "PyPI")
    _sync(http_server, tmp_path)
    before = _snapshot(tmp_path)
    data, message = BAD_EXPORTS[case]
    http_server.route("GET", "/PyPI/all.zip", Reply(body=data))
    with pytest.raises(SourceError) as info:
        _sync(http_server, tmp_path)
    assert str(info.value).startswith(f"{http_server.url}/PyPI/all.zip: ")
    assert message in str(info.value)
    assert "\x1b" not in str(info.value)
    assert before == _snapshot(tmp_path)


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(status=500), "HTTP 500 after 4 attempts"),
        (Reply(status=404), "HTTP 404"),
        (truncated(export_zip("PyPI")), "body truncated"),
    ],
    ids=["500", "404", "cut-connection"],
)
def test_download_failure_keeps_the_previous_database(
    http_server: HttpTestServer, tmp_path: Path, reply: Reply, message: str
) -> None:
    """Server errors and cut connections fail the sync and change nothing on disk."""
    serve_exports(http_server, "PyPI")
    _sync(http_server, tmp_path)
    before = _snapshot(tmp_path)
    http_server.route("GET", "/PyPI/all.zip", reply)
    with pytest.raises(SourceError) as info:
        _sync(http_server, tmp_path)
    assert f"GET {http_server.url}/PyPI/all.zip: {message}" in str(info.value)
    assert before == _snapshot(tmp_path)


def test_kill_during_write_keeps_the_previous_database(
    http_server: HttpTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An interrupt in the middle of writing the download leaves no trace."""
    serve_exports(http_server, "PyPI")
    _sync(http_server, tmp_path)
    before = _snapshot(tmp_path)
    http_server.route("GET", "/PyPI/all.zip", Reply(body=b"x" * 5_000_000))
    real_fdopen = os.fdopen

    class Dying:
        def __init__(self, handle: Any) -> None:
            self._handle = handle
            self.written = 0

        def write(self, data: bytes) -> int:
            if self.written:
                raise KeyboardInterrupt
            self.written += len(data)
            return int(self._handle.write(data))

        def __getattr__(self, name: str) -> Any:
            return getattr(self._handle, name)

        def __enter__(self) -> Dying:
            return self

        def __exit__(self, *exc: object) -> None:
            self._handle.close()

    monkeypatch.setattr(sync.os, "fdopen", lambda fd, mode: Dying(real_fdopen(fd, mode)))
    with pytest.raises(KeyboardInterrupt):
        _sync(http_server, tmp_path)
    assert before == _snapshot(tmp_path)  # the partial download is gone too


def test_crash_before_replace_keeps_the_previous_database(
    http_server: HttpTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure at the moment of the swap is an error naming the folder; nothing changes."""
    serve_exports(http_server, "PyPI")
    _sync(http_server, tmp_path)
    before = _snapshot(tmp_path)
    http_server.route("GET", "/PyPI/all.zip", conditional(make_zip(GOOD[:3])))

    def no_space(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sync.os, "replace", no_space)
    with pytest.raises(SourceError, match="cannot write the database: No space left on device"):
        _sync(http_server, tmp_path)
    assert before == _snapshot(tmp_path)


def test_leftover_partial_download_is_removed(http_server: HttpTestServer, tmp_path: Path) -> None:
    """A .part file from a killed sync is cleaned up by the next one."""
    serve_exports(http_server, "PyPI")
    folder = database_dir(tmp_path, Ecosystem.PYPI)
    folder.mkdir(parents=True)
    (folder / ".all.zip.abc.part").write_bytes(b"half")
    _sync(http_server, tmp_path)
    assert ["all.zip", "meta.json"] == sorted(_snapshot(tmp_path))


def test_concurrent_sync_is_refused(http_server: HttpTestServer, tmp_path: Path) -> None:
    """While another sync holds the lock, a second one fails at once."""
    serve_exports(http_server, "PyPI")
    folder = database_dir(tmp_path, Ecosystem.PYPI)
    folder.mkdir(parents=True)
    with open(folder / ".sync.lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        with pytest.raises(SourceError, match="another auditor db sync is updating the PyPI"):
            _sync(http_server, tmp_path)
    assert [] == http_server.requests


def test_record_count_limits(http_server: HttpTestServer, tmp_path: Path) -> None:
    """Too few records, or a big drop against the current database, is refused."""
    serve_exports(http_server, "PyPI")
    with pytest.raises(SourceError, match="only 5 records, expected at least 10"):
        _sync(http_server, tmp_path, limits=SyncLimits(min_records=10))
    _sync(http_server, tmp_path)
    http_server.route("GET", "/PyPI/all.zip", conditional(make_zip(GOOD[:2])))
    with pytest.raises(SourceError) as info:
        _sync(http_server, tmp_path)
    assert (
        "2 records, fewer than 50% of the 5 in the current database; keeping the current one"
        in str(info.value)
    )
    assert 2 == _sync(http_server, tmp_path, limits=SyncLimits(min_ratio=0)).meta.records


def test_size_limit(http_server: HttpTestServer, tmp_path: Path) -> None:
    """A download above the limit is refused before it fills the disk."""
    serve_exports(http_server, "PyPI")
    with pytest.raises(SourceError, match="download larger than 1000 bytes"):
        _sync(http_server, tmp_path, limits=SyncLimits(max_download=1000))


@pytest.mark.parametrize("header", ["x-goog-hash", "Content-MD5", "X-Checksum-Sha256"])
def test_published_checksum_is_verified(
    http_server: HttpTestServer, tmp_path: Path, header: str
) -> None:
    """A checksum the server publishes must match the download."""
    data = export_zip("Go")
    md5 = base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()
    good = {
        "x-goog-hash": f"crc32c=AAAAAA==,md5={md5}",
        "Content-MD5": md5,
        "X-Checksum-Sha256": hashlib.sha256(data).hexdigest(),
    }[header]
    http_server.route("GET", "/Go/all.zip", Reply(body=data, headers={header: good}))
    assert _sync(http_server, tmp_path, Ecosystem.GO).updated
    wrong = good.replace(good[-6:-2], "abcd") if header != "X-Checksum-Sha256" else "0" * 64
    http_server.route("GET", "/Go/all.zip", Reply(body=data, headers={header: wrong}))
    with pytest.raises(SourceError, match="checksum mismatch"):
        _sync(http_server, tmp_path, Ecosystem.GO)


def test_credentials_in_the_export_url_are_not_stored(
    http_server: HttpTestServer, tmp_path: Path
) -> None:
    """meta.json records the source URL redacted."""
    serve_exports(http_server, "PyPI")
    base = http_server.url.replace("http://", "http://mirror:pw-SECRET@")
    result = sync_ecosystem(_client(), tmp_path, Ecosystem.PYPI, base_url=base)
    assert "SECRET" not in (tmp_path / "osv/PyPI/meta.json").read_text()
    assert result.meta.source_url.startswith("http://****:****@127.0.0.1")


def test_verify_export_limits(tmp_path: Path) -> None:
    """Member count and declared sizes are checked before anything is decompressed."""
    path = tmp_path / "all.zip"
    path.write_bytes(make_zip(GOOD))
    assert 5 == verify_export(path, SyncLimits(), "x")
    with pytest.raises(SourceError, match="x: 5 members, more than 4"):
        verify_export(path, SyncLimits(max_members=4), "x")
    with pytest.raises(SourceError, match=r"is \d+ bytes, more than 100"):
        verify_export(path, SyncLimits(max_member_bytes=100), "x")
    with pytest.raises(SourceError, match="bytes uncompressed, more than 1000"):
        verify_export(path, SyncLimits(max_uncompressed=1000), "x")
