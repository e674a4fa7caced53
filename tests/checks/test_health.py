"""Health findings from registry facts: yanked, deprecated, unmaintained; unknown health is
listed as unverified, not reported as a finding."""

from __future__ import annotations

from datetime import datetime, timezone

from auditor.checks.base import CheckContext, CheckSettings
from auditor.checks.health import HealthCheck, judge
from auditor.core.findings import PackageHealth, Severity, Unverified
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Package
from auditor.enrich.stage import RegistryData

NOW = datetime(2026, 11, 27, tzinfo=timezone.utc)
NOSE = Package(ecosystem=Ecosystem.PYPI, name="nose", version="1.3.7")
REQUEST = Package(ecosystem=Ecosystem.NPM, name="request", version="2.88.2")


def health(package: Package, **facts: object) -> PackageHealth:
    return PackageHealth(package_id=package.id, registry="https://registry.invalid", **facts)  # type: ignore[arg-type]


def test_unmaintained_against_the_threshold() -> None:
    """Last release 2015: unmaintained at 730 days, not at 5000; evidence has the facts."""
    facts = health(
        NOSE,
        published="2015-06-02T09:12:40Z",
        latest="1.3.7",
        latest_published="2015-06-02T09:12:40Z",
        last_release="2015-06-02T09:12:40Z",
        maintainers=3,
    )
    (finding,) = judge(NOSE, facts, 730, NOW)
    assert ("HEALTH-UNMAINTAINED", Severity.LOW) == (finding.id, finding.severity)
    assert "no release since 2015-06-02 (11.5 years; threshold 730 days)" == finding.summary
    assert (
        ("registry", "https://registry.invalid"),
        ("published", "2015-06-02"),
        ("latest", "1.3.7 (2015-06-02)"),
        ("last-release", "2015-06-02"),
        ("maintainers", "3"),
        ("threshold-days", "730"),
    ) == finding.evidence
    assert [] == judge(NOSE, facts, 5000, NOW)
    assert [] == judge(NOSE, facts, 730, None)  # no clock, no age


def test_yanked_and_deprecated() -> None:
    """A yanked release (medium, with the reason) and an npm deprecation (low, quoted)."""
    yanked = judge(NOSE, health(NOSE, yanked=True), 730, NOW)
    assert [("HEALTH-YANKED", Severity.MEDIUM, "1.3.7 was yanked: no reason given")] == [
        (f.id, f.severity, f.summary) for f in yanked
    ]
    message = "request has been deprecated,\n  see https://github.invalid/request/issues/3142"
    (deprecated,) = judge(REQUEST, health(REQUEST, deprecated=message), 730, NOW)
    assert (
        "HEALTH-DEPRECATED",
        "deprecated: request has been deprecated, see https://github.invalid/request/issues/3142",
        ("HEALTH-DEPRECATED:request",),
    ) == (deprecated.id, deprecated.summary, deprecated.aliases)


def test_check_needs_registry_data_and_lists_unknowns() -> None:
    """Not run without registry data; a failed lookup is unverified, never a finding."""
    graph = DependencyGraph(packages=[NOSE, REQUEST])
    check = HealthCheck()
    assert not check.applies(CheckContext(graph=graph))
    data = RegistryData(
        health={
            NOSE.id: health(NOSE, yanked=True),
            REQUEST.id: health(REQUEST, error="GET x: HTTP 503 after 4 attempts"),
            "pkg:pypi/not-in-graph@1": health(NOSE, yanked=True),
        }
    )
    result = check.run(CheckContext(graph=graph, registry=data, settings=CheckSettings(now=NOW)))
    assert ["HEALTH-YANKED"] == [f.id for f in result.findings]
    assert (
        Unverified(
            check="health", package_id=REQUEST.id, reason="GET x: HTTP 503 after 4 attempts"
        ),
    ) == result.unverified
