"""Time series: per snapshot, per ISO week, time to remediate and age of open findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from auditor.core.findings import Severity
from auditor.core.result import Status
from auditor.store import open_store
from auditor.store.series import iso_week, project_series
from tests.store.helpers import (
    day,
    finding,
    history,
    independent_churn,
    name_versions,
    poetry_graph,
    pypi,
    save,
    small_graph,
)

DAY = dt.timedelta(days=1)


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = open_store(store_url)
    yield engine
    engine.dispose()


def build_story(engine: Engine) -> list[int]:
    """Five runs over four weeks (week 3 has none):

    day 0  a 1.0 GHSA-1 high, b 1.0 GHSA-2 low
    day 1  a 1.1 keeps GHSA-1, b's GHSA-2 fixed, c 1.0 GHSA-3 critical appears
    day 2  advisory source failed (incomplete, no findings): nothing may look fixed
    day 9  GHSA-1 fixed (open 9 days); GHSA-3 still open
    day 23 GHSA-2 is back on b (a new episode); GHSA-3 still open
    """
    a10, a11, b, c = pypi("a", "1.0"), pypi("a", "1.1"), pypi("b", "1.0"), pypi("c", "1.0")
    ghsa1 = lambda p: finding(p, "GHSA-1", Severity.HIGH)  # noqa: E731
    ghsa2 = finding(b, "GHSA-2", Severity.LOW)
    ghsa3 = finding(c, "GHSA-3", Severity.CRITICAL)
    return [
        save(engine, small_graph(a10, b), findings=[ghsa1(a10), ghsa2], taken_at=day(0)),
        save(engine, small_graph(a11, b, c), findings=[ghsa1(a11), ghsa3], taken_at=day(1)),
        save(engine, small_graph(a11, b, c), status=Status.INCOMPLETE, taken_at=day(2)),
        save(engine, small_graph(a11, b, c), findings=[ghsa3], taken_at=day(9)),
        save(engine, small_graph(a11, b, c), findings=[ghsa3, ghsa2], taken_at=day(23)),
    ]


def test_time_to_remediate_and_open_ages(engine: Engine) -> None:
    """Episodes by (ecosystem, package name, id); an incomplete run resolves nothing."""
    ids = build_story(engine)
    series = project_series(engine, "demo")
    assert day(23) == series.as_of
    assert [("b", "GHSA-2", DAY, ids[0], ids[1]), ("a", "GHSA-1", 9 * DAY, ids[0], ids[3])] == [
        (r.package, r.finding_id, r.duration, r.first_snapshot_id, r.resolved_snapshot_id)
        for r in series.remediated
    ]
    assert Severity.HIGH == series.remediated[1].severity
    assert [("b", "GHSA-2", dt.timedelta(0)), ("c", "GHSA-3", 22 * DAY)] == [
        (f.package, f.finding_id, f.age) for f in series.open
    ]
    assert 5 * DAY == series.median_time_to_remediate
    oldest = series.oldest_open
    assert oldest is not None
    assert "GHSA-3" == oldest.finding_id


def test_per_snapshot_points(engine: Engine) -> None:
    """Counts come from the stored summaries; the incomplete run has no baseline."""
    ids = build_story(engine)
    points = project_series(engine, "demo").snapshots
    assert ids == [p.snapshot_id for p in points]
    assert [2, 3, 3, 3, 3] == [p.packages for p in points]
    assert [(0, 0), (1, 1), (0, 0), (0, 1), (1, 0)] == [
        (p.new_findings, p.resolved_findings) for p in points
    ]
    assert [(0, 0, 0), (1, 0, 1), (0, 0, 0), (0, 0, 0), (0, 0, 0)] == [
        (p.added, p.removed, p.upgraded) for p in points
    ]
    assert [2, 2, 0, 1, 2] == [p.open_findings for p in points]
    assert (Severity.CRITICAL, 1) == points[1].open_by_severity[0]


def test_weeks_fill_gaps_and_sum_what_happened(engine: Engine) -> None:
    """ISO weeks from the first run to the last; an empty week carries the state over."""
    build_story(engine)
    weeks = project_series(engine, "demo").weeks
    assert ["2024-W01", "2024-W02", "2024-W03", "2024-W04"] == [w.week for w in weeks]
    assert [dt.date(2024, 1, 1) + i * 7 * DAY for i in range(4)] == [w.start for w in weeks]
    assert [3, 1, 0, 1] == [w.snapshots for w in weeks]
    assert [(1, 1), (0, 1), (0, 0), (1, 0)] == [
        (w.new_findings, w.resolved_findings) for w in weeks
    ]
    assert [1, 1, 0, 0] == [w.remediated for w in weeks]
    # W01 ends on the incomplete run: its state is the last complete run (day 1).
    assert [2, 1, 1, 2] == [w.open_findings for w in weeks]
    assert [1, 0, 0, 0] == [w.added for w in weeks]


def test_replayed_history_series_matches_independent_counts(engine: Engine) -> None:
    """Package counts and churn over the real saleor history, week by week."""
    steps = history()
    graphs = [poetry_graph(s.folder) for s in steps]
    for step, graph in zip(steps, graphs, strict=True):
        save(engine, graph, project="saleor", taken_at=step.date)
    series = project_series(engine, "saleor")
    assert [len(g) for g in graphs] == [p.packages for p in series.snapshots]
    direct = [sum(1 for v in g.views() if v.direct) for g in graphs]
    assert direct == [p.direct for p in series.snapshots]
    for index in range(1, len(graphs)):
        expected = independent_churn(name_versions(graphs[index - 1]), name_versions(graphs[index]))
        point = series.snapshots[index]
        assert len(expected["upgraded"]) == point.upgraded
        assert len(expected["added"]) == point.added
    total_upgrades = sum(p.upgraded for p in series.snapshots)
    assert total_upgrades == sum(w.upgraded for w in series.weeks)
    assert (
        len(series.weeks)
        == (iso_week(steps[-1].date)[1] - iso_week(steps[0].date)[1]).days // 7 + 1
    )


def test_unknown_project_is_an_empty_series(engine: Engine) -> None:
    """No snapshots, no points and nothing open."""
    series = project_series(engine, "nobody")
    assert ((), (), (), (), None) == (
        series.snapshots,
        series.weeks,
        series.remediated,
        series.open,
        series.as_of,
    )
    assert series.median_time_to_remediate is None
