"""Pull-request runs read auditor's config from the base branch, never the proposed change's."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from auditor.ci.__main__ import main
from tests.ci.actionsim import read_outputs
from tests.ci.gitrepos import Repos, git, make_repos

BASE = 'fail-on = "low"\n'
SILENCING = 'fail-on = "malicious"\nadvisory-db = "own-db"\n'


@pytest.fixture
def repos(tmp_path: Path) -> Repos:
    """main carries a config that fails on any finding; the checkout is a change replacing it
    with one that points at its own (empty) advisory folder and lowers the gate."""
    repos = make_repos(tmp_path)
    (repos.workspace / "auditor.toml").write_text(BASE)
    git(repos.workspace, "add", "auditor.toml")
    git(repos.workspace, "commit", "--quiet", "-m", "config")
    git(repos.workspace, "push", "--quiet", "origin", "main")
    (repos.workspace / "auditor.toml").write_text(SILENCING)
    (repos.workspace / "own-db").mkdir()
    return repos


def run_report(repos: Repos, tmp_path: Path, event: str, **extra: str) -> dict[str, str]:
    outputs = tmp_path / "outputs.txt"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "GITHUB_"))},
        "GITHUB_WORKSPACE": str(repos.workspace),
        "GITHUB_EVENT_NAME": event,
        "GITHUB_OUTPUT": str(outputs),
        "AUDITOR_NO_REGISTRY": "1",
        "AUDITOR_NO_HTTP_CACHE": "1",
        **extra,
    }
    cwd = Path.cwd()
    os.chdir(repos.workspace)
    try:
        code = main(["report", "--out", str(tmp_path / "out"), "--source", "osv-local"], env)
    finally:
        os.chdir(cwd)
    assert 0 == code
    return read_outputs(outputs)


def test_pull_request_uses_the_base_config(repos: Repos, tmp_path: Path) -> None:
    """The change's silencing config is not read: the base's gate and data apply (exit 1)."""
    outputs = run_report(repos, tmp_path, "pull_request", GITHUB_BASE_REF="main")
    assert "1" == outputs["exit-code"]
    assert "0" != outputs["findings"]


def test_the_base_commit_is_fetched_when_missing(repos: Repos, tmp_path: Path) -> None:
    """A shallow pull-request checkout lacks the base commit: it is fetched by its sha."""
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(repos.remote), str(other))
    (other / "auditor.toml").write_text('fail-on = "critical"\n# newer base\n')
    git(other, "commit", "--quiet", "-am", "newer base")
    git(other, "push", "--quiet", "origin", "main")
    sha = git(other, "rev-parse", "HEAD").strip()
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": sha}}}))
    outputs = run_report(repos, tmp_path, "pull_request", GITHUB_EVENT_PATH=str(event))
    assert "0" != outputs["findings"]
    assert sha == git(repos.workspace, "rev-parse", "FETCH_HEAD").strip()


def test_a_base_without_config_reads_none(repos: Repos, tmp_path: Path) -> None:
    """No config on the base: an empty one, not the change's."""
    git(repos.workspace, "rm", "--quiet", "--cached", "auditor.toml")
    git(repos.workspace, "commit", "--quiet", "-m", "no config")
    git(repos.workspace, "push", "--quiet", "origin", "main")
    outputs = run_report(repos, tmp_path, "pull_request", GITHUB_BASE_REF="main")
    assert "0" == outputs["exit-code"]  # report's own default gate: findings do not fail
    assert "0" != outputs["findings"]  # the default advisory data, not the change's folder


def test_scheduled_runs_read_the_checkout(repos: Repos, tmp_path: Path) -> None:
    """Outside pull requests the repository's own config applies, as before."""
    outputs = run_report(repos, tmp_path, "schedule")
    assert ("3", "0") == (outputs["exit-code"], outputs["findings"])  # its empty folder


def test_no_base_is_an_error(
    repos: Repos, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pull request whose base cannot be named fails the step instead of trusting the change."""
    env = {"GITHUB_WORKSPACE": str(repos.workspace), "GITHUB_EVENT_NAME": "pull_request"}
    assert 2 == main(["report", "--out", str(tmp_path / "out")], env)
    assert "no pull_request.base.sha nor GITHUB_BASE_REF" in capsys.readouterr().err


def test_the_git_token_never_reaches_the_report_job(
    repos: Repos, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token that fetches the base is in neither the job's environment nor the process's
    (which programs the job starts would inherit) while the job runs."""
    import auditor.ci.__main__ as step

    secret = "ghs_" + "T0KEN" * 8
    seen: list[tuple[dict[str, str], dict[str, str]]] = []
    real = step.run_report

    def spy(request: step.ReportRequest, environ: dict[str, str]) -> step.ReportResult:
        seen.append((dict(environ), dict(os.environ)))
        return real(request, environ=environ)

    monkeypatch.setattr(step, "run_report", spy)
    monkeypatch.setenv("AUDITOR_GIT_TOKEN", secret)
    outputs = run_report(
        repos, tmp_path, "pull_request", GITHUB_BASE_REF="main", AUDITOR_GIT_TOKEN=secret
    )
    assert "1" == outputs["exit-code"]  # the job ran, with the base's config
    assert 1 == len(seen)
    job_env, process_env = seen[0]
    assert "AUDITOR_GIT_TOKEN" not in job_env
    assert "AUDITOR_GIT_TOKEN" not in process_env
    assert not [k for k, v in {**job_env, **process_env}.items() if secret in v]


def _statement(cve: str, purl: str) -> dict[str, object]:
    return {
        "vulnerability": {"name": cve},
        "products": [{"@id": purl}],
        "status": "not_affected",
        "justification": "vulnerable_code_not_in_execute_path",
    }


def test_pull_requests_read_vex_files_from_the_base(
    repos: Repos, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The VEX the base committed applies; a statement the change adds to it does not (it
    could silence the very finding the change brings), nor a VEX file only the change has."""
    document = {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "urn:x", "author": "a",
                "timestamp": "2020-07-01T00:00:00Z", "version": 1,
                "statements": [_statement("CVE-2021-33203", "pkg:pypi/django")]}  # fmt: skip
    (repos.workspace / "vex.json").write_text(json.dumps(document))
    git(repos.workspace, "add", "vex.json")
    git(repos.workspace, "commit", "--quiet", "-m", "vex")
    git(repos.workspace, "push", "--quiet", "origin", "main")
    document["statements"].append(_statement("CVE-2023-40590", "pkg:pypi/gitpython"))  # type: ignore[attr-defined]
    (repos.workspace / "vex.json").write_text(json.dumps(document))
    (repos.workspace / "extra.json").write_text(json.dumps(document))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "GITHUB_"))},
        "GITHUB_WORKSPACE": str(repos.workspace),
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_BASE_REF": "main",
        "GITHUB_OUTPUT": str(tmp_path / "outputs.txt"),
        "AUDITOR_NO_REGISTRY": "1",
    }
    cwd = Path.cwd()
    os.chdir(repos.workspace)
    try:
        args = ["report", "--out", str(tmp_path / "out"), "--source", "osv-local"]
        assert 0 == main([*args, "--vex", "vex.json extra.json"], env)
    finally:
        os.chdir(cwd)
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert [("PYSEC-2021-98", "vulnerable_code_not_in_execute_path")] == [
        (s["finding"]["id"], s["ignore"]["justification"]) for s in doc["suppressed"]
    ]
    assert "pull request: extra.json is not on the base commit" in capsys.readouterr().out
