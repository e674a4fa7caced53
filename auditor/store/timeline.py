"""Which versions of each package a project had over time, without rebuilding graphs.

A graph is stored as content-defined chunks, and consecutive snapshots share most of them
(docs/store.md). Walking a project's complete snapshots in order, only the chunks that
left and arrived since the previous graph can change a package's versions, so the whole
history costs one read of the chunk lists and one read of each distinct chunk's members.

Like churn, only *complete* snapshots count: a run that could not read a lockfile must not
look as if its packages were removed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from auditor.model import Status
from auditor.store import tables
from auditor.store.queries import PROJECT, SNAPSHOT, read
from auditor.store.records import as_utc

PackageKey = tuple[str, str]  # (ecosystem, name)
_CHUNK_BATCH = 500


def _t(model: type) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


@dataclass(frozen=True, kw_only=True)
class VersionSpan:
    """From snapshot ``snapshot_id`` on, the package was at ``versions`` (empty: absent)."""

    snapshot_id: int
    taken_at: dt.datetime
    versions: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Timeline:
    """Every package's version changes, oldest first, over the complete snapshots."""

    snapshots: tuple[int, ...]  # the complete snapshots walked, oldest first
    changes: dict[PackageKey, tuple[VersionSpan, ...]]

    def spans(self, key: PackageKey) -> tuple[VersionSpan, ...]:
        return self.changes.get(key, ())

    def changed(self, key: PackageKey) -> bool:
        """More than one state: an upgrade, a downgrade, an addition or a removal."""
        return len(self.changes.get(key, ())) > 1


def version_timeline(engine: Engine, project: str) -> Timeline:
    def work(conn: Connection) -> Timeline:
        return _timeline(conn, project)

    return read(engine, work)  # type: ignore[no-any-return]


def _timeline(conn: Connection, project: str) -> Timeline:
    s = SNAPSHOT.c
    rows = conn.execute(
        sa.select(s.id, s.taken_at, s.graph_id)
        .join(PROJECT, PROJECT.c.id == s.project_id)
        .where(PROJECT.c.name == project, s.status == Status.COMPLETE.value)
        .order_by(s.taken_at, s.id)
    ).all()
    chunks = _graph_chunks(conn, sorted({int(r.graph_id) for r in rows}))
    members = _chunk_members(conn, sorted({c for ids in chunks.values() for c in ids}))
    state: dict[PackageKey, Counter[str]] = {}
    changes: dict[PackageKey, list[VersionSpan]] = {}
    previous: frozenset[int] = frozenset()
    for row in rows:
        current = chunks.get(int(row.graph_id), frozenset())
        touched = _apply(state, members, gone=previous - current, came=current - previous)
        moment = as_utc(row.taken_at)
        for key in sorted(touched):
            versions = tuple(sorted(state.get(key, Counter()).elements()))
            spans = changes.setdefault(key, [])
            if not spans or spans[-1].versions != versions:
                spans.append(VersionSpan(snapshot_id=row.id, taken_at=moment, versions=versions))
        previous = current
    return Timeline(
        snapshots=tuple(int(r.id) for r in rows),
        changes={k: tuple(v) for k, v in sorted(changes.items())},
    )


def _apply(
    state: dict[PackageKey, Counter[str]],
    members: dict[int, list[tuple[PackageKey, str]]],
    *,
    gone: Iterable[int],
    came: Iterable[int],
) -> set[PackageKey]:
    touched: set[PackageKey] = set()
    for chunk in gone:
        for key, version in members.get(chunk, ()):
            state[key][version] -= 1
            if state[key][version] <= 0:
                del state[key][version]
            if not state[key]:
                del state[key]
            touched.add(key)
    for chunk in came:
        for key, version in members.get(chunk, ()):
            state.setdefault(key, Counter())[version] += 1
            touched.add(key)
    return touched


def _graph_chunks(conn: Connection, graph_ids: Sequence[int]) -> dict[int, frozenset[int]]:
    link, chunk = _t(tables.GraphChunk), _t(tables.Chunk)
    out: dict[int, set[int]] = {g: set() for g in graph_ids}
    for start in range(0, len(graph_ids), _CHUNK_BATCH):
        query = (
            sa.select(link.c.graph_id, link.c.chunk_id)
            .join(chunk, chunk.c.id == link.c.chunk_id)
            .where(
                link.c.graph_id.in_(graph_ids[start : start + _CHUNK_BATCH]),
                chunk.c.kind == "members",
            )
        )
        for graph_id, chunk_id in conn.execute(query):
            out[int(graph_id)].add(int(chunk_id))
    return {g: frozenset(c) for g, c in out.items()}


def _chunk_members(
    conn: Connection, chunk_ids: Sequence[int]
) -> dict[int, list[tuple[PackageKey, str]]]:
    member, component = _t(tables.Member), _t(tables.Component)
    out: dict[int, list[tuple[PackageKey, str]]] = {}
    for start in range(0, len(chunk_ids), _CHUNK_BATCH):
        query = (
            sa.select(
                member.c.chunk_id, component.c.ecosystem, component.c.name, component.c.version
            )
            .join(component, component.c.id == member.c.component_id)
            .where(member.c.chunk_id.in_(chunk_ids[start : start + _CHUNK_BATCH]))
        )
        for chunk_id, eco, name, version in conn.execute(query):
            out.setdefault(int(chunk_id), []).append(((eco, name), version))
    return out
