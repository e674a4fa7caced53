"""Findings as a terminal table, with suppressed findings and the verdict line.

Every value that comes from a lockfile or an advisory record is made terminal-safe first:
a record's summary or id must not be able to move the cursor, recolour the screen or
reverse the text direction (control characters and bidi overrides are shown escaped).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from auditor.graph import DependencyGraph
from auditor.model import AuditResult, Finding, FindingKind, Severity, Status

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
HEADERS = ("PACKAGE", "VERSION", "ID", "SEVERITY", "FIX", "PATH")


def safe(text: str) -> str:
    """``text`` with control characters and bidi controls shown as escapes."""
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def severity_cell(finding: Finding) -> str:
    text = finding.severity.value
    if finding.score is not None:
        text += f" {finding.score:.1f}"
    if finding.kind is FindingKind.MALICIOUS:
        text += " (malicious)"
    return text


def path_cell(graph: DependencyGraph, package_id: str) -> str:
    paths = graph.paths_to(package_id, limit=2)
    if not paths:
        return "(no recorded path)"
    shown = " → ".join(graph.label(node) for node in paths[0])
    total = len(graph.paths_to(package_id, limit=100))
    return shown if total == 1 else f"{shown} (+{total - 1} more)"


def _row(graph: DependencyGraph, finding: Finding) -> tuple[str, ...]:
    package = graph.package(finding.package_id)
    return tuple(
        safe(cell)
        for cell in (
            package.name,
            package.version,
            finding.id,
            severity_cell(finding),
            finding.fix_version or "-",
            path_cell(graph, finding.package_id),
        )
    )


def _order(graph: DependencyGraph, finding: Finding) -> tuple[str, str, int, str]:
    package = graph.package(finding.package_id)
    return package.name, package.id, -finding.severity.rank, finding.id


def render_rows(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def render_findings(result: AuditResult) -> str:
    graph = result.graph
    lines: list[str] = []
    findings = sorted(result.findings, key=lambda f: _order(graph, f))
    if findings:
        lines.extend(render_rows([HEADERS, *(_row(graph, f) for f in findings)]))
    if result.suppressed:
        lines.append("")
        lines.append(f"suppressed by ignores ({len(result.suppressed)}):")
        for item in sorted(result.suppressed, key=lambda s: _order(graph, s.finding)):
            package = graph.package(item.finding.package_id)
            until = f", until {item.rule.expires}" if item.rule.expires else ""
            lines.append(
                safe(
                    f"  {package.display} {item.finding.id}: {item.rule.reason}"
                    f" ({item.rule.origin}{until})"
                )
            )
    if result.expired_ignores:
        lines.append("")
        lines.append(f"expired ignores, no longer applied ({len(result.expired_ignores)}):")
        lines.extend(
            safe(f"  {r.id}: expired {r.expires} ({r.origin})") for r in result.expired_ignores
        )
    if lines:
        lines.append("")
    lines.append(verdict(result))
    return "\n".join(lines) + "\n"


def verdict(result: AuditResult) -> str:
    """One line that never claims "no vulnerabilities" for packages it could not check."""
    unchecked = len({p for p, _ in result.unchecked})
    checked = len(result.graph) - unchecked - len(result.excluded)
    sources = ", ".join(i.name for i in result.sources) or "no advisory source"
    if result.findings:
        counts = [
            f"{n} {s.value}"
            for s in reversed(Severity)
            if (n := sum(1 for f in result.findings if f.severity is s))
        ]
        packages = len({f.package_id for f in result.findings})
        text = (
            f"{plural(len(result.findings), 'finding')} in {plural(packages, 'package')} "
            f"({', '.join(counts)}); {plural(checked, 'package')} checked against {sources}"
        )
    elif result.status is Status.INCOMPLETE or unchecked:
        text = f"no findings in the {plural(checked, 'package')} checked against {sources}"
    else:
        text = f"no known vulnerabilities in {plural(checked, 'package')} checked against {sources}"
    if unchecked:
        text += f"; {plural(unchecked, 'package')} could NOT be checked (listed on stderr)"
    if result.excluded:
        text += f"; {plural(len(result.excluded), 'local package')} not looked up"
    return text
