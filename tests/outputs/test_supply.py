"""Terminal and JSON rendering of the supply-chain results: plans, health, kinds, safety."""

from __future__ import annotations

from auditor.core.findings import (
    Blocker,
    Finding,
    FindingKind,
    FixPlan,
    PackageHealth,
    Severity,
    Unverified,
)
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Edge, Package, Root
from auditor.core.result import AuditResult
from auditor.outputs.supply import fix_plan_text, supply_sections, supply_summary
from auditor.outputs.table import render_findings

ROOT = Root(id="root:package-lock.json", name="app", ecosystem=Ecosystem.NPM, path="p")
MKDIRP = Package(ecosystem=Ecosystem.NPM, name="mkdirp", version="0.5.1")
MINIMIST = Package(ecosystem=Ecosystem.NPM, name="minimist", version="0.0.8")
GRAPH = DependencyGraph(
    packages=[MKDIRP, MINIMIST],
    roots=[ROOT],
    edges=[
        Edge(parent=ROOT.id, child=MKDIRP.id, requirement="mkdirp@^0.5.1"),
        Edge(parent=MKDIRP.id, child=MINIMIST.id, requirement="minimist@0.0.8"),
    ],
)
PLAN = FixPlan(
    package_id=MINIMIST.id,
    target="1.2.6",
    findings=("GHSA-xvch-5gv4-984h",),
    compatible=False,
    blockers=(Blocker(parent_id=MKDIRP.id, requirement="minimist@0.0.8", upgrade="0.5.2"),),
)
RESULT = AuditResult(
    graph=GRAPH,
    findings=(
        Finding(
            package_id=MINIMIST.id,
            kind=FindingKind.VULNERABILITY,
            id="GHSA-xvch-5gv4-984h",
            severity=Severity.CRITICAL,
            fix_version="1.2.6",
        ),
        Finding(
            package_id=MKDIRP.id,
            kind=FindingKind.HEALTH,
            id="HEALTH-DEPRECATED",
            severity=Severity.LOW,
            summary="deprecated: \x1b[31mupgrade\u202e now",
        ),
    ),
    fix_plans=(PLAN,),
    health=(
        PackageHealth(package_id=MINIMIST.id, libyears=6.5),
        PackageHealth(package_id=MKDIRP.id, error="HTTP 503"),
    ),
    libyears=6.5,
    unverified=(Unverified(check="health", package_id=MKDIRP.id, reason="HTTP 503"),),
    notes=("a note",),
)


def test_fix_plan_sentences() -> None:
    """Blocked with an upgrade, and blocked with a reason instead."""
    assert (
        "fix: minimist 0.0.8 → 1.2.6 (blocked by mkdirp@0.5.1: minimist@0.0.8; "
        "upgrade mkdirp to 0.5.2)"
    ) == fix_plan_text(PLAN, GRAPH)
    stuck = FixPlan(
        package_id=MINIMIST.id,
        target="1.2.6",
        compatible=False,
        blockers=(Blocker(parent_id=MKDIRP.id, requirement="minimist@0.0.8", reason="no newer"),),
    )
    assert (
        "fix: minimist 0.0.8 → 1.2.6 (blocked by mkdirp@0.5.1: minimist@0.0.8; no newer)"
        == fix_plan_text(stuck, GRAPH)
    )


def test_table_sections_are_terminal_safe() -> None:
    """The other findings' WHY column escapes control and bidi characters from registries."""
    text = render_findings(RESULT)
    assert "1.2.6 (blocked)" in text
    assert "deprecated: \\x1b[31mupgrade\\u202e now" in text
    assert "\x1b" not in text
    assert "health: 1 of 2 registry packages looked up; drift 6.5 libyears in total" in text
    assert "not verified: 1 package (health 1); --json lists each with the reason" in text
    assert text.rstrip().endswith(
        "[1 vulnerability, 1 health]; 2 packages checked against no advisory source"
    )


def test_json_sections() -> None:
    """The added keys, with the plan's sentence and per-kind counts."""
    sections = supply_sections(RESULT)
    assert ["notes", "fix_plans", "health", "unverified"] == list(sections)
    assert "upgrade mkdirp to 0.5.2" in sections["fix_plans"][0]["text"]
    assert 6.5 == sections["health"]["libyears"]
    summary = supply_summary(RESULT)
    assert (1, 1, 1, 1, 1) == (
        summary["by_kind"]["vulnerability"],
        summary["by_kind"]["health"],
        summary["health_known"],
        summary["fix_plans_blocked"],
        summary["unverified"],
    )
