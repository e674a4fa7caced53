"""The snapshot store: every run kept, growing with change rather than with the runs.

``open_store(url)`` gives an engine on an up-to-date schema; ``save_snapshot`` stores one
run atomically; ``load_snapshot``, ``snapshots`` and ``projects`` read it back;
``auditor.store.diff`` and ``auditor.store.series`` build on them. See docs/store.md.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from auditor.core.errors import StoreError
from auditor.store.engine import create, parse_url, resolve_url
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
from auditor.store.schema import check_known, head, revision_of, upgrade
from auditor.store.write import save_snapshot

__all__ = [
    "Churn",
    "InputRecord",
    "SnapshotInfo",
    "SnapshotMeta",
    "StoredSnapshot",
    "Summary",
    "SuppressionRule",
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
        _prepare(engine, db.shown, create_missing=create_missing)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _prepare(engine: Engine, shown: str, *, create_missing: bool) -> None:
    revision = revision_of(engine, shown)
    check_known(revision, shown)
    if revision is None and not create_missing:
        raise StoreError(f"{shown}: no snapshot store here yet (auditor report creates one)")
    if revision != head():
        upgrade(engine, shown)
