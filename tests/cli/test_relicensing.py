"""Relicensing between snapshots: two `auditor report` runs into one real store, the
second with a package's licence changed; report warns, `diff` lists it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support import run_cli


def _lock(left_pad: str, left_pad_licence: str) -> str:
    return json.dumps(
        {
            "name": "app",
            "lockfileVersion": 3,
            "packages": {
                "": {"name": "app", "dependencies": {"left-pad": "*", "steady": "*"}},
                "node_modules/left-pad": {"version": left_pad, "license": left_pad_licence},
                "node_modules/steady": {"version": "1.0.0", "license": "ISC"},
            },
        }
    )


def test_report_warns_and_diff_lists_a_relicensed_package(tmp_path: Path) -> None:
    """MIT at 1.0.0, BUSL-1.1 at 2.0.0: the second report says so on stderr; a package
    whose licence stayed is not named; `diff --json` lists the change."""
    project, db, out = tmp_path / "app", tmp_path / "store.db", tmp_path / "out"
    project.mkdir()
    lock = project / "package-lock.json"
    args = ["--db", str(db), "--out", str(out), "--project", "app", "--offline", "--no-site"]
    lock.write_text(_lock("1.0.0", "MIT"))
    first = run_cli(["report", str(project), *args, "--snapshot-time", "2026-01-01T00:00:00Z"])
    assert 0 == first.code, first.err
    assert "licence changed" not in first.err
    lock.write_text(_lock("2.0.0", "BUSL-1.1"))
    second = run_cli(
        ["report", str(project), *args, "--snapshot-time", "2026-02-01T00:00:00Z", "--force"]
    )
    assert 0 == second.code, second.err
    assert (
        "auditor: warning: licence changed since snapshot 1: left-pad (npm): MIT (1.0.0) → "
        "BUSL-1.1 (2.0.0)\n"
    ) in second.err
    assert "steady" not in second.err
    diff = run_cli(["diff", "--db", str(db), "--project", "app", "--json"])
    assert 0 == diff.code, diff.err
    assert [
        {
            "ecosystem": "npm",
            "name": "left-pad",
            "from": [{"version": "1.0.0", "license": "MIT"}],
            "to": [{"version": "2.0.0", "license": "BUSL-1.1"}],
        }
    ] == json.loads(diff.out)["packages"]["relicensed"]
