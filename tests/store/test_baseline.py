"""A snapshot filed between two others (a backfill after nightly runs, a replay out of
order): the one after it is compared with it from then on, and its summary says so."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from auditor.core.result import Status
from auditor.store import open_store, snapshots
from tests.store.helpers import day, finding, history, poetry_graph, save


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = open_store(store_url)
    yield engine
    engine.dispose()


def summaries(engine: Engine, project: str) -> list[tuple[object, ...]]:
    """Per snapshot, oldest first: the commit of its baseline, churn, new, resolved."""
    infos = snapshots(engine, project)
    commits = {i.id: i.git_commit for i in infos}
    return [
        (
            i.git_commit,
            commits.get(i.summary.baseline_id) if i.summary.baseline_id else None,
            i.summary.churn,
            i.summary.findings_new,
            i.summary.findings_resolved,
        )
        for i in infos
    ]


def test_saved_out_of_order_gives_the_summaries_of_saved_in_order(engine: Engine) -> None:
    """Saleor's eight real months saved oldest first, and the same months saved in a
    shuffled order into another project: every snapshot ends with the same baseline,
    churn, new and resolved (findings differ month to month, so new/resolved are real)."""
    steps = history()

    def save_step(index: int, project: str) -> None:
        step = steps[index]
        graph = poetry_graph(step.folder)
        # a finding on a package of every other month, so new and resolved change
        findings = [finding(graph.packages[index % 5], f"PYSEC-{index % 2}")]
        save(engine, graph, project=project, findings=findings, taken_at=step.date,
             commit=step.commit)  # fmt: skip

    for index in range(len(steps)):
        save_step(index, "in-order")
    order = list(range(len(steps)))
    random.Random(18).shuffle(order)
    assert order != sorted(order)
    for index in order:
        save_step(index, "shuffled")
    expected = summaries(engine, "in-order")
    assert expected == summaries(engine, "shuffled")
    assert any(row[3] or row[4] for row in expected)  # findings did change


def test_a_partial_snapshot_between_changes_nothing_after_it(engine: Engine) -> None:
    """A partial snapshot (a broken file) filed between two complete ones is no baseline
    of the later one: its summary stays as it was."""
    steps = history()
    first, last = poetry_graph(steps[0].folder), poetry_graph(steps[2].folder)
    save(engine, first, taken_at=day(0), commit="a")
    save(engine, last, taken_at=day(10), commit="c")
    before = summaries(engine, "demo")
    save(engine, first, taken_at=day(5), commit="b", status=Status.PARTIAL)
    after = summaries(engine, "demo")
    assert before[-1] == after[-1]
    assert "a" == after[-1][1]
