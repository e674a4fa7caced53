"""Findings of retired rules (CONFLICT-DUPLICATE, written by earlier versions) stay in the
store but count nowhere: loads, summaries, series, risk facts, remediation and diffs."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from auditor.core.findings import Severity
from auditor.site.risk import assess
from auditor.store import load_snapshot, snapshots
from auditor.store.diff import diff_snapshots
from auditor.store.exposure import finding_facts, project_findings
from auditor.store.series import project_series
from tests.store.helpers import day, finding, old_duplicate, pypi, save, small_graph


def story(engine: Engine) -> list[int]:
    """day 0 and 1: written by an earlier auditor, a real advisory and two duplicates (one
    appearing on day 1); day 2: today's auditor, the advisory still open, no duplicate."""
    a1, a2, b1, b2, c = (
        pypi("a", "1.0"),
        pypi("a", "2.0"),
        pypi("b", "1.0"),
        pypi("b", "2.0"),
        pypi("c", "1.0"),
    )
    vuln = finding(c, "GHSA-1", Severity.HIGH)
    return [
        save(
            engine,
            small_graph(a1, a2, b1, c),
            findings=[vuln, old_duplicate(a1)],
            taken_at=day(0),
        ),
        save(
            engine,
            small_graph(a1, a2, b1, b2, c),
            findings=[vuln, old_duplicate(a1), old_duplicate(b1)],
            taken_at=day(1),
        ),
        save(engine, small_graph(a1, a2, b1, b2, c), findings=[vuln], taken_at=day(2)),
    ]


def test_retired_findings_count_nowhere(store_engine: Engine) -> None:
    """Loading, the summaries, the series, the risk facts and diffs all read the old
    snapshots as if the duplicates had never been findings: one open high finding
    throughout, nothing new, nothing resolved on the upgrade."""
    engine = store_engine
    ids = story(engine)
    for sid in ids:
        loaded = load_snapshot(engine, sid)
        assert ["GHSA-1"] == [f.id for f in loaded.result.findings]
        assert (1, 1) == (loaded.info.summary.findings, loaded.info.summary.severity(Severity.HIGH))
    infos = snapshots(engine, "demo")
    assert [(0, 0), (0, 0), (0, 0)] == [
        (i.summary.findings_new, i.summary.findings_resolved) for i in infos
    ]
    assert [0, 0, 0] == [dict(i.summary.by_kind).get("conflict", 0) for i in infos]
    series = project_series(engine, "demo")
    assert [1, 1, 1] == [p.open_findings for p in series.snapshots]
    assert [(0, 0), (0, 0), (0, 0)] == [
        (p.new_findings, p.resolved_findings) for p in series.snapshots
    ]
    assert [] == list(series.remediated)
    assert ["GHSA-1"] == [f.finding_id for f in series.open]
    facts = finding_facts(engine, "demo")
    assert [6.0, 6.0, 6.0] == [assess(facts[sid]).score for sid in ids]
    assert {("PyPI", "c", "GHSA-1")} == set(project_findings(engine, "demo"))
    change = diff_snapshots(engine, ids[1], ids[2])
    assert ((), ()) == (change.findings_new, change.findings_resolved)


def test_a_store_without_retired_findings_is_read_as_written(store_engine: Engine) -> None:
    """Nothing retired: the summaries are the stored columns."""
    engine = store_engine
    c = pypi("c", "1.0")
    sid = save(engine, small_graph(c), findings=[finding(c, "GHSA-1", Severity.LOW)])
    (info,) = snapshots(engine, "demo")
    assert (sid, 1, 1) == (info.id, info.summary.findings, info.summary.severity(Severity.LOW))
