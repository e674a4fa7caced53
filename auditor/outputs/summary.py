"""A short plain-text summary of a run, for the terminal and summary.txt."""

from __future__ import annotations

from collections import Counter

from auditor.core.findings import SEVERITY_ORDER, FindingKind
from auditor.core.result import AuditResult
from auditor.outputs.coverage import coverage_lines
from auditor.outputs.duplicates import duplicates_line
from auditor.outputs.supply_table import summary_lines
from auditor.outputs.suppressions import suppressed_heading
from auditor.outputs.table import tree_clause
from auditor.outputs.text import plural, safe


def render_summary(result: AuditResult) -> str:
    graph = result.graph
    views = list(graph.views())
    by_eco = Counter(v.package.ecosystem.value for v in views)
    direct = sum(1 for v in views if v.direct)
    lines = [
        f"status: {result.status.value}",
        f"lockfiles: {len({r.path for r in graph.roots})}",
        f"packages: {len(views)} ({direct} direct, {len(views) - direct} transitive)",
    ]
    if by_eco:
        lines.append("by ecosystem: " + ", ".join(f"{k} {v}" for k, v in sorted(by_eco.items())))
    lines.append(f"edges: {len(graph.edges)}")
    if result.skipped:
        lines.append(f"skipped: {len(result.skipped)} (not pinned, local or VCS without version)")
    if result.errors:
        lines.append(f"files with errors: {len(result.errors)}")
        lines.extend(f"  {e.render()}" for e in result.errors)
    if result.sources:
        lines.extend(_advisory_lines(result))
    lines.extend(summary_lines(result))
    duplicates = duplicates_line(result, hint="findings.json lists them under duplicates")
    if duplicates:
        lines.append(duplicates)
    if tree := tree_clause(result):
        lines.append(tree.removeprefix("; "))
    lines.extend(line for line in coverage_lines(result) if line)
    return "\n".join(lines) + "\n"


def _advisory_lines(result: AuditResult) -> list[str]:
    lines = []
    for info in result.sources:
        when = f", updated {info.updated[:10]}" if info.updated else ""
        failed = f", FAILED: {info.error}" if info.error else ""
        lines.append(safe(f"advisories: {info.label} ({info.location}{when}{failed})"))
    counts = Counter(f.severity for f in result.findings)
    by_severity = ", ".join(f"{counts[s]} {s.value}" for s in SEVERITY_ORDER if counts[s])
    affected = len({f.package_id for f in result.findings})
    text = f"findings: {len(result.findings)}"
    if result.findings:
        text += f" in {plural(affected, 'package')} ({by_severity})"
    lines.append(text)
    malicious = sum(1 for f in result.findings if f.kind is FindingKind.MALICIOUS)
    if malicious:
        lines.append(f"malicious packages: {malicious}")
    typosquats = sum(1 for f in result.findings if f.kind is FindingKind.TYPOSQUAT)
    if typosquats:
        lines.append(f"possible typosquats: {typosquats}")
    if result.suppressed:
        lines.append(f"{suppressed_heading(result.suppressed)}: {len(result.suppressed)}")
    if result.expired_ignores:
        lines.append(f"expired ignores (no longer applied): {len(result.expired_ignores)}")
    unchecked = len({p for p, _ in result.unchecked})
    if unchecked:
        lines.append(f"NOT checked: {plural(unchecked, 'package')} (see findings.json unchecked[])")
    if result.excluded:
        lines.append(f"local packages not looked up: {len(result.excluded)}")
    kev = sum(1 for f in result.findings if f.kev)
    if kev:
        lines.append(f"known exploited (CISA KEV): {plural(kev, 'finding')}")
    for info in result.exploit_data:
        when = f", updated {info.updated[:10]}" if info.updated else ""
        lines.append(safe(f"exploitation data: {info.name} ({info.location}{when})"))
    if result.omit:
        scopes = ",".join(result.omit)
        text = f"omitted (--omit {scopes}): {plural(len(result.omitted), 'finding')}"
        if result.omitted_unchecked:
            text += f", {plural(len(result.omitted_unchecked), 'package')} not checked"
        lines.append(text)
    if result.vex_unmatched:
        statements = len({r.origin for r in result.vex_unmatched})
        lines.append(f"VEX statements matching no finding: {statements}")
    return lines
