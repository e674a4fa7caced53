"""A short plain-text summary of a run, for the terminal and summary.txt."""

from __future__ import annotations

from collections import Counter

from auditor.model import AuditResult


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
    return "\n".join(lines) + "\n"
