"""The CLI: graph, why, report, help text and documentation of every command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.cli import build_parser
from auditor.cli.plugins import COMMANDS
from tests.support import FIXTURES, run_cli

DOCS = Path(__file__).parents[2] / "docs"
PIPFILE = FIXTURES / "pipfile-lock/real/pypa__pipenv__examples/Pipfile.lock"


def test_every_command_and_option_is_documented() -> None:
    """docs/cli.md has a section for each command and mentions each of its options."""
    text = (DOCS / "cli.md").read_text()
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command_parser in sub.choices.items():  # type: ignore[attr-defined]
        assert f"## `auditor {name}" in text, name
        for action in command_parser._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert f"`{flag}" in text, f"{name} {flag}"
    assert set(sub.choices) == set(COMMANDS)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help(name: str) -> None:
    """`auditor CMD --help` works and each option carries a help text."""
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args([name, "--help"])
    assert info.value.code == 0
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for action in sub.choices[name]._actions:  # type: ignore[attr-defined]
        assert action.help, f"{name} {action.dest} has no help"


def test_graph_json_shape() -> None:
    """graph --json prints the documented shape with sorted packages."""
    result = run_cli(["graph", "--json", str(PIPFILE)])
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert list(doc) == [
        "schema",
        "status",
        "roots",
        "packages",
        "edges",
        "skipped",
        "errors",
        "registries",
    ]
    first = doc["packages"][0]
    for key in ("ecosystem", "name", "version", "purl", "scope", "direct", "source", "found_in"):
        assert key in first
    assert [p["id"] for p in doc["packages"]] == sorted(p["id"] for p in doc["packages"])
    assert {e["from"] for e in doc["edges"]} == {doc["roots"][0]["id"]}


def test_graph_text_tree() -> None:
    """The text tree starts with the root and lists packages below it."""
    result = run_cli(["graph", str(PIPFILE)])
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].endswith("/Pipfile.lock (PyPI)")
    assert any(line.startswith("├── ") for line in lines)


def test_why_prints_paths_and_exit_1_when_absent() -> None:
    """why finds a package and prints its path; an absent one exits 1."""
    found = run_cli(["why", "requests", str(PIPFILE)])
    assert found.code == 0
    assert "→ requests@" in found.out
    missing = run_cli(["why", "no-such-package", str(PIPFILE)])
    assert missing.code == 1
    assert "no-such-package is not in the dependency graph" in missing.err


def test_partial_run_keeps_good_files_and_exits_2(tmp_path: Path) -> None:
    """One broken file: its error is one line, the other file is still in the graph."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a/Pipfile.lock").write_text(PIPFILE.read_text())
    (tmp_path / "b").mkdir()
    (tmp_path / "b/Pipfile.lock").write_text('{"default": {"x": {"version": 3}}}')
    result = run_cli(["graph", "--json", str(tmp_path)])
    assert result.code == 2
    doc = json.loads(result.out)
    assert doc["status"] == "partial"
    assert doc["packages"]
    assert result.err == (
        "auditor: error: b/Pipfile.lock: 'version' is an integer, expected a string in default.x\n"
    )


def test_report_writes_graph_and_summary(tmp_path: Path) -> None:
    """report writes graph.json and summary.txt atomically and prints the summary."""
    out = tmp_path / "out"
    result = run_cli(["report", str(PIPFILE), "--out", str(out)])
    assert result.code == 0, result.err
    assert json.loads((out / "graph.json").read_text())["schema"] == "auditor.graph/1"
    assert "packages: 10" in (out / "summary.txt").read_text()
    assert "packages: 10" in result.out
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_bad_flag_is_one_line_exit_2() -> None:
    """Unknown options and bad values are usage errors with exit code 2."""
    result = run_cli_expect_exit(["graph", "--depth", "x"])
    assert result == 2


def run_cli_expect_exit(args: list[str]) -> int:
    with pytest.raises(SystemExit) as info:
        run_cli(args)
    return int(info.value.code or 0)


def test_module_entry_point_never_shows_a_traceback(tmp_path: Path) -> None:
    """A real process on a hostile file prints one line on stderr and exits 2."""
    bad = tmp_path / "Pipfile.lock"
    bad.write_text("{" * 200_000)
    proc = subprocess.run(
        [sys.executable, "-m", "auditor", "graph", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_every_environment_variable_is_documented() -> None:
    """Each ``AUDITOR_*`` variable the code or the action reads is named in the docs."""
    root = Path(__file__).parents[2]
    sources = [*sorted((root / "auditor").rglob("*.py")), root / "action.yml"]
    names = {n for p in sources for n in re.findall(r"\bAUDITOR_[A-Z0-9_]+", p.read_text())}
    docs = "\n".join(p.read_text() for p in [root / "README.md", *sorted(DOCS.glob("*.md"))])
    assert {"AUDITOR_CONFIG_FOLDER", "AUDITOR_DB", "AUDITOR_GIT_TOKEN"} <= names
    assert [] == sorted(n for n in names if not re.search(rf"\b{n}\b", docs))
