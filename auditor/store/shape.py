"""The store's exact SQLite schema, checked whenever a SQLite store is opened.

A store can come with a checkout (``.auditor/auditor.db`` committed to the scanned
repository), so its file is untrusted: a trigger could rewrite every new snapshot, a view
could stand in for a table. Before anything else is read from it, a store must be empty or
have exactly the tables, columns, foreign keys and indexes of auditor's schema at its
revision (``SHAPES``), and no trigger or view; anything else is refused with one line naming
the file. ``shapes.py`` holds the expected shapes, written by ``python -m
auditor.store.shape`` from the migrations (a test checks it is current).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from auditor.core.errors import StoreError
from auditor.store import schema
from auditor.store.shapes import SHAPES

Shape = tuple[tuple[str, tuple[Any, ...]], ...]  # (table, its columns, keys and indexes)
_INTERNAL = "sqlite_"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_shape(conn: Connection, shown: str) -> tuple[Shape, tuple[str, ...]]:
    """The database's tables with their columns, foreign keys and indexes, and the names of
    its tables; a ``StoreError`` for a trigger or a view."""
    rows = conn.exec_driver_sql("SELECT type, name FROM sqlite_master ORDER BY type, name").all()
    tables: list[str] = []
    for kind, name in rows:
        if kind in ("trigger", "view"):
            raise StoreError(
                f"{shown}: not a store auditor wrote: it has a {kind} ({str(name)[:80]!r}); "
                "refused, since a store may come with a checkout (docs/security.md)"
            )
        if kind == "table" and not str(name).startswith(_INTERNAL):
            tables.append(str(name))
    shape = []
    for table in tables:
        quoted = _quoted(table)
        columns = tuple(
            (r[1], str(r[2]).upper(), r[3], r[4], r[5], r[6])
            for r in conn.exec_driver_sql(f"PRAGMA table_xinfo({quoted})").all()
        )
        keys = tuple(
            sorted(
                (r[2], r[3], r[4], r[5], r[6])
                for r in conn.exec_driver_sql(f"PRAGMA foreign_key_list({quoted})").all()
            )
        )
        indexes = []
        for r in conn.exec_driver_sql(f"PRAGMA index_list({quoted})").all():
            name = str(r[1])
            info = conn.exec_driver_sql(f"PRAGMA index_xinfo({_quoted(name)})").all()
            key_columns = tuple(c[2] for c in info if c[5])
            shown_name = "(auto)" if name.startswith(_INTERNAL) else name
            indexes.append((shown_name, r[2], r[3], r[4], key_columns))
        shape.append((table, (columns, keys, tuple(sorted(indexes)))))
    return tuple(shape), tuple(tables)


def check_shape(conn: Connection, shown: str, revision: str | None) -> None:
    """Refuse a SQLite store that is not exactly auditor's schema at ``revision``."""
    shape, tables = read_shape(conn, shown)
    if not tables:
        return  # a new, empty store
    expected = SHAPES.get(revision or "")
    if expected is None:
        if revision is None:
            raise StoreError(
                f"{shown}: not a store auditor wrote: tables without a schema revision "
                f"({', '.join(t[:40] for t in tables[:3])})"
            )
        return  # a newer revision: check_known refuses it with its own message
    if shape == expected:
        return
    found = dict(shape)
    wanted = dict(expected)
    extra = sorted(set(found) - set(wanted))
    missing = sorted(set(wanted) - set(found))
    if extra:
        what = f"an unknown table {extra[0][:80]!r}"
    elif missing:
        what = f"no table {missing[0]!r}"
    else:
        table = next(t for t in wanted if found[t] != wanted[t])
        what = f"table {table!r} differs from auditor's (columns, keys or indexes)"
    raise StoreError(
        f"{shown}: not a store auditor wrote: {what} (schema revision {revision}); refused, "
        "since a store may come with a checkout (docs/security.md)"
    )


def _generate() -> str:  # pragma: no cover - run by hand when a migration is added
    lines = [
        '"""The expected shape of each schema revision (written by ``python -m',
        'auditor.store.shape``; tests/store/test_shape.py checks it against the migrations)."""',
        "",
        "from typing import Any",
        "",
        "SHAPES: dict[str, Any] = {",
    ]
    for revision in schema.REVISIONS:
        engine = sa.create_engine("sqlite://")
        with engine.begin() as conn:
            from alembic import command  # noqa: PLC0415 - only to regenerate

            command.upgrade(schema._config(conn), revision)
            shape, _ = read_shape(conn, "memory")
        lines.append(f"    {revision!r}: {shape!r},")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    from pathlib import Path

    Path(__file__).with_name("shapes.py").write_text(_generate(), encoding="utf-8")
