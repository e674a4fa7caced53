"""action.yml run step by step with a fake GitHub environment, on local git repositories.

The runner (tests/ci/actionsim.py) evaluates the action's expressions and runs its shell
steps for real; steps that use other actions are recorded, and the install step is answered
with the Python running these tests (which has auditor installed).
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ci.actionsim import ActionRun, Runner, read_outputs
from tests.ci.gitrepos import Repos, make_repos
from tests.support import FIXTURES, run_cli

OFFLINE = {"sync-advisories": "false", "advisory-source": "osv-local"}


def runner(repos: Repos, temp: Path, event: str = "schedule") -> Runner:
    return Runner(
        workspace=repos.workspace,
        temp=temp,
        event_name=event,
        uses_handlers={"actions/setup-python": lambda _: {"python-path": sys.executable}},
        step_handlers={"install": lambda _: {"python": sys.executable}},
    )


def history_of(repos: Repos, tmp_path: Path, name: str = "history.db") -> dict[str, object]:
    store = repos.branch_file("auditor-history", "auditor.db", tmp_path / name)
    result = run_cli(["history", "--db", str(store), "--json"])
    assert 0 == result.code, result.err
    return dict(json.loads(result.out))


def failed_steps(run: ActionRun) -> list[tuple[str, int, str]]:
    return [(s.name, s.code, s.stderr[-300:]) for s in run.steps if s.ran and s.code]


@dataclass(frozen=True)
class Scenario:
    """Three runs of the action on one repository, as a nightly job would see them."""

    repos: Repos
    base: Path
    first: ActionRun  # schedule, offline
    second: ActionRun  # schedule, lockfile changed, fail-on high, retention-days 30
    pull: ActionRun  # pull_request, publish-pages true


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    base = tmp_path_factory.mktemp("action")
    repos = make_repos(base)
    first = runner(repos, base / "run1").run(OFFLINE)
    lock = repos.workspace / "poetry.lock"
    lock.write_text(lock.read_text().replace('version = "2.6.0"', 'version = "2.7.0"', 1))
    second = runner(repos, base / "run2").run(
        {**OFFLINE, "fail-on": "high", "retention-days": "30"}
    )
    pull = runner(repos, base / "run3", event="pull_request").run(
        {**OFFLINE, "publish-pages": "true"}
    )
    return Scenario(repos=repos, base=base, first=first, second=second, pull=pull)


def test_two_runs_accumulate_two_snapshots_on_the_history_branch(scenario: Scenario) -> None:
    """A first run creates the history branch with one snapshot, a second adds another; the
    branch keeps one commit, and each run's outputs name its snapshot."""
    assert [] == failed_steps(scenario.first)
    assert ("1", "shop") == (
        scenario.first.outputs["snapshot-id"],
        scenario.first.outputs["project"],
    )
    assert "2" == scenario.second.outputs["snapshot-id"]
    doc = history_of(scenario.repos, scenario.base)
    assert "shop" == doc["project"]
    snapshots = doc["snapshots"]
    assert isinstance(snapshots, list)
    assert [1, 2] == [s["id"] for s in snapshots]
    assert 1 == snapshots[1]["churn"]["upgraded"]
    assert 1 == scenario.repos.commit_count("auditor-history")
    token = runner(scenario.repos, scenario.base).token
    logs = [s.stdout + s.stderr for run in (scenario.first, scenario.second) for s in run.steps]
    assert [] == [text for text in logs if token in text]
    readme = scenario.repos.branch_file("auditor-history", "README.md", scenario.base / "README")
    assert "auditor history" in readme.read_text()


def test_summary_and_outputs_are_written(scenario: Scenario) -> None:
    """The job summary holds the report's summary and the verdict; the outputs carry the
    counts of findings.json, and the report directory is uploaded as the artifact."""
    run = scenario.pull  # the last run: its report is the one in the workspace
    out = scenario.repos.workspace / "auditor-report"
    document = json.loads((out / "findings.json").read_text())
    by_severity = document["summary"]["by_severity"]
    assert str(document["summary"]["packages"]) == run.outputs["packages"]
    assert str(document["summary"]["findings"]) == run.outputs["findings"]
    for severity in ("critical", "high", "medium", "low", "unknown"):
        assert str(by_severity[severity]) == run.outputs[f"findings-{severity}"]
    assert int(run.outputs["findings"]) > 0
    first = scenario.first
    assert ("0", "complete") == (first.outputs["exit-code"], first.outputs["status"])
    summary = (scenario.base / "run1" / "step-summary.md").read_text()
    assert "auditor exit code 0: clean." in summary
    assert "185" in summary
    artifact = first.used("actions/upload-artifact")
    assert {"name": "auditor-report", "path": "auditor-report"} == {
        k: artifact.with_[k] for k in ("name", "path")
    }
    index = first.steps.index(first.step("report"))
    step_outputs = read_outputs(scenario.base / "run1" / f"output-{index}")
    assert step_outputs["findings"] == first.outputs["findings"]


def test_fail_on_fails_the_job_after_publishing(scenario: Scenario) -> None:
    """With findings over fail-on, the summary, the artifact and the history push still
    happen; only the last step (the gate) fails, with exit code 1."""
    run = scenario.second
    assert run.failed
    assert "1" == run.outputs["exit-code"]
    ran = [s for s in run.steps if s.ran]
    assert [("Apply the fail-on gate", 1)] == [(s.name, s.code) for s in ran if s.code]
    assert "Apply the fail-on gate" == ran[-1].name
    assert run.used("actions/upload-artifact").ran
    assert "(fail-on: `high`)" in (scenario.base / "run2" / "step-summary.md").read_text()
    pushed = next(s for s in run.steps if s.name == "Push the history branch")
    assert (True, 0) == (pushed.ran, pushed.code)


def test_retention_prunes_before_the_push(scenario: Scenario) -> None:
    """retention-days runs auditor store prune on the history store before it is pushed."""
    prune = next(s for s in scenario.second.steps if s.name == "Delete old snapshots")
    assert (True, 0) == (prune.ran, prune.code), prune.stderr
    assert "deleted 0 snapshots" in prune.stdout
    assert not next(s for s in scenario.first.steps if s.name == "Delete old snapshots").ran


def test_pull_requests_read_the_history_but_do_not_push_it(scenario: Scenario) -> None:
    """On a pull request the run sees the stored history (its snapshot is the third) but
    leaves the branch as the scheduled runs pushed it."""
    run = scenario.pull
    assert "3" == run.outputs["snapshot-id"]
    pushed = next(s for s in run.steps if s.name == "Push the history branch")
    assert "history not saved (pull_request)" in pushed.stdout
    assert [1, 2] == [s["id"] for s in history_of(scenario.repos, scenario.base)["snapshots"]]  # type: ignore[union-attr]


def test_pages_uploads_the_site(scenario: Scenario) -> None:
    """publish-pages uploads the site the report wrote (its index.html) and deploys it."""
    run = scenario.pull
    site = scenario.repos.workspace / "auditor-report" / "index.html"
    assert site.exists()
    check = next(s for s in run.steps if s.name == "Check the site for Pages")
    assert 0 == check.code
    assert run.used("actions/upload-pages-artifact").with_["path"] == str(site.parent)
    assert run.used("actions/deploy-pages").ran


def test_sarif_is_uploaded_when_the_report_writes_it(scenario: Scenario) -> None:
    """The code-scanning upload gets the SARIF file the report wrote, with the category."""
    run = scenario.first
    sarif = scenario.repos.workspace / "auditor-report" / "results.sarif"
    assert sarif.exists()
    uploads = [s for s in run.steps if s.uses.startswith("github/codeql-action/upload-sarif")]
    assert 1 == len(uploads)
    assert uploads[0].ran
    assert {"sarif_file": str(sarif), "category": "auditor"} == uploads[0].with_
    assert str(sarif) == run.outputs["sarif-file"]


def test_database_url_replaces_the_history_branch(postgres_url: str, tmp_path: Path) -> None:
    """With database-url the store is that database: no branch is fetched or pushed, the
    snapshot lands in PostgreSQL, and its password appears in no log, output or summary."""
    repos = make_repos(tmp_path)
    url = postgres_url.replace(
        "postgresql+psycopg://auditor@", "postgresql+psycopg://auditor:pw-s3cret@"
    )
    assert "pw-s3cret" in url
    run = runner(repos, tmp_path / "run").run({**OFFLINE, "database-url": url})
    assert [] == failed_steps(run)
    assert not run.step("history").ran
    assert "" == repos.branch_head("auditor-history")
    assert url == run.step("report").env["AUDITOR_DB"]
    assert "1" == run.outputs["snapshot-id"]
    seen = [s.stdout + s.stderr for s in run.steps] + list(run.outputs.values())
    seen.append((tmp_path / "run" / "step-summary.md").read_text())
    assert [] == [text for text in seen if "pw-s3cret" in text]
    listed = run_cli(["history", "--db", url, "--json"])
    assert [1] == [s["id"] for s in json.loads(listed.out)["snapshots"]]


def test_an_incomplete_audit_fails_the_job_unless_told_otherwise(tmp_path: Path) -> None:
    """auto with nothing synced and the OSV API unreachable (a closed port): exit 3, which
    fails the job after publishing; with fail-on-incomplete false it is a warning and the
    job passes, the outputs still saying incomplete."""
    repos = make_repos(tmp_path)
    online = {"sync-advisories": "false", "advisory-source": "auto"}
    failing = runner(repos, tmp_path / "run1").run(online)
    assert ("3", "incomplete") == (failing.outputs["exit-code"], failing.outputs["status"])
    assert [("Apply the fail-on gate", 3)] == [(n, c) for n, c, _ in failed_steps(failing)]
    assert failing.used("actions/upload-artifact").ran
    lenient = runner(repos, tmp_path / "run2").run({**online, "fail-on-incomplete": "false"})
    assert [] == failed_steps(lenient)
    gate = next(s for s in lenient.steps if s.name == "Apply the fail-on gate")
    assert "::warning::auditor: incomplete" in gate.stdout
    assert "incomplete" == lenient.outputs["status"]


def test_strict_counts_git_packages_as_incomplete(tmp_path: Path) -> None:
    """poetry's own lockfile beside the example (poetry-core from git): a normal run passes,
    with the package listed as not audited; strict: true makes it exit 3."""
    repos = make_repos(tmp_path)
    tools = repos.workspace / "tools"
    tools.mkdir()
    shutil.copy(FIXTURES / "poetry-lock/real/python-poetry__poetry__f4670233/poetry.lock", tools)
    normal = runner(repos, tmp_path / "run1").run(OFFLINE)
    assert "0" == normal.outputs["exit-code"], failed_steps(normal)
    strict = runner(repos, tmp_path / "run2").run({**OFFLINE, "strict": "true"})
    assert "3" == strict.outputs["exit-code"]
    assert "true" == strict.step("report").env["STRICT"]
