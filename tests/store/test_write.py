"""Saving and loading snapshots: round trips, growth with change, atomicity."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from hypothesis import given
from sqlalchemy.engine import Engine

from auditor.core.errors import StoreError
from auditor.core.findings import Severity
from auditor.core.model import FileError, Source, SourceKind, UnsupportedFile
from auditor.core.result import AuditResult, Status
from auditor.store import (
    SnapshotMeta,
    StoredSnapshot,
    SuppressionRule,
    load_snapshot,
    open_store,
    save_snapshot,
    snapshots,
)
from auditor.store import write as write_module
from auditor.store.queries import finding_order
from auditor.store.tables import METADATA
from tests.store.conftest import NO_POSTGRES, postgres_server
from tests.store.helpers import finding, history, poetry_graph, pypi, save, small_graph
from tests.store.strategies import metas, results


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = open_store(store_url)
    yield engine
    engine.dispose()


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
            for t in METADATA.sorted_tables
        }


def assert_same_run(saved: AuditResult, meta: SnapshotMeta, loaded: StoredSnapshot) -> None:
    got = loaded.result
    assert saved.graph.packages == got.graph.packages
    assert saved.graph.edges == got.graph.edges
    assert saved.graph.roots == got.graph.roots
    assert sorted(set(saved.findings), key=finding_order) == list(got.findings)
    assert (saved.skipped, saved.errors, saved.unchecked) == (
        got.skipped,
        got.errors,
        got.unchecked,
    )
    assert (saved.registries, saved.status) == (got.registries, got.status)
    suppressions = sorted(set(meta.suppressions), key=lambda s: s.sort_key)
    assert dataclasses.replace(meta, suppressions=tuple(suppressions)) == loaded.meta


def round_trips(url: str) -> None:
    """Save and load arbitrary runs, every example into the one database at ``url``."""
    engine = open_store(url)

    @given(result=results(), meta=metas)
    def check(result: AuditResult, meta: SnapshotMeta) -> None:
        snapshot_id = save_snapshot(engine, "p", result, meta)
        assert_same_run(result, meta, load_snapshot(engine, snapshot_id))

    try:
        check()
    finally:
        engine.dispose()


def test_round_trip_sqlite(sqlite_url: str) -> None:
    """Any graph, findings, run details and metadata come back equal from SQLite."""
    round_trips(sqlite_url)


@pytest.mark.skipif(postgres_server() is None, reason=NO_POSTGRES)
def test_round_trip_postgresql(postgres_url: str) -> None:
    """The same round trip on PostgreSQL."""
    round_trips(postgres_url)


def test_real_graph_round_trip_and_summary(engine: Engine) -> None:
    """A real poetry.lock graph with findings and suppressions round-trips; the summary
    is counted at write time."""
    graph = poetry_graph(history()[0].folder)
    django = graph.find("django")[0]
    found = [
        finding(django, "PYSEC-2019-1", Severity.CRITICAL),
        finding(django, "PYSEC-2019-2", Severity.MEDIUM, aliases=("CVE-2019-1",)),
    ]
    rules = (SuppressionRule(id="PYSEC-2019-3", reason="not reachable", package="django"),)
    snapshot_id = save(engine, graph, findings=found, suppressions=rules, commit="069b8b82")
    loaded = load_snapshot(engine, snapshot_id)
    assert graph.packages == loaded.result.graph.packages
    assert graph.edges == loaded.result.graph.edges
    assert rules == loaded.meta.suppressions
    summary = loaded.info.summary
    direct = sum(1 for v in graph.views() if v.direct)
    assert (187, direct, 187 - direct, 347) == (
        summary.packages,
        summary.direct,
        summary.transitive,
        summary.edges,
    )
    assert (1, 0, 1) == (
        summary.severity(Severity.CRITICAL),
        summary.severity(Severity.HIGH),
        summary.severity(Severity.MEDIUM),
    )
    assert (("vulnerability", 2),) == summary.by_kind
    assert 1 == summary.suppressions
    assert summary.baseline_id is None
    assert "069b8b82" == loaded.info.git_commit


def test_unchanged_snapshot_adds_one_row(engine: Engine) -> None:
    """Saving the same run again adds exactly one snapshot row and nothing else."""
    graph = poetry_graph(history()[0].folder)
    found = [finding(graph.find("django")[0], "PYSEC-1")]
    rules = [SuppressionRule(id="X-1", reason="accepted")]
    save(engine, graph, findings=found, suppressions=rules)
    before = row_counts(engine)
    save(engine, graph, findings=found, suppressions=rules)
    after = row_counts(engine)
    assert {**before, "snapshot": before["snapshot"] + 1} == after


def test_changed_snapshot_rewrites_only_nearby_chunks(engine: Engine) -> None:
    """Upgrading one package of 187 adds a few members, not a copy of the graph."""
    steps = history()
    graph = poetry_graph(steps[0].folder)
    save(engine, graph)
    before = row_counts(engine)
    pkgs = list(graph.packages)
    bumped = [dataclasses.replace(p, version="99.0") if p.name == "django" else p for p in pkgs]
    id_map = {p.id: b.id for p, b in zip(pkgs, bumped, strict=True)}
    edges = [
        dataclasses.replace(
            e, parent=id_map.get(e.parent, e.parent), child=id_map.get(e.child, e.child)
        )
        for e in graph.edges
    ]
    changed = type(graph)(packages=bumped, edges=edges, roots=graph.roots)
    save(engine, changed)
    after = row_counts(engine)
    assert 1 == after["component"] - before["component"]
    # One members chunk (at most 4 x 16), never a copy of the 187; and not one edge: the
    # edges into django name it without a version, and its own requirements are unchanged.
    assert 0 < after["member"] - before["member"] <= 4 * 16
    assert 0 == after["edge"] - before["edge"]
    assert 1 == after["graph"] - before["graph"]
    latest = snapshots(engine)[-1].summary.churn
    assert (0, 0, 1, 0) == (latest.added, latest.removed, latest.upgraded, latest.downgraded)


def test_unchanged_snapshot_adds_under_5_kb_on_sqlite(tmp_path: pytest.TempPathFactory) -> None:
    """Measured on the file: 20 unchanged nightly runs of a real graph, after VACUUM."""
    path = tmp_path / "size.db"  # type: ignore[operator]
    engine = open_store(f"sqlite:///{path}")
    graph = poetry_graph(history()[-1].folder)
    found = [finding(graph.find("django")[0], f"PYSEC-{i}") for i in range(5)]

    def size() -> int:
        engine.dispose()  # the measurement needs the file to itself
        db = sqlite3.connect(path)
        try:
            db.execute("VACUUM")
            pages = db.execute("PRAGMA page_count").fetchone()[0]
            page_size = db.execute("PRAGMA page_size").fetchone()[0]
        finally:
            db.close()
        return int(pages) * int(page_size)

    try:
        save(engine, graph, findings=found, commit="30c93eb3b5b9056ffcfe552c310d13d6687f8f35")
        start = size()
        for _ in range(20):
            save(engine, graph, findings=found, commit="30c93eb3b5b9056ffcfe552c310d13d6687f8f35")
        per_run = (size() - start) / 20
    finally:
        engine.dispose()
    assert per_run < 5 * 1024, per_run


def test_failed_write_leaves_nothing(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the graph rows went in rolls the whole snapshot back."""
    graph = poetry_graph(history()[0].folder)
    save(engine, small_graph(pypi("first")))
    before = row_counts(engine)

    def boom(*args: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(write_module, "_suppression_set", boom)
    with pytest.raises(RuntimeError):
        save(engine, graph, findings=[finding(graph.packages[0], "X-1")])
    assert before == row_counts(engine)


def test_credentials_in_source_urls_are_not_stored(engine: Engine) -> None:
    """A git URL with a token is stored redacted, in the component and in its purl."""
    secret = "ghp_abcdefghijklmnop"  # noqa: S105 - a fake token to search for
    pkg = pypi(
        "private",
        "1.0",
        source=Source(kind=SourceKind.GIT, url=f"https://{secret}@git.invalid/x.git"),
    )
    snapshot_id = save(engine, small_graph(pkg))
    stored = load_snapshot(engine, snapshot_id).result.graph.packages[0]
    assert "https://****@git.invalid/x.git" == stored.source.url
    with engine.connect() as conn:
        dump = "\n".join(
            str(row) for t in METADATA.sorted_tables for row in conn.execute(sa.select(t))
        )
    assert secret not in dump


def test_empty_project_name_is_refused(engine: Engine) -> None:
    """A snapshot needs a project."""
    with pytest.raises(StoreError, match="project name is empty"):
        save(engine, small_graph(), project=" ")


def test_partial_snapshot_has_no_baseline(engine: Engine) -> None:
    """A run partial through a broken lockfile neither has nor becomes a baseline of a run
    that read that file."""
    first = save(engine, small_graph(pypi("a")))
    save(engine, small_graph(), status=Status.PARTIAL)
    third = save(engine, small_graph(pypi("a"), pypi("b")))
    infos = {i.id: i for i in snapshots(engine)}
    partial = next(i for i in infos.values() if i.status is Status.PARTIAL)
    assert partial.summary.baseline_id is None
    assert first == infos[third].summary.baseline_id
    assert 1 == infos[third].summary.churn.added


def test_runs_that_miss_the_same_files_compare(engine: Engine) -> None:
    """Files of an unsupported format never add packages: a run partial only through them
    is compared like a complete one. Two runs that both failed to read the same lockfile
    compare with each other, and never with a run that read it."""
    mix = UnsupportedFile(path="mix.lock", kind="lockfile", reason="lockfile of Elixir (Mix)")
    broken = FileError(path="web/package-lock.json", message="not valid JSON")
    first = save(engine, small_graph(pypi("a")))
    second = save(
        engine, small_graph(pypi("a"), pypi("b")), status=Status.PARTIAL, unsupported=[mix]
    )
    third = save(engine, small_graph(pypi("b")), status=Status.PARTIAL, errors=[broken])
    fourth = save(engine, small_graph(pypi("b"), pypi("c")), status=Status.PARTIAL, errors=[broken])
    infos = {i.id: i for i in snapshots(engine)}
    assert first == infos[second].summary.baseline_id
    assert 1 == infos[second].summary.churn.added
    assert None is infos[third].summary.baseline_id
    assert third == infos[fourth].summary.baseline_id
    assert 1 == infos[fourth].summary.churn.added
