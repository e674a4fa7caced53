"""Step outputs, the job summary and the step commands of ``python -m auditor.ci``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.ci import github
from auditor.ci.__main__ import build_parser, escape_data, main, report_request
from auditor.core.findings import Finding, FindingKind, Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import CollectResult, Ecosystem, Package
from auditor.core.result import AuditResult, Status
from auditor.outputs import plugins
from auditor.outputs.base import RenderOptions
from auditor.pipeline.report import Counts
from tests.ci.actionsim import read_outputs
from tests.support import FIXTURES

SMALL = FIXTURES / "scan" / "small"


def test_outputs_are_appended_and_multiline_values_fenced(tmp_path: Path) -> None:
    """Values are appended as name=value; a value with a newline uses a delimiter block
    that the runner (and the simulator) read back unchanged."""
    out = tmp_path / "out"
    out.write_text("earlier=1\n")
    github.write_outputs(out, {"a": "x=y", "b": "line 1\nline 2"})
    assert {"earlier": "1", "a": "x=y", "b": "line 1\nline 2"} == read_outputs(out)


def test_counts_come_from_the_report_result() -> None:
    """The counts are those of the run's result, every severity present, as findings.json
    counts them."""
    one, two = (Package(ecosystem=Ecosystem.NPM, name=n, version="1.0.0") for n in "ab")
    collected = CollectResult(
        path="package-lock.json", collector="npm", ecosystem=Ecosystem.NPM, packages=(one, two)
    )

    def finding(package: Package, kind: FindingKind, severity: Severity) -> Finding:
        return Finding(package_id=package.id, kind=kind, id=kind.value, severity=severity)

    result = AuditResult(
        graph=DependencyGraph.from_results([collected]),
        status=Status.INCOMPLETE,
        findings=(
            finding(one, FindingKind.MALICIOUS, Severity.CRITICAL),
            finding(one, FindingKind.VULNERABILITY, Severity.HIGH),
            finding(two, FindingKind.VULNERABILITY, Severity.HIGH),
        ),
    )
    counts = github.count_outputs(Counts.of(result))
    assert {
        "status": "incomplete",
        "packages": "2",
        "findings": "3",
        "malicious": "1",
        "findings-critical": "1",
        "findings-high": "2",
        "findings-medium": "0",
        "findings-low": "0",
        "findings-unknown": "0",
    } == counts
    summary = json.loads(plugins.get("json").render(result, RenderOptions()))["summary"]
    assert str(summary["findings"]) == counts["findings"]
    assert {k: str(v) for k, v in summary["by_severity"].items()} == {
        k.removeprefix("findings-"): v for k, v in counts.items() if k.startswith("findings-")
    }


def test_no_result_means_status_error() -> None:
    """When the job failed before writing a report, the status output is 'error' and the
    counts are empty."""
    counts = github.count_outputs(None)
    assert ("error", "") == (counts["status"], counts["findings-high"])


def test_summary_prefers_markdown_then_text(tmp_path: Path) -> None:
    """summary.md is used as written; without it summary.txt goes in a code block (its own
    fences defused); without either the summary says the log has the reason."""
    assert "wrote no report" in github.summary_text(tmp_path, 2, "")
    (tmp_path / "summary.txt").write_text("status: complete\n```\n")
    text = github.summary_text(tmp_path, 3, "high")
    assert text.startswith("## auditor\n\n```text\nstatus: complete\n'''\n```\n")
    assert text.endswith(
        "auditor exit code 3: incomplete: a check that should have run for some packages "
        "could not.\n"
    )
    (tmp_path / "summary.md").write_text("# Report\n")
    assert (
        "# Report\n\nauditor exit code 1: findings at or above the fail-on threshold "
        "(fail-on: `high`).\n" == github.summary_text(tmp_path, 1, "high")
    )


def test_report_request_from_inputs() -> None:
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
            "sarif, markdown,spdx-json",
            "--project",
            " ",
        ]
    )
    request = report_request(args)
    assert ("app", "my dir", "web") == request.audit.paths
    assert (Path("o"), "high", None) == (request.out, request.audit.fail_on, request.project)
    assert ((), None, None) == (
        request.audit.sources,
        request.audit.advisory_db,
        request.audit.config,
    )
    assert [
        *("graph-json", "json", "cyclonedx-json", "sarif", "markdown", "summary", "spdx-json")
    ] == [f.name for f in request.formats]
    assert (True, True) == (request.store, request.site)
    assert request.backfill is None


def test_backfill_input() -> None:
    """The ``backfill`` input is report's ``--backfill`` (by month)."""
    args = build_parser().parse_args(["report", "--out", "o", "--backfill", " 24m "])
    request = report_request(args)
    assert request.backfill is not None
    assert ("24m", "month") == (request.backfill.since, request.backfill.every)


def test_unknown_extra_format_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A format the report does not know is one ::error:: line and exit code 2, before
    anything runs."""
    assert 2 == main(["report", "--out", "o", "--formats", "pdf"], env={})
    assert "--format pdf: unknown format" in capsys.readouterr().err


def test_unbalanced_quotes_in_paths_are_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A paths input that cannot be split is one ::error:: line and exit code 2."""
    assert 2 == main(["report", "--paths", "'open", "--out", "o"], env={})
    assert "::error::auditor report: paths: No closing quotation\n" == capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "sync", "history"),
    [
        ([], "true", "true"),
        (["--source", "auto"], "true", "true"),
        (["--source", "osv-api"], "false", "true"),
        (["--source", "osv-api, osv-local", "--has-database", "true"], "true", "false"),
        (["--advisory-db", "all.zip"], "false", "true"),
        (["--sync", "false", "--history-branch", ""], "false", "false"),
        (["--sync", "true", "--source", "pypi"], "true", "true"),
    ],
)
def test_plan(tmp_path: Path, argv: list[str], sync: str, history: str) -> None:
    """db sync runs only for auto (the default) and osv-local without a database of one's
    own; the history branch is used only without a database URL."""
    out = tmp_path / "out"
    args = ["plan", "--history-branch", "auditor-history", *argv]
    assert 0 == main(args, env={"GITHUB_OUTPUT": str(out)})
    values = read_outputs(out)
    assert (sync, history) == (values["sync"], values["history"])
    assert len(values["day"]) == 10


def test_workflow_command_data_is_escaped() -> None:
    """A message cannot end the ::error:: command early or start another one."""
    assert "a%0A::warning::b%25" == escape_data("a\n::warning::b%")


def report_step(tmp_path: Path, *argv: str) -> tuple[int, dict[str, str]]:
    """Run the Action's report step in this process; its exit code, outputs and log."""
    outputs = tmp_path / "github-output"
    env = {
        "GITHUB_OUTPUT": str(outputs),
        "AUDITOR_DB": str(tmp_path / "store.db"),
        "AUDITOR_CACHE_DIR": str(tmp_path / "cache"),
        "AUDITOR_NO_REGISTRY": "1",
    }
    code = main(["report", "--out", str(tmp_path / "out"), *argv], env=env)
    return code, read_outputs(outputs)


def test_report_step_outputs_come_from_the_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The step runs the report job in process: the snapshot id and project come from its
    result (a project name that looks like the printed line changes nothing), the counts
    equal findings.json's, and auditor's own log is fenced off from workflow commands."""
    project = "shop saved to nowhere"
    code, outputs = report_step(tmp_path, "--paths", str(SMALL), "--project", project)
    log = capsys.readouterr().out
    assert 0 == code
    assert ("1", project) == (outputs["snapshot-id"], outputs["project"])
    summary = json.loads((tmp_path / "out" / "findings.json").read_text())["summary"]
    assert str(summary["packages"]) == outputs["packages"]
    assert str(summary["findings"]) == outputs["findings"]
    assert str(tmp_path / "out" / "results.sarif") == outputs["sarif-file"]
    assert str(tmp_path / "out") == outputs["site-dir"]
    fence = log.splitlines()[0].removeprefix("::stop-commands::")
    assert log.rstrip().endswith(f"::{fence}::")
    assert f"snapshot 1 of {project} saved to" in log
    code, outputs = report_step(tmp_path, "--paths", str(SMALL), "--project", project)
    assert "2" == outputs["snapshot-id"]


def test_a_failed_report_job_is_status_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A job that fails before writing its report (here: a config file that does not
    exist) gives exit-code 2 and status error, whatever an earlier run left in the output
    folder; the step itself succeeds so that the summary and the gate still run."""
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "findings.json").write_text('{"status": "complete", "summary": {}}')
    (tmp_path / "out" / "results.sarif").write_text("{}")
    (tmp_path / "out" / "auditor-files.json").write_text(
        '{"files": ["findings.json", "results.sarif"]}'  # an earlier run wrote them
    )
    code, outputs = report_step(tmp_path, "--paths", str(SMALL), "--config", "nope.toml")
    log = capsys.readouterr().out
    assert 0 == code
    assert ("2", "error", "", "") == (
        outputs["exit-code"],
        outputs["status"],
        outputs["snapshot-id"],
        outputs["sarif-file"],
    )
    assert "auditor: error: --config: nope.toml is not a file" in log
    assert "::error::auditor report failed (exit code 2)" in log
