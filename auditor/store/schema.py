"""Schema revisions: check the database's revision, upgrade it, refuse a newer one.

The Alembic scripts ship inside the package (``auditor/store/migrations``) and run on a
connection this module opens, inside the store's own transaction: on SQLite the write lock
is taken first, on PostgreSQL an advisory lock, so runs that start at once upgrade a
database exactly once.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from auditor.errors import StoreError
from auditor.store.engine import transaction

SCRIPT_LOCATION = "auditor.store:migrations"
# pg_advisory_xact_lock key: "auditor" read as a number; any constant shared by all runs.
_PG_LOCK_KEY = 0x61756469746F72


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    revision = scripts().get_current_head()
    if revision is None:  # pragma: no cover - the package always ships revisions
        raise StoreError("the store's migration scripts are missing")
    return revision


def known_revisions() -> frozenset[str]:
    return frozenset(s.revision for s in scripts().walk_revisions())


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def check_known(revision: str | None, shown: str) -> None:
    """Refuse a database written by a newer auditor (a revision this code does not know)."""
    if revision is not None and revision not in known_revisions():
        raise StoreError(
            f"{shown}: the store's schema is at revision {revision}, newer than this auditor "
            f"knows (up to {head()}); upgrade auditor to use this database"
        )


def upgrade(engine: Engine, shown: str, target: str = "head") -> None:
    """Bring the database to ``target`` (default: the newest revision), atomically."""

    def work(conn: Connection) -> None:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
        revision = current_revision(conn)
        check_known(revision, shown)
        wanted = head() if target == "head" else target
        if revision != wanted:
            command.upgrade(_config(conn), target)

    transaction(engine, work, write=True, shown=shown)


def downgrade(engine: Engine, shown: str, target: str) -> None:
    """Take the database back to an older revision (for tests and emergencies)."""

    def work(conn: Connection) -> None:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
        check_known(current_revision(conn), shown)
        command.downgrade(_config(conn), target)

    transaction(engine, work, write=True, shown=shown)


def revision_of(engine: Engine, shown: str) -> str | None:
    return transaction(engine, current_revision, write=False, shown=shown)
