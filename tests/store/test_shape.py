"""A SQLite store that came with a checkout is opened only if its schema is exactly auditor's:
no trigger, no view, no other table, column or index (checked at open)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from auditor.core.errors import StoreError
from auditor.store import open_store, schema
from auditor.store.shape import read_shape
from auditor.store.shapes import SHAPES
from tests.support import FIXTURES, run_cli

SALEOR = FIXTURES / "scan" / "saleor-2020"
FORGE = """
CREATE TRIGGER forge AFTER INSERT ON snapshot BEGIN
  UPDATE snapshot SET findings_critical = 0, findings_high = 0, findings_medium = 0,
    findings_low = 0, findings_unknown = 0 WHERE id = new.id;
  DELETE FROM finding_set_item WHERE set_id = new.finding_set_id;
END;
"""


@pytest.mark.parametrize("revision", schema.REVISIONS)
def test_shapes_match_the_migrations(revision: str) -> None:
    """SHAPES is what the migrations create (regenerate: python -m auditor.store.shape)."""
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        from alembic import command

        command.upgrade(schema._config(conn), revision)
        shape, _ = read_shape(conn, "memory")
    assert SHAPES[revision] == shape


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A real store holding one snapshot of a real lockfile."""
    db = tmp_path / "project" / ".auditor" / "auditor.db"
    project = tmp_path / "project"
    shutil.copytree(SALEOR, project)
    result = run_cli(["report", str(project), "--out", str(tmp_path / "out"), "--db", str(db)])
    assert 1 >= result.code, result.err
    return db


def _alter(db: Path, sql: str) -> None:
    conn = sqlite3.connect(db)
    conn.executescript(sql)
    conn.commit()
    conn.close()


def _snapshots(db: Path) -> list[tuple[int, int]]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT id, findings_high FROM snapshot ORDER BY id").fetchall()
    conn.close()
    return rows


def test_a_trigger_that_forges_history_is_refused(store: Path, tmp_path: Path) -> None:
    """The committed store carries a trigger rewriting each new snapshot to 0 findings: the
    run is refused with one line naming the file before any work, and nothing is written
    to it nor to --out."""
    _alter(store, FORGE)
    before = _snapshots(store)
    result = run_cli(
        ["report", str(tmp_path / "project"), "--out", str(tmp_path / "o2"), "--db", str(store)]
    )
    assert 2 == result.code
    assert [
        f"auditor: error: {store}: not a store auditor wrote: it has a trigger ('forge'); "
        "refused, since a store may come with a checkout (docs/security.md)"
    ] == [line for line in result.err.splitlines() if line.startswith("auditor: error")]
    assert before == _snapshots(store)
    assert not (tmp_path / "o2").exists()  # refused before the audit: no report file either
    history = run_cli(["history", "--db", str(store)])
    assert (2, "") == (history.code, history.out)


@pytest.mark.parametrize(
    ("sql", "what"),
    [
        (
            "ALTER TABLE finding_set_item RENAME TO real_items;"
            "CREATE VIEW finding_set_item AS SELECT * FROM real_items WHERE 0;",
            "it has a view ('finding_set_item')",
        ),
        ("CREATE TABLE extra (x INTEGER);", "an unknown table 'extra'"),
        (
            "ALTER TABLE snapshot ADD COLUMN forged INTEGER DEFAULT 0;",
            "table 'snapshot' differs from auditor's (columns, keys or indexes)",
        ),
        (
            "CREATE INDEX ix_extra ON finding (finding_id);",
            "table 'finding' differs from auditor's (columns, keys or indexes)",
        ),
        ("DROP INDEX ix_component_purl;", "table 'component' differs from auditor's"),
        ("DELETE FROM alembic_version;", "tables without a schema revision"),
    ],
)
def test_other_shapes_are_refused(store: Path, sql: str, what: str) -> None:
    """Views, unknown tables, extra columns and indexes: refused at open, naming the file."""
    _alter(store, sql)
    with pytest.raises(StoreError) as info:
        open_store(f"sqlite:///{store}")
    assert str(info.value).startswith(f"sqlite:///{store}: not a store auditor wrote: {what}")
    assert "\n" not in str(info.value)


def test_a_store_of_an_older_revision_is_checked_then_upgraded(tmp_path: Path) -> None:
    """A store at the first revision with its exact shape opens (and is upgraded)."""
    db = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    schema.upgrade(engine, "old", target=schema.REVISIONS[0])
    engine.dispose()
    opened = open_store(f"sqlite:///{db}")
    try:
        assert schema.head() == schema.revision_of(opened, "old")
    finally:
        opened.dispose()
