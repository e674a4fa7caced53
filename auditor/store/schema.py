"""Schema revisions: check the database's revision, upgrade it, refuse a newer one.

The Alembic scripts ship inside the package (``auditor/store/migrations``) and run on a
connection this module opens, inside the store's own transaction: on SQLite the write lock
is taken first, on PostgreSQL an advisory lock, so runs that start at once upgrade a
database exactly once. Reading the revision needs no Alembic: it is imported only to
upgrade, which keeps commands on an up-to-date store quick to start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from auditor.core.errors import StoreError
from auditor.store.engine import transaction

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

SCRIPT_LOCATION = "auditor.store:migrations"
# Every revision in migrations/versions, oldest first (a test checks it against Alembic).
REVISIONS = ("0001", "0002", "0003")
VERSION_TABLE = "alembic_version"
# pg_advisory_xact_lock key: "auditor" read as a number; any constant shared by all runs.
_PG_LOCK_KEY = 0x61756469746F72


def head() -> str:
    return REVISIONS[-1]


def known_revisions() -> frozenset[str]:
    return frozenset(REVISIONS)


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def scripts() -> ScriptDirectory:
    """Alembic's view of the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def current_revision(conn: Connection) -> str | None:
    """The database's revision; ``None`` for an empty database."""
    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()  # noqa: S608
    if len(rows) > 1:
        return ",".join(sorted(rows))  # branches: never ours, so refused as unknown
    return rows[0] if rows else None


def check_known(revision: str | None, shown: str) -> None:
    """Refuse a database written by a newer auditor (a revision this code does not know)."""
    if revision is not None and revision not in known_revisions():
        raise StoreError(
            f"{shown}: the store's schema is at revision {revision}, newer than this auditor "
            f"knows (up to {head()}); upgrade auditor to use this database"
        )


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")


def upgrade(engine: Engine, shown: str, target: str = "head") -> None:
    """Bring the database to ``target`` (default: the newest revision), atomically."""

    def work(conn: Connection) -> None:
        from alembic import command

        _lock(conn)
        revision = current_revision(conn)
        check_known(revision, shown)
        wanted = head() if target == "head" else target
        if revision != wanted:
            command.upgrade(_config(conn), target)

    transaction(engine, work, write=True, shown=shown)


def downgrade(engine: Engine, shown: str, target: str) -> None:
    """Take the database back to an older revision (for tests and emergencies)."""

    def work(conn: Connection) -> None:
        from alembic import command

        _lock(conn)
        check_known(current_revision(conn), shown)
        command.downgrade(_config(conn), target)

    transaction(engine, work, write=True, shown=shown)


def revision_of(engine: Engine, shown: str) -> str | None:
    return transaction(engine, current_revision, write=False, shown=shown)
