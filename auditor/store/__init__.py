"""The snapshot store: every run kept, growing with change rather than with the runs.

``open_store(url)`` gives an engine on an up-to-date schema; ``save_snapshot`` stores one
run atomically; ``load_snapshot``, ``snapshots`` and ``projects`` read it back;
``auditor.store.diff`` and ``auditor.store.series`` build on them. See docs/store.md.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection, Engine

from auditor.core.errors import StoreError
from auditor.store.engine import create, parse_url, resolve_url, transaction
from auditor.store.queries import load_snapshot, projects, shown_url, snapshots
from auditor.store.records import (
    Churn,
    InputRecord,
    SnapshotInfo,
    SnapshotMeta,
    StoredSnapshot,
    Summary,
    SuppressionRule,
)
from auditor.store.schema import check_known, current_revision, head, revision_of, upgrade
from auditor.store.shape import check_shape
from auditor.store.write import save_snapshot

__all__ = [
    "Churn",
    "InputRecord",
    "SnapshotInfo",
    "SnapshotMeta",
    "StoredSnapshot",
    "Summary",
    "SuppressionRule",
    "check_existing",
    "load_snapshot",
    "open_store",
    "projects",
    "resolve_url",
    "save_snapshot",
    "shown_url",
    "snapshots",
]


def open_store(url: str, *, create_missing: bool = True) -> Engine:
    """An engine on the store at ``url``, its schema brought up to date.

    With ``create_missing=False`` (commands that only read), a store that does not exist
    yet is an error instead of being created. A store written by a newer auditor is
    refused either way.
    """
    db = parse_url(url)
    path = db.sqlite_path
    if not create_missing and path is not None and not path.exists():
        raise StoreError(f"{db.shown}: no snapshot store here yet (auditor report creates one)")
    engine = create(db, create_dirs=create_missing)
    try:
        if db.is_sqlite:
            _check_file(engine, db.shown)
        _prepare(engine, db.shown, create_missing=create_missing)
    except BaseException:
        engine.dispose()
        raise
    return engine


def check_existing(url: str) -> None:
    """Refuse at once a SQLite store file whose schema is not exactly auditor's (a store may
    come with a checkout), so a run fails before any work; a missing file or a server's
    store is left to ``open_store``."""
    db = parse_url(url)
    path = db.sqlite_path
    if path is None or not path.exists():
        return
    engine = create(db, create_dirs=False)
    try:
        _check_file(engine, db.shown)
    finally:
        engine.dispose()


def _check_file(engine: Engine, shown: str) -> None:
    """A SQLite store may have come with a checkout: its schema must be exactly auditor's."""

    def work(conn: Connection) -> None:
        check_shape(conn, shown, current_revision(conn) if _has_version(conn) else None)

    transaction(engine, work, write=False, shown=shown)


def _has_version(conn: Connection) -> bool:
    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).first()
    return found is not None


def _prepare(engine: Engine, shown: str, *, create_missing: bool) -> None:
    revision = revision_of(engine, shown)
    check_known(revision, shown)
    if revision is None and not create_missing:
        raise StoreError(f"{shown}: no snapshot store here yet (auditor report creates one)")
    if revision != head():
        upgrade(engine, shown)
