"""The npm registry client: recorded packuments, documented shapes, credentials, faults."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from auditor.core.errors import SourceError
from auditor.net.client import HttpClient
from auditor.registries.common import ConfiguredUrl
from auditor.registries.npm import NpmClient
from auditor.registries.npmrc import NpmAuth, NpmRegistries
from tests.httpserver import HttpTestServer, quick_config
from tests.registries.recorded import RecordedRegistry


def documented(name: str = "old-lib") -> dict[str, Any]:
    """A packument shaped as npm's registry documentation describes it."""
    return {
        "_id": name,
        "name": name,
        "dist-tags": {"latest": "1.1.0", "next": "2.0.0-beta.1"},
        "maintainers": [
            {"name": "alice", "email": "a@example.invalid"},
            {"name": "bob", "email": "b@example.invalid"},
            "carol <c@example.invalid>",
        ],
        "time": {
            "created": "2014-01-01T00:00:00.000Z",
            "modified": "2020-02-11T16:35:47.208Z",
            "1.0.0": "2014-01-01T00:00:00.000Z",
            "1.1.0": "2016-05-05T10:00:00.123Z",
            "2.0.0-beta.1": "2020-02-11T16:35:47.208Z",
        },
        "versions": {
            "1.0.0": {"name": name, "version": "1.0.0", "dependencies": {"a": "^1.0.0"}},
            "1.1.0": {
                "name": name,
                "version": "1.1.0",
                "deprecated": "old-lib is no longer maintained, use new-lib",
                "dependencies": {"a": "^1.2.0"},
                "optionalDependencies": {"fsevents": "^2.0.0"},
                "peerDependencies": {"react": ">=16"},
            },
            "2.0.0-beta.1": {"name": name, "version": "2.0.0-beta.1"},
            "not-a-version": {"name": name},
        },
    }


@pytest.fixture
def npm(http_server: HttpTestServer) -> NpmClient:
    """A client for the local server's /npm/ registry."""
    RecordedRegistry(http_server)
    registries = NpmRegistries(default=ConfiguredUrl(url=f"{http_server.url}/npm/", origin="t"))
    return NpmClient(HttpClient(quick_config()), registries)


def test_documented_packument(npm: NpmClient, http_server: HttpTestServer) -> None:
    """Times, deprecation, maintainers (three forms), latest tag; junk versions skipped."""
    http_server.json("GET", "/npm/old-lib", documented())
    project = npm.project("old-lib")
    assert project is not None
    assert ["1.0.0", "1.1.0", "2.0.0-beta.1"] == [r.version for r in project.releases]
    assert (3, "1.1.0") == (project.maintainers, project.latest.version if project.latest else "")
    deprecated = project.release("1.1.0")
    assert deprecated is not None
    assert "old-lib is no longer maintained, use new-lib" == deprecated.deprecated
    assert datetime(2016, 5, 5, 10, 0, 0, 123000, tzinfo=timezone.utc) == deprecated.published
    assert datetime(2020, 2, 11, 16, 35, 47, 208000, tzinfo=timezone.utc) == project.last_published


def test_requirements_of_a_version(npm: NpmClient, http_server: HttpTestServer) -> None:
    """Dependencies (optional included) and peers as name@range, read from the abbreviated
    install document (asked once for several versions); unknown version: None."""
    http_server.json("GET", "/npm/old-lib", documented())
    found = npm.requirements("old-lib", "1.1.0")
    assert found is not None
    assert (("a@^1.2.0", "fsevents@^2.0.0"), ("react@>=16",)) == (found.dependencies, found.peer)
    assert npm.requirements("old-lib", "9.9.9") is None
    assert npm.requirements("old-lib", "1.0.0") is not None
    (asked,) = http_server.requests
    assert (asked.header("accept") or "").startswith("application/vnd.npm.install-v1+json")


def test_projects_come_from_the_full_packument(npm: NpmClient, http_server: HttpTestServer) -> None:
    """Publication times and maintainers are only in the full document: it is asked for."""
    http_server.json("GET", "/npm/old-lib", documented())
    assert npm.project("old-lib") is not None
    assert "application/json" == http_server.requests[0].header("accept")


def test_a_later_run_reads_the_record(http_server: HttpTestServer, tmp_path: Path) -> None:
    """With a cache, the next run's project and requirements come from their records: the
    same facts, no request (the packument's readme and other versions are not kept)."""
    http_server.json("GET", "/npm/old-lib", {**documented(), "readme": "r" * 50_000})
    registries = NpmRegistries(default=ConfiguredUrl(url=f"{http_server.url}/npm/", origin="t"))

    def run() -> tuple[object, object]:
        npm = NpmClient(HttpClient(quick_config(cache_dir=tmp_path)), registries)
        return npm.project("old-lib"), npm.requirements("old-lib", "1.1.0")

    first = run()
    sent = len(http_server.requests)
    assert first == run()
    assert sent == len(http_server.requests)
    assert sum(p.stat().st_size for p in tmp_path.rglob("*.entry")) < 2_000


def test_recorded_peer_dependencies(npm: NpmClient) -> None:
    """react-dom 18.2.0's peer requirement on react, from the recorded packument."""
    found = npm.requirements("react-dom", "18.2.0")
    assert found is not None
    assert ("react@^18.2.0",) == found.peer
    project = npm.project("react-dom")
    assert project is not None
    assert "19.3.1" == project.latest_tag


def test_scoped_names_are_escaped(npm: NpmClient, http_server: HttpTestServer) -> None:
    """@types/node is asked for as @types%2Fnode."""
    assert npm.project("@types/node") is not None
    assert ["/npm/@types%2Fnode"] == [r.path for r in http_server.requests]


def test_scope_registry_and_credentials(http_server: HttpTestServer) -> None:
    """A scoped package goes to its scope's registry with that registry's token."""
    http_server.json("GET", "/private/@acme%2Futil", documented("@acme/util"))
    registries = NpmRegistries(
        default=ConfiguredUrl(url="https://npm-registry.invalid/", origin="t"),
        scopes=(("@acme", ConfiguredUrl(url=f"{http_server.url}/private/", origin="t")),),
        auth=(
            NpmAuth(
                prefix=f"//127.0.0.1:{http_server.port}/private/",
                kind="bearer",
                secret="s3cret",  # noqa: S106 - a test credential
                origin="t",
            ),
        ),
    )
    project = NpmClient(HttpClient(quick_config()), registries).project("@acme/util")
    assert project is not None
    assert f"{http_server.url}/private/" == project.registry
    assert "Bearer s3cret" == http_server.requests[0].header("authorization")


def test_missing_package_and_bad_document(npm: NpmClient, http_server: HttpTestServer) -> None:
    """404: no such package. A packument that is not a table: one line naming the URL."""
    assert npm.project("no-such-package-xyz") is None
    http_server.json("GET", "/npm/broken", ["not", "a", "packument"])
    with pytest.raises(SourceError, match="/npm/broken: unexpected answer: document is an array"):
        npm.project("broken")
