"""A local package registry for the benchmarks: generated documents, real latency.

Serves, on a ``tests/httpserver.py`` server (127.0.0.1):

- ``/npm/<name>``: the full packument, or the abbreviated one when the request accepts
  ``application/vnd.npm.install-v1+json`` (``bench/registry_docs.py``);
- ``/simple/<name>/``: the PEP 691 page of a Python project (file URLs relative to it), a
  page without files for any other name (uv audit asks each project's status there);
- ``/files/<wheel>.metadata``: the recorded PEP 658 metadata file of a pinned release
  (tests/fixtures/registry/pypi/metadata), a 404 for anything else under ``/files/``;
- ``/pypi/...``: 404 (the JSON API of the default index is not offered: every client here
  is configured with this index, as with a mirror).

As a real registry behind a CDN does, every answer carries an ``ETag`` and a
``Last-Modified``, a request whose ``If-None-Match`` matches gets ``304 Not Modified``,
bodies are sent gzip-compressed to clients that accept it, and each answer waits
``latency`` seconds first (a network round trip). Generated documents are kept gzipped
in a folder below the system's temporary directory, so only the first run generates them.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
import threading
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from bench.registry_docs import GENERATOR, npm_documents, pypi_page
from tests.httpserver import HttpTestServer, Reply, Request

ROOT = Path(__file__).resolve().parents[1]
RECORDED = ROOT / "tests" / "fixtures" / "registry" / "pypi"
ABBREVIATED = "application/vnd.npm.install-v1+json"
LAST_MODIFIED = "Wed, 02 Dec 2026 10:00:00 GMT"


class _Body:
    """One document: gzipped bytes and its validator."""

    def __init__(self, compressed: bytes, content_type: str) -> None:
        self.compressed = compressed
        self.content_type = content_type
        self.etag = '"' + hashlib.sha1(compressed, usedforsecurity=False).hexdigest() + '"'

    def reply(self, request: Request, delay: float) -> Reply:
        headers = {"ETag": self.etag, "Last-Modified": LAST_MODIFIED}
        if request.header("if-none-match") == self.etag:
            return Reply(status=304, headers=headers, delay=delay)
        headers["Content-Type"] = self.content_type
        if "gzip" in (request.header("accept-encoding") or ""):
            headers["Content-Encoding"] = "gzip"
            return Reply(headers=headers, body=self.compressed, delay=delay)
        return Reply(headers=headers, body=gzip.decompress(self.compressed), delay=delay)


class BenchRegistry:
    """npm and PyPI documents on ``server``, answered after ``latency`` seconds each."""

    def __init__(self, server: HttpTestServer, latency: float = 0.05) -> None:
        self.server = server
        self.latency = latency
        self.npm: dict[str, tuple[_Body, _Body]] = {}
        self.simple: dict[str, _Body] = {}
        self.sent: Counter[str] = Counter()
        self._lock = threading.Lock()
        server.route("GET", "/npm/*", self._npm)
        server.route("GET", "/simple/*", self._simple)
        server.route("GET", "/files/*", self._file)
        server.route("GET", "/pypi/*", lambda _r: Reply(status=404, delay=self.latency))

    @property
    def npm_url(self) -> str:
        return f"{self.server.url}/npm/"

    @property
    def pypi_url(self) -> str:
        return f"{self.server.url}/simple/"

    # -- documents ---------------------------------------------------------------------------

    def add_npm(self, packages: Mapping[str, Mapping[str, Mapping[str, str]]]) -> None:
        """Serve generated packuments for ``packages`` (name -> version -> dependencies)."""
        folder = _store("npm")
        todo = {n: v for n, v in packages.items() if not (folder / _file_name(n, "full")).exists()}
        for name, (full, short) in npm_documents(todo, "https://npm-registry.invalid").items():
            (folder / _file_name(name, "full")).write_bytes(gzip.compress(full, 6))
            (folder / _file_name(name, "abbr")).write_bytes(gzip.compress(short, 6))
        for name in packages:
            self.npm[name] = (
                _Body((folder / _file_name(name, "full")).read_bytes(), "application/json"),
                _Body((folder / _file_name(name, "abbr")).read_bytes(), ABBREVIATED),
            )

    def add_pypi(self, pins: Mapping[str, str]) -> None:
        """Serve PEP 691 pages for the projects ``pins`` (canonical name -> pinned version):
        the recorded releases, or only an sdist of the pinned one where none was recorded."""
        folder = _store("pypi")
        for name, version in pins.items():
            path = folder / _file_name(name, "simple")
            if not path.exists():
                source = RECORDED / "json" / f"{name}.json"
                recorded = (
                    json.loads(source.read_text())
                    if source.exists()
                    else _sdist_only(name, version)
                )
                path.write_bytes(gzip.compress(pypi_page(name, recorded, "../../files"), 6))
            self.simple[name] = _Body(path.read_bytes(), "application/vnd.pypi.simple.v1+json")

    def sizes(self) -> dict[str, int]:
        """Bytes of the documents served, uncompressed: npm full and abbreviated, PyPI."""
        return {
            "npm-full": sum(len(gzip.decompress(f.compressed)) for f, _ in self.npm.values()),
            "npm-abbreviated": sum(
                len(gzip.decompress(a.compressed)) for _, a in self.npm.values()
            ),
            "pypi-simple": sum(len(gzip.decompress(s.compressed)) for s in self.simple.values()),
        }

    # -- routes ------------------------------------------------------------------------------

    def _count(self, what: str) -> None:
        with self._lock:
            self.sent[what] += 1

    def _npm(self, request: Request) -> Reply:
        name = unquote(request.path[len("/npm/") :])
        bodies = self.npm.get(name)
        if bodies is None:
            self._count("npm 404")
            return Reply(status=404, body=b'{"error":"Not found"}', delay=self.latency)
        short = ABBREVIATED in (request.header("accept") or "")
        reply = bodies[1 if short else 0].reply(request, self.latency)
        self._count(f"npm {'abbreviated' if short else 'full'} {reply.status}")
        return reply

    def _simple(self, request: Request) -> Reply:
        name = unquote(request.path.strip("/").split("/")[1]) if request.path.count("/") > 1 else ""
        body = self.simple.get(name)
        if body is None:  # a project without documents here: a page with no files
            self._count("simple empty")
            page = {"meta": {"api-version": "1.1"}, "name": name, "files": []}
            return Reply(
                headers={"Content-Type": "application/vnd.pypi.simple.v1+json"},
                body=json.dumps(page).encode(),
                delay=self.latency,
            )
        reply = body.reply(request, self.latency)
        self._count(f"simple {reply.status}")
        return reply

    def _file(self, request: Request) -> Reply:
        filename = unquote(request.path.rsplit("/", 1)[-1])
        path = RECORDED / "metadata" / filename
        if filename.endswith(".metadata") and path.is_file():
            self._count("metadata 200")
            return Reply(body=path.read_bytes(), headers={"ETag": '"m"'}, delay=self.latency)
        self._count("file 404")
        return Reply(status=404, delay=self.latency)


def _sdist_only(name: str, version: str) -> dict[str, Any]:
    filename = f"{name.replace('-', '_')}-{version}.tar.gz"
    digest = hashlib.sha256(filename.encode()).hexdigest()
    entry = {
        "filename": filename,
        "digests": {"sha256": digest},
        "size": 100_000,
        "upload_time_iso_8601": "2024-06-01T12:00:00.000000Z",
    }
    return {"releases": {version: [entry]}}


def _store(kind: str) -> Path:
    folder = Path(tempfile.gettempdir()) / "auditor-bench" / f"registry-{GENERATOR}" / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _file_name(name: str, kind: str) -> str:
    return f"{quote(name, safe='')}.{kind}.json.gz"


def requested(server: HttpTestServer) -> Counter[str]:
    """Requests the server received, by first path segment."""
    return Counter(r.path.strip("/").split("/")[0] for r in server.requests)


def summary(registry: BenchRegistry) -> dict[str, Any]:
    return dict(sorted(registry.sent.items()))
