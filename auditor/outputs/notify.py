"""The message ``auditor report --notify URL`` sends about the findings new since the
project's previous snapshot: one JSON object that works as a Slack or Microsoft Teams
incoming webhook (they show ``text``) and carries the structured findings for any other
receiver (``auditor.notification/1``).

``text`` is a few lines: the project, how many findings are new, then one line per new
finding (most important first, at most ``TEXT_LINES``): package, version, id, severity,
known-exploited and EPSS, the fix. Package names and ids come from lockfiles and advisories:
``&``, ``<`` and ``>`` are escaped as Slack asks (so no text becomes a link or a mention),
and no advisory summary is quoted. ``new_findings`` holds the new findings in the finding
shape of ``findings.json`` (at most ``MAX_FINDINGS``; ``truncated`` counts the rest).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from auditor.core.findings import Finding, finding_priority
from auditor.core.result import AuditResult
from auditor.outputs.base import FindingKey, finding_key
from auditor.outputs.findings_json import finding_json, severity_counts
from auditor.outputs.table import exploit_text

SCHEMA = "auditor.notification/1"
TEXT_LINES = 20
MAX_FINDINGS = 200
_SLACK = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def new_findings(
    result: AuditResult, previous: frozenset[FindingKey] | None
) -> tuple[Finding, ...]:
    """The findings the previous snapshot did not have (all of them without one), most
    important first."""
    graph = result.graph
    fresh = [
        f for f in result.findings if previous is None or finding_key(f, graph) not in previous
    ]
    return tuple(sorted(fresh, key=lambda f: (finding_priority(f), f.package_id, f.id)))


def notification(
    result: AuditResult,
    fresh: Sequence[Finding],
    *,
    project: str,
    snapshot: int | None,
    previous: int | None,
) -> dict[str, Any]:
    """The message about ``fresh`` (the new findings of ``result``)."""
    graph = result.graph
    since = f"snapshot {previous}" if previous is not None else "no earlier snapshot"
    plural = "s" if len(fresh) != 1 else ""
    head = f"auditor: {len(fresh)} new finding{plural} in {project} (since {since})"
    lines = [head.translate(_SLACK)]
    for finding in fresh[:TEXT_LINES]:
        package = graph.package(finding.package_id)
        fix = f", fix {finding.fix_version}" if finding.fix_version else ""
        line = (
            f"• {package.name} {package.version} {finding.id} "
            f"({finding.severity.value}{exploit_text(finding)}){fix}"
        )
        lines.append(line.translate(_SLACK))
    if len(fresh) > TEXT_LINES:
        lines.append(f"… and {len(fresh) - TEXT_LINES} more")
    return {
        "text": "\n".join(lines),
        "schema": SCHEMA,
        "project": project,
        "snapshot": snapshot,
        "previous_snapshot": previous,
        "status": result.status.value,
        "findings": len(result.findings),
        "new": len(fresh),
        "new_by_severity": severity_counts(tuple(fresh)),
        "new_kev": sum(1 for f in fresh if f.kev),
        "new_findings": [finding_json(f, graph) for f in fresh[:MAX_FINDINGS]],
        "truncated": max(0, len(fresh) - MAX_FINDINGS),
    }
