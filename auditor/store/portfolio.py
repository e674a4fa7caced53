"""Every project of a store at a glance, for what spans them all (the site's index).

Each project carries a **state**: a hash chain over every change to its snapshots, advanced
in the same transaction as the change (a snapshot written, snapshots pruned). Equal states
mean the same stored history, so anything derived from a project's snapshots can be kept
with the state it was derived from and reused while the state holds: the site keeps each
project's row of the index in ``project_cache`` this way, so a page listing two thousand
projects reads two thousand small rows instead of two thousand histories.

The listing is read in pages of project names (``entries``), so a caller can stream it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from auditor.store import tables
from auditor.store.engine import transaction
from auditor.store.queries import PROJECT, read, shown_url

BATCH = 500


def _t(model: type) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


CACHE = _t(tables.ProjectCache)


# -- the state chain ----------------------------------------------------------------------


def initial_state(name: str) -> bytes:
    return hashlib.sha256(f"project\0{name}".encode()).digest()


def advance(state: bytes, event: str) -> bytes:
    """The state after ``event`` (a description of the change, with its digests)."""
    return hashlib.sha256(state + event.encode("utf-8")).digest()


def advance_state(conn: Connection, project_id: int, event: str) -> None:
    """Advance a project's state inside the transaction that makes the change."""
    query = sa.select(PROJECT.c.name, PROJECT.c.state).where(PROJECT.c.id == project_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()  # two changes to one project advance it in turn
    name, state = conn.execute(query).one()
    conn.execute(
        sa.update(PROJECT)
        .where(PROJECT.c.id == project_id)
        .values(state=advance(_state(name, state), event))
    )


def _state(name: str, stored: bytes | None) -> bytes:
    return initial_state(name) if stored is None else bytes(stored)


# -- reading ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProjectEntry:
    """A project, its state, and what is cached for it under one kind (if anything)."""

    name: str
    state: bytes
    cached_key: bytes | None
    cached: str | None


def project_state(engine: Engine, name: str) -> bytes | None:
    """The state of ``name`` (``None``: no such project)."""

    def work(conn: Connection) -> bytes | None:
        query = sa.select(PROJECT.c.state).where(PROJECT.c.name == name)
        found = conn.execute(query).first()
        return None if found is None else _state(name, found[0])

    return read(engine, work)  # type: ignore[no-any-return]


def count_projects(engine: Engine) -> int:
    def work(conn: Connection) -> int:
        return int(conn.execute(sa.select(sa.func.count()).select_from(PROJECT)).scalar_one())

    return read(engine, work)  # type: ignore[no-any-return]


def entries(
    engine: Engine, kind: str, *, after: str | None = None, limit: int = BATCH
) -> tuple[ProjectEntry, ...]:
    """Up to ``limit`` projects by name, after ``after``, with their cache of ``kind``."""

    def work(conn: Connection) -> tuple[ProjectEntry, ...]:
        # by code point on every backend (PostgreSQL's default collation follows the locale)
        name = PROJECT.c.name.collate("C") if conn.dialect.name == "postgresql" else PROJECT.c.name
        query = (
            sa.select(PROJECT.c.name, PROJECT.c.state, CACHE.c.key, CACHE.c.data)
            .select_from(PROJECT)
            .outerjoin(CACHE, sa.and_(CACHE.c.project_id == PROJECT.c.id, CACHE.c.kind == kind))
            .order_by(name)
            .limit(limit)
        )
        if after is not None:
            query = query.where(name > after)
        return tuple(
            ProjectEntry(
                name=str(name),
                state=_state(name, state),
                cached_key=None if key is None else bytes(key),
                cached=None if data is None else str(data),
            )
            for name, state, key, data in conn.execute(query)
        )

    return read(engine, work)  # type: ignore[no-any-return]


def all_entries(engine: Engine, kind: str, *, batch: int = BATCH) -> Iterator[ProjectEntry]:
    """Every project by name, read ``batch`` at a time (each batch its own short read)."""
    after: str | None = None
    while True:
        page = entries(engine, kind, after=after, limit=batch)
        yield from page
        if len(page) < batch:
            return
        after = page[-1].name


# -- the cache ----------------------------------------------------------------------------


def save_cached(engine: Engine, kind: str, items: Sequence[tuple[str, bytes, str]]) -> None:
    """Keep ``(project name, key, data)`` under ``kind``, replacing what was there. Two
    writers racing store values for their own keys; a reader checks the key, so the worst
    case is a recomputation."""
    if not items:
        return

    def work(conn: Connection) -> None:
        names = sorted({name for name, _, _ in items})
        ids: dict[str, int] = {}
        for start in range(0, len(names), BATCH):
            query = sa.select(PROJECT.c.name, PROJECT.c.id).where(
                PROJECT.c.name.in_(names[start : start + BATCH])
            )
            ids.update((str(n), int(i)) for n, i in conn.execute(query))
        rows = [
            {"project_id": ids[name], "kind": kind, "key": key, "data": data}
            for name, key, data in sorted(items)
            if name in ids
        ]
        if not rows:
            return
        insert = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(CACHE)
        stmt = insert.on_conflict_do_update(
            index_elements=[CACHE.c.project_id, CACHE.c.kind],
            set_={"key": insert.excluded.key, "data": insert.excluded.data},
        )
        conn.execute(stmt, rows)

    transaction(engine, work, write=True, shown=shown_url(engine))
