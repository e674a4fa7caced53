"""The vulnerability check: one finding per (package, merged vulnerability), real records."""

from __future__ import annotations

from auditor.advisories.match import evaluate
from auditor.advisories.osv import OsvRecord, record_from_value
from auditor.checks.base import AdvisoryData, CheckContext
from auditor.checks.plugins import CHECKS, default_checks
from auditor.checks.vulnerabilities import VulnerabilityCheck
from auditor.core.findings import FindingKind, Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import Package, Source, SourceKind
from tests.advisories.support import edited, pkg, raw, record

CHECK = VulnerabilityCheck()


def run(package: Package, records: list[OsvRecord]) -> tuple[list[object], list[object]]:
    graph = DependencyGraph(packages=[package])
    data = AdvisoryData(records={package.id: tuple(records)})
    result = CHECK.run(CheckContext(graph=graph, advisories=data))
    return list(result.findings), list(result.unchecked)


def test_alias_records_become_one_finding() -> None:
    """zope 5.1: PYSEC-2021-88 and PYSEC-2021-104 share a GHSA id: one finding, both ids,
    every alias, the union of fixes and the first version neither affects."""
    zope = pkg("PyPI", "zope", "5.1")
    findings, unchecked = run(zope, [record("PYSEC-2021-104"), record("PYSEC-2021-88")])
    assert [] == unchecked
    (finding,) = findings
    assert finding.package_id == zope.id
    assert "PYSEC-2021-88" == finding.id
    assert (
        "PYSEC-2021-104",
        "GHSA-5pr9-v234-jw36",
        "GHSA-5vq5-pg3r-9ph3",
        "GHSA-962m-m8jw-8wrr",
        "GHSA-rpcg-f9q6-2mq6",
        "CVE-2021-32633",
        "CVE-2021-32674",
    ) == tuple(sorted(finding.aliases, key=lambda i: (i[:3] != "PYS", i[:3] == "CVE", i)))
    assert ("4.6", "4.6.1", "5.2", "5.2.1") == finding.fixed_versions
    assert "5.2.1" == finding.fix_version
    assert FindingKind.VULNERABILITY is finding.kind
    assert Severity.UNKNOWN is finding.severity
    assert ("records", "PYSEC-2021-88 PYSEC-2021-104") in finding.evidence
    assert finding.summary.startswith("Zope is an open-source web application server")
    assert len(finding.summary) <= 120


def test_severity_and_database_warning() -> None:
    """electron: CVSS from the record; the converter's overlap warning is kept as evidence."""
    (finding,), _ = run(pkg("npm", "electron", "2.0.18"), [record("NSWG-ECO-495")])
    assert (Severity.CRITICAL, 10.0) == (finding.severity, finding.score)
    assert "5.0.0-beta.5" == finding.fix_version
    warnings = [v for k, v in finding.evidence if k == "database-warning"]
    assert [
        "NSWG-ECO-495: vulnerable_versions and patched_versions of the source record overlap"
    ] == [w.split(" at:")[0] for w in warnings]


def test_malicious_package() -> None:
    """MAL- records: malicious kind, critical, no fix, CWE kept, GHSA alias."""
    (finding,), _ = run(pkg("PyPI", "pyg-utils", "0.1"), [record("MAL-2022-7425")])
    assert FindingKind.MALICIOUS is finding.kind
    assert Severity.CRITICAL is finding.severity
    assert finding.fix_version is None
    assert ("CWE-506",) == finding.cwes
    assert ("GHSA-p8ph-q2m4-p5wv",) == finding.aliases


def test_withdrawn_records_are_dropped() -> None:
    """PYSEC-2023-73 would match redis 4.5.3, but it is withdrawn: no finding."""
    redis = pkg("PyPI", "redis", "4.5.3")
    withdrawn = record("PYSEC-2023-73")
    assert evaluate(withdrawn, redis).affected
    assert ([], []) == run(redis, [withdrawn])


def test_the_latest_copy_of_a_record_wins() -> None:
    """Two sources returning one id: the most recently modified copy counts (here: its
    withdrawal)."""
    django = pkg("PyPI", "django", "3.0.6")
    newer = edited(
        "PYSEC-2021-98", modified="2099-01-01T00:00:00Z", withdrawn="2099-01-01T00:00:00Z"
    )
    assert ([], []) == run(django, [record("PYSEC-2021-98"), newer])
    older = edited(
        "PYSEC-2021-98", modified="2000-01-01T00:00:00Z", withdrawn="2000-01-01T00:00:00Z"
    )
    assert ["PYSEC-2021-98"] == [f.id for f in run(django, [older, record("PYSEC-2021-98")])[0]]


def test_unevaluable_record_leaves_the_package_unchecked() -> None:
    """steam: the record's fix is not a version; the package is unchecked, not clean."""
    findings, unchecked = run(pkg("PyPI", "steam", "1.0.0"), [record("PYSEC-2019-125")])
    assert [] == findings
    assert [
        (
            "pkg:pypi/steam@1.0.0",
            "PYSEC-2019-125: cannot evaluate affected[0].ranges[0]: invalid PEP 440 version "
            "'2019-09-12': not a PEP 440 version",
        )
    ] == unchecked


def test_problem_is_moot_when_an_alias_already_matches() -> None:
    """A broken copy of a vulnerability the package is already reported for changes nothing."""
    value = raw("PYSEC-2021-871")
    value["id"] = "PYSEC-2099-1"
    value["affected"][0]["ranges"][0]["events"][1] = {"fixed": "2019-09-12"}
    value["affected"][0]["versions"] = []
    broken = record_from_value(value, "edited.json")
    findings, unchecked = run(
        pkg("PyPI", "distributed", "2021.9.1"), [broken, record("PYSEC-2021-872")]
    )
    assert [] == unchecked
    assert ["PYSEC-2021-872"] == [f.id for f in findings]


def test_not_affected_and_not_in_graph() -> None:
    """A fixed version gives nothing; records for packages outside the graph are ignored."""
    assert ([], []) == run(pkg("PyPI", "django", "3.2.4"), [record("PYSEC-2021-98")])
    graph = DependencyGraph(packages=[pkg("PyPI", "django", "3.0.6")])
    data = AdvisoryData(records={"pkg:pypi/other@1": (record("PYSEC-2021-98"),)})
    assert () == CHECK.run(CheckContext(graph=graph, advisories=data)).findings


def test_check_registry() -> None:
    """Registered checks have distinct names and kinds; the vulnerability check needs data."""
    assert ["vulnerabilities", "typosquat", "confusion", "health", "conflicts", "licenses"] == list(
        CHECKS
    )
    kinds = [k for c in default_checks() for k in c.kinds]
    assert len(kinds) == len(set(kinds))
    assert not CHECK.applies(CheckContext(graph=DependencyGraph()))


def test_a_record_confirmed_by_commit_affects_a_git_checkout() -> None:
    """zope from git at a commit the OSV API says PYSEC-2021-88 affects: a finding on the
    API's word (a checkout has no release version to evaluate), with the evidence and no
    fix version (no release fixes a checkout); an unconfirmed record is evaluated as usual."""
    git = Source(
        kind=SourceKind.GIT, url="https://github.com/zopefoundation/Zope", reference="a" * 40
    )
    zope = pkg("PyPI", "zope", "9.9", source=git)
    graph = DependencyGraph(packages=[zope])
    data = AdvisoryData(
        records={zope.id: (record("PYSEC-2021-88"), record("PYSEC-2021-98"))},
        confirmed={zope.id: ("PYSEC-2021-88",)},
    )
    result = CHECK.run(CheckContext(graph=graph, advisories=data))
    (finding,) = result.findings
    assert ("PYSEC-2021-88", None) == (finding.id, finding.fix_version)
    assert ("matched-by", f"git commit {'a' * 40} (OSV API)") in finding.evidence
