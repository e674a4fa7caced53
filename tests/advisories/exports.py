"""Build OSV export zips from the real records in tests/fixtures/advisories-sync and serve
them the way OSV's export bucket does (``/<Ecosystem>/all.zip`` with an ETag)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable

from tests.httpserver import Handler, HttpTestServer, Reply, Request
from tests.support import FIXTURES

RECORDS = FIXTURES / "advisories-sync"


def record_files(ecosystem: str) -> list[tuple[str, bytes]]:
    """(member name, bytes) of the fixture records of one ecosystem, sorted."""
    return [(p.name, p.read_bytes()) for p in sorted((RECORDS / ecosystem).glob("*.json"))]


def make_zip(members: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def export_zip(ecosystem: str) -> bytes:
    return make_zip(record_files(ecosystem))


def etag_of(data: bytes) -> str:
    return '"' + hashlib.md5(data, usedforsecurity=False).hexdigest() + '"'


def conditional(data: bytes, last_modified: str | None = None) -> Handler:
    """Serve ``data`` with an ETag (and Last-Modified); answer 304 when it matches."""
    etag = etag_of(data)
    headers = {"ETag": etag, "Content-Type": "application/zip"}
    if last_modified:
        headers["Last-Modified"] = last_modified

    def handler(request: Request) -> Reply:
        if request.header("If-None-Match") == etag:
            return Reply(status=304, headers={"ETag": etag})
        if last_modified and request.header("If-Modified-Since") == last_modified:
            return Reply(status=304)
        return Reply(body=data, headers=headers)

    return handler


def serve_exports(server: HttpTestServer, *ecosystems: str) -> dict[str, bytes]:
    """Route ``/<Ecosystem>/all.zip`` for each ecosystem; return the zips served."""
    served = {}
    for eco in ecosystems:
        data = export_zip(eco)
        server.route("GET", f"/{eco}/all.zip", conditional(data))
        served[eco] = data
    return served
