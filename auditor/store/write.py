"""Saving a snapshot: one transaction, content-addressed rows inserted only when new.

Everything that can be computed without the database (canonical forms, chunks, digests) is
computed before the transaction starts, so the write lock is held briefly. Inside it, rows
are inserted in digest order with ``ON CONFLICT DO NOTHING``: two runs inserting the same
content at once neither fail nor deadlock, and the one that loses the race reuses the row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from auditor.core.errors import StoreError
from auditor.core.findings import Severity
from auditor.core.result import AuditResult, Status
from auditor.store import codec, tables
from auditor.store.baseline import baseline as _baseline
from auditor.store.baseline import rebase_later
from auditor.store.churn import churn
from auditor.store.content import BlobPlan, GraphPlan, plan_graph
from auditor.store.engine import transaction
from auditor.store.portfolio import advance_state, initial_state
from auditor.store.queries import graph_versions, set_identities, shown_url
from auditor.store.records import Churn, SnapshotMeta, as_utc
from auditor.store.sets import (
    FindingRow,
    SetPlan,
    SuppressionRow,
    plan_details,
    plan_findings,
    plan_suppressions,
)
from auditor.store.summary import summary_json

_BATCH = 500
T_ = tables


@dataclass(frozen=True, kw_only=True)
class SnapshotPlan:
    project: str
    result: AuditResult
    meta: SnapshotMeta
    graph: GraphPlan
    findings: dict[bytes, FindingRow]
    finding_set: SetPlan
    suppressions: dict[bytes, SuppressionRow]
    suppression_set: SetPlan
    details: BlobPlan

    @property
    def identities(self) -> frozenset[tuple[str, str, str]]:
        return frozenset(row.identity for row in self.findings.values())


def plan_snapshot(project: str, result: AuditResult, meta: SnapshotMeta) -> SnapshotPlan:
    if not project.strip():
        raise StoreError("the project name is empty")
    findings, finding_set = plan_findings(result.findings, result.graph)
    suppressions, suppression_set = plan_suppressions(meta.suppressions)
    return SnapshotPlan(
        project=project,
        result=result,
        meta=meta,
        graph=plan_graph(result.graph),
        findings=findings,
        finding_set=finding_set,
        suppressions=suppressions,
        suppression_set=suppression_set,
        details=plan_details(result),
    )


def save_snapshot(engine: Engine, project: str, result: AuditResult, meta: SnapshotMeta) -> int:
    """Store one run of ``project`` and return the new snapshot's id (all or nothing)."""
    plan = plan_snapshot(project, result, meta)
    return transaction(
        engine, lambda conn: write_plan(conn, plan), write=True, shown=shown_url(engine)
    )


def write_plan(conn: Connection, plan: SnapshotPlan) -> int:
    """Insert the plan's content (where new) and its snapshot row; return the row's id."""
    project_id = _project(conn, plan.project)
    graph_id = _graph(conn, plan.graph)
    meta = plan.meta
    values: dict[str, Any] = {
        "project_id": project_id,
        "taken_at": naive_utc(meta.taken_at),
        "status": plan.result.status.value,
        "git_commit": meta.git_commit,
        "git_branch": meta.git_branch,
        "tool_version": meta.tool_version,
        "advisory_db": meta.advisory_db,
        "advisory_db_updated_at": naive_utc(meta.advisory_db_updated_at),
        "inputs": codec.canonical_json(codec.encode(meta.inputs)),
        "graph_id": graph_id,
        "finding_set_id": _finding_set(conn, plan.findings, plan.finding_set),
        "suppression_set_id": _suppression_set(conn, plan.suppressions, plan.suppression_set),
        "details_id": _blobs(conn, [plan.details])[plan.details.digest],
        **_summary(conn, plan, project_id, graph_id),
    }
    table = _table(T_.Snapshot)
    snapshot_id = int(
        conn.execute(sa.insert(table).values(values).returning(table.c.id)).scalar_one()
    )
    rebase_later(conn, project_id, values["taken_at"])
    advance_state(conn, project_id, _event(snapshot_id, plan))
    return snapshot_id


def _event(snapshot_id: int, plan: SnapshotPlan) -> str:
    """What a new snapshot adds to its project's state: its id, time, status and content."""
    digests = (plan.graph.digest, plan.finding_set.digest, plan.suppression_set.digest)
    return " ".join(
        (
            f"snapshot {snapshot_id}",
            str(naive_utc(plan.meta.taken_at)),
            plan.result.status.value,
            *(d.hex() for d in (*digests, plan.details.digest)),
        )
    )


def _summary(
    conn: Connection, plan: SnapshotPlan, project_id: int, graph_id: int
) -> dict[str, Any]:
    """The summary columns: counts, and churn against the baseline (complete runs only)."""
    baseline = None
    broken = tuple(sorted({e.path for e in plan.result.errors}))
    if plan.result.status in (Status.COMPLETE, Status.PARTIAL):
        baseline = _baseline(conn, project_id, naive_utc(plan.meta.taken_at), broken)
    changes, new, resolved = Churn(), 0, 0
    if baseline is not None:
        _, base_graph, base_findings = baseline
        if base_graph != graph_id:
            changes = churn(graph_versions(conn, base_graph), plan.graph.versions).counts
        before = set_identities(conn, base_findings)
        new, resolved = len(plan.identities - before), len(before - plan.identities)
    # Counted over the stored (deduplicated) findings, so the summary matches what loads.
    severities = Counter(row.severity for row in plan.findings.values())
    kinds = Counter(row.kind for row in plan.findings.values())
    return {
        "baseline_id": baseline[0] if baseline else None,
        "packages": plan.graph.packages,
        "packages_direct": plan.graph.direct,
        "edges": plan.graph.edges,
        **{f"findings_{s.value}": severities.get(s.value, 0) for s in Severity},
        "findings_new": new,
        "findings_resolved": resolved,
        "added": changes.added,
        "removed": changes.removed,
        "upgraded": changes.upgraded,
        "downgraded": changes.downgraded,
        "summary": summary_json(
            kinds,
            suppressions=len(plan.suppressions),
            carried=len(plan.result.carried),
            broken=broken if plan.result.status is Status.PARTIAL else None,
            replayed=plan.meta.replayed,
        ),
    }


def naive_utc(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else as_utc(moment).replace(tzinfo=None)


def _table(model: type) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


def _insert(conn: Connection, table: sa.Table) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _project(conn: Connection, name: str) -> int:
    table = _table(T_.Project)
    now = naive_utc(dt.datetime.now(dt.timezone.utc))
    stmt = _insert(conn, table).values(name=name, created_at=now, state=initial_state(name))
    conn.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))
    query = sa.select(table.c.id).where(table.c.name == name)
    if conn.dialect.name == "postgresql":
        # One writer per project at a time, so "the previous snapshot" is well defined.
        query = query.with_for_update()
    return int(conn.execute(query).scalar_one())


def _existing(conn: Connection, table: sa.Table, digests: Sequence[bytes]) -> dict[bytes, int]:
    found: dict[bytes, int] = {}
    for start in range(0, len(digests), _BATCH):
        batch = digests[start : start + _BATCH]
        rows = conn.execute(sa.select(table.c.digest, table.c.id).where(table.c.digest.in_(batch)))
        found.update((bytes(d), int(i)) for d, i in rows)
    return found


def _ensure(
    conn: Connection, table: sa.Table, rows: Mapping[bytes, dict[str, Any]]
) -> tuple[dict[bytes, int], set[bytes]]:
    """Ids of content-addressed rows by digest, inserting the missing ones.

    Returns the ids and the digests this transaction inserted itself (whose dependent rows,
    such as a chunk's members, it must insert too).
    """
    ids = _existing(conn, table, sorted(rows))
    missing = sorted(d for d in rows if d not in ids)
    inserted: set[bytes] = set()
    if missing:
        stmt = _insert(conn, table).on_conflict_do_nothing(index_elements=["digest"])
        result = conn.execute(
            stmt.returning(table.c.digest, table.c.id),
            [{"digest": d, **rows[d]} for d in missing],
        )
        for digest, row_id in result:
            ids[bytes(digest)] = int(row_id)
            inserted.add(bytes(digest))
        raced = [d for d in missing if d not in ids]
        if raced:  # another transaction committed the same content meanwhile
            ids.update(_existing(conn, table, raced))
    return ids, inserted


def _blobs(conn: Connection, blobs: Iterable[BlobPlan]) -> dict[bytes, int]:
    rows = {b.digest: {"data": b.data} for b in blobs}
    return _ensure(conn, _table(T_.Blob), rows)[0]


def _graph(conn: Connection, plan: GraphPlan) -> int:
    table = _table(T_.Graph)
    known = _existing(conn, table, [plan.digest])
    if plan.digest in known:
        return known[plan.digest]
    chunk_ids = _chunks(conn, plan)
    location_id = _blobs(conn, [plan.locations])[plan.locations.digest]
    row = {
        "roots": plan.roots,
        "locations_id": location_id,
        "packages": plan.packages,
        "direct": plan.direct,
        "edges": plan.edges,
    }
    ids, inserted = _ensure(conn, table, {plan.digest: row})
    graph_id = ids[plan.digest]
    links = [{"graph_id": graph_id, "chunk_id": i} for i in sorted(set(chunk_ids.values()))]
    if plan.digest in inserted and links:
        conn.execute(sa.insert(_table(T_.GraphChunk)), links)
    return graph_id


def _chunks(conn: Connection, plan: GraphPlan) -> dict[bytes, int]:
    rows = {c.digest: {"kind": c.kind, "size": c.size} for c in plan.chunks}
    chunk_table = _table(T_.Chunk)
    known = _existing(conn, chunk_table, sorted(rows))
    todo = [c for c in plan.chunks if c.digest not in known]
    if not todo:
        return known
    needed = {m.component for c in todo for m in c.members}
    components = _ensure(
        conn, _table(T_.Component), {d: plan.components[d].values() for d in needed}
    )[0]
    hashsets = _ensure(
        conn,
        _table(T_.HashSet),
        {
            m.hashset: {"hashes": plan.hashsets[m.hashset]}
            for c in todo
            for m in c.members
            if m.hashset
        },
    )[0]
    ids, inserted = _ensure(conn, chunk_table, {c.digest: rows[c.digest] for c in todo})
    members: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for chunk in todo:
        if chunk.digest not in inserted:
            continue
        chunk_id = ids[chunk.digest]
        for m in chunk.members:
            members.append(
                {
                    "chunk_id": chunk_id,
                    "component_id": components[m.component],
                    "hashset_id": hashsets[m.hashset] if m.hashset else None,
                    "declared_scopes": codec.canonical_json(list(m.declared_scopes))
                    if m.declared_scopes
                    else None,
                    "scope": m.scope,
                    "direct": m.direct,
                    "depth": m.depth,
                    "extra": m.extra,
                }
            )
        for position, e in enumerate(chunk.edges):
            edges.append(
                {
                    "chunk_id": chunk_id,
                    "position": position,
                    "parent": e.parent,
                    "child": e.child,
                    "requirement": e.requirement,
                    "scope": e.scope,
                    "extra": e.extra,
                }
            )
    if members:
        conn.execute(sa.insert(_table(T_.Member)), members)
    if edges:
        conn.execute(sa.insert(_table(T_.Edge)), edges)
    return {**known, **ids}


def _finding_set(conn: Connection, findings: dict[bytes, FindingRow], plan: SetPlan) -> int:
    set_table = _table(T_.FindingSet)
    known = _existing(conn, set_table, [plan.digest])
    if plan.digest in known:
        return known[plan.digest]
    advisories = _ensure(
        conn,
        _table(T_.Advisory),
        {
            f.advisory.digest: {
                "advisory_id": f.advisory.advisory_id,
                "modified": f.advisory.modified,
                "data": f.advisory.data,
            }
            for f in findings.values()
        },
    )[0]
    finding_ids = _ensure(
        conn,
        _table(T_.Finding),
        {
            f.digest: {
                "advisory_ref": advisories[f.advisory.digest],
                "package_id": f.package_id,
                "ecosystem": f.ecosystem,
                "package_name": f.package_name,
                "kind": f.kind,
                "finding_id": f.finding_id,
                "severity": f.severity,
                "data": f.data,
            }
            for f in findings.values()
        },
    )[0]
    ids, inserted = _ensure(conn, set_table, {plan.digest: {"size": len(plan.members)}})
    if plan.digest in inserted and plan.members:
        items = [{"set_id": ids[plan.digest], "finding_ref": finding_ids[d]} for d in plan.members]
        conn.execute(sa.insert(_table(T_.FindingSetItem)), items)
    return ids[plan.digest]


def _suppression_set(
    conn: Connection, suppressions: dict[bytes, SuppressionRow], plan: SetPlan
) -> int:
    set_table = _table(T_.SuppressionSet)
    known = _existing(conn, set_table, [plan.digest])
    if plan.digest in known:
        return known[plan.digest]
    rule_ids = _ensure(
        conn,
        _table(T_.Suppression),
        {
            s.digest: {
                "rule_id": s.suppression.id,
                "package": s.suppression.package,
                "reason": s.suppression.reason,
                "expires": s.suppression.expires,
            }
            for s in suppressions.values()
        },
    )[0]
    ids, inserted = _ensure(conn, set_table, {plan.digest: {"size": len(plan.members)}})
    if plan.digest in inserted and plan.members:
        items = [{"set_id": ids[plan.digest], "suppression_ref": rule_ids[d]} for d in plan.members]
        conn.execute(sa.insert(_table(T_.SuppressionSetItem)), items)
    return ids[plan.digest]
