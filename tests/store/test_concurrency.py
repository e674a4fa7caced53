"""Real processes against one store: eight writers at once, and a writer killed mid-write."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from auditor.store import load_snapshot, open_store, parse_url, snapshots
from auditor.store.tables import METADATA
from tests.store.writer import PROJECT, graph_for, result_for

ROOT = Path(__file__).parents[2]
WRITERS = 8


def start_writer(
    url: str, index: int, start: Path, pause: Path | None = None
) -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "tests.store.writer", url, str(index), str(start)]
    if pause is not None:
        args.append(str(pause))
    return subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(proc: subprocess.Popen[str]) -> int:
    _, err = proc.communicate(timeout=240)
    assert "" == err
    return proc.returncode


def counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
                for t in METADATA.sorted_tables
            }
    finally:
        engine.dispose()


def check_sqlite_file(url: str) -> None:
    path = parse_url(url).sqlite_path
    if path is None:
        return
    db = sqlite3.connect(path)
    try:
        assert [("ok",)] == db.execute("PRAGMA integrity_check").fetchall()
        assert [] == db.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        db.close()


def test_eight_writers_at_once(store_url: str, tmp_path: Path) -> None:
    """Eight processes create the store and save a snapshot each at the same moment: all
    eight land, each reads back as written, and shared content is stored once."""
    start = tmp_path / "go"
    procs = [start_writer(store_url, i, start) for i in range(WRITERS)]
    time.sleep(0.5)
    start.touch()
    outputs = [p.communicate(timeout=240) for p in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert 0 == proc.returncode, err
        assert "" == err
    ids = sorted(int(out) for out, _ in outputs)
    assert WRITERS == len(set(ids))
    check_sqlite_file(store_url)
    engine = open_store(store_url)
    try:
        infos = snapshots(engine, PROJECT)
        assert ids == sorted(i.id for i in infos)
        for info in infos:
            index = info.taken_at.day - 1  # writer i saved day(i): 2024-01-(i+1)
            expected = result_for(index)
            loaded = load_snapshot(engine, info.id).result
            assert expected.graph.packages == loaded.graph.packages
            assert expected.graph.edges == loaded.graph.edges
            assert expected.findings == loaded.findings
    finally:
        engine.dispose()
    rows = counts(store_url)
    distinct = {p.id for i in range(WRITERS) for p in graph_for(i).packages}
    assert len(distinct) == rows["component"]
    assert WRITERS == rows["graph"]
    # One finding per django version: the writers sharing a graph stored theirs once.
    assert len({result_for(i).findings for i in range(WRITERS)}) == rows["finding"]
    assert 1 == rows["project"]


def test_killed_writer_leaves_the_store_as_it_was(store_url: str, tmp_path: Path) -> None:
    """SIGKILL while a writer is inside its transaction (every row written, no commit):
    the store holds exactly what it held before, and the next writer succeeds."""
    start, pause = tmp_path / "go", tmp_path / "paused"
    start.touch()
    first = start_writer(store_url, 0, start)
    assert 0 == finish(first)
    before = counts(store_url)
    victim = start_writer(store_url, 1, start, pause)
    deadline = time.monotonic() + 120
    while not pause.exists() and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert pause.exists(), "the writer never reached its pause"
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate(timeout=30)
    assert -signal.SIGKILL == victim.returncode
    assert before == counts(store_url)
    check_sqlite_file(store_url)
    after = start_writer(store_url, 2, start)
    assert 0 == finish(after)
    engine = open_store(store_url)
    try:
        assert 2 == len(snapshots(engine, PROJECT))
    finally:
        engine.dispose()


@pytest.mark.parametrize("index", [0])
def test_writer_graphs_share_content(index: int) -> None:
    """The writers' graphs overlap (that is what makes the race real) but differ."""
    assert graph_for(index).packages != graph_for(index + 4).packages
    first, second = graph_for(index), graph_for(index + 4)
    shared = {p.id for p in first.packages} & {p.id for p in second.packages}
    assert len(shared) > 150
