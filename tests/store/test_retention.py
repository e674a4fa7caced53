"""Pruning old snapshots frees exactly the content nothing else uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from auditor.core.result import AuditResult
from auditor.store import SnapshotMeta, load_snapshot, open_store, save_snapshot, snapshots
from auditor.store.retention import prune
from tests.store.helpers import day, finding, history, poetry_graph, pypi, save, small_graph
from tests.store.test_write import row_counts

CONTENT = ("component", "member", "edge", "chunk", "graph", "graph_chunk", "blob", "hashset")


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = open_store(store_url)
    yield engine
    engine.dispose()


def replay(engine: Engine, project: str = "saleor") -> list[int]:
    ids = []
    for index, step in enumerate(history()):
        graph = poetry_graph(step.folder)
        pkg = graph.packages[index]
        ids.append(
            save(
                engine,
                graph,
                project=project,
                taken_at=day(index),
                findings=[finding(pkg, f"X-{index}")],
            )
        )
    return ids


def test_prune_keeps_what_remaining_snapshots_need(engine: Engine, sqlite_url: str) -> None:
    """After pruning the first five runs, the content rows are exactly those a fresh store
    holding only the last three runs would have, and those runs load unchanged."""
    ids = replay(engine)
    kept = {i: load_snapshot(engine, i) for i in ids[5:]}
    report = prune(engine, before=day(5))
    assert 5 == report.snapshots
    assert ids[5:] == [i.id for i in snapshots(engine)]
    for snapshot_id, before in kept.items():
        after = load_snapshot(engine, snapshot_id)
        assert before.result.graph.packages == after.result.graph.packages
        assert before.result.graph.edges == after.result.graph.edges
        assert before.result.findings == after.result.findings
    fresh = open_store(sqlite_url.replace("auditor.db", "fresh.db"))
    try:
        for stored in kept.values():
            save_snapshot(fresh, "saleor", stored.result, stored.meta)
        expected = row_counts(fresh)
    finally:
        fresh.dispose()
    counts = row_counts(engine)
    for table in (*CONTENT, "finding", "finding_set", "finding_set_item", "advisory"):
        assert expected[table] == counts[table], table
    assert report.rows["member"] > 0


def test_prune_always_keeps_the_latest(engine: Engine) -> None:
    """Everything older than the far future still leaves each project's newest snapshot."""
    save(engine, small_graph(pypi("a")), project="one", taken_at=day(0))
    last_one = save(engine, small_graph(pypi("b")), project="one", taken_at=day(1))
    last_two = save(engine, small_graph(pypi("c")), project="two", taken_at=day(0))
    report = prune(engine, before=dt.datetime(2999, 1, 1, tzinfo=dt.timezone.utc))
    assert 1 == report.snapshots
    assert {last_one, last_two} == {i.id for i in snapshots(engine)}
    assert 0 == prune(engine, before=day(100), project="one").snapshots


def test_prune_one_project_leaves_the_others(engine: Engine) -> None:
    """Shared content stays while another project's snapshots use it."""
    graph = small_graph(pypi("shared"))
    save(engine, graph, project="one", taken_at=day(0))
    save(engine, small_graph(pypi("x")), project="one", taken_at=day(1))
    other = save(engine, graph, project="two", taken_at=day(0))
    assert 1 == prune(engine, before=day(1), project="one").snapshots
    assert graph.packages == load_snapshot(engine, other).result.graph.packages


def test_keep_last_must_be_positive(engine: Engine) -> None:
    """Pruning never deletes a project's last snapshot."""
    with pytest.raises(ValueError, match="at least 1"):
        prune(engine, before=day(1), keep_last=0)


def test_empty_result_prunes_cleanly(engine: Engine) -> None:
    """An empty graph snapshot can be pruned too."""
    meta = SnapshotMeta(taken_at=day(0))
    save_snapshot(engine, "e", AuditResult(graph=small_graph()), meta)
    save(engine, small_graph(pypi("a")), project="e", taken_at=day(1))
    assert 1 == prune(engine, before=day(1)).snapshots
