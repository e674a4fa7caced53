"""`auditor scan` and the advisory options of `auditor report`: output and exit codes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from auditor.advisories import plugins
from auditor.advisories.base import AdvisorySource, SourceAnswer, SourceOptions
from auditor.core.model import Package
from auditor.core.result import SourceInfo
from tests.support import FIXTURES, run_cli

SALEOR = FIXTURES / "scan" / "saleor-2020"
SMALL = FIXTURES / "scan" / "small"
RECORDS = FIXTURES / "advisories"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AUDITOR_ADVISORY_DB", "AUDITOR_OFFLINE", "AUDITOR_STALE_DAYS"):
        monkeypatch.delenv(name, raising=False)


def project(tmp_path: Path, source: Path = SMALL, config: str | None = None) -> Path:
    target = tmp_path / "project"
    shutil.copytree(source, target)
    if config is not None:
        (target / "auditor.toml").write_text(config)
    return target


def test_saleor_with_the_bundled_snapshot() -> None:
    """The bundled example's packages: every record of the snapshot that affects them is
    found, exit 1 (any finding fails by default), and the snapshot is called out."""
    result = run_cli(["scan", "--json", str(SALEOR)])
    assert 1 == result.code, result.err
    doc = json.loads(result.out)
    assert "complete" == doc["status"]
    assert 68 == len(doc["findings"])
    assert 24 == doc["summary"]["affected_packages"]
    django = [f["id"] for f in doc["findings"] if f["package"]["name"] == "django"]
    assert 8 == len(django)
    assert "data/advisories (bundled snapshot)" == doc["sources"][0]["location"]
    assert (
        "auditor: warning: osv-local: the bundled snapshot is a small, dated sample" in result.err
    )
    assert "is stale" in result.err


@pytest.mark.parametrize(("fail_on", "code"), [("malicious", 0), ("critical", 0), ("low", 1)])
def test_fail_on_thresholds_on_saleor(fail_on: str, code: int) -> None:
    """No malicious package in saleor; its many unrated findings count as medium, so they
    fail a low threshold, not a critical one."""
    assert code == run_cli(["scan", "--fail-on", fail_on, str(SALEOR)]).code


@pytest.mark.parametrize(
    ("flags", "code"),
    [
        (["--fail-on", "critical"], 0),
        (["--fail-on", "medium"], 1),
        (["--fail-on", "critical", "--unknown-severity", "fail"], 1),
        (["--fail-on", "low", "--unknown-severity", "ignore"], 0),
        (["--unknown-severity", "ignore"], 1),
    ],
)
def test_unknown_severity_on_go_advisories(flags: list[str], code: int) -> None:
    """prometheus' go.mod meets Go advisories, which carry no severity: `--fail-on critical`
    does not fail on them unless `--unknown-severity fail` says so; `ignore` keeps them from
    any threshold; without --fail-on every vulnerability fails whatever the rule."""
    folder = FIXTURES / "go-mod/real/prometheus__prometheus"
    result = run_cli(["scan", "--offline", "--json", *flags, str(folder)])
    assert code == result.code, result.err
    severities = {f["severity"] for f in json.loads(result.out)["findings"]}
    assert {"unknown"} == severities


def test_findings_then_incomplete_exit_codes(tmp_path: Path) -> None:
    """small/: findings → 1. With every finding ignored, the unevaluable steam record
    still leaves the run incomplete → 3, and steam is named on stderr."""
    db = ["--advisory-db", str(RECORDS)]
    assert 1 == run_cli(["scan", *db, str(SMALL)]).code
    ignores = "".join(
        f'[[ignore]]\nid = "{i}"\nreason = "accepted for the test"\n'
        for i in (
            "PYSEC-2021-871",
            "PYSEC-2021-88",
            "PYSEC-2021-98",
            "MAL-2022-7425",
            "CVE-2022-3389",
            "typosquat:seam",  # steam, the Steam web API client, is one letter from seam
        )
    )
    result = run_cli(["scan", *db, str(project(tmp_path, config=ignores))])
    assert 3 == result.code, result.out + result.err
    assert (
        "auditor: not checked: steam@1.0.0 (PyPI): PYSEC-2019-125: cannot evaluate "
        "affected[0].ranges[0]: invalid PEP 440 version '2019-09-12': not a PEP 440 version\n"
    ) in result.err
    assert "suppressed by ignores (6):" in result.out
    assert "0 packages" not in result.out


def test_clean_project_exits_0(tmp_path: Path) -> None:
    """A project whose packages no record affects: exit 0, an honest clean verdict."""
    (tmp_path / "Pipfile.lock").write_text(
        json.dumps({"default": {"requests": {"version": "==2.31.0"}}, "develop": {}})
    )
    result = run_cli(["scan", "--advisory-db", str(RECORDS), str(tmp_path)])
    assert 0 == result.code, result.err
    assert result.out.startswith("no known vulnerabilities in 1 package checked against osv-local")


def test_unusable_database_means_incomplete_not_clean(tmp_path: Path) -> None:
    """A database with no records: every package unchecked, exit 3, never "clean"."""
    (tmp_path / "db").mkdir()
    steam = '[[ignore]]\nid = "typosquat:seam"\nreason = "the Steam web API client"\n'
    small = project(tmp_path, config=steam)
    result = run_cli(["scan", "--advisory-db", str(tmp_path / "db"), "--json", str(small)])
    assert 3 == result.code
    doc = json.loads(result.out)
    assert "incomplete" == doc["status"]
    assert [] == doc["findings"]
    assert 7 == len(doc["unchecked"])
    assert (
        "auditor: not checked: 7 packages (PyPI 7): osv-local failed: "
        f"no OSV records in {tmp_path / 'db'}\n"
    ) in result.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--advisory-db", "/nonexistent/db"],
            "auditor: error: --advisory-db: /nonexistent/db does not exist\n",
        ),
        (
            ["--source", "osv-lcoal"],
            "auditor: error: unknown advisory source 'osv-lcoal' (expected one of auto, osv-api, "
            "osv-local, pypi)\n",
        ),
        (
            ["--config", "/nonexistent.toml"],
            "auditor: error: --config: /nonexistent.toml is not a file\n",
        ),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    """Bad options are one line on stderr and exit 2, before anything is read."""
    result = run_cli(["scan", *args, str(SMALL)])
    assert (2, message, "") == (result.code, result.err, result.out)


def test_bad_fail_on_is_an_argparse_error() -> None:
    """--fail-on only takes the documented levels."""
    with pytest.raises(SystemExit) as info:
        run_cli(["scan", "--fail-on", "severe", str(SMALL)])
    assert 2 == info.value.code


class Live(AdvisorySource):
    name = "live-test"
    live = True
    description = "test"

    @classmethod
    def from_options(cls, options: SourceOptions) -> Live:
        return cls()

    def describe(self) -> SourceInfo:
        return SourceInfo(name=self.name, location="http://127.0.0.1:9")

    def query_all(self, packages: Sequence[Package]) -> SourceAnswer:
        return SourceAnswer(records={}, unchecked=(), info=self.describe())


def test_offline_with_a_live_source_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """--offline (or AUDITOR_OFFLINE) with a live source selected: exit 2."""
    monkeypatch.setitem(plugins.SOURCES, Live.name, Live)
    result = run_cli(["scan", "--offline", "--source", "osv-local,live-test", str(SMALL)])
    assert 2 == result.code
    assert (
        "--offline allows only local advisory sources, but live-test needs the network"
        in result.err
    )
    monkeypatch.setenv("AUDITOR_OFFLINE", "1")
    assert 2 == run_cli(["scan", "--source", "live-test", str(SMALL)]).code


def test_environment_selects_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """AUDITOR_ADVISORY_DB replaces the bundled snapshot."""
    monkeypatch.setenv("AUDITOR_ADVISORY_DB", str(RECORDS))
    doc = json.loads(run_cli(["scan", "--json", str(SMALL)]).out)
    assert str(RECORDS) == doc["sources"][0]["location"]


def test_config_in_pyproject(tmp_path: Path) -> None:
    """[tool.auditor] in the scanned project: an ignore without a reason is a config error
    naming the file and key; an expired ignore warns and no longer applies."""
    target = project(tmp_path)
    (target / "pyproject.toml").write_text('[tool.auditor]\nignore = [{id = "PYSEC-2021-98"}]\n')
    result = run_cli(["scan", str(target)])
    assert 2 == result.code
    assert "auditor: error: " in result.err
    assert "pyproject.toml: missing 'reason' in tool.auditor.ignore[0]\n" in result.err
    (target / "pyproject.toml").write_text(
        '[tool.auditor]\nadvisory-db = "x"\n'
        'ignore = [{id = "PYSEC-2021-98", reason = "r", expires = 2020-01-01}]\n'
    )
    result = run_cli(["scan", "--advisory-db", str(RECORDS), "--json", str(target)])
    assert 1 == result.code
    doc = json.loads(result.out)
    assert ["PYSEC-2021-98"] == [r["id"] for r in doc["expired_ignores"]]
    assert "PYSEC-2021-98" in [f["id"] for f in doc["findings"]]
    assert "expired on 2020-01-01 and no longer applies" in result.err


def test_broken_lockfile_beats_findings(tmp_path: Path) -> None:
    """An unreadable input file is exit 2 even when the rest has findings."""
    target = project(tmp_path)
    (target / "sub").mkdir()
    (target / "sub" / "Pipfile.lock").write_text("{")
    result = run_cli(["scan", "--advisory-db", str(RECORDS), str(target)])
    assert 2 == result.code
    assert "sub/Pipfile.lock:1: not valid JSON" in result.err


def test_report_writes_findings_and_only_fails_with_fail_on(tmp_path: Path) -> None:
    """report: findings.json beside graph.json, findings in the summary, exit 0 without
    --fail-on and 1 with it."""
    out = tmp_path / "out"
    result = run_cli(["report", "--advisory-db", str(RECORDS), "--out", str(out), str(SALEOR)])
    assert 0 == result.code, result.err
    doc = json.loads((out / "findings.json").read_text())
    assert "auditor.findings/1" == doc["schema"]
    summary = (out / "summary.txt").read_text()
    assert f"advisories: osv-local ({RECORDS}, updated 2025-05-19)" in summary
    assert f"findings: {len(doc['findings'])} in" in summary
    assert (
        1 == run_cli(["report", "--quiet", "--fail-on", "low", "--out", str(out), str(SALEOR)]).code
    )


def test_show_duplicates_lists_each_version_with_who_requires_it() -> None:
    """Without --show, one line counts the names locked at several versions; with
    ``--show duplicates`` a table lists each version with its dependents, like `npm ls`.
    Neither changes the exit code: duplicates are information, not findings."""
    folder = str(FIXTURES / "yarn-lock/real/wallabag__wallabag")
    plain = run_cli(["scan", "--offline", folder])
    assert (
        "duplicate versions: 51 names locked at several versions (106 packages); information, "
        "not findings (--show duplicates lists them)"
    ) in plain.out
    assert "REQUIRED BY" not in plain.out
    shown = run_cli(["scan", "--offline", "--show", "duplicates", folder])
    assert plain.code == shown.code
    lines = shown.out.splitlines()
    assert "duplicate versions (51 names, 106 packages; information, not findings):" in lines
    assert any(line.split() == ["p-limit", "2.3.0", "1", "p-locate@4.1.0"] for line in lines)
    assert any(line.split() == ["3.1.0", "1", "p-locate@5.0.0"] for line in lines)


def test_show_rejects_an_unknown_item(capsys: pytest.CaptureFixture[str]) -> None:
    """--show takes only what it can show; anything else is a usage error (exit 2)."""
    with pytest.raises(SystemExit) as info:
        run_cli(["scan", "--show", "duplicates,licenses", str(SALEOR)])
    assert 2 == info.value.code
    assert "'licenses' is not something to show" in capsys.readouterr().err
