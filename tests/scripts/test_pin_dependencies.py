"""scripts/pin_dependencies.py turns pip's installation report into pinned requirements."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.pipeline.audit import collect_paths
from tests.support import FIXTURES

SCRIPT = Path(__file__).parents[2] / "scripts" / "pin_dependencies.py"
REPORT = FIXTURES / "pin-dependencies" / "report.json"


def pin(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_report_becomes_sorted_pins_without_the_project(tmp_path: Path) -> None:
    """Every dependency of the report becomes name==version, sorted case-insensitively;
    the project itself is left out; auditor reads the file as a requirements lockfile."""
    out = tmp_path / "deps" / "requirements.txt"
    result = pin(str(out), "--report", str(REPORT))
    assert 0 == result.returncode, result.stderr
    assert f"{out}: 42 pinned dependencies\n" == result.stdout
    pins = [line for line in out.read_text().splitlines() if not line.startswith("#")]
    assert sorted(pins, key=lambda line: line.split("==")[0].lower()) == pins
    assert "SQLAlchemy==2.1.9" in pins
    assert not [line for line in pins if line.lower().startswith("auditor==")]
    graph = collect_paths([str(out.parent)], force=None).graph
    assert 42 == len(graph.packages)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "cannot read the pip report"),
        ('{"install": 3}', "not a pip installation report"),
        ('{"install": [{"metadata": {"name": "x"}}]}', "install[0].metadata needs a name"),
    ],
)
def test_a_bad_report_is_one_error_line(tmp_path: Path, content: str, message: str) -> None:
    """A report that is not pip's is one error line, exit code 2, and no output file."""
    report = tmp_path / "report.json"
    report.write_text(content)
    out = tmp_path / "requirements.txt"
    result = pin(str(out), "--report", str(report))
    assert 2 == result.returncode
    assert message in result.stderr
    assert 1 == result.stderr.count("\n")
    assert not out.exists()


def test_fixture_has_no_download_urls() -> None:
    """The recorded report keeps names and versions only (no registry URL)."""
    data = json.loads(REPORT.read_text())
    assert {"is_direct", "metadata", "requested"} == {k for i in data["install"] for k in i}
