"""Every project at a glance: the state that changes with a project's snapshots (and only
then), the listing read in pages of names, and the cache of what was derived from a state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from auditor.store import open_store
from auditor.store.merge import merge_snapshots
from auditor.store.portfolio import (
    all_entries,
    entries,
    initial_state,
    project_state,
    save_cached,
)
from auditor.store.retention import prune
from tests.store.helpers import day, finding, pypi, save, small_graph


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = open_store(store_url)
    yield engine
    engine.dispose()


def run(engine: Engine, project: str, n: int, *, changed: bool = True) -> int:
    a = pypi("a", f"1.{n if changed else 0}")
    return save(engine, small_graph(a), project=project, taken_at=day(n))


def test_a_state_changes_with_each_snapshot_of_its_project_only(engine: Engine) -> None:
    """Every snapshot written advances its project's state, even one identical to the last
    (it is a new row the pages show); other projects keep theirs."""
    assert project_state(engine, "one") is None
    run(engine, "one", 0)
    run(engine, "two", 0)
    first = project_state(engine, "one")
    assert first is not None
    assert initial_state("one") != first
    two = project_state(engine, "two")
    run(engine, "one", 1, changed=False)
    second = project_state(engine, "one")
    assert second not in (None, first)
    assert two == project_state(engine, "two")


def test_prune_and_merge_advance_the_state(engine: Engine, tmp_path: object) -> None:
    """Pruning a project's snapshots changes its state and no other's; snapshots merged
    into another store advance the state there."""
    for n in range(3):
        run(engine, "one", n)
    run(engine, "two", 5)
    one, two = project_state(engine, "one"), project_state(engine, "two")
    assert 2 == prune(engine, before=day(2)).snapshots
    assert one != project_state(engine, "one")
    assert two == project_state(engine, "two")
    unchanged = project_state(engine, "one")
    assert 0 == prune(engine, before=day(2)).snapshots
    assert unchanged == project_state(engine, "one")
    target = open_store(f"sqlite:///{tmp_path}/target.db")
    try:
        run(target, "one", 9)
        before = project_state(target, "one")
        assert 1 == len(merge_snapshots(engine, target, projects=["one"]).copied)
        assert before != project_state(target, "one")
    finally:
        target.dispose()


def test_entries_are_read_in_pages_of_names(engine: Engine) -> None:
    """The listing comes by name, ``limit`` at a time after the last name seen, each
    project with its state."""
    names = ["delta", "alpha", "echo", "charlie", "bravo"]
    for n, name in enumerate(names):
        run(engine, name, n)
    first = entries(engine, "k", limit=2)
    assert ["alpha", "bravo"] == [e.name for e in first]
    assert ["charlie", "delta"] == [e.name for e in entries(engine, "k", after="bravo", limit=2)]
    streamed = list(all_entries(engine, "k", batch=2))
    assert sorted(names) == [e.name for e in streamed]
    assert [project_state(engine, e.name) for e in streamed] == [e.state for e in streamed]
    assert all(e.cached is None and e.cached_key is None for e in streamed)


def test_the_cache_keeps_one_value_per_project_and_kind(engine: Engine) -> None:
    """Saving replaces the value of a (project, kind); other kinds and projects are apart;
    a name the store does not hold is ignored."""
    run(engine, "one", 0)
    run(engine, "two", 0)
    save_cached(engine, "row", [("one", b"k1", "first"), ("nobody", b"k", "x")])
    save_cached(engine, "other", [("one", b"k9", "else")])
    save_cached(engine, "row", [("one", b"k2", "second"), ("two", b"k3", "third")])
    found = {e.name: (e.cached_key, e.cached) for e in entries(engine, "row")}
    assert {"one": (b"k2", "second"), "two": (b"k3", "third")} == found
    other = {e.name: e.cached for e in entries(engine, "other")}
    assert {"one": "else", "two": None} == other
    with engine.connect() as conn:
        assert 3 == conn.execute(sa.text("SELECT count(*) FROM project_cache")).scalar_one()


def test_a_finding_only_change_advances_the_state(engine: Engine) -> None:
    """Same graph, a new advisory: the pages change, so the state does."""
    a = pypi("a", "1.0")
    save(engine, small_graph(a), project="one", taken_at=day(0))
    before = project_state(engine, "one")
    save(engine, small_graph(a), project="one", taken_at=day(1), findings=[finding(a, "X-1")])
    assert before != project_state(engine, "one")
