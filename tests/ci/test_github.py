"""Step outputs, the job summary and the step commands of ``python -m auditor.ci``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from auditor.ci import github
from auditor.ci.__main__ import build_parser, escape_data, main, report_command
from auditor.core.errors import AuditorError
from tests.ci.actionsim import read_outputs


def test_outputs_are_appended_and_multiline_values_fenced(tmp_path: Path) -> None:
    """Values are appended as name=value; a value with a newline uses a delimiter block
    that the runner (and the simulator) read back unchanged."""
    out = tmp_path / "out"
    out.write_text("earlier=1\n")
    github.write_outputs(out, {"a": "x=y", "b": "line 1\nline 2"})
    assert {"earlier": "1", "a": "x=y", "b": "line 1\nline 2"} == read_outputs(out)


def test_counts_come_from_findings_json(tmp_path: Path) -> None:
    """The counts are those of the findings document's summary, every severity present."""
    document = {
        "status": "incomplete",
        "summary": {
            "packages": 12,
            "findings": 3,
            "malicious": 1,
            "by_severity": {"critical": 1, "high": 2},
        },
    }
    (tmp_path / "findings.json").write_text(json.dumps(document))
    counts = github.count_outputs(github.read_findings(tmp_path))
    assert {
        "status": "incomplete",
        "packages": "12",
        "findings": "3",
        "malicious": "1",
        "findings-critical": "1",
        "findings-high": "2",
        "findings-medium": "0",
        "findings-low": "0",
        "findings-unknown": "0",
    } == counts


def test_no_report_means_status_error(tmp_path: Path) -> None:
    """When auditor wrote no findings.json, the status output is 'error' and counts empty."""
    counts = github.count_outputs(github.read_findings(tmp_path))
    assert ("error", "") == (counts["status"], counts["findings-high"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "cannot read the findings"),
        ("[]", "not an auditor findings document"),
        ('{"summary": 3}', "not an auditor findings document"),
    ],
)
def test_a_broken_findings_file_is_one_error(tmp_path: Path, text: str, message: str) -> None:
    """A findings.json that is not the findings document is an error naming the file."""
    (tmp_path / "findings.json").write_text(text)
    with pytest.raises(AuditorError, match=message) as info:
        github.read_findings(tmp_path)
    assert str(tmp_path / "findings.json") in str(info.value)


def test_summary_prefers_markdown_then_text(tmp_path: Path) -> None:
    """summary.md is used as written; without it summary.txt goes in a code block (its own
    fences defused); without either the summary says the log has the reason."""
    assert "wrote no report" in github.summary_text(tmp_path, 2, "")
    (tmp_path / "summary.txt").write_text("status: complete\n```\n")
    text = github.summary_text(tmp_path, 3, "high")
    assert text.startswith("## auditor\n\n```text\nstatus: complete\n'''\n```\n")
    assert text.endswith("auditor exit code 3: incomplete: some packages could not be checked.\n")
    (tmp_path / "summary.md").write_text("# Report\n")
    assert (
        "# Report\n\nauditor exit code 1: findings at or above the fail-on threshold "
        "(fail-on: `high`).\n" == github.summary_text(tmp_path, 1, "high")
    )


def test_snapshot_line_is_parsed() -> None:
    """The id and project come from report's "snapshot N of P saved to" line."""
    text = "status: complete\nsnapshot 17 of my shop saved to sqlite:///x.db\n"
    assert ("17", "my shop") == github.snapshot_from_stdout(text)
    assert ("", "") == github.snapshot_from_stdout("nothing saved\n")


def test_report_command_from_inputs() -> None:
    """Empty inputs add no option; paths follow shell quoting; extra formats are added to
    the report's default files (each once)."""
    args = build_parser().parse_args(
        [
            "report",
            "--paths",
            "app 'my dir'\nweb",
            "--out",
            "o",
            "--fail-on",
            "high",
            "--formats",
            "sarif, markdown",
        ]
    )
    assert [
        sys.executable,
        "-m",
        "auditor",
        "report",
        "app",
        "my dir",
        "web",
        "--out",
        "o",
        "--fail-on",
        "high",
        *("--format", "graph-json", "--format", "json", "--format", "cyclonedx-json"),
        *("--format", "sarif", "--format", "markdown", "--format", "summary"),
    ] == report_command(args)


def test_unbalanced_quotes_in_paths_are_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A paths input that cannot be split is one ::error:: line and exit code 2."""
    assert 2 == main(["report", "--paths", "'open", "--out", "o"], env={})
    assert "::error::auditor report: paths: No closing quotation\n" == capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "sync", "history"),
    [
        ([], "true", "true"),
        (["--source", "osv-api"], "false", "true"),
        (["--source", "osv-api, osv-local", "--has-database", "true"], "true", "false"),
        (["--advisory-db", "all.zip"], "false", "true"),
        (["--sync", "false", "--history-branch", ""], "false", "false"),
        (["--sync", "true", "--source", "pypi"], "true", "true"),
    ],
)
def test_plan(tmp_path: Path, argv: list[str], sync: str, history: str) -> None:
    """db sync runs only for osv-local without a database of one's own; the history branch
    is used only without a database URL."""
    out = tmp_path / "out"
    args = ["plan", "--history-branch", "auditor-history", *argv]
    assert 0 == main(args, env={"GITHUB_OUTPUT": str(out)})
    values = read_outputs(out)
    assert (sync, history) == (values["sync"], values["history"])
    assert len(values["day"]) == 10


def test_workflow_command_data_is_escaped() -> None:
    """A message cannot end the ::error:: command early or start another one."""
    assert "a%0A::warning::b%25" == escape_data("a\n::warning::b%")
