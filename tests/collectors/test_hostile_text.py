"""Hostile text in lockfiles: a lone surrogate is a per-file error (the other files are still
audited), and escape sequences in package names never reach the terminal raw."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support import FIXTURES, run_cli

ESCAPE = "evil\x1b]0;owned\x07\x1b[2Jname"


@pytest.fixture(autouse=True)
def no_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITOR_NO_REGISTRY", "1")


def _lock(name: str, root: str = "app", spec: str = "1.0.0") -> str:
    packages = {
        "": {"name": root, "version": "1.0.0", "dependencies": {name: spec}},
        f"node_modules/{name}": {"version": "1.0.0"},
    }
    return json.dumps({"name": root, "lockfileVersion": 3, "packages": packages})


def test_a_lone_surrogate_is_a_per_file_error(tmp_path: Path) -> None:
    """package-lock.json holding "\\ud800": one error line naming file and key, exit 2, the run
    partial, and the other lockfile still audited."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "scan" / "small", project)
    (project / "web").mkdir()
    (project / "web" / "package-lock.json").write_text(_lock("a").replace('"a"', '"a\\ud800"'))
    result = run_cli(["scan", "--json", str(project)])
    assert 2 == result.code
    errors = [line for line in result.err.splitlines() if line.startswith("auditor: error")]
    assert [
        "auditor: error: web/package-lock.json: a lone surrogate (an unpaired \\ud800-\\udfff "
        'escape) is not text in packages[""].dependencies'
    ] == errors
    doc = json.loads(result.out)
    assert "partial" == doc["status"]
    assert doc["findings"]


@pytest.mark.parametrize("command", ["graph", "why", "why-missing", "scan"])
def test_escape_sequences_in_names_are_shown_escaped(tmp_path: Path, command: str) -> None:
    """graph, why (and its "not found" line) and the scan table print \\x1b as text, never
    the byte itself, whatever a lockfile's (root) name holds."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "package-lock.json").write_text(_lock("left-pad", spec="^1.0.0 || " + ESCAPE))
    args = {
        "graph": ["graph", str(project)],
        "why": ["why", "left-pad", str(project)],
        "why-missing": ["why", ESCAPE, str(project)],
        "scan": ["scan", str(project)],
    }[command]
    result = run_cli(args)
    assert "\x1b" not in result.out + result.err
    assert "\x07" not in result.out + result.err
    if command == "graph":
        assert "\\x1b]0;owned\\x07\\x1b[2J" in result.out
