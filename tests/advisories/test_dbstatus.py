"""`db status` data: missing, ok, stale and broken databases; the staleness threshold."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from auditor.advisories.dbstatus import read_status
from auditor.core.model import Ecosystem

NOW = datetime(2026, 3, 10, tzinfo=timezone.utc)


def _database(
    cache: Path, *, age_days: float = 1.0, size: int | None = None, **meta: object
) -> Path:
    folder = cache / "osv" / "PyPI"
    folder.mkdir(parents=True)
    (folder / "all.zip").write_bytes(b"z" * 100)
    doc = {
        "downloaded": (NOW - timedelta(days=age_days)).isoformat(),
        "source_url": "https://osv-export.invalid/PyPI/all.zip",
        "sha256": "0" * 64,
        "size": 100 if size is None else size,
        "records": 17,
        "etag": None,
        "last_modified": None,
        **meta,
    }
    (folder / "meta.json").write_text(json.dumps(doc))
    return folder


def test_missing_database(tmp_path: Path) -> None:
    """No folder at all: missing, not an error."""
    status = read_status(tmp_path, Ecosystem.NPM, now=NOW, max_age=7)
    assert ("missing", None) == (status.state, status.meta)


def test_fresh_and_stale(tmp_path: Path) -> None:
    """Age comes from `downloaded`; older than the threshold is stale."""
    _database(tmp_path, age_days=2.5)
    fresh = read_status(tmp_path, Ecosystem.PYPI, now=NOW, max_age=7)
    assert ("ok", 2.5, 17) == (fresh.state, fresh.age_days, fresh.meta.records if fresh.meta else 0)
    stale = read_status(tmp_path, Ecosystem.PYPI, now=NOW, max_age=2)
    assert "stale" == stale.state


def test_future_timestamp_counts_as_new(tmp_path: Path) -> None:
    """A clock skew never yields a negative age."""
    _database(tmp_path, age_days=-1)
    assert 0.0 == read_status(tmp_path, Ecosystem.PYPI, now=NOW, max_age=7).age_days


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        ("size", "all.zip: 100 bytes but meta.json records 99 (interrupted sync?)"),
        ("no-meta", "meta.json: missing (run auditor db sync)"),
        ("no-zip", "all.zip: missing (run auditor db sync)"),
        ("bad-json", "meta.json: unreadable"),
        ("bad-records", "meta.json: missing or invalid 'records'"),
        ("bad-time", "meta.json: 'downloaded' is not an ISO-8601 time"),
    ],
)
def test_broken_databases(tmp_path: Path, damage: str, problem: str) -> None:
    """Inconsistent or unreadable files: broken, with the file and the problem named."""
    folder = _database(tmp_path, size=99 if damage == "size" else None)
    if damage == "no-meta":
        (folder / "meta.json").unlink()
    elif damage == "no-zip":
        (folder / "all.zip").unlink()
    elif damage == "bad-json":
        (folder / "meta.json").write_text("{")
    elif damage == "bad-records":
        doc = json.loads((folder / "meta.json").read_text())
        (folder / "meta.json").write_text(json.dumps({**doc, "records": "x"}))
    elif damage == "bad-time":
        doc = json.loads((folder / "meta.json").read_text())
        (folder / "meta.json").write_text(json.dumps({**doc, "downloaded": "yesterday"}))
    status = read_status(tmp_path, Ecosystem.PYPI, now=NOW, max_age=7)
    assert "broken" == status.state
    assert status.problem is not None
    assert problem in status.problem
