"""report saves snapshots; history and diff read them back (text and JSON)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from auditor.core.findings import Severity
from auditor.store import open_store
from tests.store.helpers import day, finding, pypi, save, small_graph
from tests.support import FIXTURES, run_cli

PIPFILE = FIXTURES / "pipfile-lock/real/pypa__pipenv__examples/Pipfile.lock"
PACKAGE_KEYS = [
    "id",
    "ecosystem",
    "name",
    "version",
    "purl",
    "scope",
    "scopes",
    "direct",
    "depth",
    "source",
    "hashes",
    "found_in",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "shop"
    folder.mkdir()
    shutil.copy(PIPFILE, folder / "Pipfile.lock")
    return folder


def bump(lockfile: Path, name: str, version: str) -> None:
    data = json.loads(lockfile.read_text())
    data["default"][name]["version"] = f"=={version}"
    lockfile.write_text(json.dumps(data, indent=4))


def test_report_saves_a_snapshot(project: Path, tmp_path: Path) -> None:
    """Each report run adds a snapshot of the scanned folder's project."""
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    first = run_cli(["report", str(project), "--out", str(tmp_path / "out"), "--db", db])
    assert 0 == first.code, first.err
    assert f"snapshot 1 of shop saved to {db}\n" in first.out
    bump(project / "Pipfile.lock", "requests", "99.0.0")
    second = run_cli(
        ["report", str(project), "--out", str(tmp_path / "out"), "--db", db, "--quiet"]
    )
    assert (0, "") == (second.code, second.out)
    history = run_cli(["history", "--db", db, "--json"])
    doc = json.loads(history.out)
    assert "shop" == doc["project"]
    assert [1, 2] == [s["id"] for s in doc["snapshots"]]
    last = doc["snapshots"][-1]
    assert {"added": 0, "removed": 0, "upgraded": 1, "downgraded": 0, "baseline": 1} == last[
        "churn"
    ]
    assert {"total": 10, "direct": 10, "transitive": 0} == last["packages"]


def test_report_project_name_and_no_store(project: Path, tmp_path: Path) -> None:
    """--project names the snapshot; --no-store saves nothing."""
    db = tmp_path / "named.db"
    out = str(tmp_path / "out")
    skipped = run_cli(["report", str(project), "--out", out, "--db", str(db), "--no-store"])
    assert 0 == skipped.code
    assert not db.exists()
    named = run_cli(["report", str(project), "--out", out, "--db", str(db), "--project", "web"])
    assert "snapshot 1 of web saved" in named.out
    assert "project web: 1 snapshot(s)" in run_cli(["history", "--db", str(db)]).out


def test_report_default_store_is_in_the_project(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --db or AUDITOR_DB: .auditor/auditor.db in the scanned folder."""
    monkeypatch.delenv("AUDITOR_DB")
    result = run_cli(["report", str(project), "--out", str(tmp_path / "out")])
    assert 0 == result.code, result.err
    assert (project / ".auditor" / "auditor.db").is_file()
    monkeypatch.chdir(project)
    assert "project shop: 1 snapshot(s)" in run_cli(["history"]).out


def test_history_text(project: Path, tmp_path: Path) -> None:
    """One line per snapshot with counts; the first has no baseline."""
    db = str(tmp_path / "h.db")
    for _ in range(2):
        run_cli(["report", str(project), "--out", str(tmp_path / "o"), "--db", db, "--quiet"])
    lines = run_cli(["history", "--db", db]).out.splitlines()
    assert "project shop: 2 snapshot(s)" == lines[0]
    assert lines[1].split()[:3] == ["ID", "TAKEN", "(UTC)"]
    assert "complete" in lines[2]
    assert "10 (10+0)" in lines[2]
    assert lines[2].endswith("-")
    assert lines[3].endswith("+0 -0 ↑0 ↓0")


def make_store(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = open_store(url)
    old, new, gone = pypi("a", "1.0"), pypi("a", "2.0"), pypi("b", "1.0")
    try:
        save(engine, small_graph(old, gone), project="shop", taken_at=day(0))
        save(
            engine,
            small_graph(new, pypi("c", "3.0")),
            project="shop",
            findings=[finding(new, "GHSA-new", Severity.CRITICAL)],
            taken_at=day(1),
        )
        save(engine, small_graph(pypi("z")), project="other", taken_at=day(2))
    finally:
        engine.dispose()
    return url


def test_diff_text_and_json(tmp_path: Path) -> None:
    """Packages and findings that changed, in the graph's package shape in JSON."""
    url = make_store(tmp_path / "d.db")
    text = run_cli(["diff", "--db", url, "--project", "shop"])
    assert 0 == text.code, text.err
    assert [
        "packages: 1 added, 1 removed, 1 upgraded, 0 downgraded",
        "  + c@3.0 (PyPI)",
        "  - b@1.0 (PyPI)",
        "  ↑ a 1.0 → 2.0",
        "findings: 1 new, 0 resolved",
        "  + critical GHSA-new  a@2.0",
        "suppressions: 0 added, 0 removed, 0 changed",
    ] == text.out.splitlines()[1:]
    doc = json.loads(run_cli(["diff", "1", "2", "--json", "--db", url]).out)
    assert "auditor.diff/1" == doc["schema"]
    assert (1, 2) == (doc["from"]["id"], doc["to"]["id"])
    assert PACKAGE_KEYS == list(doc["packages"]["added"][0])
    assert ["2.0"] == [c["to"]["version"] for c in doc["packages"]["upgraded"]]
    new = doc["findings"]["new"][0]
    assert PACKAGE_KEYS == list(new["package"])
    assert ("GHSA-new", "critical", "vulnerability") == (new["id"], new["severity"], new["kind"])


def test_store_command_errors_are_one_line(tmp_path: Path) -> None:
    """No store, several projects, unknown project, bad ids: exit 2 and one line each."""
    missing = run_cli(["history", "--db", str(tmp_path / "none.db")])
    assert 2 == missing.code
    assert "no snapshot store here yet" in missing.err
    assert not (tmp_path / "none.db").exists()
    url = make_store(tmp_path / "two.db")
    several = run_cli(["history", "--db", url])
    assert 2 == several.code
    assert "several projects; choose one with --project: other, shop\n" in several.err
    unknown = run_cli(["diff", "--db", url, "--project", "nope"])
    assert "--project nope: no such project in the store" in unknown.err
    lonely = run_cli(["diff", "--db", url, "--project", "other"])
    assert "the project has 1 snapshot(s): diff needs two" in lonely.err
    junk = tmp_path / "junk.db"
    junk.write_text("not a database\n" * 100)
    damaged = run_cli(["history", "--db", str(junk)])
    assert f"auditor: error: {junk}: file is not a database\n" == damaged.err
    for result in (missing, several, unknown, lonely, damaged):
        assert 2 == result.code
        assert 1 == result.err.count("\n")


def test_database_password_is_never_printed(tmp_path: Path) -> None:
    """A PostgreSQL URL with a password that cannot be reached: the error hides it."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql+psycopg://auditor:hunter2-secret@127.0.0.1:{port}/db"
    result = run_cli(["report", str(PIPFILE), "--out", str(tmp_path / "o"), "--db", url])
    assert 2 == result.code
    assert "hunter2" not in result.err + result.out
    assert f"postgresql+psycopg://****:****@127.0.0.1:{port}/db: " in result.err


def test_report_stores_advisory_identity_and_ignores(project: Path, tmp_path: Path) -> None:
    """The snapshot keeps which advisory data was used and the configured ignores."""
    from auditor.store.queries import load_snapshot

    (project / "auditor.toml").write_text(
        '[[ignore]]\nid = "PYSEC-2099-1"\nreason = "not reachable"\nexpires = "2099-01-31"\n'
    )
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    run = run_cli(["report", str(project), "--out", str(tmp_path / "out"), "--db", db])
    assert 0 == run.code, run.err
    stored = load_snapshot(open_store(db), 1)
    assert stored.meta.advisory_db is not None
    assert stored.meta.advisory_db.startswith("osv-local:")
    assert stored.meta.advisory_db_updated_at is not None
    assert [("PYSEC-2099-1", "not reachable", "2099-01-31")] == [
        (r.id, r.reason, str(r.expires)) for r in stored.meta.suppressions
    ]
