"""Schema migrations: upgrading an old store keeps its data; newer stores are refused."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from auditor.core.errors import StoreError
from auditor.core.findings import Severity
from auditor.core.result import Status
from auditor.store import load_snapshot, open_store, parse_url, save_snapshot, snapshots
from auditor.store.engine import create
from auditor.store.schema import REVISIONS, head, known_revisions, revision_of, scripts, upgrade
from auditor.store.tables import METADATA
from tests.store.helpers import history, poetry_graph, trimmed
from tests.support import FIXTURES

OLD_STORE = FIXTURES / "store" / "rev0001.json"


def engine_at(url: str, revision: str) -> Engine:
    db = parse_url(url)
    engine = create(db)
    upgrade(engine, db.shown, revision)
    return engine


def load_rows(engine: Engine) -> None:
    """Insert the rows of the old store, converting values by column type."""
    dump = json.loads(OLD_STORE.read_text())
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        for table in meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [{k: _value(table.c[k].type, v) for k, v in r.items()} for r in dump[table.name]]
            if rows:
                conn.execute(table.insert(), rows)
            if conn.dialect.name == "postgresql" and "id" in table.c:
                highest = f"SELECT coalesce(max(id), 1) FROM {table.name}"  # noqa: S608
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), ({highest}))"
                )


def _value(column_type: sa.types.TypeEngine[object], value: object) -> object:
    if value is None:
        return None
    if isinstance(column_type, sa.LargeBinary):
        return bytes.fromhex(str(value))
    if isinstance(column_type, sa.DateTime):
        return dt.datetime.fromisoformat(str(value))
    if isinstance(column_type, sa.Boolean):
        return bool(value)
    return value


def test_upgrade_from_0001_keeps_the_data(store_url: str) -> None:
    """A store written at revision 0001 upgrades to the newest and reads back intact."""
    old = engine_at(store_url, "0001")
    load_rows(old)
    old.dispose()
    engine = open_store(store_url)
    try:
        assert head() == revision_of(engine, "test")
        steps = history()
        graphs = [trimmed(poetry_graph(s.folder), 25) for s in steps[:2]]
        infos = snapshots(engine, "saleor")
        assert [Status.COMPLETE, Status.COMPLETE, Status.INCOMPLETE] == [i.status for i in infos]
        assert [steps[0].commit, steps[1].commit, None] == [i.git_commit for i in infos]
        for info, graph in zip(infos, [*graphs, graphs[1]], strict=True):
            loaded = load_snapshot(engine, info.id)
            assert graph.packages == loaded.result.graph.packages
            assert graph.edges == loaded.result.graph.edges
            assert () == loaded.meta.suppressions  # 0002 gave old snapshots the empty set
        second = load_snapshot(engine, infos[1].id)
        assert ["PYSEC-2019-2"] == [f.id for f in second.result.findings]
        assert (1, 1) == (second.info.summary.findings_new, second.info.summary.findings_resolved)
        assert 1 == second.info.summary.severity(Severity.LOW)
        # New runs after the upgrade reuse the old content.
        with engine.connect() as conn:
            graphs_before = conn.execute(sa.text("SELECT count(*) FROM graph")).scalar_one()
        newest = save_snapshot(engine, "saleor", second.result, second.meta)
        with engine.connect() as conn:
            assert graphs_before == conn.execute(sa.text("SELECT count(*) FROM graph")).scalar_one()
        again = next(i for i in snapshots(engine, "saleor") if i.id == newest)
        assert infos[1].id == again.summary.baseline_id
        assert (0, 0) == (again.summary.churn.total, again.summary.findings_new)
    finally:
        engine.dispose()


def test_models_match_the_migrations(store_url: str) -> None:
    """The tables the code declares are exactly what the migrations build."""
    engine = open_store(store_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert [] == compare_metadata(context, METADATA)
    finally:
        engine.dispose()


def test_revision_list_matches_the_scripts() -> None:
    """The revisions the code knows are the scripts Alembic finds, in order, one head."""
    walked = [s.revision for s in scripts().walk_revisions()]
    assert list(REVISIONS) == walked[::-1]
    assert scripts().get_current_head() == head()
    assert {"0001", "0002"} <= known_revisions()


def test_newer_schema_is_refused(store_url: str) -> None:
    """A store written by a newer auditor is refused with one clear line."""
    open_store(store_url).dispose()
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError) as info:
        open_store(store_url)
    message = str(info.value)
    assert "\n" not in message
    assert "schema is at revision 9999, newer than this auditor knows" in message
    assert f"(up to {head()}); upgrade auditor" in message


def test_newer_schema_from_the_cli_is_one_line(sqlite_url: str) -> None:
    """The same refusal through the command line: exit 2, one line, no traceback."""
    open_store(sqlite_url).dispose()
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    proc = subprocess.run(
        [sys.executable, "-m", "auditor", "history", "--db", sqlite_url],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 2 == proc.returncode
    assert 1 == proc.stderr.count("\n")
    assert "newer than this auditor knows" in proc.stderr
