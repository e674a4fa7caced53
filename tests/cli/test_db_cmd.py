"""`auditor db sync` and `auditor db status` end to end against a local export server."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from auditor.cli import build_parser
from tests.advisories.exports import serve_exports
from tests.httpserver import HttpTestServer, Reply
from tests.support import run_cli

DOCS = Path(__file__).parents[2] / "docs"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No AUDITOR_* setting of the machine leaks into these tests."""
    for name in (
        "AUDITOR_OSV_EXPORT_URL",
        "AUDITOR_DB_MAX_AGE_DAYS",
        "AUDITOR_STALE_DAYS",
        "AUDITOR_RETRY_BUDGET",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "default-cache"))
    monkeypatch.setenv("AUDITOR_MAX_ATTEMPTS", "2")


def test_db_subcommands_and_options_are_documented() -> None:
    """docs/cli.md has a section for `db sync` and `db status` naming each option."""
    text = (DOCS / "cli.md").read_text()
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    db = sub.choices["db"]  # type: ignore[attr-defined]
    nested = next(a for a in db._actions if a.dest == "db_command")
    assert {"sync", "status"} == set(nested.choices)
    for name, parser in nested.choices.items():
        assert f"## `auditor db {name}" in text, name
        for action in parser._actions:
            assert action.help, f"db {name} {action.dest} has no help"
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert f"`{flag}" in text, f"db {name} {flag}"


def test_sync_then_status(http_server: HttpTestServer, tmp_path: Path) -> None:
    """sync downloads each export once; status lists records, size, age and source."""
    serve_exports(http_server, "PyPI", "Go")
    cache = tmp_path / "cache"
    args = ["db", "sync", "--cache-dir", str(cache), "--osv-export-url", http_server.url]
    first = run_cli([*args, "--ecosystem", "pypi", "Go"])
    assert (0, "") == (first.code, first.err)
    lines = first.out.splitlines()
    assert lines[0].startswith("PyPI: updated: 5 records, ")
    assert lines[1].startswith("Go: updated: 3 records, ")
    assert lines[1].endswith(f"({http_server.url}/Go/all.zip)")
    again = run_cli([*args, "--ecosystem", "Go"])
    assert f"Go: unchanged: 3 records ({http_server.url}/Go/all.zip)\n" == again.out
    status = run_cli(["db", "status", "--cache-dir", str(cache)])
    assert 0 == status.code
    out = status.out.splitlines()
    assert f"databases in {cache / 'osv'}" == out[0]
    assert out[1].split() == ["ecosystem", "state", "records", "size", "age", "source"]
    rows = {line.split()[0]: line.split() for line in out[2:]}
    assert ["Go", "Packagist", "PyPI", "RubyGems", "crates.io", "npm"] == [
        line.split()[0] for line in out[2:]
    ]
    assert rows["Go"][:3] == ["Go", "ok", "3"]
    assert rows["PyPI"][:3] == ["PyPI", "ok", "5"]
    assert rows["npm"] == ["npm", "missing", "-", "-", "-", "run", "auditor", "db", "sync"]
    assert rows["crates.io"][:2] == ["crates.io", "missing"]


def test_export_url_from_environment(
    http_server: HttpTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AUDITOR_OSV_EXPORT_URL replaces the default export location; AUDITOR_CACHE_DIR the cache."""
    serve_exports(http_server, "npm")
    monkeypatch.setenv("AUDITOR_OSV_EXPORT_URL", http_server.url + "/")
    result = run_cli(["db", "sync", "--ecosystem", "npm"])
    assert 0 == result.code, result.err
    assert (tmp_path / "default-cache/osv/npm/all.zip").exists()


def test_one_failing_ecosystem_fails_the_run(http_server: HttpTestServer, tmp_path: Path) -> None:
    """A 500 for npm is one error line naming npm; the others still sync; exit 2."""
    serve_exports(http_server, "PyPI", "Go")
    http_server.route("GET", "/npm/all.zip", Reply(status=500))
    result = run_cli(
        [
            *("db", "sync", "--ecosystem", "PyPI", "npm", "Go"),
            *("--cache-dir", str(tmp_path), "--osv-export-url", http_server.url),
        ]
    )
    assert 2 == result.code
    assert (
        f"auditor: error: npm: GET {http_server.url}/npm/all.zip: HTTP 500 after 2 attempts\n"
        == result.err
    )
    assert 2 == len(result.out.splitlines())


def test_retry_budget_flag(http_server: HttpTestServer, tmp_path: Path) -> None:
    """--retry-budget 0 turns every failure into a failure after one attempt."""
    http_server.route("GET", "/Go/all.zip", Reply(status=503))
    result = run_cli(
        [
            *("db", "sync", "--ecosystem", "Go", "--retry-budget", "0", "--timeout", "5"),
            *("--cache-dir", str(tmp_path), "--osv-export-url", http_server.url),
        ]
    )
    assert "HTTP 503 after 1 attempt (retry budget of 0 retries per run used up)" in result.err
    assert 1 == len(http_server.requests)


def test_status_json_and_stale_warning(
    http_server: HttpTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An old database is reported as stale in JSON and warned about on stderr."""
    serve_exports(http_server, "PyPI")
    cache = ["--cache-dir", str(tmp_path)]
    run_cli(["db", "sync", "--ecosystem", "PyPI", *cache, "--osv-export-url", http_server.url])
    meta_path = tmp_path / "osv/PyPI/meta.json"
    meta = json.loads(meta_path.read_text())
    meta["downloaded"] = (datetime.now(timezone.utc) - timedelta(days=9)).isoformat()
    meta_path.write_text(json.dumps(meta))
    monkeypatch.setenv("AUDITOR_STALE_DAYS", "8")
    result = run_cli(
        ["db", "status", "--json", "--cache-dir", str(tmp_path), "--ecosystem", "PyPI"]
    )
    assert 0 == result.code
    doc = json.loads(result.out)
    [db] = doc["databases"]
    assert ("auditor.db-status/1", 8.0) == (doc["schema"], doc["stale_days"])
    assert ("PyPI", "stale", 5) == (db["ecosystem"], db["state"], db["records"])
    assert 9.0 == pytest.approx(db["age_days"], abs=0.01)
    assert result.err.startswith(
        "auditor: warning: PyPI advisory database is 9.0 days old (more than 8); "
    )
    fresh = run_cli(["db", "status", "--max-age-days", "30", "--cache-dir", str(tmp_path)])
    assert "" == fresh.err


def test_broken_database_exits_2(tmp_path: Path) -> None:
    """A zip without meta.json is an error line and exit 2."""
    folder = tmp_path / "osv/Go"
    folder.mkdir(parents=True)
    (folder / "all.zip").write_bytes(b"PK")
    result = run_cli(["db", "status", "--cache-dir", str(tmp_path)])
    assert 2 == result.code
    assert (
        f"auditor: error: Go: {folder / 'meta.json'}: missing (run auditor db sync)\n" == result.err
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["db", "status", "--ecosystem", "maven"], "--ecosystem: unknown ecosystem 'maven'"),
        (["db", "sync", "--timeout", "0"], "argument --timeout: must be positive"),
        (
            ["db", "status", "--stale-days", "x"],
            "argument --stale-days/--max-age-days: expected a number",
        ),
    ],
)
def test_bad_flags(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Bad values are one-line usage errors with exit 2."""
    try:
        result = run_cli(args)
        code, err = result.code, result.err
    except SystemExit as exc:
        code, err = int(exc.code or 0), capsys.readouterr().err
    assert 2 == code
    assert message in err
