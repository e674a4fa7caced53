"""A registry outage does not rewrite history: three `auditor report` runs into one real
store (snapshot 1 with the registry answering, snapshot 2 with it down or skipped, snapshot
3 with it answering again) keep their new/resolved counts true; the findings the outage
could not check are kept, unverified, and the site and stderr say so once."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.httpserver import HttpTestServer
from tests.registries.recorded import RecordedRegistry, serve_registries
from tests.support import FIXTURES, run_cli

PROJECT = FIXTURES / "scan" / "registry"  # requests 2.19.0's era, nose 1.3.7 unmaintained


@pytest.fixture
def registry(
    http_server: HttpTestServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> RecordedRegistry:
    return serve_registries(http_server, monkeypatch, tmp_path / "home")


def report(root: Path, db: Path, out: Path, when: str, *extra: str) -> tuple[int, str]:
    result = run_cli(
        ["report", str(root), "--db", str(db), "--out", str(out), "--project", "demo",
         "--snapshot-time", when, *extra]
    )  # fmt: skip
    return result.code, result.err


def history(db: Path) -> list[dict[str, object]]:
    result = run_cli(["history", "--db", str(db), "--project", "demo", "--json"])
    return json.loads(result.out)["snapshots"]  # type: ignore[no-any-return]


def counts(snapshot: dict[str, object]) -> tuple[int, int, int]:
    findings = snapshot["findings"]
    return findings["total"], findings["new"], findings["resolved"]  # type: ignore[index]


@pytest.mark.parametrize("outage", ["registry down", "--no-registry"])
def test_an_outage_keeps_new_and_resolved_true(
    registry: RecordedRegistry,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    outage: str,
) -> None:
    """Snapshot 2 cannot look anything up: the health and conflict findings of snapshot 1
    are kept unverified (nothing resolved), and snapshot 3 finds nothing new."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    db, out = tmp_path / "store.db", tmp_path / "site"
    code, err = report(root, db, out, "2024-01-01T00:00:00Z")
    assert 0 == code, err
    healthy = registry.server.url
    extra: tuple[str, ...] = ()
    if outage == "registry down":
        monkeypatch.setenv("AUDITOR_PYPI_URL", "http://127.0.0.1:9/simple")
    else:
        extra = ("--no-registry",)
    code, err = report(root, db, out, "2024-01-02T00:00:00Z", *extra)
    assert 0 == code, err
    warnings = [line for line in err.splitlines() if "registry lookups failed" in line]
    assert (1 if outage == "registry down" else 0) == len(warnings), err
    monkeypatch.setenv("AUDITOR_PYPI_URL", f"{healthy}/simple")
    code, err = report(root, db, out, "2024-01-03T00:00:00Z")
    assert 0 == code, err
    first, second, third = history(db)
    total = counts(first)[0]
    assert any(k == "health" for k in first["findings"]["by_kind"])  # type: ignore[index]
    assert [(total, 0, 0), (total, 0, 0), (total, 0, 0)] == [
        counts(s) for s in (first, second, third)
    ]
    assert "complete" == second["status"]
    page = (out / "p").glob(f"*/s/{second['id']}.html")
    html = next(page).read_text()
    assert "Some checks could not run." in html
    assert f"unverified: kept from #{first['id']}" in html


def test_carried_findings_are_marked_in_the_store(
    registry: RecordedRegistry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The kept findings are stored with the run (counted in its summary) and listed with
    the snapshot they come from and the reason; a finding whose package is gone is resolved,
    not kept: nose (unmaintained) leaves the project during the outage, six (unmaintained
    too) stays."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    db, out = tmp_path / "store.db", tmp_path / "site"
    assert 0 == report(root, db, out, "2024-01-01T00:00:00Z")[0]
    lock = json.loads((root / "Pipfile.lock").read_text())
    del lock["develop"]["nose"]
    (root / "Pipfile.lock").write_text(json.dumps(lock))
    monkeypatch.setenv("AUDITOR_PYPI_URL", "http://127.0.0.1:9/simple")
    code, err = report(root, db, out, "2024-01-02T00:00:00Z")
    assert 0 == code, err
    first, second = history(db)
    assert 2 == first["findings"]["by_kind"]["health"]  # type: ignore[index]
    assert 1 == second["findings"]["by_kind"]["health"]  # type: ignore[index]
    assert (counts(first)[0] - 1, 0, 1) == counts(second)
    run = run_cli(["diff", "--db", str(db), "--project", "demo", "--json"])
    resolved = [
        (f["package"]["name"], f["id"]) for f in json.loads(run.out)["findings"]["resolved"]
    ]
    assert [("nose", "HEALTH-UNMAINTAINED")] == resolved
    with sqlite3.connect(db) as conn:
        (summary,) = conn.execute(
            "SELECT summary FROM snapshot WHERE id = ?", (second["id"],)
        ).fetchone()
    assert 2 == json.loads(summary)["carried"]  # six's health finding and idna's conflict
