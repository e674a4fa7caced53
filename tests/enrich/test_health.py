"""Health facts gathered from the recorded registry answers, and lookups that fail."""

from __future__ import annotations

import pytest

from auditor.core.findings import PackageHealth
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Package, Source
from auditor.enrich.health import gather_health, total_libyears
from auditor.net.client import HttpClient
from auditor.registries.lookup import Registries
from auditor.registries.pypi import PypiClient
from tests.httpserver import HttpTestServer, json_reply, quick_config
from tests.registries.recorded import RecordedRegistry


def pkg(name: str, version: str, source: Source | None = None) -> Package:
    return Package(ecosystem=Ecosystem.PYPI, name=name, version=version, source=source or Source())


@pytest.fixture
def registries(http_server: HttpTestServer) -> Registries:
    """The recorded PyPI answers behind a configured default index."""
    recorded = RecordedRegistry(http_server)
    return Registries.of(PypiClient(HttpClient(quick_config(max_attempts=1)), recorded.indexes))


def by_name(health: tuple[PackageHealth, ...]) -> dict[str, PackageHealth]:
    return {h.package_id.split("/")[1].split("@")[0]: h for h in health}


def test_facts_of_real_packages(registries: Registries) -> None:
    """requests 2.19.0: dates, the latest release, drift (owners are not on the simple
    page); 2.32.0 is yanked."""
    graph = DependencyGraph(
        packages=[pkg("requests", "2.19.0"), pkg("requests", "2.32.0"), pkg("nose", "1.3.7")]
    )
    health = gather_health(graph, registries)
    old = next(h for h in health if h.package_id == "pkg:pypi/requests@2.19.0")
    assert (
        "2018-06-12T14:46:15Z",
        "2.34.2",
        "2026-05-14T19:25:26Z",
        7.92,
        None,
        False,
        None,
    ) == (
        old.published,
        old.latest,
        old.latest_published,
        old.libyears,
        old.maintainers,
        old.yanked,
        old.error,
    )
    assert 27 == old.newer_releases  # 2.19.1 … 2.34.2: no yanked 2.32.0/1, no 2.34.0.dev1
    yanked = next(h for h in health if h.package_id == "pkg:pypi/requests@2.32.0")
    assert (True, "Yanked due to conflicts with CVE-2024-35195 mitigation") == (
        yanked.yanked,
        yanked.yanked_reason,
    )
    nose = next(h for h in health if h.package_id == "pkg:pypi/nose@1.3.7")
    # the simple page lists all three files of 1.3.7; the first was uploaded at 09:12:32
    assert ("1.3.7", 0.0, "2015-06-02T09:12:32Z") == (nose.latest, nose.libyears, nose.last_release)
    assert round(7.92 + yanked.libyears + 0.0, 2) == total_libyears(health)  # type: ignore[operator]


def test_unknown_health_says_why(registries: Registries, http_server: HttpTestServer) -> None:
    """Not on the registry, not a release, locked from another index, a failing server:
    each package's health is unknown with its reason; nothing raises."""
    http_server.route("GET", "/simple/six/", json_reply({"error": "down"}, status=500))
    other = Source(url="https://private.invalid/simple")
    graph = DependencyGraph(
        packages=[
            pkg("no-such-project-here", "1.0"),
            pkg("requests", "0.0.0"),
            pkg("acme-tools", "1.0", other),
            pkg("six", "1.16.0"),
        ]
    )
    reasons = {h.package_id: h.error for h in gather_health(graph, registries)}
    url = http_server.url
    assert {
        "pkg:pypi/no-such-project-here@1.0": f"no-such-project-here is not on {url}/simple",
        "pkg:pypi/requests@0.0.0": f"0.0.0 is not a release on {url}/simple",
        "pkg:pypi/acme-tools@1.0": "locked from https://private.invalid/simple, not the "
        f"configured registry {url}/simple",
        "pkg:pypi/six@1.16.0": f"lookup failed: GET {url}/simple/six/: HTTP 500 after 1 attempt",
    } == reasons
    assert total_libyears(()) is None


def test_no_registry_for_an_ecosystem() -> None:
    """An ecosystem without a configured registry: unknown, with the reason."""
    graph = DependencyGraph(packages=[Package(ecosystem=Ecosystem.NPM, name="x", version="1.0.0")])
    (health,) = gather_health(graph, Registries({}))
    assert "no npm registry is configured" == health.error
