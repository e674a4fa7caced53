"""``auditor history`` output: one line (or one JSON object) per snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from auditor.core.times import rfc3339_minutes
from auditor.store.known import Exposure, Knowledge, KnownCounts
from auditor.store.records import SnapshotInfo

HISTORY_SCHEMA = "auditor.history/1"


def safe(text: str) -> str:
    """Third-party text for a terminal: control characters shown escaped, never executed."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def iso(moment: dt.datetime | None) -> str | None:
    """UTC time as ``2024-10-01T02:00:00Z`` (microseconds dropped)."""
    if moment is None:
        return None
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def snapshot_json(info: SnapshotInfo, known: KnownCounts | None = None) -> dict[str, Any]:
    s = info.summary
    age = None
    if info.advisory_db_updated_at is not None:
        age = int((info.taken_at - info.advisory_db_updated_at).total_seconds())
    return {
        "id": info.id,
        "project": info.project,
        "taken_at": iso(info.taken_at),
        "status": info.status.value,
        "git": {"commit": info.git_commit, "branch": info.git_branch},
        "tool_version": info.tool_version,
        "advisory_db": {
            "id": info.advisory_db,
            "updated_at": iso(info.advisory_db_updated_at),
            "age_seconds": age,
        },
        "packages": {"total": s.packages, "direct": s.direct, "transitive": s.transitive},
        "edges": s.edges,
        "findings": {
            "total": s.findings,
            "by_severity": {sev.value: count for sev, count in s.by_severity},
            "by_kind": dict(s.by_kind),
            "new": s.findings_new,
            "resolved": s.findings_resolved,
            "carried": s.carried,
            # advisory findings (vulnerabilities, malicious): all, and those public then
            "known_now": known.known_now if known else None,
            "known_then": known.known_then if known else None,
        },
        "churn": {
            "baseline": s.baseline_id,
            "added": s.churn.added,
            "removed": s.churn.removed,
            "upgraded": s.churn.upgraded,
            "downgraded": s.churn.downgraded,
        },
        "suppressions": s.suppressions,
        "replayed": s.replayed,
    }


def history_document(
    project: str, infos: Sequence[SnapshotInfo], knowledge: Knowledge | None = None
) -> dict[str, Any]:
    counts = knowledge.counts if knowledge else {}
    document: dict[str, Any] = {
        "schema": HISTORY_SCHEMA,
        "project": project,
        "snapshots": [snapshot_json(info, counts.get(info.id)) for info in infos],
    }
    if knowledge is not None:
        document["exposure"] = exposure_json(knowledge)
    return document


def exposure_json(knowledge: Knowledge) -> dict[str, Any]:
    """Days exposed: the median and the worst, how many are still open, and every
    exposure, longest first."""
    return {
        "count": len(knowledge.exposures),
        "open": sum(1 for e in knowledge.exposures if e.open),
        "median_days": _days(knowledge.median_days),
        "worst_days": _days(knowledge.worst_days),
        "exposures": [_exposure(e) for e in knowledge.exposures],
    }


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _exposure(e: Exposure) -> dict[str, Any]:
    return {
        "ecosystem": e.ecosystem,
        "package": e.package,
        "advisory": e.advisory,
        "published": iso(e.published),
        "start": iso(e.start),
        "end": iso(e.end),
        "open": e.open,
        "days": _days(e.days),
    }


def churn_text(info: SnapshotInfo) -> str:
    c = info.summary.churn
    if info.summary.baseline_id is None:
        return "-"
    return f"+{c.added} -{c.removed} ↑{c.upgraded} ↓{c.downgraded}"


def render_history(project: str, infos: Sequence[SnapshotInfo]) -> str:
    header = (
        "ID",
        "TAKEN (UTC)",
        "COMMIT",
        "STATUS",
        "PACKAGES",
        "FINDINGS C/H/M/L/U",
        "NEW",
        "FIXED",
        "CHURN",
    )
    rows = [header]
    for info in infos:
        s = info.summary
        rows.append(
            (
                str(info.id),
                rfc3339_minutes(info.taken_at),
                safe(info.git_commit or "-")[:10],
                info.status.value,
                f"{s.packages} ({s.direct}+{s.transitive})",
                f"{s.findings} (" + "/".join(str(n) for _, n in s.by_severity) + ")",
                str(s.findings_new),
                str(s.findings_resolved),
                churn_text(info),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [f"project {safe(project)}: {len(infos)} snapshot(s)"]
    for row in rows:
        lines.append(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return "\n".join(lines) + "\n"
