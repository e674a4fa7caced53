"""``auditor diff`` output: packages, findings and suppressions that changed."""

from __future__ import annotations

from typing import Any

from auditor.core.findings import Finding
from auditor.core.graph import DependencyGraph
from auditor.licenses.changes import LicenseChange
from auditor.outputs.graph_json import package_json
from auditor.outputs.history import iso, safe, snapshot_json
from auditor.store import codec
from auditor.store.diff import PackageChange, SnapshotDiff
from auditor.store.records import SuppressionRule

DIFF_SCHEMA = "auditor.diff/1"


def finding_json(finding: Finding, graph: DependencyGraph) -> dict[str, Any]:
    """A finding: its package in the graph's package shape, then every field it has."""
    fields = codec.encode(finding)
    package_id = fields.pop("package_id")
    if package_id in graph and not graph.is_root(package_id):
        package: dict[str, Any] = package_json(graph.view(package_id))
    else:
        package = {"id": package_id}
    return {"package": package, **fields}


def suppression_json(suppression: SuppressionRule) -> dict[str, Any]:
    return {
        "id": suppression.id,
        "package": suppression.package,
        "reason": suppression.reason,
        "expires": suppression.expires.isoformat() if suppression.expires else None,
    }


def _change_json(change: PackageChange) -> dict[str, Any]:
    return {"from": package_json(change.before), "to": package_json(change.after)}


def _licence_json(change: LicenseChange) -> dict[str, Any]:
    def side(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
        return [{"version": version, "license": text} for version, text in pairs]

    return {
        "ecosystem": change.ecosystem,
        "name": change.name,
        "from": side(change.before),
        "to": side(change.after),
    }


def diff_document(diff: SnapshotDiff) -> dict[str, Any]:
    return {
        "schema": DIFF_SCHEMA,
        "from": snapshot_json(diff.before),
        "to": snapshot_json(diff.after),
        "packages": {
            "added": [package_json(v) for v in diff.added],
            "removed": [package_json(v) for v in diff.removed],
            "upgraded": [_change_json(c) for c in diff.upgraded],
            "downgraded": [_change_json(c) for c in diff.downgraded],
            "relicensed": [_licence_json(c) for c in diff.relicensed],
        },
        "findings": {
            "new": [finding_json(f, diff.after_graph) for f in diff.findings_new],
            "resolved": [finding_json(f, diff.before_graph) for f in diff.findings_resolved],
        },
        "suppressions": {
            "added": [suppression_json(s) for s in diff.suppressions_added],
            "removed": [suppression_json(s) for s in diff.suppressions_removed],
            "changed": [
                {"from": suppression_json(c.before), "to": suppression_json(c.after)}
                for c in diff.suppressions_changed
            ],
        },
    }


def _finding_line(mark: str, finding: Finding, graph: DependencyGraph) -> str:
    name = graph.label(finding.package_id) if finding.package_id in graph else finding.package_id
    return f"  {mark} {finding.severity.value:<8} {safe(finding.id)}  {safe(name)}"


def _suppression_text(s: SuppressionRule) -> str:
    scope = f" ({s.package})" if s.package else ""
    until = f", until {s.expires.isoformat()}" if s.expires else ""
    return safe(f"{s.id}{scope}: {s.reason}{until}")


def render_diff(diff: SnapshotDiff) -> str:
    a, b = diff.before, diff.after
    lines = [
        f"snapshot {a.id} ({iso(a.taken_at)}, {a.status.value}) → "
        f"snapshot {b.id} ({iso(b.taken_at)}, {b.status.value})",
        f"packages: {len(diff.added)} added, {len(diff.removed)} removed, "
        f"{len(diff.upgraded)} upgraded, {len(diff.downgraded)} downgraded",
    ]
    lines += [f"  + {safe(v.package.display)} ({v.package.ecosystem.value})" for v in diff.added]
    lines += [f"  - {safe(v.package.display)} ({v.package.ecosystem.value})" for v in diff.removed]
    for mark, changes in (("↑", diff.upgraded), ("↓", diff.downgraded)):
        lines += [
            safe(f"  {mark} {c.after.package.name} {c.before.package.version} → ")
            + safe(c.after.package.version)
            for c in changes
        ]
    if diff.relicensed:
        lines.append(f"licences changed: {len(diff.relicensed)}")
        lines += [f"  ~ {safe(c.describe())}" for c in diff.relicensed]
    lines.append(f"findings: {len(diff.findings_new)} new, {len(diff.findings_resolved)} resolved")
    lines += [_finding_line("+", f, diff.after_graph) for f in diff.findings_new]
    lines += [_finding_line("-", f, diff.before_graph) for f in diff.findings_resolved]
    changed = diff.suppressions_changed
    lines.append(
        f"suppressions: {len(diff.suppressions_added)} added, "
        f"{len(diff.suppressions_removed)} removed, {len(changed)} changed"
    )
    lines += [f"  + {_suppression_text(s)}" for s in diff.suppressions_added]
    lines += [f"  - {_suppression_text(s)}" for s in diff.suppressions_removed]
    lines += [
        f"  ~ {_suppression_text(c.after)} (was: {_suppression_text(c.before)})" for c in changed
    ]
    for info in (a, b):
        if info.status.value != "complete":
            lines.append(f"note: snapshot {info.id} is {info.status.value}: its lists may be short")
    return "\n".join(lines) + "\n"
