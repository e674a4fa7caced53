"""The page of one snapshot: its findings ranked by risk, suppressions, what changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from auditor.checks.duplicates import duplicate_versions
from auditor.core.findings import FindingKind
from auditor.site import paths
from auditor.site.data import ProjectHistory
from auditor.site.views import FindingRow, Links, Pager, pages_of, ranked
from auditor.store.diff import SnapshotDiff, compare
from auditor.store.queries import Identity

DIFF_ROWS = 200  # per list of the diff; the counts are always complete


@dataclass(frozen=True, kw_only=True)
class Meta:
    """Facts about the run, and whether its advisory data postdates it (a replay)."""

    advisory_age: dt.timedelta | None
    replayed: bool


def first_seen(history: ProjectHistory) -> dict[Identity, dt.datetime]:
    """When each finding open now was first seen, and each resolved one."""
    out: dict[Identity, dt.datetime] = {}
    for item in history.series.open:
        out[(item.ecosystem, item.package, item.finding_id)] = item.first_seen
    for fix in history.series.remediated:
        out.setdefault((fix.ecosystem, fix.package, fix.finding_id), fix.first_seen)
    return out


def snapshot_pages(
    history: ProjectHistory, snapshot_id: int, links: Links, page_size: int
) -> list[tuple[str, dict[str, Any]]]:
    stored = history.loaded[snapshot_id]
    result = stored.result
    everything = ranked(result, first_seen(history))
    # health findings are maintenance advice: their own section, not the ranked table
    rows = tuple(r for r in everything if r.finding.kind is not FindingKind.HEALTH)
    base_id = history.base_of(snapshot_id)
    diff: SnapshotDiff | None = None
    if base_id is not None and base_id in history.loaded:
        diff = compare(history.loaded[base_id], stored)
    kinds: dict[str, list[FindingRow]] = {}
    for row in everything:
        kinds.setdefault(row.finding.kind.value, []).append(row)
    order = {k.value: k.group for k in FindingKind}
    updated = stored.meta.advisory_db_updated_at
    meta = Meta(
        advisory_age=stored.meta.advisory_db_age,
        # stored when the run was audited after its time (a backfill, --snapshot-time); runs
        # saved before that was stored: inferred from the advisory data's date
        replayed=stored.info.summary.replayed
        or (updated is not None and updated > stored.meta.taken_at),
    )
    chunks = pages_of(rows, page_size)
    urls = tuple(
        paths.snapshot_page(history.name, snapshot_id, n) for n in range(1, len(chunks) + 1)
    )
    common = {
        "history": history,
        "stored": stored,
        "info": stored.info,
        "risk": history.risks[snapshot_id],
        "links": links,
        "total": len(everything),
        "ranked_total": len(rows),
        "kinds": sorted(((k, len(v)) for k, v in kinds.items()), key=lambda kv: order[kv[0]]),
        "other_kinds": {
            k: v
            for k, v in sorted(kinds.items(), key=lambda kv: order[kv[0]])
            if k not in (FindingKind.VULNERABILITY.value, FindingKind.MALICIOUS.value)
        },
    }
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        context = {
            **common,
            "rows": chunk,
            "pager": Pager(number=number, total=len(chunks), pages=urls),
            "first_page": number == 1,
            "diff": diff,
            "diff_rows": DIFF_ROWS,
            "base": history.info(base_id) if base_id is not None else None,
            "meta": meta,
            "libyears": getattr(result, "libyears", None),
            "carried": {(c.package_id, c.id): c for c in result.carried},
            # from the graph, so that snapshots stored before they were recorded show them too
            "duplicates": duplicate_versions(result.graph),
            "has_plans": bool(getattr(result, "fix_plans", ())),
        }
        pages.append((urls[number - 1], context))
    return pages
