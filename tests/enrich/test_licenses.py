"""Licences from registries (PyPI JSON API and metadata files, npm packuments) on a local
server, for the packages whose lockfile records none."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from auditor.core.model import CollectResult, Ecosystem, License, Package, Source, SourceKind
from auditor.enrich.licenses import registry_licenses
from auditor.net.client import HttpClient
from auditor.registries.common import ConfiguredUrl
from auditor.registries.lookup import Registries
from auditor.registries.npm import NpmClient
from auditor.registries.npmrc import NpmRegistries
from auditor.registries.pipconf import PythonIndexes
from auditor.registries.pypi import PypiClient
from tests.httpserver import HttpTestServer, Reply, json_reply, quick_config
from tests.support import run_cli

PYPI_RELEASES = {
    # PEP 639: the expression wins over the rest
    "modern/2.0": {
        "license_expression": "Apache-2.0 OR MIT",
        "license": "",
        "classifiers": ["License :: OSI Approved :: BSD License"],
    },
    # the License field normalises
    "fieldonly/1.0": {"license": "BSD-3-Clause", "classifiers": []},
    # no field, one unambiguous classifier
    "classified/3.1": {
        "license": "UNKNOWN",
        "classifiers": ["License :: OSI Approved :: MIT License", "Programming Language :: Python"],
    },
    # nothing normalises: the text is kept
    "vague/0.9": {"license": "BSD", "classifiers": ["License :: OSI Approved :: BSD License"]},
    # nothing at all: unknown
    "silent/1.0": {"license": None, "classifiers": []},
}
PACKUMENTS = {
    "left": {"versions": {"1.0.0": {"license": "WTFPL"}}},
    "old-style": {"versions": {"2.0.0": {"licenses": [{"type": "MIT"}, {"type": "GPL-2.0"}]}}},
    "none-given": {"versions": {"1.0.0": {}}},
    "other-version": {"versions": {"9.0.0": {"license": "MIT"}}},
}


def _pypi_release(name: str, version: str, info: dict[str, object]) -> dict[str, object]:
    return {"info": {"name": name, "version": version, **info}, "urls": []}


@pytest.fixture
def registries(http_server: HttpTestServer) -> Registries:
    """PyPI (JSON API) and npm answers on the local server, configured as the registries."""
    for key, info in PYPI_RELEASES.items():
        name, version = key.split("/")
        http_server.json("GET", f"/pypi/{name}/{version}/json", _pypi_release(name, version, info))
    http_server.route("GET", "/pypi/*", json_reply({"message": "Not Found"}, status=404))
    http_server.route("GET", "/pypi/broken/1.0/json", Reply(status=500, body=b"down"))
    for name, doc in PACKUMENTS.items():
        http_server.json("GET", f"/npm/{name}", {"name": name, **doc})
    http_server.route("GET", "/npm/*", json_reply({"error": "Not found"}, status=404))
    http = HttpClient(quick_config(max_attempts=1))
    indexes = PythonIndexes(
        index=ConfiguredUrl(url=f"{http_server.url}/simple", origin="test"),
        json_api=f"{http_server.url}/pypi",
    )
    npm = NpmRegistries(default=ConfiguredUrl(url=f"{http_server.url}/npm/", origin="test"))
    return Registries.of(PypiClient(http, indexes), NpmClient(http, npm))


def _pkg(eco: Ecosystem, name: str, version: str, **kw: object) -> Package:
    return Package(ecosystem=eco, name=name, version=version, **kw)  # type: ignore[arg-type]


def _result(*packages: Package) -> CollectResult:
    return CollectResult(
        path="x.lock", collector="test", ecosystem=Ecosystem.PYPI, packages=packages
    )


def _licences(result: CollectResult) -> dict[str, tuple[str | None, str] | None]:
    return {
        p.name: (p.license.expression, p.license.text) if p.license else None
        for p in result.packages
    }


def test_pypi_fields_in_their_order(registries: Registries) -> None:
    """License-Expression, else License, else classifiers; text kept when nothing
    normalises; a release that declares nothing or is not there stays unknown."""
    result = _result(
        *(_pkg(Ecosystem.PYPI, *k.split("/")) for k in PYPI_RELEASES),
        _pkg(Ecosystem.PYPI, "missing", "1.0"),
    )
    lookup = registry_licenses((result,), registries)
    assert {
        "modern": ("Apache-2.0 OR MIT", "Apache-2.0 OR MIT"),
        "fieldonly": ("BSD-3-Clause", "BSD-3-Clause"),
        "classified": ("MIT", "License :: OSI Approved :: MIT License"),
        "vague": (None, "BSD"),
        "silent": None,
        "missing": None,
    } == _licences(lookup.results[0])
    assert (6, 4, ()) == (lookup.asked, lookup.found, lookup.warnings)
    assert {"registry"} == {p.license.source for p in lookup.results[0].packages if p.license}


def test_npm_versions_and_old_forms(registries: Registries) -> None:
    """The locked version's ``license``; the old ``licenses`` list is a choice; a version
    the packument lacks is unknown (another version's licence is never borrowed)."""
    result = _result(
        _pkg(Ecosystem.NPM, "left", "1.0.0"),
        _pkg(Ecosystem.NPM, "old-style", "2.0.0"),
        _pkg(Ecosystem.NPM, "none-given", "1.0.0"),
        _pkg(Ecosystem.NPM, "other-version", "1.0.0"),
    )
    found = _licences(registry_licenses((result,), registries).results[0])
    assert {
        "left": ("WTFPL", "WTFPL"),
        "old-style": ("MIT OR GPL-2.0-only", "MIT OR GPL-2.0"),
        "none-given": None,
        "other-version": None,
    } == found


def test_only_what_the_lockfile_lacks_is_asked(
    registries: Registries, http_server: HttpTestServer
) -> None:
    """A licence the lockfile records is kept and not looked up; local, git and Go
    packages are not asked either."""
    recorded = License(text="ISC", expression="ISC")
    result = _result(
        _pkg(Ecosystem.NPM, "left", "1.0.0", license=recorded),
        _pkg(Ecosystem.NPM, "mine", "1.0.0", source=Source(kind=SourceKind.PATH, url="x")),
        _pkg(Ecosystem.GO, "example.com/m", "1.0.0"),
    )
    lookup = registry_licenses((result,), registries)
    assert recorded == lookup.results[0].packages[0].license
    assert 0 == lookup.asked
    assert [] == http_server.requests


def test_a_failed_lookup_is_one_warning(registries: Registries) -> None:
    """A registry that fails leaves the licence unknown and says so once, by package."""
    result = _result(_pkg(Ecosystem.PYPI, "broken", "1.0"), _pkg(Ecosystem.PYPI, "modern", "2.0"))
    lookup = registry_licenses((result,), registries)
    assert None is lookup.results[0].packages[0].license
    assert lookup.results[0].packages[1].license is not None
    (warning,) = lookup.warnings
    assert warning.startswith("the licences of 1 package are unknown: the registry lookup ")
    assert "broken@1.0" in warning


def test_metadata_file_on_an_index_without_json_api(http_server: HttpTestServer) -> None:
    """A simple-API index: the licence comes from the wheel's PEP 658 metadata file."""
    wheel = "pkgx-1.0-py3-none-any.whl"
    http_server.json(
        "GET",
        "/simple/pkgx/",
        {
            "name": "pkgx",
            "files": [
                {"filename": wheel, "url": f"/files/{wheel}", "core-metadata": True, "hashes": {}}
            ],
        },
        **{"Content-Type": "application/vnd.pypi.simple.v1+json"},
    )
    metadata = (
        "Metadata-Version: 2.4\nName: pkgx\nVersion: 1.0\nLicense-Expression: MPL-2.0\n"
        "Classifier: License :: OSI Approved :: MIT License\n\nlong description\n"
    )
    http_server.route("GET", f"/files/{wheel}.metadata", Reply(body=metadata.encode()))
    indexes = PythonIndexes(index=ConfiguredUrl(url=f"{http_server.url}/simple", origin="test"))
    client = PypiClient(HttpClient(quick_config(max_attempts=1)), indexes)
    lookup = registry_licenses(
        (_result(_pkg(Ecosystem.PYPI, "pkgx", "1.0")),), Registries.of(client)
    )
    assert {"pkgx": ("MPL-2.0", "MPL-2.0")} == _licences(lookup.results[0])


LOCK = {
    "name": "app",
    "lockfileVersion": 3,
    "packages": {
        "": {"name": "app", "dependencies": {"left": "^1.0.0", "recorded": "^1.0.0"}},
        "node_modules/left": {
            "version": "1.0.0",
            "resolved": "https://npm-registry.invalid/left/-/left-1.0.0.tgz",
        },
        "node_modules/recorded": {
            "version": "1.0.0",
            "resolved": "https://npm-registry.invalid/recorded/-/recorded-1.0.0.tgz",
            "license": "0BSD",
        },
    },
}


def test_sbom_asks_the_registry_unless_offline(
    registries: Registries,
    http_server: HttpTestServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``auditor sbom`` fills in the licence the lockfile lacks from the configured
    registry; with --offline or --no-registry it asks nothing and the licence is unknown."""
    monkeypatch.delenv("AUDITOR_NO_REGISTRY")
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "package-lock.json").write_text(json.dumps(LOCK))
    registry = ["--npm-registry", f"{http_server.url}/npm/"]
    run = run_cli(["sbom", str(tmp_path), *registry, "-o", str(tmp_path / "bom.json")])
    assert 0 == run.code, run.err
    bom = json.loads((tmp_path / "bom.json").read_text())
    found = {c["name"]: c.get("licenses") for c in bom["components"]}
    assert {
        "left": [{"expression": "WTFPL"}],
        "recorded": [{"expression": "0BSD"}],
    } == found
    # (the registry stage reads both packuments for health; the licence of "recorded" is
    # the lockfile's)
    assert {"/npm/left", "/npm/recorded"} == {r.path for r in http_server.requests}
    http_server.reset()
    for flag in ("--offline", "--no-registry"):
        run = run_cli(
            ["sbom", str(tmp_path), flag, *registry, "-o", str(tmp_path / "b.json"), "--force"]
        )
        assert 0 == run.code, run.err
        offline = json.loads((tmp_path / "b.json").read_text())
        assert {"recorded"} == {c["name"] for c in offline["components"] if c.get("licenses")}
    assert [] == http_server.requests


def _sdist(name: str, version: str, pkg_info: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        data = pkg_info.encode()
        info = tarfile.TarInfo(f"{name}-{version}/PKG-INFO")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_index_without_the_per_release_api(http_server: HttpTestServer) -> None:
    """A mirror that serves the simple pages but 404s the per-release JSON API: a wheel's
    metadata file (the one its requirements are read from), else (no wheel) the sdist's
    PKG-INFO; a release with neither is unknown."""
    wheel, sdist = "withwheel-1.0-py3-none-any.whl", "sdistonly-2.0.tar.gz"

    def page(name: str, files: list[dict[str, object]]) -> dict[str, object]:
        """A PEP 691 simple page."""
        return {"meta": {"api-version": "1.1"}, "name": name, "files": files}

    http_server.json(
        "GET",
        "/simple/withwheel/",
        page("withwheel", [{"filename": wheel, "url": f"/files/{wheel}", "core-metadata": True}]),
    )
    http_server.json(
        "GET",
        "/simple/sdistonly/",
        page("sdistonly", [{"filename": sdist, "url": f"/files/{sdist}"}]),
    )
    http_server.route("GET", "/pypi/*", json_reply({"message": "Not Found"}, status=404))
    http_server.route(
        "GET",
        f"/files/{wheel}.metadata",
        Reply(body=b"Metadata-Version: 2.1\nName: withwheel\nVersion: 1.0\nLicense: ISC\n\n"),
    )
    http_server.route(
        "GET",
        f"/files/{sdist}",
        Reply(
            body=_sdist(
                "sdistonly",
                "2.0",
                "Metadata-Version: 1.1\nName: sdistonly\n"
                "Classifier: License :: OSI Approved :: MIT License\n",
            )
        ),
    )
    indexes = PythonIndexes(
        index=ConfiguredUrl(url=f"{http_server.url}/simple", origin="test"),
        json_api=f"{http_server.url}/pypi",
    )
    client = PypiClient(HttpClient(quick_config(max_attempts=1)), indexes)
    result = _result(
        _pkg(Ecosystem.PYPI, "withwheel", "1.0"),
        _pkg(Ecosystem.PYPI, "sdistonly", "2.0"),
        _pkg(Ecosystem.PYPI, "sdistonly", "9.9"),
    )
    lookup = registry_licenses((result,), Registries.of(client))
    found = {p.display: p.license for p in lookup.results[0].packages}
    assert License(text="ISC", expression="ISC", source="registry") == found["withwheel@1.0"]
    assert (
        License(text="License :: OSI Approved :: MIT License", expression="MIT", source="registry")
        == found["sdistonly@2.0"]
    )
    assert None is found["sdistonly@9.9"]


def test_licences_ride_on_the_cached_records(http_server: HttpTestServer, tmp_path: Path) -> None:
    """npm's licence comes with the project record (the packument the health check reads),
    PyPI's with the release's requirements record (the one metadata file read for both);
    a later run with the same cache answers both from the records without a request."""
    wheel = "meta-1.0-py3-none-any.whl"
    http_server.json(
        "GET",
        "/simple/meta/",
        {
            "meta": {"api-version": "1.1"},
            "name": "meta",
            "files": [{"filename": wheel, "url": f"/files/{wheel}", "core-metadata": True}],
        },
    )
    http_server.route(
        "GET",
        f"/files/{wheel}.metadata",
        Reply(
            body=b"Metadata-Version: 2.4\nName: meta\nVersion: 1.0\n"
            b"License-Expression: MPL-2.0\nRequires-Dist: six\n\n"
        ),
    )
    http_server.json("GET", "/npm/left", {"name": "left", **PACKUMENTS["left"]})
    indexes = PythonIndexes(index=ConfiguredUrl(url=f"{http_server.url}/simple", origin="test"))
    npm = NpmRegistries(default=ConfiguredUrl(url=f"{http_server.url}/npm/", origin="test"))
    result = _result(_pkg(Ecosystem.PYPI, "meta", "1.0"), _pkg(Ecosystem.NPM, "left", "1.0.0"))

    def run() -> dict[str, tuple[str | None, str] | None]:
        http = HttpClient(quick_config(max_attempts=1, cache_dir=tmp_path))
        pypi = PypiClient(http, indexes)
        requires = pypi.requirements("meta", "1.0")
        assert requires is not None
        assert ("six",) == requires.dependencies
        lookup = registry_licenses((result,), Registries.of(pypi, NpmClient(http, npm)))
        return _licences(lookup.results[0])

    first = run()
    assert {"meta": ("MPL-2.0", "MPL-2.0"), "left": ("WTFPL", "WTFPL")} == first
    assert 1 == len(http_server.calls("GET", f"/files/{wheel}.metadata"))
    sent = len(http_server.requests)
    assert first == run()
    assert sent == len(http_server.requests)
