"""Copying snapshots between stores: what is copied, what is kept, and idempotence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from auditor.store import load_snapshot, open_store, snapshots
from auditor.store.merge import merge_snapshots, new_snapshots
from tests.store.helpers import day, finding, pypi, save, small_graph


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Engine]:
    """A SQLite store with two projects: shop (three runs) and blog (one)."""
    engine = open_store(f"sqlite:///{tmp_path / 'source.db'}")
    a, b = pypi("a", "1.0"), pypi("b", "2.0")
    save(engine, small_graph(a), project="shop", taken_at=day(0), commit="c0")
    save(
        engine,
        small_graph(pypi("a", "1.1"), b),
        project="shop",
        taken_at=day(1),
        findings=[finding(b, "GHSA-1")],
        commit="c1",
    )
    save(engine, small_graph(pypi("a", "1.2"), b), project="shop", taken_at=day(2))
    save(engine, small_graph(pypi("c")), project="blog", taken_at=day(1, hour=5))
    yield engine
    engine.dispose()


@pytest.fixture
def target(store_url: str) -> Iterator[Engine]:
    engine = open_store(store_url)
    yield engine
    engine.dispose()


def test_every_snapshot_is_copied_with_its_metadata(source: Engine, target: Engine) -> None:
    """Into an empty store (SQLite or PostgreSQL) every snapshot is copied oldest first, and
    each loads back with the same graph, findings, time and commit."""
    report = merge_snapshots(source, target)
    assert ([1, 2, 4, 3], 0) == ([s for s, _ in report.copied], report.present)
    for source_id, target_id in report.copied:
        before, after = load_snapshot(source, source_id), load_snapshot(target, target_id)
        assert before.result.graph.packages == after.result.graph.packages
        assert before.result.graph.edges == after.result.graph.edges
        assert before.result.findings == after.result.findings
        assert before.meta == after.meta
        assert before.info.summary == after.info.summary


def test_merging_twice_copies_nothing_more(source: Engine, target: Engine) -> None:
    """A snapshot already in the target (same project, time, commit, status) is skipped."""
    merge_snapshots(source, target)
    again = merge_snapshots(source, target)
    assert ((), 4) == (again.copied, again.present)
    assert 4 == len(snapshots(target))


def test_runs_of_two_diverged_copies_interleave(source: Engine, tmp_path: Path) -> None:
    """Copying a run into a store that got another run meanwhile keeps both, in time order,
    and the copied run's churn is counted against the target's own earlier snapshot."""
    target = open_store(f"sqlite:///{tmp_path / 'target.db'}")
    try:
        merge_snapshots(source, target, only={1})
        save(target, small_graph(pypi("a", "0.9")), project="shop", taken_at=day(0, hour=9))
        report = merge_snapshots(source, target, projects=["shop"], only={2})
        assert 1 == len(report.copied)
        shop = snapshots(target, "shop")
        assert [day(0), day(0, hour=9), day(1)] == [s.taken_at for s in shop]
        copied = shop[-1].summary
        assert (1, 1) == (copied.churn.added, copied.churn.upgraded)  # b added, a 0.9 → 1.1
        assert shop[1].id == copied.baseline_id
    finally:
        target.dispose()


def test_projects_and_ids_select_what_is_copied(source: Engine, tmp_path: Path) -> None:
    """``projects`` limits the copy to those projects; ``only`` to those snapshot ids."""
    target = open_store(f"sqlite:///{tmp_path / 'target.db'}")
    try:
        assert [4] == [s for s, _ in merge_snapshots(source, target, projects=["blog"]).copied]
        assert [3] == [s for s, _ in merge_snapshots(source, target, only={3, 4}).copied]
        assert ("blog", "shop") == tuple(sorted({s.project for s in snapshots(target)}))
    finally:
        target.dispose()


def test_new_snapshots_are_those_the_base_lacks(source: Engine, tmp_path: Path) -> None:
    """new_snapshots(ours, base) names the runs added since the base was copied."""
    base = open_store(f"sqlite:///{tmp_path / 'base.db'}")
    try:
        merge_snapshots(source, base, only={1, 2})
        assert (4, 3) == new_snapshots(source, base)
        assert (3,) == new_snapshots(source, base, projects=["shop"])
    finally:
        base.dispose()
