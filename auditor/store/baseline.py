"""Which earlier snapshot a snapshot is compared with (its baseline), and keeping that true
when a snapshot is filed before others (a backfill after nightly runs, a replay out of
order): the later snapshots' churn, new and resolved are recomputed from what is stored."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from auditor.core.result import Status
from auditor.store import tables
from auditor.store.churn import churn
from auditor.store.queries import graph_versions, set_identities
from auditor.store.records import Churn
from auditor.store.summary import stored_broken


def _table(model: type) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


BASELINE_CANDIDATES = 50  # earlier snapshots looked at for one that read the same inputs


def baseline(
    conn: Connection,
    project_id: int,
    taken_at: dt.datetime | None,
    broken: tuple[str, ...],
    *,
    before: int | None = None,
) -> tuple[int, int, int] | None:
    """(id, graph id, finding set id) of the latest snapshot at or before ``taken_at`` that
    failed to read exactly the files this run failed to read: complete, or partial with the
    same broken files (two runs missing the same file compare fairly; one missing it more
    would show its packages as removed or added). Files of unsupported formats never add
    packages, so they do not matter here. ``before``: the id of a stored snapshot filed at
    ``taken_at`` whose baseline this is (only the ones filed before it count)."""
    table = _table(tables.Snapshot)
    earlier = table.c.taken_at <= taken_at
    if before is not None:
        earlier = sa.or_(
            table.c.taken_at < taken_at, sa.and_(table.c.taken_at == taken_at, table.c.id < before)
        )
    rows = conn.execute(
        sa.select(
            table.c.id, table.c.graph_id, table.c.finding_set_id, table.c.status, table.c.summary
        )
        .where(
            table.c.project_id == project_id,
            table.c.status.in_((Status.COMPLETE.value, Status.PARTIAL.value)),
            earlier,
        )
        .order_by(table.c.taken_at.desc(), table.c.id.desc())
        .limit(BASELINE_CANDIDATES)
    )
    for row in rows:
        if stored_broken(row.status, row.summary) == broken:
            return int(row.id), int(row.graph_id), int(row.finding_set_id)
    return None


def rebase_later(conn: Connection, project_id: int, taken_at: dt.datetime | None) -> int:
    """After a snapshot is filed at ``taken_at``: the snapshots after it whose baseline it
    now is (or no longer is) get their baseline and the summary's churn, new and resolved
    recomputed from what is stored. How many changed."""
    table = _table(tables.Snapshot)
    later = conn.execute(
        sa.select(
            table.c.id,
            table.c.taken_at,
            table.c.graph_id,
            table.c.finding_set_id,
            table.c.status,
            table.c.summary,
            table.c.baseline_id,
        )
        .where(
            table.c.project_id == project_id,
            table.c.taken_at > taken_at,
            table.c.status.in_((Status.COMPLETE.value, Status.PARTIAL.value)),
        )
        .order_by(table.c.taken_at, table.c.id)
        .limit(BASELINE_CANDIDATES)
    ).all()
    changed = 0
    for row in later:
        broken = stored_broken(row.status, row.summary)
        if broken is None:
            continue
        found = baseline(conn, project_id, row.taken_at, broken, before=int(row.id))
        if (found[0] if found else None) == row.baseline_id:
            continue
        changes, new, resolved = Churn(), 0, 0
        if found is not None:
            _, base_graph, base_findings = found
            if base_graph != row.graph_id:
                versions = graph_versions(conn, int(row.graph_id))
                changes = churn(graph_versions(conn, base_graph), versions).counts
            before = set_identities(conn, base_findings)
            mine = set_identities(conn, int(row.finding_set_id))
            new, resolved = len(mine - before), len(before - mine)
        conn.execute(
            sa.update(table)
            .where(table.c.id == row.id)
            .values(
                baseline_id=found[0] if found else None,
                findings_new=new,
                findings_resolved=resolved,
                added=changes.added,
                removed=changes.removed,
                upgraded=changes.upgraded,
                downgraded=changes.downgraded,
            )
        )
        changed += 1
    return changed
