"""Typosquat findings in a real run: scan's table and JSON, the report summary, the config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import run_cli

LOCK = {
    "_meta": {"requires": {}, "sources": []},
    "default": {
        "requests": {"version": "==2.31.0"},
        "reqeusts": {"version": "==1.0.0"},
    },
    "develop": {},
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("AUDITOR_ADVISORY_DB", "AUDITOR_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "empty.json").write_text("{}")
    (tmp_path / "Pipfile.lock").write_text(json.dumps(LOCK))
    return tmp_path


def scan(project: Path, *args: str) -> tuple[int, str, str]:
    records = Path(__file__).parents[2] / "fixtures" / "advisories"
    result = run_cli(["scan", "--advisory-db", str(records), *args, str(project)])
    return result.code, result.out, result.err


def test_scan_reports_the_typosquat(project: Path) -> None:
    """The lockfile check runs in scan: a table row, a JSON finding, exit 1."""
    code, out, _err = scan(project)
    assert 1 == code
    row = next(line for line in out.splitlines() if line.startswith("reqeusts"))
    assert ["reqeusts", "1.0.0", "typosquat:requests", "medium"] == row.split()[:4]
    code, out, _err = scan(project, "--json")
    doc = json.loads(out)
    (finding,) = doc["findings"]
    assert ("typosquat", "typosquat:requests", "reqeusts") == (
        finding["kind"],
        finding["id"],
        finding["package"]["name"],
    )
    assert {"name": "imitates", "value": "requests"} in finding["evidence"]
    assert [["root:Pipfile.lock", "pkg:pypi/reqeusts@1.0.0"]] == finding["paths"]


def test_config_allow_list_and_ignores(project: Path) -> None:
    """typosquat-allow-list in auditor.toml (relative to it) exempts the name; a bad
    allow-list is one error line naming it; an ignore by finding id also works."""
    (project / "allow.txt").write_text("pypi:reqeusts  # reviewed\n")
    (project / "auditor.toml").write_text('typosquat-allow-list = "allow.txt"\n')
    assert 0 == scan(project)[0]
    (project / "allow.txt").write_text("rubygems:x\n")
    code, _out, err = scan(project)
    assert 2 == code
    assert f"auditor: error: {project / 'allow.txt'}:1: unknown ecosystem 'rubygems'" in err
    (project / "auditor.toml").write_text(
        '[[ignore]]\nid = "typosquat:requests"\nreason = "our own test package"\n'
    )
    code, out, _err = scan(project)
    assert 0 == code
    assert "suppressed by ignores (1):" in out


def test_report_summary_counts_typosquats(project: Path) -> None:
    """The report's summary names the number of possible typosquats."""
    out = project / "out"
    result = run_cli(["report", str(project), "--out", str(out)])
    assert 0 == result.code, result.err
    assert "possible typosquats: 1" in (out / "summary.txt").read_text()
