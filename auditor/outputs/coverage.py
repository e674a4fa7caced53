"""What a run could not audit at all, for every output: packages no advisory describes by
version (``unaudited``: from git or a URL, or without a version), files that declare
dependencies auditor does not read (``unsupported``: lockfiles of other formats, manifests
without a lockfile) and the files the user excluded. JSON shapes here, and the lines the
table, the summary and the Markdown show.
"""

from __future__ import annotations

from typing import Any

from auditor.core.graph import DependencyGraph
from auditor.core.model import UnsupportedFile
from auditor.core.result import AuditResult
from auditor.outputs.text import plural, safe

LINES = 50  # unaudited packages and unsupported files listed in text before "N more"


def unaudited_json(result: AuditResult) -> list[dict[str, Any]]:
    graph = result.graph
    out = []
    for item in result.unaudited:
        package = graph.package(item.package_id)
        rule = item.ignore
        out.append(
            {
                "package": item.package_id,
                "ecosystem": package.ecosystem.value,
                "name": package.name,
                "version": package.version,
                "source": item.source,
                "reason": item.reason,
                "acknowledged": None
                if rule is None
                else {
                    "id": rule.id,
                    "reason": rule.reason,
                    "expires": rule.expires,
                    "origin": rule.origin,
                },
            }
        )
    return out


def unsupported_json(files: tuple[UnsupportedFile, ...]) -> list[dict[str, Any]]:
    return [{"path": f.path, "kind": f.kind, "reason": f.reason} for f in files]


def coverage_summary(result: AuditResult) -> dict[str, int]:
    return {
        "unaudited": len(result.unaudited),
        "unaudited_acknowledged": len(result.unaudited) - len(result.unacknowledged),
        "unsupported_files": len(result.unsupported),
        "excluded_files": len(result.excluded_files),
    }


def coverage_sections(result: AuditResult) -> dict[str, Any]:
    """The top-level keys of the findings JSON about what was not audited."""
    return {
        "unaudited": unaudited_json(result),
        "unsupported": unsupported_json(result.unsupported),
        "excluded_files": list(result.excluded_files),
    }


def unaudited_line(graph: DependencyGraph, result: AuditResult, index: int) -> str:
    item = result.unaudited[index]
    text = f"{graph.package(item.package_id).display} ({item.source}): {item.reason}"
    if item.ignore is not None:
        text += f"; acknowledged: {item.ignore.reason} ({item.ignore.origin})"
    return text


def coverage_lines(result: AuditResult, *, indent: str = "  ") -> list[str]:
    """The text sections: files not read, packages not audited (with their sources)."""
    lines: list[str] = []
    if result.unsupported:
        lines += ["", f"not audited: {plural(len(result.unsupported), 'file')} not read:"]
        lines += [safe(f"{indent}{f.path}: {f.reason}") for f in result.unsupported[:LINES]]
        lines += _more(len(result.unsupported), indent)
    if result.unaudited:
        known = len(result.unaudited) - len(result.unacknowledged)
        acknowledged = f", {known} acknowledged" if known else ""
        lines += [
            "",
            f"not audited: {plural(len(result.unaudited), 'package')} no advisory describes "
            f"by version{acknowledged}:",
        ]
        lines += [
            safe(f"{indent}{unaudited_line(result.graph, result, i)}")
            for i in range(min(len(result.unaudited), LINES))
        ]
        lines += _more(len(result.unaudited), indent)
    return lines


def verdict_notes(result: AuditResult) -> list[str]:
    """The verdict line's clauses about what was not audited."""
    notes = []
    if result.unsupported:
        notes.append(f"{plural(len(result.unsupported), 'file')} not read (listed above)")
    if result.unaudited:
        notes.append(
            f"{plural(len(result.unaudited), 'package')} from git, a URL or without a "
            "version not audited (listed above)"
        )
    return notes


def _more(count: int, indent: str) -> list[str]:
    return (
        [f"{indent}... and {count - LINES} more (--json lists them all)"] if count > LINES else []
    )
