"""scripts/build_popular.py regenerates a list from a ranking file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from auditor.checks.typosquat.popular import WeightKind, parse_list, render_list
from auditor.core.model import Ecosystem

SCRIPT = Path(__file__).parents[2] / "scripts" / "build_popular.py"


def build(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_pypi_ranking_is_normalised_deduplicated_and_sorted(tmp_path: Path) -> None:
    """Names are PEP 503-normalised, the best rank of two spellings wins, output is sorted."""
    ranking = tmp_path / "pypi.tsv"
    ranking.write_text("name\trank\nboto3\t1\nRequests\t6\nFoo_Bar\t9\nfoo-bar\t4\n")
    out = tmp_path / "out" / "pypi.tsv"
    result = build(str(ranking), "--ecosystem", "pypi", "-o", str(out), "--source", "test data")
    assert 0 == result.returncode, result.stderr
    assert f"{out}: 3 PyPI names (rank)\n" == result.stdout
    text = out.read_text()
    assert text.endswith("boto3\t1\nfoo-bar\t4\nrequests\t6\n")
    assert "# source: test data\n" in text
    parsed = parse_list(text, str(out))
    assert (Ecosystem.PYPI, WeightKind.RANK) == (parsed.ecosystem, parsed.kind)
    again = tmp_path / "again.tsv"
    build(str(ranking), "--ecosystem", "pypi", "-o", str(again), "--source", "test data")
    assert text == again.read_text()  # the same input gives the same bytes


def test_npm_downloads_with_cut_offs(tmp_path: Path) -> None:
    """npm names keep their case and scope; --min-downloads and --top select."""
    ranking = tmp_path / "npm.tsv"
    ranking.write_text(
        "name\tdownloads_a_month\nlodash\t400\nJSONStream\t50\n@types/node\t300\nleft-pad\t10\n"
    )
    out = tmp_path / "npm-list.tsv"
    result = build(str(ranking), "--ecosystem", "npm", "-o", str(out), "--min-downloads", "20")
    assert 0 == result.returncode, result.stderr
    parsed = parse_list(out.read_text(), str(out))
    assert {"@types/node": 300, "JSONStream": 50, "lodash": 400} == dict(parsed.weights)
    assert "npm.tsv" == parsed.source  # the ranking file's name when --source is not given
    top = tmp_path / "top.tsv"
    assert 0 == build(str(ranking), "--ecosystem", "npm", "-o", str(top), "--top", "2").returncode
    assert {"@types/node": 300, "lodash": 400} == dict(parse_list(top.read_text(), "t").weights)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file (expected a header line)"),
        ("name\tstars\nx\t1\n", ":1: header must be 'name<TAB>rank' or 'name<TAB>downloads...'"),
        ("name\trank\nrequests\n", ":2: expected 'name<TAB>rank'"),
        ("name\trank\nrequests\t-1\n", ":2: rank '-1' is not a positive integer"),
        ("name\trank\nbad name\t1\n", ":2: 'bad name' is not a valid PyPI name"),
    ],
)
def test_bad_ranking_files_fail_cleanly(tmp_path: Path, content: str, message: str) -> None:
    """A bad ranking file is one error line naming the file and line; nothing is written."""
    ranking = tmp_path / "ranking.tsv"
    ranking.write_text(content)
    out = tmp_path / "out.tsv"
    result = build(str(ranking), "--ecosystem", "pypi", "-o", str(out))
    assert 2 == result.returncode
    assert message in result.stderr
    assert 1 == result.stderr.count("\n")
    assert not out.exists()


def test_min_downloads_needs_downloads(tmp_path: Path) -> None:
    """--min-downloads on a rank file is refused."""
    ranking = tmp_path / "r.tsv"
    ranking.write_text("name\trank\nboto3\t1\n")
    result = build(
        str(ranking), "--ecosystem", "pypi", "-o", str(tmp_path / "o"), "--min-downloads", "5"
    )
    assert 2 == result.returncode
    assert "--min-downloads needs a ranking file with download counts" in result.stderr


def test_bundled_lists_are_what_the_script_writes() -> None:
    """The shipped files are in the script's exact format (sorted, normalised, headed)."""
    data = Path(__file__).parents[2] / "data" / "popular"
    for ecosystem in (Ecosystem.PYPI, Ecosystem.NPM):
        path = data / f"{ecosystem.purl_type}.tsv"
        parsed = parse_list(path.read_text(), str(path))
        again = render_list(parsed.ecosystem, parsed.kind, parsed.weights, source=parsed.source)
        assert path.read_text() == again
