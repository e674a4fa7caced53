"""Retention: delete old snapshots, then the content no remaining snapshot uses.

Content is shared between snapshots and projects, so it is never deleted with a snapshot
directly: after the snapshot rows go, every content-addressed table is swept for rows that
nothing references any more (graphs, chunks, components, blobs, finding and suppression
sets, findings, advisories, hash sets). One transaction: a failure deletes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from auditor.store import tables
from auditor.store.engine import transaction
from auditor.store.portfolio import advance_state
from auditor.store.queries import PROJECT, SNAPSHOT, shown_url
from auditor.store.write import naive_utc


def _t(model: type) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


@dataclass(frozen=True, kw_only=True)
class PruneReport:
    snapshots: int  # snapshot rows deleted
    rows: dict[str, int]  # other rows deleted, by table


def prune(
    engine: Engine, *, before: dt.datetime, project: str | None = None, keep_last: int = 1
) -> PruneReport:
    """Delete snapshots taken before ``before`` (of ``project``, or of every project),
    always keeping each project's ``keep_last`` newest snapshots."""
    if keep_last < 1:
        raise ValueError("keep_last must be at least 1")

    def work(conn: Connection) -> PruneReport:
        doomed = _doomed(conn, naive_utc(before), project, keep_last)
        by_project: dict[int, list[int]] = {}
        for snapshot_id, project_id in doomed:
            by_project.setdefault(project_id, []).append(snapshot_id)
        ids = [snapshot_id for snapshot_id, _ in doomed]
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            conn.execute(sa.delete(SNAPSHOT).where(SNAPSHOT.c.id.in_(batch)))
        for project_id, gone in sorted(by_project.items()):
            advance_state(conn, project_id, "pruned " + ",".join(str(i) for i in gone))
        return PruneReport(snapshots=len(doomed), rows=_sweep(conn))

    return transaction(engine, work, write=True, shown=shown_url(engine))


def _doomed(
    conn: Connection, before: dt.datetime | None, project: str | None, keep_last: int
) -> list[tuple[int, int]]:
    """(snapshot id, project id) of the snapshots to delete, by snapshot id."""
    newest = (
        sa.func.row_number()
        .over(
            partition_by=SNAPSHOT.c.project_id,
            order_by=(SNAPSHOT.c.taken_at.desc(), SNAPSHOT.c.id.desc()),
        )
        .label("newest")
    )
    ranked = (
        sa.select(SNAPSHOT.c.id, SNAPSHOT.c.project_id, SNAPSHOT.c.taken_at, newest)
        .join(PROJECT, PROJECT.c.id == SNAPSHOT.c.project_id)
        .where(PROJECT.c.name == project if project is not None else sa.true())
        .subquery()
    )
    query = sa.select(ranked.c.id, ranked.c.project_id).where(
        ranked.c.taken_at < before, ranked.c.newest > keep_last
    )
    return sorted((int(i), int(p)) for i, p in conn.execute(query))


def _unused(conn: Connection, table: sa.Table, *uses: sa.Column[int]) -> int:
    """Delete rows of ``table`` whose id appears in none of the ``uses`` columns."""
    condition = sa.and_(
        *(table.c.id.not_in(sa.select(use).where(use.is_not(None))) for use in uses)
    )
    return int(conn.execute(sa.delete(table).where(condition)).rowcount or 0)


def _sweep(conn: Connection) -> dict[str, int]:
    snapshot = SNAPSHOT.c
    graph, link, chunk = _t(tables.Graph), _t(tables.GraphChunk), _t(tables.Chunk)
    member, edge = _t(tables.Member), _t(tables.Edge)
    fset, fitem, finding = _t(tables.FindingSet), _t(tables.FindingSetItem), _t(tables.Finding)
    sset, sitem = _t(tables.SuppressionSet), _t(tables.SuppressionSetItem)
    deleted: dict[str, int] = {}
    # Dependents first, so foreign keys hold at every step.
    unused_graphs = sa.select(graph.c.id).where(graph.c.id.not_in(sa.select(snapshot.graph_id)))
    deleted["graph_chunk"] = conn.execute(
        sa.delete(link).where(link.c.graph_id.in_(unused_graphs))
    ).rowcount
    deleted["graph"] = _unused(conn, graph, snapshot.graph_id)
    unused_chunks = sa.select(chunk.c.id).where(chunk.c.id.not_in(sa.select(link.c.chunk_id)))
    deleted["member"] = conn.execute(
        sa.delete(member).where(member.c.chunk_id.in_(unused_chunks))
    ).rowcount
    deleted["edge"] = conn.execute(
        sa.delete(edge).where(edge.c.chunk_id.in_(unused_chunks))
    ).rowcount
    deleted["chunk"] = _unused(conn, chunk, link.c.chunk_id)
    deleted["component"] = _unused(conn, _t(tables.Component), member.c.component_id)
    deleted["hashset"] = _unused(conn, _t(tables.HashSet), member.c.hashset_id)
    deleted["blob"] = _unused(conn, _t(tables.Blob), graph.c.locations_id, snapshot.details_id)
    unused_fsets = sa.select(fset.c.id).where(fset.c.id.not_in(sa.select(snapshot.finding_set_id)))
    deleted["finding_set_item"] = conn.execute(
        sa.delete(fitem).where(fitem.c.set_id.in_(unused_fsets))
    ).rowcount
    deleted["finding_set"] = _unused(conn, fset, snapshot.finding_set_id)
    deleted["finding"] = _unused(conn, finding, fitem.c.finding_ref)
    deleted["advisory"] = _unused(conn, _t(tables.Advisory), finding.c.advisory_ref)
    unused_ssets = sa.select(sset.c.id).where(
        sset.c.id.not_in(sa.select(snapshot.suppression_set_id))
    )
    deleted["suppression_set_item"] = conn.execute(
        sa.delete(sitem).where(sitem.c.set_id.in_(unused_ssets))
    ).rowcount
    deleted["suppression_set"] = _unused(conn, sset, snapshot.suppression_set_id)
    deleted["suppression"] = _unused(conn, _t(tables.Suppression), sitem.c.suppression_ref)
    return {name: int(count or 0) for name, count in sorted(deleted.items())}
