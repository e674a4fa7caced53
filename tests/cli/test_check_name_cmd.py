"""``auditor check-name``: text and JSON output, exit codes, allow-list, bad input, internal
names looked up on the public registry."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.httpserver import HttpTestServer
from tests.registries.recorded import RecordedRegistry
from tests.support import run_cli


def test_text_output_and_exit_1_on_a_finding() -> None:
    """A typosquat is reported with its target and rule; popular names are ok; exit 1."""
    result = run_cli(["check-name", "reqeusts", "requests", "--ecosystem", "pypi"])
    assert 1 == result.code, result.err
    lines = result.out.splitlines()
    assert (
        "reqeusts: medium typosquat: reqeusts looks like requests "
        "(transposition: swaps 'ue' to 'eu')"
    ) == lines[0]
    assert "requests: ok (popular: rank 6)" in lines
    assert "1 of 2 names with findings (PyPI; typosquat, confusion)" == lines[-1]
    assert "" == result.err


def test_exit_0_when_nothing_is_found() -> None:
    """Popular and unremarkable names exit 0."""
    result = run_cli(["check-name", "lodash", "zx-totally-own-name", "--ecosystem", "npm"])
    assert 0 == result.code
    assert "zx-totally-own-name: ok (no finding)" in result.out.splitlines()


def test_json_output() -> None:
    """--json prints the documented shape, names sorted, findings with their evidence."""
    result = run_cli(["check-name", "--json", "--ecosystem", "npm", "lodash", "crossenv"])
    assert 1 == result.code
    doc = json.loads(result.out)
    assert ["schema", "ecosystem", "checks", "names", "invalid"] == list(doc)
    assert "auditor.check-name/1" == doc["schema"]
    assert ["crossenv", "lodash"] == [n["name"] for n in doc["names"]]
    crossenv, lodash = doc["names"]
    assert {"kind": "downloads", "value": lodash["popularity"]["value"]} == lodash["popularity"]
    assert [] == lodash["findings"]
    assert crossenv["popularity"] is None
    finding = crossenv["findings"][0]
    assert "typosquat:cross-env" == finding["id"]
    assert "typosquat" == finding["kind"]
    assert "pkg:npm/crossenv" == finding["package"]["id"]
    assert "high" == finding["severity"]
    evidence = {item["name"]: item["value"] for item in finding["evidence"]}
    assert "cross-env" == evidence["imitates"]
    assert "separator" == evidence["rule"]


def test_allow_list(tmp_path: Path) -> None:
    """--allow-list exempts names; a broken allow-list is one line naming it, exit 2."""
    allow = tmp_path / "allow.txt"
    allow.write_text("pypi:reqeusts\n")
    result = run_cli(["check-name", "reqeusts", "--ecosystem", "pypi", "--allow-list", str(allow)])
    assert 0 == result.code
    assert "reqeusts: ok (allow-list)" in result.out
    allow.write_text("cargo:serde\n")
    broken = run_cli(["check-name", "x", "--ecosystem", "pypi", "--allow-list", str(allow)])
    assert 2 == broken.code
    assert f"auditor: error: {allow}:1: unknown ecosystem 'cargo' (expected pypi or npm)\n" == (
        broken.err
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check-name", "x", "--ecosystem", "go"], "--ecosystem: expected pypi or npm, got 'go'"),
        (["check-name", "a b", "--ecosystem", "npm"], "'a b': not a valid npm package name"),
        (["check-name", "@x/", "--ecosystem", "npm"], "'@x/': not a valid npm package name"),
        (["check-name", "x-", "--ecosystem", "pypi"], "'x-': not a valid PyPI package name"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    """Bad ecosystems and invalid names are one-line usage errors."""
    result = run_cli(args)
    assert 2 == result.code
    assert f"auditor: error: {message}\n" == result.err


def test_missing_ecosystem_is_a_usage_error() -> None:
    """--ecosystem is required (argparse exits 2 with one line)."""
    proc = subprocess.run(
        [sys.executable, "-m", "auditor", "check-name", "requests"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 2 == proc.returncode
    assert "--ecosystem" in proc.stderr
    assert 1 == proc.stderr.count("\n")


def test_internal_names_on_the_public_registry(
    http_server: HttpTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names the config marks internal are looked up on the public registry (the recorded
    answers): one that exists there is a CONFUSION-PUBLIC-NAME finding, one that does not is
    ok, and other names are not sent at all. Offline, nothing is asked and a note says so."""
    RecordedRegistry(http_server)
    monkeypatch.delenv("AUDITOR_OFFLINE", raising=False)
    monkeypatch.setenv("AUDITOR_NO_HTTP_CACHE", "1")
    config = tmp_path / "auditor.toml"
    config.write_text(
        f'internal = ["nose", "acme-*"]\n[public-registries]\npypi = ["{http_server.url}/simple"]\n'
    )
    args = ["check-name", "--ecosystem", "pypi", "--config", str(config), "--json"]
    result = run_cli([*args, "nose", "acme-internal-lib", "six"])
    assert 1 == result.code, result.err
    doc = json.loads(result.out)
    found = {n["name"]: [f["id"] for f in n["findings"]] for n in doc["names"]}
    assert {"acme-internal-lib": [], "nose": ["CONFUSION-PUBLIC-NAME"], "six": []} == found
    assert {"/simple/nose/", "/simple/acme-internal-lib/"} == {r.path for r in http_server.requests}
    http_server.reset()
    offline = run_cli([*args, "--offline", "nose"])
    assert 0 == offline.code
    assert [] == http_server.requests
    assert "internal names were not looked up on the public registry (offline)" in offline.err


def test_one_invalid_name_does_not_stop_the_others() -> None:
    """``check-name a b c`` with one invalid name judges the valid ones (the typosquat is
    still found) and reports the invalid one on its own line; exit 2, as for any input
    that could not be read."""
    result = run_cli(["check-name", "reqeusts", "a b", "requests", "--ecosystem", "pypi"])
    assert 2 == result.code
    assert "auditor: error: 'a b': not a valid PyPI package name\n" == result.err
    assert "reqeusts: medium typosquat: reqeusts looks like requests" in result.out
    assert "requests: ok (popular:" in result.out
    assert result.out.rstrip().endswith("; 1 invalid, not checked")
    as_json = run_cli(["check-name", "reqeusts", "a b", "--ecosystem", "pypi", "--json"])
    document = json.loads(as_json.out)
    assert ["reqeusts"] == [n["name"] for n in document["names"]]
    assert [{"name": "a b", "reason": "not a valid PyPI package name"}] == document["invalid"]
