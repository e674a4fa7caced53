"""Per-snapshot facts about findings the report's risk score needs, in a few queries.

For every snapshot of a project: each finding's identity, kind, severity, whether it is a
known-exploited vulnerability and its EPSS probability (from the finding's stored data), and
whether its package was a *direct* dependency and one needed only in development in that
snapshot's graph. Both come from the graph's own members (the ``direct`` flag and the scopes
stored at write time), so no graph is rebuilt: a year of nightly runs is one join per
finding, not one graph load per night.

Also the latest text of every finding the project ever had (``project_findings``), for the
pages that show a finding that is no longer open.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from auditor.core.findings import Finding, FindingKind, Severity
from auditor.core.graph import MAIN_SCOPE, only_in
from auditor.store import codec, tables
from auditor.store.queries import PROJECT, SNAPSHOT, Identity, finding_kind, read
from auditor.store.retired import counted

_BATCH = 500


def _t(model: type) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


@dataclass(frozen=True, kw_only=True, order=True)
class FindingFact:
    """One finding of one snapshot, as the risk score weighs it."""

    ecosystem: str
    package: str
    finding_id: str
    kind: FindingKind
    severity: Severity
    direct: bool
    dev_only: bool = False  # the package is needed only in development (dev, groups)
    kev: bool = False
    epss: float | None = None

    @property
    def identity(self) -> Identity:
        return (self.ecosystem, self.package, self.finding_id)


def finding_facts(engine: Engine, project: str) -> dict[int, tuple[FindingFact, ...]]:
    """Snapshot id → its findings' facts (sorted), for every snapshot of ``project``."""

    def work(conn: Connection) -> dict[int, tuple[FindingFact, ...]]:
        return _facts(conn, project)

    return read(engine, work)  # type: ignore[no-any-return]


def _facts(conn: Connection, project: str) -> dict[int, tuple[FindingFact, ...]]:
    s, f = SNAPSHOT.c, _t(tables.Finding)
    item = _t(tables.FindingSetItem)
    graphs = {
        int(sid): int(gid)
        for sid, gid in conn.execute(
            sa.select(s.id, s.graph_id)
            .join(PROJECT, PROJECT.c.id == s.project_id)
            .where(PROJECT.c.name == project)
        )
    }
    members = _member_facts(conn, sorted(set(graphs.values())))
    query = (
        sa.select(
            s.id,
            f.c.id,
            f.c.package_id,
            f.c.ecosystem,
            f.c.package_name,
            f.c.finding_id,
            f.c.kind,
            f.c.severity,
        )
        .select_from(SNAPSHOT)
        .join(PROJECT, PROJECT.c.id == s.project_id)
        .join(item, item.c.set_id == s.finding_set_id)
        .join(f, f.c.id == item.c.finding_ref)
        .where(PROJECT.c.name == project, counted(f))
    )
    rows = list(conn.execute(query))
    exploits = _exploit_facts(conn, sorted({int(row[1]) for row in rows}))
    out: dict[int, set[FindingFact]] = {sid: set() for sid in graphs}
    for snapshot_id, ref, purl, eco, name, fid, kind, severity in rows:
        sid = int(snapshot_id)
        direct, dev = members.get(graphs[sid], (frozenset(), frozenset()))
        kev, epss = exploits.get(int(ref), (False, None))
        out[sid].add(
            FindingFact(
                ecosystem=eco,
                package=name,
                finding_id=fid,
                kind=finding_kind(kind),
                severity=Severity(severity),
                direct=purl in direct,
                dev_only=purl in dev,
                kev=kev,
                epss=epss,
            )
        )
    return {k: tuple(sorted(v)) for k, v in sorted(out.items())}


def _exploit_facts(conn: Connection, refs: list[int]) -> dict[int, tuple[bool, float | None]]:
    """Finding row → (kev, EPSS probability), from the data stored with each finding."""
    f = _t(tables.Finding)
    facts: dict[int, tuple[bool, float | None]] = {}
    for start in range(0, len(refs), _BATCH):
        query = sa.select(f.c.id, f.c.data).where(f.c.id.in_(refs[start : start + _BATCH]))
        for ref, data in conn.execute(query):
            value = codec.loads(data, "a finding")
            epss = value.get("epss") if isinstance(value, dict) else None
            score = epss.get("score") if isinstance(epss, dict) else None
            kev = bool(value.get("kev")) if isinstance(value, dict) else False
            facts[int(ref)] = (kev, float(score) if isinstance(score, (int, float)) else None)
    return facts


def _member_facts(
    conn: Connection, graph_ids: list[int]
) -> dict[int, tuple[frozenset[str], frozenset[str]]]:
    """The purls of each graph's direct dependencies and of its packages needed only in
    development (the ``direct`` flag and the scopes stored with each member at write time),
    read per distinct chunk: graphs share most of theirs. A member's scopes are the ones
    its lockfile declared, else its primary scope (where the graph derived several from
    different roots, the primary one stands for them)."""
    link, member, component = _t(tables.GraphChunk), _t(tables.Member), _t(tables.Component)
    chunks: dict[int, list[int]] = {g: [] for g in graph_ids}
    for start in range(0, len(graph_ids), _BATCH):
        query = sa.select(link.c.graph_id, link.c.chunk_id).where(
            link.c.graph_id.in_(graph_ids[start : start + _BATCH])
        )
        for graph_id, chunk_id in conn.execute(query):
            chunks[int(graph_id)].append(int(chunk_id))
    distinct = sorted({c for ids in chunks.values() for c in ids})
    direct: dict[int, set[str]] = {}
    dev: dict[int, set[str]] = {}
    for start in range(0, len(distinct), _BATCH):
        rows = (
            sa.select(
                member.c.chunk_id,
                component.c.purl,
                member.c.direct,
                member.c.scope,
                member.c.declared_scopes,
            )
            .join(component, component.c.id == member.c.component_id)
            .where(
                member.c.chunk_id.in_(distinct[start : start + _BATCH]),
                sa.or_(member.c.direct == sa.true(), member.c.scope != MAIN_SCOPE),
            )
        )
        for chunk_id, purl, is_direct, scope, declared in conn.execute(rows):
            if is_direct:
                direct.setdefault(int(chunk_id), set()).add(str(purl))
            scopes = codec.loads(declared, "a member's scopes") if declared else [scope]
            if only_in(scopes, ("dev",)):
                dev.setdefault(int(chunk_id), set()).add(str(purl))
    return {
        g: (
            frozenset(p for c in ids for p in direct.get(c, ())),
            frozenset(p for c in ids for p in dev.get(c, ())),
        )
        for g, ids in chunks.items()
    }


def project_findings(engine: Engine, project: str) -> dict[Identity, Finding]:
    """The latest stored text of every finding ``project`` ever had, by identity."""

    def work(conn: Connection) -> dict[Identity, Finding]:
        s, f = SNAPSHOT.c, _t(tables.Finding)
        item, advisory = _t(tables.FindingSetItem), _t(tables.Advisory)
        latest = (
            sa.select(f.c.id.label("finding_ref"), sa.func.max(s.taken_at).label("seen"))
            .select_from(SNAPSHOT)
            .join(PROJECT, PROJECT.c.id == s.project_id)
            .join(item, item.c.set_id == s.finding_set_id)
            .join(f, f.c.id == item.c.finding_ref)
            .where(PROJECT.c.name == project, counted(f))
            .group_by(f.c.id)
            .subquery()
        )
        query = (
            sa.select(
                latest.c.seen,
                f.c.id,
                f.c.ecosystem,
                f.c.package_name,
                f.c.finding_id,
                f.c.data,
                advisory.c.data.label("advisory"),
            )
            .select_from(latest)
            .join(f, f.c.id == latest.c.finding_ref)
            .join(advisory, advisory.c.id == f.c.advisory_ref)
            .order_by(latest.c.seen, f.c.id)
        )
        out: dict[Identity, Finding] = {}
        for _seen, _ref, eco, name, fid, data, advisory_data in conn.execute(query):
            merged = {**codec.loads(advisory_data, "advisory"), **codec.loads(data, "finding")}
            out[(eco, name, fid)] = codec.decode_stored(Finding, merged, "a finding")
        return out

    return read(engine, work)  # type: ignore[no-any-return]
