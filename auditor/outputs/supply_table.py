"""Terminal sections for the supply-chain checks, printed after the vulnerability table:
findings of the other kinds (with the sentence saying why), health findings apart, fix
plans, a health line and what could not be verified. Every third-party string passes
through ``safe``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from auditor.core.findings import Finding, FindingKind, finding_priority
from auditor.core.result import AuditResult
from auditor.outputs.supply import fix_plan_text
from auditor.outputs.text import plural, render_rows, safe

# the kinds of the main table, whose id says enough (an advisory, ``typosquat:requests``);
# the others need a sentence saying why, in the second table
ADVISORY_KINDS = frozenset(
    {FindingKind.VULNERABILITY, FindingKind.MALICIOUS, FindingKind.TYPOSQUAT}
)
HEADERS = ("KIND", "PACKAGE", "VERSION", "ID", "SEVERITY", "WHY")
WORST_DRIFT = 3  # packages named on the health line


def other_findings(result: AuditResult, *, health: bool = False) -> list[Finding]:
    """Findings of the kinds not in the main table (health ones with ``health``, else the
    others), most important first."""
    graph = result.graph
    items = [
        f
        for f in result.findings
        if f.kind not in ADVISORY_KINDS and (f.kind is FindingKind.HEALTH) == health
    ]
    return sorted(
        items,
        key=lambda f: (finding_priority(f), graph.package(f.package_id).name, f.id),
    )


def other_rows(result: AuditResult, *, health: bool = False) -> list[tuple[str, ...]]:
    graph = result.graph
    rows = []
    for finding in other_findings(result, health=health):
        package = graph.package(finding.package_id)
        rows.append(
            tuple(
                safe(c)
                for c in (
                    finding.kind.value,
                    package.name,
                    package.version,
                    finding.id,
                    finding.severity.value,
                    finding.summary,
                )
            )
        )
    return rows


def fix_cell(result: AuditResult, finding: Finding) -> str:
    """The FIX column: the finding's fix, marked when the package's plan is blocked."""
    if not finding.fix_version:
        return "-"
    plan = result.fix_plan(finding.package_id)
    if plan is not None and plan.blockers:
        return f"{finding.fix_version} (blocked)"
    if plan is not None and plan.unknown:
        return f"{finding.fix_version} (unverified)"
    return finding.fix_version


def sections(result: AuditResult) -> list[str]:
    """The lines after the vulnerability table (empty when there is nothing to say)."""
    lines: list[str] = []
    rows = other_rows(result)
    if rows:
        lines.append("")
        lines.append(f"other findings ({len(rows)}):")
        lines.extend(render_rows([HEADERS, *rows]))
    health_rows = other_rows(result, health=True)
    if health_rows:
        lines.append("")
        lines.append(
            f"health findings ({len(health_rows)}; maintenance advice, not vulnerabilities):"
        )
        lines.extend(render_rows([HEADERS, *health_rows]))
    if result.fix_plans:
        lines.append("")
        lines.append(f"fix plans ({len(result.fix_plans)}):")
        lines.extend(safe(f"  {fix_plan_text(p, result.graph)}") for p in result.fix_plans)
    health = health_line(result)
    if health:
        lines.append("")
        lines.append(health)
    if result.unverified:
        counts = Counter(u.check for u in result.unverified)
        parts = ", ".join(f"{check} {n}" for check, n in sorted(counts.items()))
        lines.append("")
        lines.append(
            f"not verified: {plural(len(result.unverified), 'package')} ({parts}); "
            "--json lists each with the reason"
        )
    return lines


def health_line(result: AuditResult) -> str:
    """``health: 180 of 185 packages looked up; drift 123.4 libyears (most: ...)``."""
    if not result.health:
        return ""
    known = [h for h in result.health if not h.error]
    text = f"health: {len(known)} of {len(result.health)} registry packages looked up"
    if result.libyears is not None:
        text += f"; drift {result.libyears:.1f} libyears in total"
        worst = sorted(
            (h for h in known if h.libyears),
            key=lambda h: (-(h.libyears or 0), h.package_id),
        )[:WORST_DRIFT]
        if worst:
            named = ", ".join(f"{result.graph.label(h.package_id)} {h.libyears:.1f}" for h in worst)
            text += f" (most: {named})"
    return safe(text)


def kinds_text(findings: Sequence[Finding]) -> str:
    """``1 malicious, 2 vulnerability, 3 health``: counts per kind, most important first."""
    counts = Counter(f.kind for f in findings)
    kinds = sorted(FindingKind, key=lambda k: k.group)
    return ", ".join(f"{counts[k]} {k.value}" for k in kinds if counts[k])


def summary_lines(result: AuditResult) -> list[str]:
    """The supply-chain lines of summary.txt."""
    lines = []
    if any(f.kind not in ADVISORY_KINDS for f in result.findings):
        lines.append(f"findings by kind: {kinds_text(result.findings)}")
    if result.fix_plans:
        blocked = sum(1 for p in result.fix_plans if p.blockers)
        lines.append(f"fix plans: {len(result.fix_plans)} ({blocked} blocked)")
        lines.extend(safe(f"  {fix_plan_text(p, result.graph)}") for p in result.fix_plans)
    health = health_line(result)
    if health:
        lines.append(health)
    if result.unverified:
        counts = Counter(u.check for u in result.unverified)
        parts = ", ".join(f"{check} {n}" for check, n in sorted(counts.items()))
        lines.append(f"not verified: {len(result.unverified)} ({parts}; see findings.json)")
    return lines
