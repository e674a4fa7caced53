"""Questions asked across every project of the store (``auditor query``, the site's
"affected projects" pages): which projects hold a package, which are affected by an
advisory.

The store is asked by index, never by loading every graph: a package's components
(``ix_component_ecosystem_name``) lead to the member chunks holding them, their graphs and
the snapshots of those graphs; an advisory's findings (by id, or by an alias in the stored
advisory text) lead to the finding sets holding them and their snapshots. Only the graphs
of the snapshots that hold the package are loaded, to say where it was found and why it is
there. By default each project's latest snapshot is asked (what the project holds now);
``every_snapshot`` asks its whole history.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from auditor.core.findings import ADVISORY_KINDS, Finding
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Location
from auditor.core.result import Status
from auditor.store import codec, tables
from auditor.store.queries import (
    PROJECT,
    SNAPSHOT,
    ChunkCache,
    load_graph,
    read,
)
from auditor.store.records import as_utc
from auditor.store.retired import counted

_BATCH = 500
PATHS = 3  # dependency paths shown per package


def _t(model: type) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


@dataclass(frozen=True, kw_only=True)
class SnapshotRef:
    id: int
    project: str
    taken_at: dt.datetime
    status: Status
    latest: bool  # the project's latest snapshot


@dataclass(frozen=True, kw_only=True)
class Held:
    """One locked package of a snapshot: its id, where it is locked, why it is there."""

    package_id: str
    ecosystem: str
    name: str
    version: str
    found_in: tuple[Location, ...]
    paths: tuple[tuple[str, ...], ...]  # node labels from a root to the package
    direct: bool
    scopes: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Holding:
    snapshot: SnapshotRef
    packages: tuple[Held, ...]


@dataclass(frozen=True, kw_only=True)
class Affected:
    snapshot: SnapshotRef
    findings: tuple[Finding, ...]  # with their advisory text


# -- packages --------------------------------------------------------------------------------


def holding(
    engine: Engine,
    name: str,
    *,
    ecosystem: Ecosystem | None = None,
    version: str | None = None,
    every_snapshot: bool = False,
) -> tuple[Holding, ...]:
    """The snapshots (each project's latest, or all) whose graph locks a package called
    ``name`` (as each ecosystem normalises names; ``version``: only that version), with
    every such package, where it is locked and the shortest paths to it."""

    def work(conn: Connection) -> tuple[Holding, ...]:
        components = _components(conn, name, ecosystem, version)
        if not components:
            return ()
        graphs = _graphs_holding(conn, sorted(components))
        snapshots = [s for s in _snapshots(conn, every_snapshot) if s[1] in graphs]
        cache = ChunkCache()
        loaded: dict[int, DependencyGraph] = {}
        found = []
        for ref, graph_id in snapshots:
            if graph_id not in loaded:
                loaded[graph_id] = load_graph(conn, graph_id, cache)
            graph = loaded[graph_id]
            held = tuple(
                _held(graph, purl) for purl in sorted(components.values()) if purl in graph
            )
            if held:
                found.append(Holding(snapshot=ref, packages=held))
        return tuple(found)

    return read(engine, work)  # type: ignore[no-any-return]


def _components(
    conn: Connection, name: str, ecosystem: Ecosystem | None, version: str | None
) -> dict[int, str]:
    """Component id → purl of every stored package called ``name``."""
    component = _t(tables.Component)
    ecosystems = [ecosystem] if ecosystem is not None else list(Ecosystem)
    wanted = {(e.value, e.normalize_name(name.strip())) for e in ecosystems}
    query = sa.select(component.c.id, component.c.purl, component.c.version).where(
        sa.tuple_(component.c.ecosystem, component.c.name).in_(sorted(wanted))
    )
    bare = version.removeprefix("v") if version else None
    return {
        int(cid): str(purl)
        for cid, purl, found in conn.execute(query)
        if bare is None or found.removeprefix("v") == bare
    }


def _graphs_holding(conn: Connection, component_ids: Sequence[int]) -> set[int]:
    member, link = _t(tables.Member), _t(tables.GraphChunk)
    chunks: set[int] = set()
    for start in range(0, len(component_ids), _BATCH):
        query = sa.select(member.c.chunk_id).where(
            member.c.component_id.in_(component_ids[start : start + _BATCH])
        )
        chunks.update(int(c) for c in conn.execute(query).scalars())
    ordered = sorted(chunks)
    graphs: set[int] = set()
    for start in range(0, len(ordered), _BATCH):
        query = sa.select(link.c.graph_id).where(
            link.c.chunk_id.in_(ordered[start : start + _BATCH])
        )
        graphs.update(int(g) for g in conn.execute(query).scalars())
    return graphs


def _held(graph: DependencyGraph, purl: str) -> Held:
    view = graph.view(purl)
    package = view.package
    return Held(
        package_id=purl,
        ecosystem=package.ecosystem.value,
        name=package.name,
        version=package.version,
        found_in=package.found_in,
        paths=tuple(
            tuple(graph.label(node) for node in path) for path in graph.paths_to(purl, limit=PATHS)
        ),
        direct=view.direct,
        scopes=view.scopes,
    )


# -- advisories ------------------------------------------------------------------------------


def affected_by(
    engine: Engine, advisory: str, *, every_snapshot: bool = False
) -> tuple[Affected, ...]:
    """The snapshots (each project's latest, or all) with an open finding whose id or an
    alias is ``advisory`` (case does not matter), with those findings."""

    def work(conn: Connection) -> tuple[Affected, ...]:
        refs = _findings_named(conn, advisory)
        if not refs:
            return ()
        sets = _sets_holding(conn, sorted(refs))
        out = []
        for ref, set_id in _snapshots(conn, every_snapshot, column="finding_set_id"):
            chosen = sorted(refs[r] for r in sets.get(set_id, ()))
            if chosen:
                out.append(Affected(snapshot=ref, findings=tuple(chosen)))
        return tuple(out)

    return read(engine, work)  # type: ignore[no-any-return]


def open_advisories(
    engine: Engine, *, only: Collection[str] | None = None
) -> dict[str, tuple[Affected, ...]]:
    """For every advisory open in some project's latest snapshot (``only``: of those ids):
    those snapshots and their findings of it (the site's "affected projects" pages), by
    advisory id. Only findings an advisory backs (vulnerabilities, malicious packages): a
    health, conflict or typosquat finding's id is auditor's verdict on one package, not an
    advisory."""

    def work(conn: Connection) -> dict[str, tuple[Affected, ...]]:
        if only is not None and not only:
            return {}
        latest = _snapshots(conn, False, column="finding_set_id")
        by_set = _set_findings(conn, sorted({set_id for _, set_id in latest}), only=only)
        out: dict[str, list[Affected]] = {}
        for ref, set_id in latest:
            grouped: dict[str, list[Finding]] = {}
            for finding in by_set.get(set_id, ()):
                if finding.kind in ADVISORY_KINDS:  # not HEALTH-UNMAINTAINED, typosquat...
                    grouped.setdefault(finding.id, []).append(finding)
            for advisory, items in grouped.items():
                out.setdefault(advisory, []).append(
                    Affected(snapshot=ref, findings=tuple(sorted(items)))
                )
        return {
            k: tuple(sorted(v, key=lambda a: a.snapshot.project)) for k, v in sorted(out.items())
        }

    return read(engine, work)  # type: ignore[no-any-return]


def recent_advisories(engine: Engine, project: str, *, snapshots: int = 2) -> frozenset[str]:
    """The advisories open in any of ``project``'s latest ``snapshots`` snapshots (latest as
    in ``open_advisories``: the last taken, of equal times the last saved)."""
    s = SNAPSHOT.c

    def work(conn: Connection) -> frozenset[str]:
        query = (
            sa.select(s.finding_set_id)
            .join(PROJECT, PROJECT.c.id == s.project_id)
            .where(PROJECT.c.name == project)
            .order_by(s.taken_at.desc(), s.id.desc())
            .limit(snapshots)
        )
        set_ids = sorted({int(row[0]) for row in conn.execute(query) if row[0] is not None})
        return frozenset(
            finding.id
            for found in _set_findings(conn, set_ids).values()
            for finding in found
            if finding.kind in ADVISORY_KINDS
        )

    return read(engine, work)  # type: ignore[no-any-return]


def _findings_named(conn: Connection, advisory: str) -> dict[int, Finding]:
    """Stored finding rows whose id or an alias is ``advisory``, as findings."""
    f, adv = _t(tables.Finding), _t(tables.Advisory)
    wanted = advisory.strip().upper()
    quoted = json.dumps(wanted)[1:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    by_alias = sa.select(adv.c.id).where(
        sa.func.upper(adv.c.data).like(f'%"{quoted}"%', escape="\\")
    )
    query = (
        sa.select(f.c.id, f.c.data, adv.c.data.label("advisory"))
        .join(adv, adv.c.id == f.c.advisory_ref)
        .where(
            sa.or_(sa.func.upper(f.c.finding_id) == wanted, f.c.advisory_ref.in_(by_alias)),
            counted(f),
        )
    )
    found: dict[int, Finding] = {}
    for ref, data, advisory_data in conn.execute(query):
        finding = _finding(data, advisory_data)
        if wanted in {i.upper() for i in (finding.id, *finding.aliases)}:
            found[int(ref)] = finding
    return found


def _set_findings(
    conn: Connection, set_ids: Sequence[int], *, only: Collection[str] | None = None
) -> dict[int, list[Finding]]:
    """The findings of each finding set (``only``: those with one of these ids). A finding
    row is shared by every set that holds it (projects with the same package and advisory):
    it is decoded once."""
    item, f, adv = _t(tables.FindingSetItem), _t(tables.Finding), _t(tables.Advisory)
    out: dict[int, list[Finding]] = {}
    decoded: dict[int, Finding] = {}
    for start in range(0, len(set_ids), _BATCH):
        query = (
            sa.select(item.c.set_id, f.c.id, f.c.data, adv.c.data.label("advisory"))
            .select_from(item)
            .join(f, f.c.id == item.c.finding_ref)
            .join(adv, adv.c.id == f.c.advisory_ref)
            .where(item.c.set_id.in_(set_ids[start : start + _BATCH]), counted(f))
        )
        if only is not None:
            query = query.where(f.c.finding_id.in_(sorted(only)))
        for set_id, ref, data, advisory_data in conn.execute(query):
            if ref not in decoded:
                decoded[ref] = _finding(data, advisory_data)
            out.setdefault(int(set_id), []).append(decoded[ref])
    return out


def _sets_holding(conn: Connection, refs: Sequence[int]) -> dict[int, set[int]]:
    item = _t(tables.FindingSetItem)
    sets: dict[int, set[int]] = {}
    for start in range(0, len(refs), _BATCH):
        query = sa.select(item.c.set_id, item.c.finding_ref).where(
            item.c.finding_ref.in_(refs[start : start + _BATCH])
        )
        for set_id, ref in conn.execute(query):
            sets.setdefault(int(set_id), set()).add(int(ref))
    return sets


def _finding(data: str, advisory_data: str) -> Finding:
    merged = {**codec.loads(advisory_data, "advisory"), **codec.loads(data, "finding")}
    return codec.decode_stored(Finding, merged, "a finding")


# -- snapshots -------------------------------------------------------------------------------


def _snapshots(
    conn: Connection, every: bool, *, column: str = "graph_id"
) -> list[tuple[SnapshotRef, int]]:
    """(snapshot, its ``column``) of every project's latest snapshot, or of all of them,
    by project then time. The latest is the last taken (of equal times, the last saved)."""
    s = SNAPSHOT.c
    place = (
        sa.func.row_number()
        .over(partition_by=s.project_id, order_by=(s.taken_at.desc(), s.id.desc()))
        .label("place")
    )
    ranked = (
        sa.select(s.id, s.taken_at, s.status, s[column].label("target"), s.project_id, place)
    ).subquery()
    query = (
        sa.select(
            ranked.c.id,
            ranked.c.taken_at,
            ranked.c.status,
            ranked.c.target,
            ranked.c.place,
            PROJECT.c.name,
        )
        .join(PROJECT, PROJECT.c.id == ranked.c.project_id)
        .order_by(PROJECT.c.name, ranked.c.taken_at, ranked.c.id)
    )
    if not every:
        query = query.where(ranked.c.place == 1)
    return [
        (
            SnapshotRef(
                id=int(row.id),
                project=str(row.name),
                taken_at=as_utc(row.taken_at),
                status=Status(row.status),
                latest=row.place == 1,
            ),
            int(row.target),
        )
        for row in conn.execute(query)
    ]
