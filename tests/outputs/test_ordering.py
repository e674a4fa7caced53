"""Unrated is not minor and health is not a vulnerability: malicious packages and
vulnerabilities come first in every output, unrated ones among the mediums; health
findings have a section of their own; an ignore of a rule for every package is one line."""

from __future__ import annotations

import json

from auditor.core.findings import (
    Finding,
    FindingKind,
    IgnoreRule,
    Severity,
    Suppression,
    finding_priority,
)
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Edge, Package, Root
from auditor.core.result import AuditResult, SourceInfo
from auditor.outputs.markdown import render_markdown
from auditor.outputs.sarif import render_sarif
from auditor.outputs.summary import render_summary
from auditor.outputs.table import render_findings
from tests.outputs.cases import OPTIONS

ROOT = Root(id="root:poetry.lock", name="poetry.lock", ecosystem=Ecosystem.PYPI, path="poetry.lock")


def pypi(name: str) -> Package:
    return Package(ecosystem=Ecosystem.PYPI, name=name, version="1.0")


def health(
    package: Package, rule: str = "HEALTH-UNMAINTAINED", severity: Severity = Severity.LOW
) -> Finding:
    return Finding(
        package_id=package.id,
        kind=FindingKind.HEALTH,
        id=rule,
        aliases=(f"{rule}:{package.name}",),
        severity=severity,
        summary="the newest release is 3 years old",
    )


def project() -> AuditResult:
    """As in warehouse's history: low health findings on packages whose names sort first,
    unrated Django advisories, a low-rated vulnerability, and an ignore of a health rule for
    every package."""
    aaa, abc, acme, django, zlib, six, nose, mock, toml = (
        pypi(n) for n in ("aaa", "abc", "acme", "django", "zlib", "six", "nose", "mock", "toml")
    )
    packages = [aaa, abc, acme, django, zlib, six, nose, mock, toml]
    findings = (
        health(aaa),
        health(abc),
        health(acme, "HEALTH-YANKED", Severity.MEDIUM),
        Finding(package_id=django.id, kind=FindingKind.VULNERABILITY, id="PYSEC-2021-98"),
        Finding(
            package_id=django.id,
            kind=FindingKind.VULNERABILITY,
            id="PYSEC-2020-1",
            severity=Severity.MEDIUM,
        ),
        Finding(
            package_id=zlib.id,
            kind=FindingKind.VULNERABILITY,
            id="PYSEC-2019-7",
            severity=Severity.LOW,
        ),
    )
    rule = IgnoreRule(id="HEALTH-DEPRECATED", reason="we accept deprecated packages", origin="x")
    suppressed = tuple(
        Suppression(finding=health(p, "HEALTH-DEPRECATED"), rule=rule)
        for p in (six, nose, mock, toml)
    )
    graph = DependencyGraph(
        packages=packages,
        roots=[ROOT],
        edges=[Edge(parent=ROOT.id, child=p.id) for p in packages],
    )
    return AuditResult(
        graph=graph,
        findings=tuple(sorted(findings)),
        suppressed=suppressed,
        sources=(SourceInfo(name="osv-local", location="db"),),
    )


def test_priority_puts_unrated_among_the_mediums_and_health_last() -> None:
    """The shared sort key: kind group first, then severity with unknown after medium and
    before low."""
    ordered = sorted(project().findings, key=finding_priority)
    assert [
        "PYSEC-2020-1",
        "PYSEC-2021-98",
        "PYSEC-2019-7",
        "HEALTH-YANKED",
        "HEALTH-UNMAINTAINED",
        "HEALTH-UNMAINTAINED",
    ] == [f.id for f in ordered]


def test_markdown_lists_vulnerabilities_first_and_health_apart() -> None:
    """summary.md (the step summary): the findings table holds the vulnerabilities, medium
    and unrated before low; health findings follow in their own section; the ignore of
    HEALTH-DEPRECATED for every package is one line."""
    text = render_markdown(project(), OPTIONS)
    rows = [line for line in text.splitlines() if line.startswith("|  | ")]
    assert ["PYSEC-2020-1", "PYSEC-2021-98", "PYSEC-2019-7"] == [r.split("`")[5] for r in rows]
    findings_at, health_at = text.index("### Findings"), text.index("### Health (3)")
    assert findings_at < health_at < text.index("### Suppressed by ignores (4)")
    assert "- `acme@1.0` `HEALTH-YANKED` (medium)" in text
    suppressed = text.split("### Suppressed by ignores (4)")[1].strip().splitlines()
    assert [
        "- `HEALTH-DEPRECATED`: 4 findings (HEALTH-DEPRECATED on mock@\u200b1.0, nose@\u200b1.0, "
        "six@\u200b1.0 and 1 more): we accept deprecated packages (x)"
    ] == suppressed  # md_text breaks "@" mentions with a zero-width space
    severities = [
        line.split("|")[1].strip()
        for line in text.splitlines()
        if line.startswith(("| ⬜", "| 🟨", "| 🟦"))
    ]
    assert ["🟨 medium", "⬜ unknown", "🟦 low"] == severities


def test_table_lists_vulnerabilities_first_and_health_apart() -> None:
    """The terminal: the main table has the vulnerabilities (medium, unrated, low), the
    health findings come in their own section, and the ignore is one line."""
    lines = render_findings(project()).splitlines()
    main = lines[1 : lines.index("")]
    assert ["PYSEC-2020-1", "PYSEC-2021-98", "PYSEC-2019-7"] == [r.split()[2] for r in main]
    suppressed = lines.index("suppressed by ignores (4):")
    assert (
        "  HEALTH-DEPRECATED: 4 findings (HEALTH-DEPRECATED on mock@1.0, nose@1.0, six@1.0 and "
        "1 more): we accept deprecated packages (x)"
    ) == lines[suppressed + 1]
    assert "" == lines[suppressed + 2]
    at = lines.index("health findings (3; maintenance advice, not vulnerabilities):")
    assert ["acme", "aaa", "abc"] == [lines[at + i].split()[1] for i in (2, 3, 4)]
    verdict = lines[-1]
    assert verdict.startswith("6 findings in 5 packages (2 medium, 1 unknown, 3 low)")


def test_summary_counts_unrated_after_medium() -> None:
    """summary.txt counts unrated findings between medium and low."""
    assert "findings: 6 in 5 packages (2 medium, 1 unknown, 3 low)" in render_summary(project())


def test_sarif_health_is_no_security_alert_and_unrated_ranks_medium() -> None:
    """Health rules are tagged maintenance with no security-severity (GitHub files them as
    plain alerts, not security ones); an unrated vulnerability gets medium's floor; results
    list vulnerabilities first."""
    run = json.loads(render_sarif(project(), OPTIONS))["runs"][0]
    rules = {r["id"]: r["properties"] for r in run["tool"]["driver"]["rules"]}
    assert ["health", "maintenance"] == rules["health/HEALTH-UNMAINTAINED"]["tags"]
    assert "security-severity" not in rules["health/HEALTH-UNMAINTAINED"]
    assert "4.0" == rules["PYSEC-2021-98"]["security-severity"]
    assert "security" in rules["PYSEC-2021-98"]["tags"]
    order = [r["ruleId"] for r in run["results"] if "suppressions" not in r]
    assert ["PYSEC-2020-1", "PYSEC-2021-98", "PYSEC-2019-7"] == order[:3]
