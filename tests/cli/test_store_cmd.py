"""auditor store merge and auditor store prune."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor.store import open_store, snapshots
from tests.store.helpers import day, pypi, save, small_graph
from tests.support import run_cli


@pytest.fixture
def source(tmp_path: Path) -> str:
    """An SQLite store with five nightly runs of shop (days 0-4) and one of blog (day 0)."""
    url = f"sqlite:///{tmp_path / 'source.db'}"
    engine = open_store(url)
    try:
        for night in range(5):
            graph = small_graph(*(pypi(f"pkg-{night}-{i}", "1.0") for i in range(30)))
            save(engine, graph, project="shop", taken_at=day(night))
        save(engine, small_graph(pypi("blog-only")), project="blog", taken_at=day(0))
    finally:
        engine.dispose()
    return url


def projects_and_times(url: str) -> list[tuple[str, dt.datetime]]:
    engine = open_store(url, create_missing=False)
    try:
        return [(s.project, s.taken_at) for s in snapshots(engine)]
    finally:
        engine.dispose()


def test_merge_copies_into_a_new_store_once(source: str, tmp_path: Path) -> None:
    """merge creates the target, copies every snapshot, and copies nothing the second time."""
    target = f"sqlite:///{tmp_path / 'shared' / 'all.db'}"
    first = run_cli(["store", "merge", source, "--db", target])
    assert (0, "") == (first.code, first.err)
    assert f"copied 6 snapshots from {source} to {target} (0 already there)\n" == first.out
    again = run_cli(["store", "merge", source, "--db", target])
    assert "copied 0 snapshots" in again.out
    assert "(6 already there)" in again.out
    assert projects_and_times(source) == projects_and_times(target)


def test_merge_one_project_into_postgresql(source: str, postgres_url: str) -> None:
    """--project limits the copy; the target may be PostgreSQL (password never printed)."""
    url = postgres_url.replace("://auditor@", "://auditor:pw-s3cret@")
    result = run_cli(["store", "merge", source, "--db", url, "--project", "blog"])
    assert 0 == result.code, result.err
    assert "copied 1 snapshots" in result.out
    assert "pw-s3cret" not in result.out
    assert [("blog", day(0))] == projects_and_times(url)


def test_merge_errors_are_one_line(source: str, tmp_path: Path) -> None:
    """A missing source and a source that is the target are one error line each, exit 2."""
    missing = run_cli(["store", "merge", str(tmp_path / "nope.db"), "--db", source])
    assert 2 == missing.code
    assert missing.err.startswith("auditor: error: ")
    assert "no snapshot store here yet" in missing.err
    assert 1 == missing.err.count("\n")
    same = run_cli(["store", "merge", source, "--db", source])
    assert ("auditor: error: SOURCE and --db name the same store\n", 2) == (same.err, same.code)


def test_prune_keeps_the_newest_and_what_is_recent(source: str) -> None:
    """--before deletes older snapshots of every project but keeps each one's newest."""
    result = run_cli(["store", "prune", "--db", source, "--before", "2024-01-03"])
    assert 0 == result.code, result.err
    assert result.out.startswith("deleted 2 snapshots taken before 2024-01-03T00:00:00+00:00 and ")
    assert [("blog", day(0)), ("shop", day(2)), ("shop", day(3)), ("shop", day(4))] == sorted(
        projects_and_times(source)
    )


def test_prune_one_project_keeping_several(source: str) -> None:
    """--project and --keep-last: only shop is pruned, down to its three newest runs."""
    result = run_cli(
        [
            *("store", "prune", "--db", source, "--older-than", "1"),
            *("--keep-last", "3", "--project", "shop"),
        ]
    )
    assert 0 == result.code, result.err
    assert "deleted 2 snapshots" in result.out
    assert [("blog", day(0)), ("shop", day(2)), ("shop", day(3)), ("shop", day(4))] == sorted(
        projects_and_times(source)
    )


def test_prune_vacuum_gives_space_back(source: str, tmp_path: Path) -> None:
    """--vacuum compacts the SQLite file after the prune."""
    path = tmp_path / "source.db"
    before = path.stat().st_size
    result = run_cli(["store", "prune", "--db", source, "--older-than", "1", "--vacuum"])
    assert 0 == result.code, result.err
    assert path.stat().st_size < before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--before", "yesterday"], "argument --before: not an ISO date or time: 'yesterday'"),
        (["--older-than", "-3"], "argument --older-than"),
        (["--older-than", "1", "--keep-last", "0"], "argument --keep-last: must be at least 1"),
        (["--older-than", "1", "--project", "nope"], "--project nope: no such project"),
        ([], "one of the arguments --older-than --before is required"),
    ],
)
def test_prune_usage_errors(
    source: str, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad values are one error line and exit code 2; nothing is deleted."""
    try:
        result = run_cli(["store", "prune", "--db", source, *args])
        code, err = result.code, result.err
    except SystemExit as exc:  # argparse's errors leave through the parser, on stderr
        code, err = int(exc.code or 0), capsys.readouterr().err
    assert 2 == code
    assert message in err
    assert 1 == err.count("\n")
    assert 6 == len(projects_and_times(source))


def test_prune_needs_an_existing_store(tmp_path: Path) -> None:
    """Pruning a store that does not exist is an error, and creates nothing."""
    missing = tmp_path / "none.db"
    result = run_cli(["store", "prune", "--db", str(missing), "--older-than", "1"])
    assert 2 == result.code
    assert not missing.exists()
