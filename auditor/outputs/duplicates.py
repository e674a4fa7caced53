"""Names locked at several versions, as outputs show them: the JSON shape, the summary line
and the terminal table of ``--show duplicates`` (like ``npm ls NAME``: each version with who
requires it). Information only: they are not findings (``auditor.pipeline.duplicates``)."""

from __future__ import annotations

from typing import Any

from auditor.core.graph import DependencyGraph
from auditor.core.result import AuditResult, DuplicateVersions
from auditor.outputs.text import plural, render_rows, safe

SHOW_DUPLICATES = "duplicates"
SHOW_CHOICES = (SHOW_DUPLICATES,)  # what ``--show`` can list after the findings
HEADERS = ("NAME", "VERSION", "DEPENDENTS", "REQUIRED BY")
REQUIRED_BY_SHOWN = 2


def duplicate_json(item: DuplicateVersions, graph: DependencyGraph) -> dict[str, Any]:
    return {
        "ecosystem": item.ecosystem.value,
        "name": item.name,
        "versions": list(item.versions),
        "packages": [
            {
                "package": package_id,
                "version": graph.package(package_id).version,
                "dependents": sorted({graph.label(e.parent) for e in graph.parents(package_id)}),
                "files": sorted({loc.path for loc in graph.package(package_id).found_in}),
            }
            for package_id in item.packages
            if package_id in graph
        ],
    }


def duplicates_line(result: AuditResult, *, hint: str) -> str:
    """``duplicate versions: 3 names locked at several versions (...)``; empty when none."""
    if not result.duplicates:
        return ""
    copies = sum(len(d.packages) for d in result.duplicates)
    names = plural(len(result.duplicates), "name")
    return (
        f"duplicate versions: {names} locked at several versions ({copies} packages); "
        f"information, not findings ({hint})"
    )


def duplicate_rows(result: AuditResult) -> list[tuple[str, ...]]:
    graph = result.graph
    rows = []
    for item in result.duplicates:
        for index, package_id in enumerate(p for p in item.packages if p in graph):
            parents = sorted({graph.label(e.parent) for e in graph.parents(package_id)})
            shown = ", ".join(parents[:REQUIRED_BY_SHOWN])
            if len(parents) > REQUIRED_BY_SHOWN:
                shown += f" (+{len(parents) - REQUIRED_BY_SHOWN} more)"
            name = item.name if index == 0 else ""
            version = graph.package(package_id).version
            rows.append(tuple(safe(c) for c in (name, version, str(len(parents)), shown)))
    return rows


def duplicates_section(result: AuditResult, show: bool) -> list[str]:
    """The lines after the findings: the table with ``show``, else one line saying how many."""
    if not result.duplicates:
        return []
    if not show:
        return ["", duplicates_line(result, hint="--show duplicates lists them")]
    copies = sum(len(d.packages) for d in result.duplicates)
    title = (
        f"duplicate versions ({plural(len(result.duplicates), 'name')}, {copies} packages; "
        "information, not findings):"
    )
    return ["", title, *render_rows([HEADERS, *duplicate_rows(result)])]
