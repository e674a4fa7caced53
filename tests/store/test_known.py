"""Known then and days exposed, from stored snapshots: each finding's advisory ``published``
against the snapshot's time, and each (package, advisory) from the later of publication and
the first snapshot holding it to the first snapshot without it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from auditor.core.findings import FindingKind
from auditor.core.result import Status
from auditor.store import open_store
from auditor.store.known import knowledge
from tests.store.helpers import day, finding, pypi, save, small_graph


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = open_store(store_url)
    yield engine
    engine.dispose()


OLD = pypi("django", "2.2.0")
NEW = pypi("django", "3.2.0")
OTHER = pypi("idna", "2.9")


def published(n: int) -> str:
    return day(n).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_known_then_counts_advisories_published_by_the_snapshots_time(engine: Engine) -> None:
    """Day 0: two advisory findings, one published on day 5 (not known then), one on day
    -30; a typosquat finding is no advisory. Day 10: both known then."""
    graph = small_graph(OLD, OTHER)
    findings = [
        finding(OLD, "PYSEC-A", published=published(5)),
        finding(OTHER, "PYSEC-B", published=published(-30)),
        dataclasses.replace(finding(OTHER, "TYPO"), kind=FindingKind.TYPOSQUAT),
    ]
    first = save(engine, graph, findings=findings, taken_at=day(0))
    second = save(engine, graph, findings=findings, taken_at=day(10))
    counts = knowledge(engine, "demo").counts
    assert (2, 1) == (counts[first].known_now, counts[first].known_then)
    assert (2, 2) == (counts[second].known_now, counts[second].known_then)


def test_days_exposed_from_publication_or_first_snapshot_to_the_fix(engine: Engine) -> None:
    """PYSEC-A (published day 5) is held from day 0 and fixed on day 20: 15 days. PYSEC-B
    (published long before) is held from day 10 and still open at the latest snapshot
    (day 30): 20 days, open. PYSEC-C was gone (day 20) before it was published (day 25):
    no exposure. A partial snapshot on day 15 that lost the file does not close anything."""
    a = finding(OLD, "PYSEC-A", published=published(5))
    b = finding(OTHER, "PYSEC-B", published=published(-300))
    c = finding(OLD, "PYSEC-C", published=published(25))
    save(engine, small_graph(OLD), findings=[a, c], taken_at=day(0))
    save(engine, small_graph(OLD, OTHER), findings=[a, b, c], taken_at=day(10))
    save(engine, small_graph(), status=Status.PARTIAL, taken_at=day(15))
    save(engine, small_graph(NEW, OTHER), findings=[b], taken_at=day(20))
    save(engine, small_graph(NEW, OTHER), findings=[b], taken_at=day(30))
    known = knowledge(engine, "demo")
    shown = [(e.advisory, e.days, e.open) for e in known.exposures]
    assert [("PYSEC-B", 20.0, True), ("PYSEC-A", 15.0, False)] == shown
    assert 20.0 == known.worst_days
    assert 17.5 == known.median_days


def test_no_snapshots_no_exposure(engine: Engine) -> None:
    """A project without snapshots: no counts, no exposures, no median."""
    known = knowledge(engine, "nothing")
    assert ({}, (), None) == (known.counts, known.exposures, known.median_days)
