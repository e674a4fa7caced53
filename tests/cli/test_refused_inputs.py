"""A lockfile its own tool refuses, through the CLI: one error line naming the file and the
line, exit 2, the run partial, and the project's other lockfiles still audited."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.support import FIXTURES, run_cli

SMALL = FIXTURES / "scan" / "small"
WAREHOUSE = FIXTURES / "requirements/real/pypi__warehouse/requirements/main.txt"
WALLABAG = FIXTURES / "yarn-lock/real/wallabag__wallabag/yarn.lock"


def _cut_hash(text: str) -> str:
    """Halfway through the file, a pin whose (first and only) hash continuation is cut off
    by junk."""
    pin = re.compile(r"^[a-z0-9-]+==\S+ \\\n    --hash=sha256:", re.M).search(text, len(text) // 2)
    assert pin is not None
    return text[: pin.end() + 20] + "junk\n"


def _cut_yarn(text: str) -> str:
    """The first half of the lock (to the end of a line), then junk yarn cannot read."""
    return text[: text.index("\n", len(text) // 2) + 1] + "}{\n"


@pytest.mark.parametrize(
    ("source", "name", "cut", "problem"),
    [
        (WAREHOUSE, "requirements.txt", _cut_hash, "no file can match it: pip refuses"),
        (WALLABAG, "yarn.lock", _cut_yarn, "unexpected character '}' (yarn cannot read it)"),
    ],
)
def test_a_file_its_tool_refuses_is_an_error_and_the_rest_is_audited(
    tmp_path: Path, source: Path, name: str, cut: object, problem: str
) -> None:
    """The real file cut and run into junk, beside the small project's Pipfile.lock."""
    project = tmp_path / "project"
    shutil.copytree(SMALL, project)
    (project / "web").mkdir()
    broken = cut(source.read_text())  # type: ignore[operator]
    (project / "web" / name).write_text(broken)
    result = run_cli(["scan", str(project), "--json"])
    assert 2 == result.code
    errors = [line for line in result.err.splitlines() if line.startswith("auditor: error:")]
    assert 1 == len(errors), result.err
    assert errors[0].startswith(f"auditor: error: web/{name}:")
    line = int(errors[0].split(":")[3])
    assert 1 <= line <= broken.count("\n") + 1
    assert problem in errors[0]
    document = json.loads(result.out)
    assert "partial" == document["status"]
    assert any(f["package"]["name"] for f in document["findings"])  # Pipfile.lock still read
