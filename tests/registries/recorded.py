"""Serve the recorded registry answers (tests/fixtures/registry) from the local test server.

Routes, as the real registries lay them out:

- ``/pypi/<name>/json``: the JSON API document; ``/pypi/<name>/<version>/json`` is a 404,
  as on the index the answers were recorded from;
- ``/simple/<name>/``: the recorded PEP 691 page, else one made from the JSON API document
  (so that an index configured without a JSON API sees every recorded project);
- any path ending in ``<wheel>.metadata``: the PEP 658 file (404 when not recorded); a
  wheel whose metadata was recorded: a stand-in zip holding only that METADATA (wheels are
  not recorded; the client reads METADATA from a wheel when an index offers no metadata
  file); every other file a 404;
- ``/npm/<name>``: the packument (scoped names as ``@scope%2fname``).

The ``.invalid`` hosts inside the bodies are rewritten to the server's own address, so file
URLs lead back to it. ``extra`` routes (added by tests) win over these.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

import pytest

from auditor.core.model import canonical_pypi_name
from auditor.registries.common import ConfiguredUrl
from auditor.registries.npmrc import NpmRegistries
from auditor.registries.pipconf import PythonIndexes
from tests.conftest import CLOSED_PORT
from tests.httpserver import HttpTestServer, Reply, Request, json_reply
from tests.support import FIXTURES

RECORDED = FIXTURES / "registry"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


def _stand_in_wheel(filename: str, metadata: bytes) -> bytes:
    name, version = filename.split("-")[:2]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        wheel.writestr(f"{name}-{version}.dist-info/METADATA", metadata)
    return buffer.getvalue()


def _simple_file(entry: dict[str, Any], base: str) -> dict[str, Any]:
    """A JSON API file entry in PEP 691's spelling."""
    out: dict[str, Any] = {
        "filename": entry["filename"],
        "url": urljoin(base, entry["url"]),
        "hashes": {"sha256": entry.get("digests", {}).get("sha256", "")},
        "requires-python": entry.get("requires_python"),
        "upload-time": entry.get("upload_time_iso_8601"),
        "yanked": (entry.get("yanked_reason") or True) if entry.get("yanked") else False,
    }
    if "core-metadata" in entry:
        out["core-metadata"] = entry["core-metadata"]
    return out


class RecordedRegistry:
    """The recorded PyPI and npm answers on ``server``; counts what was asked."""

    def __init__(self, server: HttpTestServer, root: Path = RECORDED) -> None:
        self.server = server
        self.root = root
        server.route("GET", "/pypi/*", self._pypi)
        server.route("GET", "/simple/*", self._simple)
        server.route("GET", "/packages/*", self._file)
        server.route("GET", "/npm/*", self._npm)

    # -- configuration pointing at this server ----------------------------------------------

    @property
    def indexes(self) -> PythonIndexes:
        """The default-index configuration: simple API and JSON API on this server."""
        return PythonIndexes(
            index=ConfiguredUrl(url=f"{self.server.url}/simple", origin="test"),
            json_api=f"{self.server.url}/pypi",
        )

    @property
    def simple_only(self) -> PythonIndexes:
        """A non-default index: the simple API only."""
        return PythonIndexes(index=ConfiguredUrl(url=f"{self.server.url}/simple", origin="test"))

    @property
    def npm(self) -> NpmRegistries:
        return NpmRegistries(default=ConfiguredUrl(url=f"{self.server.url}/npm/", origin="test"))

    # -- answers ----------------------------------------------------------------------------

    def _body(self, path: Path) -> bytes:
        text = path.read_text()
        for host in ("https://pypi-files.invalid", "https://pypi-index.invalid"):
            text = text.replace(host, self.server.url)
        return text.replace("https://npm-registry.invalid", f"{self.server.url}/npm").encode()

    def _json(self, path: Path, content_type: str = "application/json") -> Reply:
        if not path.is_file():
            return json_reply({"message": "Not Found"}, status=404)
        return Reply(headers={"Content-Type": content_type}, body=self._body(path))

    def _pypi(self, request: Request) -> Reply:
        parts = [p for p in request.path.split("/") if p]
        if len(parts) == 3 and parts[2] == "json":
            return self._json(self.root / "pypi" / "json" / f"{canonical_pypi_name(parts[1])}.json")
        return json_reply({"message": "Not Found"}, status=404)

    def _simple(self, request: Request) -> Reply:
        """The recorded PEP 691 page, else one made from the JSON API document the way
        Warehouse fills both from the same data (for indexes without a JSON API)."""
        parts = [p for p in request.path.split("/") if p]
        name = canonical_pypi_name(parts[1]) if len(parts) == 2 else ""
        path = self.root / "pypi" / "simple" / f"{name}.json"
        if path.is_file() or not (self.root / "pypi" / "json" / f"{name}.json").is_file():
            return self._json(path, SIMPLE_JSON)
        document = json.loads(self._body(self.root / "pypi" / "json" / f"{name}.json"))
        page = {
            "meta": {"api-version": "1.1"},
            "name": name,
            "files": [
                _simple_file(entry, f"{self.server.url}/pypi/{name}/json")
                for files in document["releases"].values()
                for entry in files
            ],
        }
        return json_reply(page, headers={"Content-Type": SIMPLE_JSON})

    def _file(self, request: Request) -> Reply:
        """A recorded metadata file; for a wheel whose metadata was recorded, a stand-in
        wheel holding exactly that METADATA (wheels themselves are not recorded)."""
        filename = unquote(request.path.rsplit("/", 1)[-1])
        binary = {"Content-Type": "application/octet-stream"}
        path = self.root / "pypi" / "metadata" / filename
        if filename.endswith(".metadata") and path.is_file():
            return Reply(headers=binary, body=path.read_bytes())
        metadata = self.root / "pypi" / "metadata" / f"{filename}.metadata"
        if filename.endswith(".whl") and metadata.is_file():
            return Reply(headers=binary, body=_stand_in_wheel(filename, metadata.read_bytes()))
        return Reply(status=404, body=b"Not Found")

    def _npm(self, request: Request) -> Reply:
        name = request.path.removeprefix("/npm/")
        return self._json(self.root / "npm" / f"{name.replace('%2F', '%2f')}.json")

    # -- what the recording holds -----------------------------------------------------------

    def pypi_projects(self) -> Iterator[str]:
        for path in sorted((self.root / "pypi" / "json").glob("*.json")):
            yield path.stem

    def pypi_document(self, name: str) -> dict[str, object]:
        data: dict[str, object] = json.loads(
            (self.root / "pypi" / "json" / f"{canonical_pypi_name(name)}.json").read_text()
        )
        return data


def serve_registries(
    http_server: HttpTestServer, monkeypatch: pytest.MonkeyPatch, home: Path
) -> RecordedRegistry:
    """Registry lookups on, every registry pointed at the local server serving the recorded
    answers; nothing of the machine's own configuration is read (``home`` is empty)."""
    recorded = RecordedRegistry(http_server)
    for name in list(os.environ):
        if name.startswith(("AUDITOR_", "PIP_", "UV_")) or name.lower().startswith("npm_config_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AUDITOR_PYPI_URL", f"{http_server.url}/simple")
    monkeypatch.setenv("AUDITOR_NPM_REGISTRY", f"{http_server.url}/npm/")
    monkeypatch.setenv("GOPROXY", f"{http_server.url}/go")
    monkeypatch.setenv("AUDITOR_NO_HTTP_CACHE", "1")
    # the advisory data stays the bundled sample (tests/conftest.py), whatever was removed
    monkeypatch.setenv("AUDITOR_SOURCE", "osv-local")
    monkeypatch.setenv("AUDITOR_OSV_URL", f"http://127.0.0.1:{CLOSED_PORT}")
    return recorded
