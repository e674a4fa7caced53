"""The Action's pull-request comment, against a local server standing in for the GitHub REST
API: created once, updated after, never someone else's, a refusal is a warning."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from auditor.ci.__main__ import main
from auditor.ci.comment import BODY_LIMIT, MARKER, body
from tests.ci.actionsim import Runner
from tests.ci.gitrepos import git, make_repos
from tests.httpserver import HttpTestServer, Reply, Request, json_reply
from tests.support import run_cli

TOKEN = "ghs_not_a_real_token_0123456789"  # noqa: S105 - a made-up token
SALEOR = Path(__file__).parents[2] / "examples" / "saleor-2020"
COMMENTS = "/repos/example/shop/issues/7/comments"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A real report's folder (summary.md of saleor's lockfile)."""
    folder = tmp_path / "out"
    result = run_cli(["report", str(SALEOR), "--out", str(folder), "--no-site", "--no-store"])
    assert 0 == result.code, result.err
    return folder


def env(server: HttpTestServer, tmp_path: Path, event: str = "pull_request") -> dict[str, str]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"number": 7, "pull_request": {"number": 7}}))
    return {
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_API_URL": server.url,
        "GITHUB_REPOSITORY": "example/shop",
        "AUDITOR_GITHUB_TOKEN": TOKEN,
    }


def comment(out: Path, environ: dict[str, str], *extra: str) -> int:
    return main(
        ["comment", "--out", str(out), "--exit-code", "1", "--fail-on", "high", *extra], environ
    )


def ours(comment_id: int, text: str = "old") -> dict[str, Any]:
    return {
        "id": comment_id,
        "user": {"login": "github-actions[bot]", "type": "Bot"},
        "body": f"{MARKER}\n{text}",
    }


def test_the_comment_is_created_then_updated(
    http_server: HttpTestServer, out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No comment yet: POST with the summary and the verdict, the token in the header.
    Then the run's own comment (on the second page) is updated with PATCH; a comment a
    person wrote with the marker in it is left alone."""
    environ = env(http_server, tmp_path)
    http_server.json("GET", COMMENTS, [])
    http_server.json(
        "POST", COMMENTS, {"id": 101, "html_url": "https://github.invalid/c/101"}, status=201
    )
    assert 0 == comment(out, environ)
    (posted,) = http_server.calls("POST", COMMENTS)
    assert f"Bearer {TOKEN}" == posted.header("Authorization")
    text = posted.json()["body"]
    assert text.startswith(MARKER + "\n## auditor: saleor-2020")
    assert text.rstrip().endswith(
        "auditor exit code 1: findings at or above the fail-on threshold (fail-on: `high`)."
    )
    assert "pull-request comment created: https://github.invalid/c/101" in capsys.readouterr().out

    person = {"id": 5, "user": {"login": "mallory", "type": "User"}, "body": f"{MARKER} mine"}
    first = [person, *({"id": n, "user": {"type": "User"}, "body": "lgtm"} for n in range(10, 109))]

    def pages(request: Request) -> Reply:
        page = request.param("page")
        return json_reply(first if page == "1" else [ours(202)])

    http_server.route("GET", COMMENTS, pages)
    http_server.json("PATCH", "/repos/example/shop/issues/comments/202", {"id": 202})
    assert 0 == comment(out, environ)
    (patched,) = http_server.calls("PATCH")
    assert patched.json()["body"] == text
    assert ["1", "2"] == [r.param("page") for r in http_server.calls("GET", COMMENTS)[-2:]]
    assert 1 == len(http_server.calls("POST", COMMENTS))
    assert TOKEN not in capsys.readouterr().out


def test_a_refusal_is_one_warning(
    http_server: HttpTestServer, out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fork's read-only token gets 403: one warning line, exit 0, no token shown."""
    http_server.json("GET", COMMENTS, [])
    http_server.json(
        "POST", COMMENTS, {"message": "Resource not accessible by integration"}, status=403
    )
    assert 0 == comment(out, env(http_server, tmp_path))
    printed = capsys.readouterr().out
    assert (
        "::warning::auditor: pull-request comment not written: HTTP 403: the token cannot comment "
        "here (a pull request from a fork, or the job lacks pull-requests: write)"
    ) in printed
    assert TOKEN not in printed


def test_no_comment_outside_pull_requests_or_when_switched_off(
    http_server: HttpTestServer, out: Path, tmp_path: Path
) -> None:
    """auto: only on pull-request events; false: never; a pull request number is needed."""
    assert 0 == comment(out, env(http_server, tmp_path, event="schedule"))
    assert 0 == comment(out, env(http_server, tmp_path), "--mode", "false")
    no_number = {**env(http_server, tmp_path), "GITHUB_EVENT_PATH": ""}
    assert 0 == comment(out, no_number)
    assert [] == http_server.requests


def test_a_long_summary_is_cut_to_the_comment_limit() -> None:
    """The body never exceeds GitHub's limit and says it was cut."""
    text = body("x" * (BODY_LIMIT + 10))
    assert BODY_LIMIT == len(text)
    assert text.endswith("the job summary holds all of it._\n")


def test_the_action_comments_on_a_pull_request(http_server: HttpTestServer, tmp_path: Path) -> None:
    """action.yml on a pull_request event: the comment step posts the job summary with the
    job token (never printed in the step's log)."""
    repos = make_repos(tmp_path)
    sha = git(repos.workspace, "rev-parse", "HEAD").strip()
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"number": 3, "pull_request": {"number": 3, "base": {"sha": sha}}}))
    http_server.json("GET", "/repos/example/shop/issues/3/comments", [])
    http_server.json("POST", "/repos/example/shop/issues/3/comments", {"id": 9}, status=201)
    runner = Runner(
        workspace=repos.workspace,
        temp=tmp_path / "run",
        event_name="pull_request",
        base_env={"GITHUB_EVENT_PATH": str(event), "GITHUB_API_URL": http_server.url},
        uses_handlers={"actions/setup-python": lambda _: {"python-path": sys.executable}},
        step_handlers={"install": lambda _: {"python": sys.executable}},
    )
    run = runner.run({"sync-advisories": "false", "advisory-source": "osv-local"})
    step = next(s for s in run.steps if s.name == "Comment on the pull request")
    assert (True, 0) == (step.ran, step.code), step.stderr
    (posted,) = http_server.calls("POST")
    assert f"Bearer {runner.token}" == posted.header("Authorization")
    summary = (tmp_path / "run" / "step-summary.md").read_text()
    assert body(summary) == posted.json()["body"]
    assert runner.token not in step.stdout + step.stderr
