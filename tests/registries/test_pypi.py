"""The Python index client against recorded answers and faults on a local server."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from auditor.core.errors import SourceError
from auditor.net.client import HttpClient, NetworkError, OfflineError
from auditor.registries.common import ConfiguredUrl
from auditor.registries.pipconf import PythonIndexes
from auditor.registries.pypi import PypiClient, file_version, parse_metadata
from tests.httpserver import HttpTestServer, Reply, json_reply, quick_config, sequence
from tests.registries.recorded import RecordedRegistry
from tests.support import FIXTURES


@pytest.fixture
def recorded(http_server: HttpTestServer) -> RecordedRegistry:
    """The recorded PyPI answers served by the local server."""
    return RecordedRegistry(http_server)


def client(recorded: RecordedRegistry, *, simple: bool = False, **config: object) -> PypiClient:
    indexes = recorded.simple_only if simple else recorded.indexes
    return PypiClient(HttpClient(quick_config(**config)), indexes)


def test_project_from_the_simple_page(recorded: RecordedRegistry) -> None:
    """requests from its PEP 691 page, also on the default index (the JSON API document
    would add only the owners, at twice the size): every release in order, yanked 2.32.0
    with its reason, upload times, Requires-Python; the owners are not known."""
    project = client(recorded).project("Requests")
    assert project is not None
    assert ("requests", None) == (project.name, project.maintainers)
    assert ["/simple/requests/"] == [r.path for r in recorded.server.requests]
    versions = [r.version for r in project.releases]
    assert versions.index("2.19.0") < versions.index("2.20.0") < versions.index("2.32.0")
    yanked = project.release("2.32.0")
    assert yanked is not None
    assert (True, "Yanked due to conflicts with CVE-2024-35195 mitigation") == (
        yanked.yanked,
        yanked.yanked_reason,
    )
    old = project.release("2.19.0")
    assert old is not None
    assert datetime(2018, 6, 12, 14, 46, 15, 289074, tzinfo=timezone.utc) == old.published
    assert ">=2.6, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*" == old.requires_python
    latest = project.latest
    assert latest is not None
    assert "2.34.2" == latest.version  # above 2.34.0.dev1; the newest when recorded


def test_requirements_from_the_metadata_file(recorded: RecordedRegistry) -> None:
    """requests 2.19.0's Requires-Dist, read from its wheel's PEP 658 metadata file."""
    found = client(recorded).requirements("requests", "2.19.0")
    assert found is not None
    assert "metadata file" == found.origin
    assert "urllib3 (<1.24,>=1.21.1)" in found.dependencies
    assert "PySocks (!=1.5.7,>=1.5.6); extra == 'socks'" in found.dependencies
    assert ">=2.6, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*" == found.requires_python


def test_relative_file_urls_are_resolved(recorded: RecordedRegistry) -> None:
    """The recording index writes some file URLs relative to the document (alembic)."""
    project = client(recorded).project("alembic")
    assert project is not None
    urls = [f.url for r in project.releases for f in r.files]
    assert urls
    assert all(u.startswith(recorded.server.url) for u in urls)


def test_unknown_project_is_none(recorded: RecordedRegistry) -> None:
    """A 404 is an answer: no such project (nothing retried)."""
    pypi = client(recorded)
    assert pypi.project("no-such-project-here") is None
    assert 1 == pypi.http.stats.requests


def test_simple_json_api(recorded: RecordedRegistry) -> None:
    """A non-default index is read through PEP 691 JSON: releases grouped by file name."""
    project = client(recorded, simple=True).project("nose")
    assert project is not None
    release = project.release("1.3.7")
    assert release is not None
    assert release.published is not None
    assert 3 == len(release.files)
    assert project.maintainers is None  # the simple API does not say


def test_simple_html_page(http_server: HttpTestServer) -> None:
    """An index that only speaks PEP 503 HTML: yanked (PEP 592), Requires-Python and
    metadata (PEP 714) attributes, hash fragments dropped from file URLs."""
    page = (
        "<!DOCTYPE html><html><body>\n"
        '<a href="/files/demo-1.0.tar.gz#sha256=ab" data-requires-python="&gt;=3.8">'
        "demo-1.0.tar.gz</a>\n"
        '<a href="/files/demo-1.1-py3-none-any.whl#sha256=cd" data-yanked="broken build" '
        'data-core-metadata="sha256=ef">demo-1.1-py3-none-any.whl</a>\n'
        '<a href="/files/other-9.0.tar.gz">other-9.0.tar.gz</a>\n'
        "</body></html>"
    )
    http_server.route(
        "GET", "/simple/demo/", Reply(headers={"Content-Type": "text/html"}, body=page.encode())
    )
    indexes = PythonIndexes(index=ConfiguredUrl(url=f"{http_server.url}/simple", origin="t"))
    project = PypiClient(HttpClient(quick_config()), indexes).project("demo")
    assert project is not None
    assert ["1.0", "1.1"] == [r.version for r in project.releases]
    first, second = project.releases
    assert (">=3.8", False) == (first.requires_python, first.yanked)
    assert (True, "broken build") == (second.yanked, second.yanked_reason)
    assert f"{http_server.url}/files/demo-1.1-py3-none-any.whl" == second.files[0].url
    assert second.files[0].has_metadata is True
    assert project.latest is first  # the newest release is yanked


def test_requirements_fall_back_to_the_json_api(http_server: HttpTestServer) -> None:
    """No metadata file: the per-release JSON API document's requires_dist is used."""
    base = http_server.url
    http_server.json("GET", "/simple/demo/", _demo_page(base, "demo-1.0.tar.gz"))
    http_server.json(
        "GET",
        "/pypi/demo/1.0/json",
        {"info": {"requires_dist": ["six>=1.0"], "requires_python": ">=3.7"}},
    )
    found = PypiClient(HttpClient(quick_config()), _default(base)).requirements("demo", "1.0")
    assert found is not None
    assert (("six>=1.0",), ">=3.7", "JSON API") == (
        found.dependencies,
        found.requires_python,
        found.origin,
    )


def test_requirements_from_the_wheel_itself(http_server: HttpTestServer) -> None:
    """Metadata file and per-release JSON missing: a small wheel's METADATA is read."""
    base = http_server.url
    wheel = _wheel("demo", "1.0", "Requires-Dist: attrs>=20\nRequires-Python: >=3.9\n")
    http_server.json("GET", "/simple/demo/", _demo_page(base, "demo-1.0-py3-none-any.whl"))
    http_server.route("GET", "/files/demo-1.0-py3-none-any.whl", Reply(body=wheel))
    pypi = PypiClient(HttpClient(quick_config()), _default(base))
    found = pypi.requirements("demo", "1.0")
    assert found is not None
    assert (("attrs>=20",), "wheel METADATA") == (found.dependencies, found.origin)
    small = PypiClient(HttpClient(quick_config()), _default(base), wheel_limit=10)
    assert small.requirements("demo", "1.0") is None  # too big to fetch: unknown


def test_sdist_only_release_has_unknown_requirements(recorded: RecordedRegistry) -> None:
    """A release with no wheel and no JSON API answer: requirements unknown (None)."""
    pypi = client(recorded)
    project = pypi.project("zxcvbn")
    assert project is not None
    assert pypi.requirements("zxcvbn", "4.4.28") is None


def test_retries_then_succeeds(recorded: RecordedRegistry) -> None:
    """A 503 then the document: the client retries within its budget."""
    body = json.loads((FIXTURES / "registry/pypi/simple/six.json").read_text())
    recorded.server.route(
        "GET", "/simple/six/", sequence(json_reply({}, status=503), json_reply(body))
    )
    pypi = client(recorded)
    assert pypi.project("six") is not None
    assert 1 == pypi.http.stats.retries


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ({"name": "six", "files": {}}, "'files' is a table, expected an array"),
        ({"name": "six", "files": ["six-1.0.tar.gz"]}, "'files[0]' is a string, expected a table"),
        ({"name": "six"}, "missing 'files'"),
        (["six"], "document is an array, expected a table"),
    ],
)
def test_malformed_document_names_the_key(
    recorded: RecordedRegistry, page: object, message: str
) -> None:
    """A page of the wrong shape is one line naming the URL and the key path, and is not
    asked again (the server would send the same)."""
    recorded.server.json("GET", "/simple/six/", page)
    with pytest.raises(SourceError) as info:
        client(recorded).project("six")
    assert f"{recorded.server.url}/simple/six/: unexpected answer: {message}" == str(info.value)
    assert 1 == len(recorded.server.requests)


def test_truncated_answer_fails_after_retries(recorded: RecordedRegistry) -> None:
    """A body cut short every time: a NetworkError after the attempts, never a crash."""
    recorded.server.route("GET", "/simple/six/", Reply(body=b'{"files": []}' * 10, cut_after=7))
    with pytest.raises(NetworkError, match="truncated"):
        client(recorded, max_attempts=2).project("six")


def test_offline_refuses(recorded: RecordedRegistry) -> None:
    """Offline: nothing is sent."""
    with pytest.raises(OfflineError):
        client(recorded, offline=True).project("six")
    assert [] == recorded.server.requests


def test_answers_are_cached(recorded: RecordedRegistry, tmp_path: Path) -> None:
    """A second run with the same cache directory sends no request: the project and the
    release's requirements come from their records."""
    first = client(recorded, cache_dir=tmp_path)
    assert first.requirements("requests", "2.20.0") is not None
    assert first.project("requests") is not None
    sent = len(recorded.server.requests)
    again = client(recorded, cache_dir=tmp_path)
    assert first.requirements("requests", "2.20.0") == again.requirements("requests", "2.20.0")
    assert again.project("requests") == first.project("requests") or _same_releases(again, first)
    assert len(recorded.server.requests) == sent
    assert again.http.stats.cache_hits == 2


@pytest.mark.parametrize(
    ("filename", "version"),
    [
        ("requests-2.19.0-py2.py3-none-any.whl", "2.19.0"),
        ("requests-2.19.0.tar.gz", "2.19.0"),
        ("Django-1.11.29.tar.gz", "1.11.29"),
        ("zope.interface-5.1.0.zip", "5.1.0"),
        ("nose-1.0.0-py3.1.egg", None),
        ("other-1.0.tar.gz", None),
    ],
)
def test_file_version(filename: str, version: str | None) -> None:
    """The version in a distribution's file name, only for the project asked about."""
    name = filename.split("-", maxsplit=1)[0].lower().replace(".", "-").replace("_", "-")
    if filename.startswith("other"):
        name = "requests"
    assert version == file_version(filename, name)


def test_metadata_headers() -> None:
    """Folded and repeated headers; the body (a description) is ignored."""
    text = (
        b"Metadata-Version: 2.1\nName: demo\nRequires-Dist: a>=1\nRequires-Dist: b;\n"
        b" python_version<'3.8'\nRequires-Python: >=3.7\n\nRequires-Dist: not-a-header\n"
    )
    found = parse_metadata(text, "demo", "1.0", "test")
    assert (("a>=1", "b; python_version<'3.8'"), ">=3.7") == (
        found.dependencies,
        found.requires_python,
    )


def _same_releases(one: PypiClient, other: PypiClient) -> bool:
    """The same releases with the same facts, files aside (a record keeps none)."""
    a, b = one.project("requests"), other.project("requests")
    assert a is not None
    assert b is not None
    strip = [replace(r, files=()) for r in a.releases]
    return strip == [replace(r, files=()) for r in b.releases]


def _default(base: str) -> PythonIndexes:
    return PythonIndexes(
        index=ConfiguredUrl(url=f"{base}/simple", origin="t"), json_api=f"{base}/pypi"
    )


def _demo_page(base: str, filename: str) -> dict[str, object]:
    return {
        "meta": {"api-version": "1.1"},
        "name": "demo",
        "files": [
            {
                "filename": filename,
                "url": f"{base}/files/{filename}",
                "upload-time": "2020-01-02T03:04:05Z",
                "yanked": False,
            }
        ],
    }


def _wheel(name: str, version: str, headers: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{name}/__init__.py", "")
        archive.writestr(
            f"{name}-{version}.dist-info/METADATA",
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{headers}\nLong text\n",
        )
    return buffer.getvalue()
