"""Findings as a terminal table, with suppressed findings and the verdict line.

Malicious, vulnerable and typosquatted packages fill the main table, in that order (unrated
vulnerabilities among the mediums); the other kinds (with the sentence saying why), health
findings in a section of their own, fix plans, the health line and what could not be
verified follow (``supply_table``). An ignore that hides many findings is one line. Every
value from a lockfile, a registry or an advisory record is made terminal-safe
(``text.safe``).
"""

from __future__ import annotations

from auditor.core.findings import SEVERITY_ORDER, Finding, FindingKind, Priority, finding_priority
from auditor.core.graph import DependencyGraph
from auditor.core.result import AuditResult, Status
from auditor.outputs.coverage import coverage_lines, verdict_notes
from auditor.outputs.duplicates import SHOW_DUPLICATES, duplicates_section
from auditor.outputs.findings_json import checked_count
from auditor.outputs.supply_table import ADVISORY_KINDS, fix_cell, kinds_text, sections
from auditor.outputs.suppressions import decision, grouped, suppressed_heading
from auditor.outputs.text import plural, render_rows, safe

__all__ = [  # safe, plural and render_rows moved to text.py; importing them here still works
    "HEADERS",
    "path_cell",
    "plural",
    "render_findings",
    "render_rows",
    "safe",
    "severity_cell",
    "verdict",
]

HEADERS = ("PACKAGE", "VERSION", "ID", "SEVERITY", "FIX", "PATH")


def severity_cell(finding: Finding) -> str:
    text = finding.severity.value
    if finding.score is not None:
        text += f" {finding.score:.1f}"
    if finding.kind is FindingKind.MALICIOUS:
        text += " (malicious)"
    return text + exploit_text(finding)


def exploit_text(finding: Finding) -> str:
    """`` KEV EPSS 94.4%``: known exploited (CISA), the EPSS probability (FIRST)."""
    text = " KEV" if finding.kev else ""
    if finding.epss is not None:
        text += f" EPSS {finding.epss.score:.1%}"
    return text


def omitted_clause(result: AuditResult) -> str:
    """``; 11 findings of packages only needed in dev left out (--omit dev)``."""
    if not result.omit or not (result.omitted or result.omitted_unchecked):
        return ""
    scopes = ", ".join(result.omit)
    text = f"; {plural(len(result.omitted), 'finding')} of packages only needed in {scopes}"
    text += f" left out (--omit {','.join(result.omit)})"
    if result.omitted_unchecked:
        text += f" and {plural(len(result.omitted_unchecked), 'such package')} not checked"
    return text


def path_cell(graph: DependencyGraph, package_id: str) -> str:
    paths = graph.paths_to(package_id, limit=2)
    if not paths:
        return "(no recorded path)"
    shown = " → ".join(graph.label(node) for node in paths[0])
    total = len(graph.paths_to(package_id, limit=100))
    return shown if total == 1 else f"{shown} (+{total - 1} more)"


def _row(result: AuditResult, finding: Finding) -> tuple[str, ...]:
    graph = result.graph
    package = graph.package(finding.package_id)
    return tuple(
        safe(cell)
        for cell in (
            package.name,
            package.version,
            finding.id,
            severity_cell(finding),
            fix_cell(result, finding),
            path_cell(graph, finding.package_id),
        )
    )


def _order(graph: DependencyGraph, finding: Finding) -> tuple[Priority, str, str, str]:
    """Malicious packages, then vulnerabilities (unrated ones among the mediums), then
    typosquats; by package within each."""
    package = graph.package(finding.package_id)
    return finding_priority(finding), package.name, package.id, finding.id


def render_findings(result: AuditResult, *, show: frozenset[str] = frozenset()) -> str:
    graph = result.graph
    lines: list[str] = []
    findings = sorted(
        (f for f in result.findings if f.kind in ADVISORY_KINDS), key=lambda f: _order(graph, f)
    )
    if findings:
        lines.extend(render_rows([HEADERS, *(_row(result, f) for f in findings)]))
    if result.suppressed:
        lines.append("")
        lines.append(f"{suppressed_heading(result.suppressed)} ({len(result.suppressed)}):")
        lines.extend(_suppressed_lines(result))
    if result.expired_ignores:
        lines.append("")
        lines.append(f"expired ignores, no longer applied ({len(result.expired_ignores)}):")
        lines.extend(
            safe(f"  {r.id}: expired {r.expires} ({r.origin})") for r in result.expired_ignores
        )
    lines.extend(sections(result))
    lines.extend(duplicates_section(result, SHOW_DUPLICATES in show))
    lines.extend(coverage_lines(result))
    if lines and lines[0] == "":
        lines.pop(0)
    if lines:
        lines.append("")
    lines.append(verdict(result))
    return "\n".join(lines) + "\n"


def _suppressed_lines(result: AuditResult) -> list[str]:
    """One line per ignore rule that hides one finding (naming it), one summary line per
    rule that hides several (an ignore of a rule id for every package)."""
    graph = result.graph
    lines = []
    for group in grouped(result.suppressed):
        rule = group.rule
        until = f", until {rule.expires}" if rule.expires else ""
        if len(group.items) == 1:
            finding = group.items[0].finding
            what = f"{graph.package(finding.package_id).display} {finding.id}"
        else:
            what = (
                f"{rule.id}: {len(group.items)} findings ({group.finding_ids()} on "
                f"{group.packages(graph)})"
            )
        lines.append(safe(f"  {what}: {decision(rule)} ({rule.origin}{until})"))
    return lines


def verdict(result: AuditResult) -> str:
    """One line that never claims "no vulnerabilities" for packages it could not check."""
    unchecked = len({p for p, _ in result.unchecked})
    checked = checked_count(result)
    sources = ", ".join(i.label for i in result.sources) or "no advisory source"
    if result.findings:
        counts = [
            f"{n} {s.value}"
            for s in SEVERITY_ORDER
            if (n := sum(1 for f in result.findings if f.severity is s))
        ]
        packages = len({f.package_id for f in result.findings})
        text = f"{plural(len(result.findings), 'finding')} in {plural(packages, 'package')} "
        text += f"({', '.join(counts)})"
        if any(f.kind not in ADVISORY_KINDS for f in result.findings):
            text += f" [{kinds_text(result.findings)}]"
        text += f"; {plural(checked, 'package')} checked against {sources}"
    elif result.status is not Status.COMPLETE or unchecked or result.unaudited:
        text = f"no findings in the {plural(checked, 'package')} checked against {sources}"
    else:
        text = f"no known vulnerabilities in {plural(checked, 'package')} checked against {sources}"
    if unchecked:
        text += f"; {plural(unchecked, 'package')} could NOT be checked (listed on stderr)"
    if result.excluded:
        text += f"; {plural(len(result.excluded), 'local package')} not looked up"
    for note in verdict_notes(result):
        text += f"; {note}"
    return text + omitted_clause(result) + tree_clause(result)


def tree_clause(result: AuditResult) -> str:
    """``; set by the scanned tree (auditor.toml): fail-on, ignore (1 suppressed)``: the
    settings that chose the advisory data, the checks or the gate from inside the tree."""
    if result.tree_settings is None:
        return ""
    path, keys = result.tree_settings
    ignored = sum(1 for s in result.suppressed if not s.rule.is_vex)  # --vex is yours
    named = [
        (f"ignore ({ignored} suppressed)" if key == "ignore" else key)
        for key in keys
        if key != "ignore" or ignored
    ]
    return safe(f"; set by the scanned tree ({path}): {', '.join(named)}") if named else ""
