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

from auditor.core.result import Status
from auditor.store import tables
from auditor.store.queries import PROJECT, SNAPSHOT, read
from auditor.store.records import as_utc
from auditor.store.summary import is_whole

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
    rows = [
        row
        for row in conn.execute(
            sa.select(s.id, s.taken_at, s.graph_id, s.status, s.summary)
            .join(PROJECT, PROJECT.c.id == s.project_id)
            .where(
                PROJECT.c.name == project,
                s.status.in_((Status.COMPLETE.value, Status.PARTIAL.value)),
            )
            .order_by(s.taken_at, s.id)
        )
        if is_whole(row.status, row.summary)
    ]
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
            counter = state.get(key)
            versions = tuple(sorted(counter.elements())) if counter else ()
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
    """Move ``state`` from one graph to the next; return the packages whose versions
    changed. A package that only moved between chunks cancels out."""
    delta: dict[tuple[PackageKey, str], int] = {}
    for chunk in gone:
        for item in members.get(chunk, ()):
            delta[item] = delta.get(item, 0) - 1
    for chunk in came:
        for item in members.get(chunk, ()):
            delta[item] = delta.get(item, 0) + 1
    touched: set[PackageKey] = set()
    for (key, version), change in delta.items():
        if not change:
            continue
        counter = state.setdefault(key, Counter())
        counter[version] += change
        if counter[version] <= 0:
            del counter[version]
        if not counter:
            del state[key]
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
    """Members of each chunk as ((ecosystem, name), version). Members are read as bare
    (chunk, component) pairs and each component once: many chunks share components."""
    member, component = _t(tables.Member), _t(tables.Component)
    pairs: list[tuple[int, int]] = []
    for start in range(0, len(chunk_ids), _CHUNK_BATCH):
        query = sa.select(member.c.chunk_id, member.c.component_id).where(
            member.c.chunk_id.in_(chunk_ids[start : start + _CHUNK_BATCH])
        )
        pairs.extend((int(c), int(m)) for c, m in conn.execute(query))
    wanted = sorted({m for _, m in pairs})
    names: dict[int, tuple[PackageKey, str]] = {}
    for start in range(0, len(wanted), _CHUNK_BATCH):
        query = sa.select(
            component.c.id, component.c.ecosystem, component.c.name, component.c.version
        ).where(component.c.id.in_(wanted[start : start + _CHUNK_BATCH]))
        for row in conn.execute(query):
            names[int(row.id)] = ((str(row.ecosystem), str(row.name)), str(row.version))
    out: dict[int, list[tuple[PackageKey, str]]] = {}
    for chunk_id, component_id in pairs:
        out.setdefault(chunk_id, []).append(names[component_id])
    return out
