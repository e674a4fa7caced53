"""Versions of each package over time, read from the chunk lists of the stored graphs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from auditor.core.model import Ecosystem, Package
from auditor.core.result import Status
from auditor.store import open_store
from auditor.store.timeline import version_timeline
from tests.store.helpers import day, history, name_versions, poetry_graph, pypi, save, small_graph


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = open_store(store_url)
    yield engine
    engine.dispose()


def test_replayed_history_versions_match_the_lockfiles(engine: Engine) -> None:
    """For every package of the saleor history: one span per change, as the lockfiles say."""
    steps = history()
    graphs = [poetry_graph(s.folder) for s in steps]
    ids = [
        save(engine, g, project="saleor", taken_at=s.date)
        for s, g in zip(steps, graphs, strict=True)
    ]
    timeline = version_timeline(engine, "saleor")
    assert tuple(ids) == timeline.snapshots
    states = [name_versions(g) for g in graphs]
    names = set().union(*states)
    for name in sorted(names):
        expected: list[tuple[int, tuple[str, ...]]] = []
        for snapshot_id, state in zip(ids, states, strict=True):
            versions = (state[name],) if name in state else ()
            if (expected and expected[-1][1] != versions) or (not expected and versions):
                expected.append((snapshot_id, versions))
        spans = timeline.spans(("PyPI", name))
        assert expected == [(s.snapshot_id, s.versions) for s in spans], name
        assert timeline.changed(("PyPI", name)) == (len(expected) > 1)


def test_incomplete_runs_do_not_count_and_duplicates_are_kept(engine: Engine) -> None:
    """A partial run neither removes nor adds; two versions of one npm name are both kept."""
    a1, a2 = pypi("a", "1.0"), pypi("a", "2.0")
    n1 = Package(ecosystem=Ecosystem.NPM, name="@s/n", version="1.0.0")
    n2 = Package(ecosystem=Ecosystem.NPM, name="@s/n", version="2.0.0")
    first = save(engine, small_graph(a1, n1), taken_at=day(0))
    save(engine, small_graph(n1), status=Status.PARTIAL, taken_at=day(1))
    third = save(engine, small_graph(a2, n1, n2), taken_at=day(2))
    fourth = save(engine, small_graph(n2), taken_at=day(3))
    timeline = version_timeline(engine, "demo")
    assert (first, third, fourth) == timeline.snapshots
    assert [(first, ("1.0",)), (third, ("2.0",)), (fourth, ())] == [
        (s.snapshot_id, s.versions) for s in timeline.spans(("PyPI", "a"))
    ]
    assert [(first, ("1.0.0",)), (third, ("1.0.0", "2.0.0")), (fourth, ("2.0.0",))] == [
        (s.snapshot_id, s.versions) for s in timeline.spans(("npm", "@s/n"))
    ]
    assert day(2) == timeline.spans(("PyPI", "a"))[1].taken_at


def test_unknown_project_has_an_empty_timeline(engine: Engine) -> None:
    """No snapshot, no span."""
    timeline = version_timeline(engine, "nobody")
    assert ((), {}) == (timeline.snapshots, timeline.changes)
    assert not timeline.changed(("PyPI", "a"))
