"""Reading the store back: snapshot lists, whole snapshots, and the pieces diff needs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, overload

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, RowMapping

from auditor.core.errors import StoreError
from auditor.core.findings import Finding, FindingKind
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Edge, Package, Source, SourceKind
from auditor.core.result import AuditResult, Status
from auditor.store import codec, tables
from auditor.store.content import (
    extra_kwargs,
    hashes_from_json,
    locations_from_json,
    node_keys_by_id,
    roots_from_json,
    unblob,
)
from auditor.store.engine import show_url, transaction
from auditor.store.records import (
    InputRecord,
    SnapshotInfo,
    SnapshotMeta,
    StoredSnapshot,
    SuppressionRule,
    as_utc,
)
from auditor.store.retired import NOTHING, Retired, counted, retired_in
from auditor.store.sets import RESULT_OWN_FIELDS
from auditor.store.summary import is_whole, summary_from_row

Identity = tuple[str, str, str]  # (ecosystem, package name, finding id)


def _t(model: type) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


SNAPSHOT = _t(tables.Snapshot)
PROJECT = _t(tables.Project)


def shown_url(engine: Engine) -> str:
    """The engine's URL, safe to print."""
    return show_url(engine.url.render_as_string(hide_password=False))


def read(engine: Engine, work: Any) -> Any:
    return transaction(engine, work, write=False, shown=shown_url(engine))


def utc(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else as_utc(moment)


# -- snapshot lists ---------------------------------------------------------------------


def projects(engine: Engine) -> tuple[str, ...]:
    def work(conn: Connection) -> tuple[str, ...]:
        return tuple(conn.execute(sa.select(PROJECT.c.name).order_by(PROJECT.c.name)).scalars())

    return read(engine, work)  # type: ignore[no-any-return]


def _info_query() -> sa.Select[Any]:
    return sa.select(SNAPSHOT, PROJECT.c.name.label("project_name")).join(
        PROJECT, PROJECT.c.id == SNAPSHOT.c.project_id
    )


def info_from_row(row: RowMapping, retired: Retired = NOTHING) -> SnapshotInfo:
    return SnapshotInfo(
        id=row["id"],
        project=row["project_name"],
        taken_at=as_utc(row["taken_at"]),
        status=Status(row["status"]),
        git_commit=row["git_commit"],
        git_branch=row["git_branch"],
        tool_version=row["tool_version"],
        advisory_db=row["advisory_db"],
        advisory_db_updated_at=utc(row["advisory_db_updated_at"]),
        summary=summary_from_row(row, retired),
        whole=is_whole(row["status"], row["summary"]),
    )


def snapshots(engine: Engine, project: str | None = None) -> tuple[SnapshotInfo, ...]:
    """Every snapshot (of ``project``), oldest first."""

    def work(conn: Connection) -> tuple[SnapshotInfo, ...]:
        query = _info_query().order_by(SNAPSHOT.c.taken_at, SNAPSHOT.c.id)
        if project is not None:
            query = query.where(PROJECT.c.name == project)
        rows = [row._mapping for row in conn.execute(query)]
        retired = retired_in(conn, rows)
        return tuple(info_from_row(row, retired.get(row["id"], NOTHING)) for row in rows)

    return read(engine, work)  # type: ignore[no-any-return]


def snapshot_row(conn: Connection, snapshot_id: int) -> RowMapping:
    row = conn.execute(_info_query().where(SNAPSHOT.c.id == snapshot_id)).first()
    if row is None:
        raise StoreError(f"no snapshot {snapshot_id} in the store")
    return row._mapping


# -- whole snapshots --------------------------------------------------------------------


def load_snapshot(engine: Engine, snapshot_id: int) -> StoredSnapshot:
    """Everything saved for one snapshot: metadata, graph, findings, suppressions, summary."""
    return read(engine, lambda conn: load_in(conn, snapshot_id))  # type: ignore[no-any-return]


def load_snapshots(engine: Engine, snapshot_ids: Sequence[int]) -> dict[int, StoredSnapshot]:
    """Several snapshots in one read, sharing the chunks their graphs have in common."""

    def work(conn: Connection) -> dict[int, StoredSnapshot]:
        cache = ChunkCache()
        return {sid: load_in(conn, sid, cache) for sid in snapshot_ids}

    return read(engine, work)  # type: ignore[no-any-return]


def load_in(conn: Connection, snapshot_id: int, cache: ChunkCache | None = None) -> StoredSnapshot:
    row = snapshot_row(conn, snapshot_id)
    graph = load_graph(conn, row["graph_id"], cache)
    details = _blob(conn, row["details_id"], f"the details of snapshot {snapshot_id}")
    result = _result(graph, load_findings(conn, row["finding_set_id"]), row["status"], details)
    inputs = codec.loads(row["inputs"], f"the inputs of snapshot {snapshot_id}")
    meta = SnapshotMeta(
        taken_at=as_utc(row["taken_at"]),
        git_commit=row["git_commit"],
        git_branch=row["git_branch"],
        inputs=codec.decode_stored_value(tuple[InputRecord, ...], inputs, "the inputs"),
        tool_version=row["tool_version"],
        advisory_db=row["advisory_db"],
        advisory_db_updated_at=utc(row["advisory_db_updated_at"]),
        suppressions=load_suppressions(conn, row["suppression_set_id"]),
    )
    retired = retired_in(conn, [row]).get(snapshot_id, NOTHING)
    info = info_from_row(row, retired)
    meta = dataclasses.replace(meta, replayed=info.summary.replayed)
    return StoredSnapshot(info=info, meta=meta, result=result)


def _result(
    graph: DependencyGraph, findings: tuple[Finding, ...], status: str, details: Any
) -> AuditResult:
    hints = codec.type_hints(AuditResult)
    kwargs: dict[str, Any] = {}
    for field in dataclasses.fields(AuditResult):
        if field.name in RESULT_OWN_FIELDS or field.name not in details:
            continue
        try:
            kwargs[field.name] = codec.decode_value(hints[field.name], details[field.name])
        except (TypeError, ValueError) as exc:
            raise StoreError(
                f"the store holds a damaged run detail {field.name!r}: {exc}"
            ) from None
    return AuditResult(graph=graph, findings=findings, status=Status(status), **kwargs)


def _blob(conn: Connection, blob_id: int, what: str) -> Any:
    table = _t(tables.Blob)
    data = conn.execute(sa.select(table.c.data).where(table.c.id == blob_id)).scalar_one()
    return unblob(bytes(data), what)


@dataclasses.dataclass
class ChunkCache:
    """Chunks already read in one transaction, for loading several graphs of a project:
    consecutive graphs share most chunks (docs/store.md), so each is read and decoded once.
    Packages are kept with their id (computing a purl is not free)."""

    members: dict[int, list[tuple[str, Package]]] = dataclasses.field(default_factory=dict)
    # (parent key, child key, the other Edge fields): node keys map to ids per graph
    edges: dict[int, list[tuple[str, str, dict[str, Any]]]] = dataclasses.field(
        default_factory=dict
    )


def load_graph(conn: Connection, graph_id: int, cache: ChunkCache | None = None) -> DependencyGraph:
    cache = cache if cache is not None else ChunkCache()
    graph_table = _t(tables.Graph)
    row = conn.execute(sa.select(graph_table).where(graph_table.c.id == graph_id)).one()._mapping
    try:
        locations = {
            key: locations_from_json(found)
            for key, found in _blob(conn, row["locations_id"], "graph locations")
        }
    except (TypeError, ValueError) as exc:
        raise StoreError(f"the store holds damaged package locations: {exc}") from None
    member_chunks, edge_chunks = _chunk_ids(conn, graph_id)
    _read_members(conn, [c for c in member_chunks if c not in cache.members], cache)
    _read_edges(conn, [c for c in edge_chunks if c not in cache.edges], cache)
    bare = {pid: pkg for chunk in member_chunks for pid, pkg in cache.members[chunk]}
    keys = node_keys_by_id(bare)
    packages = [
        dataclasses.replace(p, found_in=locations[keys[pid]]) if keys[pid] in locations else p
        for pid, p in bare.items()
    ]
    roots = roots_from_json(row["roots"])
    nodes = {r.id: r.id for r in roots}
    nodes.update({key: pid for pid, key in keys.items()})
    edges = [
        _edge(p, c, fields, nodes) for chunk in edge_chunks for p, c, fields in cache.edges[chunk]
    ]
    return DependencyGraph(packages=packages, edges=edges, roots=roots)


def _chunk_ids(conn: Connection, graph_id: int) -> tuple[list[int], list[int]]:
    link, chunk = _t(tables.GraphChunk), _t(tables.Chunk)
    query = (
        sa.select(link.c.chunk_id, chunk.c.kind)
        .join(chunk, chunk.c.id == link.c.chunk_id)
        .where(link.c.graph_id == graph_id)
        .order_by(link.c.chunk_id)
    )
    members: list[int] = []
    edges: list[int] = []
    for chunk_id, kind in conn.execute(query):
        (members if kind == "members" else edges).append(int(chunk_id))
    return members, edges


def _read_members(conn: Connection, chunk_ids: list[int], cache: ChunkCache) -> None:
    for chunk_id in chunk_ids:
        cache.members[chunk_id] = []
    for start in range(0, len(chunk_ids), 500):
        for m in conn.execute(_members_query(chunk_ids[start : start + 500])):
            package = _package(m._mapping)
            cache.members[int(m.chunk_id)].append((package.id, package))


def _read_edges(conn: Connection, chunk_ids: list[int], cache: ChunkCache) -> None:
    edge = _t(tables.Edge)
    for chunk_id in chunk_ids:
        cache.edges[chunk_id] = []
    for start in range(0, len(chunk_ids), 500):
        query = (
            sa.select(edge)
            .where(edge.c.chunk_id.in_(chunk_ids[start : start + 500]))
            .order_by(edge.c.chunk_id, edge.c.position)
        )
        for e in conn.execute(query):
            fields = {
                "requirement": e.requirement,
                "scope": e.scope,
                **extra_kwargs(Edge, e.extra),
            }
            cache.edges[int(e.chunk_id)].append((e.parent, e.child, fields))


def _members_query(chunk_ids: list[int]) -> sa.Select[Any]:
    member = _t(tables.Member)
    component, hashset = _t(tables.Component), _t(tables.HashSet)
    return (
        sa.select(
            member.c.chunk_id,
            member.c.component_id,
            member.c.declared_scopes,
            member.c.extra,
            component,
            hashset.c.hashes,
        )
        .select_from(member)
        .join(component, component.c.id == member.c.component_id)
        .outerjoin(hashset, hashset.c.id == member.c.hashset_id)
        .where(member.c.chunk_id.in_(chunk_ids))
    )


def _package(row: RowMapping) -> Package:
    try:
        hashes = hashes_from_json(row["hashes"]) if row["hashes"] else frozenset()
        scopes = codec.loads(row["declared_scopes"], "scopes") if row["declared_scopes"] else []
        return Package(
            ecosystem=Ecosystem(row["ecosystem"]),
            name=row["name"],
            version=row["version"],
            source=Source(
                kind=SourceKind(row["source_kind"]),
                url=row["source_url"],
                reference=row["source_reference"],
                subdirectory=row["source_subdirectory"],
            ),
            hashes=hashes,
            scopes=frozenset(str(s) for s in scopes),
            **extra_kwargs(Package, row["extra"]),
        )
    except (TypeError, ValueError) as exc:
        raise StoreError(f"the store holds a damaged component {row['purl']}: {exc}") from None


def _edge(parent: str, child: str, fields: dict[str, Any], nodes: Mapping[str, str]) -> Edge:
    for key in (parent, child):
        if key not in nodes:
            raise StoreError(f"the store holds an edge to a missing node {key}")
    return Edge(parent=nodes[parent], child=nodes[child], **fields)


@overload
def load_findings(conn: Connection, set_id: int) -> tuple[Finding, ...]: ...


@overload
def load_findings(
    conn: Connection, set_id: int, *, with_identity: Literal[True]
) -> tuple[tuple[str, str, Finding], ...]: ...


def load_findings(
    conn: Connection, set_id: int, *, with_identity: bool = False
) -> tuple[Finding, ...] | tuple[tuple[str, str, Finding], ...]:
    """The findings of a set, sorted; ``with_identity``: each with the (ecosystem, package
    name) it was stored under."""
    item, finding, advisory = (
        _t(tables.FindingSetItem),
        _t(tables.Finding),
        _t(tables.Advisory),
    )
    query = (
        sa.select(
            finding.c.data,
            advisory.c.data.label("advisory"),
            finding.c.ecosystem,
            finding.c.package_name,
        )
        .select_from(item)
        .join(finding, finding.c.id == item.c.finding_ref)
        .join(advisory, advisory.c.id == finding.c.advisory_ref)
        .where(item.c.set_id == set_id, counted(finding))
    )
    out = []
    for data, advisory_data, ecosystem, name in conn.execute(query):
        merged = {**codec.loads(advisory_data, "advisory"), **codec.loads(data, "finding")}
        out.append((str(ecosystem), str(name), codec.decode_stored(Finding, merged, "a finding")))
    out.sort(key=lambda row: finding_order(row[2]))
    if with_identity:
        return tuple(out)
    return tuple(f for _, _, f in out)


@dataclasses.dataclass(frozen=True, kw_only=True)
class PreviousFindings:
    """The findings of a project's latest snapshot before a run, with the (ecosystem,
    package name) each was stored under: what a run that could not check some packages
    carries forward."""

    snapshot: int
    findings: tuple[tuple[str, str, Finding], ...]


def previous_findings(engine: Engine, project: str, before: dt.datetime) -> PreviousFindings | None:
    """The findings of ``project``'s latest snapshot taken at or before ``before`` (any
    status: what it carried forward itself is among them), or None when there is none."""

    def work(conn: Connection) -> PreviousFindings | None:
        row = conn.execute(
            sa.select(SNAPSHOT.c.id, SNAPSHOT.c.finding_set_id)
            .join(PROJECT, PROJECT.c.id == SNAPSHOT.c.project_id)
            .where(PROJECT.c.name == project, SNAPSHOT.c.taken_at <= naive(before))
            .order_by(SNAPSHOT.c.taken_at.desc(), SNAPSHOT.c.id.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        found = load_findings(conn, int(row.finding_set_id), with_identity=True)
        return PreviousFindings(snapshot=int(row.id), findings=found)

    return read(engine, work)  # type: ignore[no-any-return]


def naive(moment: dt.datetime) -> dt.datetime:
    """The store's form of a time: naive UTC."""
    return as_utc(moment).replace(tzinfo=None)


def finding_order(finding: Finding) -> tuple[str, str, str, str]:
    return (
        finding.package_id,
        finding.kind.value,
        finding.id,
        codec.canonical_json(codec.encode(finding)),
    )


def load_suppressions(conn: Connection, set_id: int) -> tuple[SuppressionRule, ...]:
    item, rule = _t(tables.SuppressionSetItem), _t(tables.Suppression)
    query = (
        sa.select(rule.c.rule_id, rule.c.package, rule.c.reason, rule.c.expires)
        .select_from(item)
        .join(rule, rule.c.id == item.c.suppression_ref)
        .where(item.c.set_id == set_id)
    )
    rules = [
        SuppressionRule(id=r.rule_id, package=r.package, reason=r.reason, expires=r.expires)
        for r in conn.execute(query)
    ]
    return tuple(sorted(rules, key=lambda s: s.sort_key))


# -- pieces for churn and series ----------------------------------------------------------


def graph_versions(conn: Connection, graph_id: int) -> set[tuple[str, str, str]]:
    """(ecosystem, name, version) of every package of a graph, without building the graph."""
    link, member, component = _t(tables.GraphChunk), _t(tables.Member), _t(tables.Component)
    query = (
        sa.select(component.c.ecosystem, component.c.name, component.c.version)
        .select_from(link)
        .join(member, member.c.chunk_id == link.c.chunk_id)
        .join(component, component.c.id == member.c.component_id)
        .where(link.c.graph_id == graph_id)
    )
    return {(e, n, v) for e, n, v in conn.execute(query)}


def finding_kind(text: str) -> FindingKind:
    """A stored finding kind; one a newer auditor wrote counts as a vulnerability."""
    try:
        return FindingKind(text)
    except ValueError:
        return FindingKind.VULNERABILITY


def set_identities(conn: Connection, set_id: int) -> set[Identity]:
    """Every identity of a finding set, retired rules included: the summary counted at
    write time counts what is stored, and readers subtract retired rules uniformly
    (``auditor.store.retired``)."""
    found = set_findings(conn, [set_id], retired=True)
    return {identity for identity, _, _ in found.get(set_id, ())}


def set_findings(
    conn: Connection, set_ids: Sequence[int], *, retired: bool = False
) -> dict[int, list[tuple[Identity, str, str]]]:
    """For each finding set: (identity, severity, kind) of its findings (of retired rules
    too with ``retired``)."""
    item, finding = _t(tables.FindingSetItem), _t(tables.Finding)
    out: dict[int, list[tuple[Identity, str, str]]] = {i: [] for i in set_ids}
    ids = sorted(set(set_ids))
    for start in range(0, len(ids), 500):
        query = (
            sa.select(
                item.c.set_id,
                finding.c.ecosystem,
                finding.c.package_name,
                finding.c.finding_id,
                finding.c.severity,
                finding.c.kind,
            )
            .select_from(item)
            .join(finding, finding.c.id == item.c.finding_ref)
            .where(item.c.set_id.in_(ids[start : start + 500]))
        )
        if not retired:
            query = query.where(counted(finding))
        for set_id, eco, name, fid, severity, kind in conn.execute(query):
            out[set_id].append(((eco, name, fid), severity, kind))
    return out


@dataclass(frozen=True, kw_only=True)
class Baseline:
    """The findings of the snapshot a new run is compared with, by identity across runs:
    ``(kind, ecosystem, package name, finding id)`` (not the version: an upgrade that keeps
    a finding open keeps it the same)."""

    snapshot_id: int
    taken_at: dt.datetime
    keys: frozenset[tuple[str, str, str, str]]


def baseline(engine: Engine, project: str, *, before: dt.datetime | None = None) -> Baseline | None:
    """The findings of ``project``'s latest complete snapshot (taken before ``before`` when
    given), else of its latest one; None when the project has none."""

    def work(conn: Connection) -> Baseline | None:
        s = SNAPSHOT.c
        query = (
            sa.select(s.id, s.taken_at, s.finding_set_id, s.status)
            .join(PROJECT, PROJECT.c.id == s.project_id)
            .where(PROJECT.c.name == project)
            .order_by(s.taken_at.desc(), s.id.desc())
        )
        if before is not None:
            query = query.where(
                s.taken_at <= before.astimezone(dt.timezone.utc).replace(tzinfo=None)
            )
        rows = list(conn.execute(query.limit(200)))
        if not rows:
            return None
        chosen = next((r for r in rows if r.status == Status.COMPLETE.value), rows[0])
        found = set_findings(conn, [chosen.finding_set_id]).get(chosen.finding_set_id, [])
        return Baseline(
            snapshot_id=int(chosen.id),
            taken_at=as_utc(chosen.taken_at),
            keys=frozenset((kind, eco, name, fid) for (eco, name, fid), _, kind in found),
        )

    return read(engine, work)  # type: ignore[no-any-return]
