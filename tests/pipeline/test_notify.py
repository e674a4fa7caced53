"""``report --notify``: a local HTTP server stands in for a Slack/Teams webhook. Saleor's
real lockfile of two consecutive months is reported into one store: the first run tells
every finding, an unchanged run tells nothing, the next month tells what it brought."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.httpserver import HttpTestServer, Reply
from tests.support import run_cli

HISTORY = Path(__file__).parents[2] / "examples" / "saleor-history"
MAY = HISTORY / "2020-05-26__ea8e38c6"
JUNE = HISTORY / "2020-06-30__30c93eb3"
SECRET = "services/T0000/B0000/XXXXsecretXXXX"  # noqa: S105 - a made-up webhook path


def identities(folder: Path) -> set[tuple[str, str, str]]:
    """What scan finds in a folder, by identity across runs (kind, name, id)."""
    doc = json.loads(run_cli(["scan", str(folder), "--offline", "--json"]).out)
    return {(f["kind"], f["package"]["name"], f["id"]) for f in doc["findings"]}


def report(folder: Path, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli(
        ["report", str(folder), "--project", "saleor", "--db", str(tmp_path / "s.db"),
         "--out", str(tmp_path / "out"), "--no-site", *args]
    )  # fmt: skip
    return result.code, result.out, result.err


@pytest.fixture
def hook(http_server: HttpTestServer) -> str:
    http_server.route("POST", f"/{SECRET}", Reply(body=b"ok"))
    return f"{http_server.url}/{SECRET}"


def test_new_findings_are_posted_once(
    http_server: HttpTestServer, hook: str, tmp_path: Path
) -> None:
    """First run: every finding is new. Same lockfile again: no call. Next month: only the
    findings the new lockfile brought, in the findings shape, with a Slack/Teams text."""
    code, out, err = report(MAY, tmp_path, "--notify", hook)
    assert 0 == code, err
    (first,) = http_server.calls("POST")
    body = first.json()
    assert "application/json" in (first.header("Content-Type") or "")
    may = identities(MAY)
    assert (len(may), len(may), None) == (body["new"], body["findings"], body["previous_snapshot"])
    assert body["text"].startswith(
        f"auditor: {len(may)} new findings in saleor (since no earlier snapshot)\n"
    )
    assert f"notified {http_server.url}/… of {len(may)} new findings" in out
    assert SECRET not in out + err

    report(MAY, tmp_path, "--notify", hook)
    assert 1 == len(http_server.calls("POST"))  # nothing new: no call

    code, _, err = report(JUNE, tmp_path, "--notify", hook)
    assert 0 == code, err
    body = http_server.calls("POST")[-1].json()
    brought = identities(JUNE) - may
    assert brought  # June's lock brings findings May's did not have
    assert brought == {(f["kind"], f["package"]["name"], f["id"]) for f in body["new_findings"]}
    assert (2, 3, "auditor.notification/1", "saleor") == (
        body["previous_snapshot"],
        body["snapshot"],
        body["schema"],
        body["project"],
    )
    assert len(brought) + 1 == len(body["text"].splitlines())
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "Since snapshot 2 \\(" in summary  # Markdown-escaped parenthesis
    assert summary.count("🆕") == len(brought)


def test_a_failed_delivery_is_one_warning_and_never_shows_the_url(
    http_server: HttpTestServer, tmp_path: Path
) -> None:
    """A webhook answering 500 (after retries) or not listening is a warning naming only its
    host; the report's exit code is unchanged and the secret path is printed nowhere."""
    http_server.route("POST", f"/{SECRET}", Reply(status=500, body=b"no"))
    closed = f"http://127.0.0.1:9/{SECRET}?token=abc"
    code, out, err = report(
        MAY, tmp_path, "--notify", f"{http_server.url}/{SECRET}", "--notify", closed
    )
    assert 0 == code
    warnings = [line for line in err.splitlines() if "notify" in line]
    assert 2 == len(warnings), err
    assert warnings[0].startswith(
        f"auditor: warning: notify {http_server.url}/…: not delivered (HTTP 500"
    )
    assert warnings[1].startswith("auditor: warning: notify http://127.0.0.1:9/…: not delivered (")
    assert SECRET not in out + err
    assert "XXXXsecret" not in out + err


def test_the_scanned_tree_cannot_name_a_webhook(tmp_path: Path, hook: str) -> None:
    """notify in the tree's config is refused (one line, exit 2); in a config file of your
    own, or AUDITOR_NOTIFY, it is used."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("poetry.lock", "pyproject.toml"):
        (project / name).write_text((MAY / name).read_text())
    (project / "auditor.toml").write_text(f'notify = ["{hook}"]\n')
    code, _, err = report(project, tmp_path)
    assert 2 == code
    assert err.endswith(
        "a webhook URL is a credential and a place findings are sent: it may not come from the "
        "scanned tree's config (use --notify or AUDITOR_NOTIFY) in notify\n"
    )
    assert SECRET not in err
    own = tmp_path / "own.toml"
    own.write_text(f'notify = ["{hook}"]\n')
    (project / "auditor.toml").unlink()
    code, out, err = report(project, tmp_path, "--config", str(own))
    assert (0, True) == (code, "notified" in out), err


def test_notify_from_the_environment_and_offline(
    http_server: HttpTestServer, hook: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AUDITOR_NOTIFY takes URLs separated by spaces; with --offline nothing is sent, and
    the run says so; a URL that is not http(s) is a usage error."""
    monkeypatch.setenv("AUDITOR_NOTIFY", f"{hook}  {hook}?copy=1")
    report(MAY, tmp_path)
    assert 2 == len(http_server.calls("POST"))
    code, _, err = report(JUNE, tmp_path, "--offline")
    assert 0 == code
    assert f"notify {http_server.url}/…: not delivered (offline: nothing is sent)" in err
    assert 2 == len(http_server.calls("POST"))
    monkeypatch.setenv("AUDITOR_NOTIFY", "mailto:team@example.invalid")
    code, _, err = report(JUNE, tmp_path)
    assert (2, "auditor: error: AUDITOR_NOTIFY: '(not a URL)' is not an http(s) URL\n") == (
        code,
        err,
    )
