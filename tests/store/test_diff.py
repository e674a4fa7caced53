"""Diffs between snapshots, checked on a replayed real history against plain set arithmetic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from auditor.core.errors import StoreError, UsageError
from auditor.core.findings import Severity
from auditor.core.model import License
from auditor.core.result import Status
from auditor.licenses.changes import LicenseChange
from auditor.outputs.diff import diff_document, render_diff
from auditor.store import SuppressionRule, open_store, snapshots
from auditor.store.diff import default_pair, diff_snapshots
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


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = open_store(store_url)
    yield engine
    engine.dispose()


def test_replayed_history_diffs_match_set_arithmetic(engine: Engine) -> None:
    """Eight months of saleor's poetry.lock saved in order: every consecutive diff and every
    stored summary agrees with an independent computation over (name, version)."""
    steps = history()
    graphs = [poetry_graph(step.folder) for step in steps]
    ids = [
        save(engine, graph, project="saleor", taken_at=step.date, commit=step.commit)
        for step, graph in zip(steps, graphs, strict=True)
    ]
    infos = snapshots(engine, "saleor")
    assert ids == [i.id for i in infos]
    assert [s.commit for s in steps] == [i.git_commit for i in infos]
    seen_downgrade = False
    for index in range(1, len(steps)):
        expected = independent_churn(name_versions(graphs[index - 1]), name_versions(graphs[index]))
        diff = diff_snapshots(engine, ids[index - 1], ids[index])
        assert expected["added"] == {v.package.name for v in diff.added}
        assert expected["removed"] == {v.package.name for v in diff.removed}
        assert expected["upgraded"] == {c.after.package.name for c in diff.upgraded}
        assert expected["downgraded"] == {c.after.package.name for c in diff.downgraded}
        for change in (*diff.upgraded, *diff.downgraded):
            name = change.after.package.name
            assert name_versions(graphs[index - 1])[name] == change.before.package.version
            assert name_versions(graphs[index])[name] == change.after.package.version
        churn = infos[index].summary.churn
        counts = {key: len(names) for key, names in expected.items()}
        assert counts == {
            "added": churn.added,
            "removed": churn.removed,
            "upgraded": churn.upgraded,
            "downgraded": churn.downgraded,
        }
        assert ids[index - 1] == infos[index].summary.baseline_id
        seen_downgrade = seen_downgrade or bool(expected["downgraded"])
    assert seen_downgrade  # the fixture exercises downgrades for real


def test_diff_across_several_steps(engine: Engine) -> None:
    """Diffing the first and the last version skips the months between."""
    steps = history()
    first, last = poetry_graph(steps[0].folder), poetry_graph(steps[-1].folder)
    a = save(engine, first, taken_at=steps[0].date)
    b = save(engine, last, taken_at=steps[-1].date)
    expected = independent_churn(name_versions(first), name_versions(last))
    diff = diff_snapshots(engine, a, b)
    assert expected["added"] == {v.package.name for v in diff.added}
    assert expected["upgraded"] == {c.after.package.name for c in diff.upgraded}


def test_findings_new_and_resolved_by_identity(engine: Engine) -> None:
    """An upgrade that keeps an advisory open is neither new nor resolved; a fix resolves."""
    old_a, new_a, b = pypi("a", "1.0"), pypi("a", "1.1"), pypi("b", "2.0")
    first = save(
        engine,
        small_graph(old_a, b),
        findings=[finding(old_a, "GHSA-keep"), finding(b, "GHSA-fixed", Severity.LOW)],
        taken_at=day(0),
    )
    second = save(
        engine,
        small_graph(new_a, b),
        findings=[finding(new_a, "GHSA-keep"), finding(new_a, "GHSA-new", Severity.CRITICAL)],
        taken_at=day(1),
    )
    diff = diff_snapshots(engine, first, second)
    assert ["GHSA-new"] == [f.id for f in diff.findings_new]
    assert ["GHSA-fixed"] == [f.id for f in diff.findings_resolved]
    assert [("a", "1.0", "1.1")] == [
        (c.after.package.name, c.before.package.version, c.after.package.version)
        for c in diff.upgraded
    ]
    summary = snapshots(engine)[-1].summary
    assert (1, 1) == (summary.findings_new, summary.findings_resolved)


def test_suppressions_added_removed_changed(engine: Engine) -> None:
    """Rules keyed by (id, package): new ones, dropped ones, and changed reason or expiry."""
    keep = SuppressionRule(id="X-1", reason="accepted")
    change = SuppressionRule(id="X-2", reason="not used", expires=dt.date(2024, 6, 1))
    drop = SuppressionRule(id="X-3", reason="temporary", package="a")
    graph = small_graph(pypi("a"))
    first = save(engine, graph, suppressions=[keep, change, drop], taken_at=day(0))
    changed = SuppressionRule(id="X-2", reason="not used", expires=dt.date(2024, 12, 1))
    added = SuppressionRule(id="X-3", reason="other package", package="b")
    second = save(engine, graph, suppressions=[keep, changed, added], taken_at=day(1))
    diff = diff_snapshots(engine, first, second)
    assert (added,) == diff.suppressions_added
    assert (drop,) == diff.suppressions_removed
    assert [(change, changed)] == [(c.before, c.after) for c in diff.suppressions_changed]


def test_default_pair() -> None:
    """No ids: the last two; one id: it and the one before; two: as given."""
    engine_free = open_store("sqlite://")
    try:
        save(engine_free, small_graph(pypi("a")), taken_at=day(0))
        save(engine_free, small_graph(pypi("b")), taken_at=day(1), status=Status.PARTIAL)
        save(engine_free, small_graph(pypi("c")), taken_at=day(2))
        infos = snapshots(engine_free)
    finally:
        engine_free.dispose()
    one, two, three = (i.id for i in infos)
    assert (two, three) == default_pair(infos, [])
    assert (one, two) == default_pair(infos, [two])
    assert (three, one) == default_pair(infos, [three, one])
    with pytest.raises(StoreError, match="is the project's first"):
        default_pair(infos, [one])
    with pytest.raises(StoreError, match="no snapshot 99"):
        default_pair(infos, [99])
    with pytest.raises(StoreError, match="diff needs two"):
        default_pair(infos[:1], [])
    with pytest.raises(UsageError, match="at most two"):
        default_pair(infos, [1, 2, 3])


def test_unknown_snapshot_is_a_store_error(engine: Engine) -> None:
    """Asking for a snapshot that is not there is one clear line."""
    with pytest.raises(StoreError, match="no snapshot 12345 in the store"):
        diff_snapshots(engine, 12345, 12346)


def test_relicensing_is_reported(engine: Engine) -> None:
    """A licence that changed between two snapshots of the same package is listed (same
    version or an upgrade), in the store round trip, the JSON and the text; a licence that
    became unknown, or one that stayed, is no change."""
    mit = License(text="MIT", expression="MIT")
    bsl = License(text="BUSL-1.1", expression="BUSL-1.1", source="registry")
    before = small_graph(
        pypi("relicensed", "1.0", license=mit),
        pypi("upgraded", "1.0", license=mit),
        pypi("forgotten", "1.0", license=mit),
        pypi("same", "1.0", license=mit),
    )
    after = small_graph(
        pypi("relicensed", "1.0", license=bsl),
        pypi("upgraded", "2.0", license=bsl),
        pypi("forgotten", "1.0"),
        pypi("same", "2.0", license=mit),
    )
    first = save(engine, before, project="lic", taken_at=day(1))
    second = save(engine, after, project="lic", taken_at=day(2))
    diff = diff_snapshots(engine, first, second)
    assert [
        LicenseChange(
            ecosystem="PyPI",
            name="relicensed",
            before=(("1.0", "MIT"),),
            after=(("1.0", "BUSL-1.1"),),
        ),
        LicenseChange(
            ecosystem="PyPI",
            name="upgraded",
            before=(("1.0", "MIT"),),
            after=(("2.0", "BUSL-1.1"),),
        ),
    ] == list(diff.relicensed)
    document = diff_document(diff)
    assert {
        "ecosystem": "PyPI",
        "name": "upgraded",
        "from": [{"version": "1.0", "license": "MIT"}],
        "to": [{"version": "2.0", "license": "BUSL-1.1"}],
    } == document["packages"]["relicensed"][1]
    text = render_diff(diff)
    assert "licences changed: 2\n  ~ relicensed (PyPI): MIT (1.0) → BUSL-1.1 (1.0)\n" in text
    # the licence survives the store round trip, source included
    upgraded = {c.after.package.name: c.after.package for c in diff.upgraded}
    assert bsl == upgraded["upgraded"].license
