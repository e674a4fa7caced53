"""`auditor scan` and `auditor report` with the supply-chain checks, against the recorded
registry answers served on 127.0.0.1: edges, health, conflicts, confusion, fix plans, and
what offline runs, --no-registry and a failing registry do."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.httpserver import HttpTestServer, json_reply
from tests.registries.recorded import RecordedRegistry, serve_registries
from tests.support import FIXTURES, run_cli

PROJECT = FIXTURES / "scan" / "registry"
SALEOR = FIXTURES / "scan" / "saleor-2020"


@pytest.fixture
def registry(
    http_server: HttpTestServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> RecordedRegistry:
    """Registry lookups on, pointed at the local server; nothing of the machine's own
    configuration is read."""
    return serve_registries(http_server, monkeypatch, tmp_path / "home")


def project(tmp_path: Path, config: str = "") -> Path:
    target = tmp_path / "project"
    shutil.copytree(PROJECT, target)
    if config:
        (target / "auditor.toml").write_text(config)
    return target


def scan_json(*args: str) -> tuple[int, dict[str, object], str]:
    result = run_cli(["scan", "--json", *args])
    return result.code, json.loads(result.out), result.err


def test_scan_with_registries(registry: RecordedRegistry, tmp_path: Path) -> None:
    """Edges come from metadata, health from the index, the real idna conflict is found, and
    the fix plans name the blocking requests pin and the upgrades that lift it, and the pins
    whose metadata the index lacks (nose, urllib3 1.23), which could hold them back too."""
    code, doc, err = scan_json(str(project(tmp_path)))
    assert 1 == code, err
    assert "auditor: note: Pipfile.lock: edges filled in from each pinned release's metadata" in err
    findings = {(f["kind"], f["id"], f["package"]["name"]) for f in doc["findings"]}  # type: ignore[index]
    assert {
        ("conflict", "CONFLICT-REQUIREMENT", "idna"),
        ("health", "HEALTH-UNMAINTAINED", "nose"),
    } <= findings
    plans = {p["name"]: p["text"] for p in doc["fix_plans"]}  # type: ignore[index]
    assert (
        "fix: urllib3 1.23 → 1.26.18 (blocked by requests@2.19.0: urllib3 (<1.24,>=1.21.1); "
        "upgrade requests to 2.31.0; unverified: the requirement of nose@1.3.7 is unknown: "
        "the registry publishes no metadata)"
    ) == plans["urllib3"]
    assert (
        "fix: idna 2.8 → 3.7 (blocked by requests@2.19.0: idna (<2.8,>=2.5); "
        "upgrade requests to 2.31.0; unverified: the requirement of nose@1.3.7 is unknown: "
        "the registry publishes no metadata; unverified: the requirement of urllib3@1.23 is "
        "unknown: the registry publishes no metadata)"
    ) == plans["idna"]
    health = doc["health"]
    assert isinstance(health, dict)
    assert health["libyears"] > 20
    nose = next(h for h in health["packages"] if h["name"] == "nose")
    assert ("1.3.7", 0.0, None) == (nose["latest"], nose["libyears"], nose["error"])
    summary = doc["summary"]
    assert isinstance(summary, dict)
    assert (0, "complete") == (summary["unchecked"], doc["status"])


def test_table_shows_other_findings_plans_and_health(
    registry: RecordedRegistry, tmp_path: Path
) -> None:
    """The table marks blocked fixes and prints the other findings, the plans and health."""
    result = run_cli(["scan", str(project(tmp_path))])
    assert 1 == result.code, result.err
    out = result.out
    assert "1.26.18 (blocked)" in out
    assert "other findings (" in out
    assert "HEALTH-UNMAINTAINED" in out
    assert "fix plans (" in out
    assert "upgrade requests to 2.31.0; unverified: the requirement of nose@1.3.7" in out
    assert "health: 7 of 7 registry packages looked up; drift" in out


@pytest.mark.parametrize(
    ("args", "note"),
    [
        (["--offline"], "offline (--offline or AUDITOR_OFFLINE)"),
        (["--no-registry"], "--no-registry"),
        (["AUDITOR_NO_REGISTRY=1"], "AUDITOR_NO_REGISTRY is set"),
    ],
)
def test_registry_lookups_skipped_with_a_note(
    registry: RecordedRegistry,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    note: str,
) -> None:
    """Offline and --no-registry: no request at all, one note, no error, same exit code."""
    for item in [a for a in args if "=" in a]:
        name, _, value = item.partition("=")
        monkeypatch.setenv(name, value)
    flags = [a for a in args if "=" not in a]
    code, doc, err = scan_json(*flags, str(project(tmp_path)))
    assert 1 == code, err
    assert [] == registry.server.requests
    assert (
        "auditor: note: registry lookups skipped (health, dependency-confusion lookups, edges "
        "of flat lockfiles, fix-plan upgrades, licences the lockfiles do not record): "
        f"{note}\n"
    ) in err
    assert [] == doc["health"]["packages"]  # type: ignore[index]
    assert "complete" == doc["status"]


def test_failing_registry_is_unverified_not_incomplete(
    registry: RecordedRegistry, tmp_path: Path
) -> None:
    """Every registry request fails: packages are unverified with the reason, the exit code
    stays what the advisories make it (1), never 3, and the run takes no retries to death."""
    registry.server.route("GET", "/simple/*", json_reply({"error": "down"}, status=503))
    code, doc, err = scan_json("--retry-budget", "2", str(project(tmp_path)))
    assert 1 == code, err
    assert "complete" == doc["status"]
    reasons = {u["check"] for u in doc["unverified"]}  # type: ignore[index]
    assert {"edges", "health"} == reasons
    assert all("503" in u["reason"] or "not sent" in u["reason"] for u in doc["unverified"])  # type: ignore[index]
    assert len(registry.server.requests) < 15


def test_dependency_confusion_from_the_config(registry: RecordedRegistry, tmp_path: Path) -> None:
    """six and nose declared internal: the lockfile's index is public (critical), and both
    names exist there: six with a version above the locked 1.16.0 (critical), nose at the
    locked 1.3.7 (high). The first public registry is the one asked."""
    url = registry.server.url
    config = (
        'internal = ["six", "pypi:nose"]\n'
        "[public-registries]\n"
        f'pypi = ["{url}/simple", "https://pypi-index.invalid/simple"]\n'
    )
    code, doc, err = scan_json("--fail-on", "critical", str(project(tmp_path, config)))
    assert 1 == code, err
    found = sorted(
        (f["id"], f["package"]["name"], f["severity"])  # type: ignore[index]
        for f in doc["findings"]  # type: ignore[union-attr]
        if f["kind"] == "confusion"  # type: ignore[index]
    )
    assert [
        ("CONFUSION-PUBLIC-NAME", "nose", "high"),
        ("CONFUSION-PUBLIC-NAME", "six", "critical"),
        ("CONFUSION-PUBLIC-SOURCE", "nose", "critical"),
        ("CONFUSION-PUBLIC-SOURCE", "six", "critical"),
    ] == found


def test_report_writes_the_new_sections(registry: RecordedRegistry, tmp_path: Path) -> None:
    """findings.json carries the plans and health; summary.txt the plan lines and drift."""
    out = tmp_path / "out"
    result = run_cli(["report", str(project(tmp_path)), "--out", str(out)])
    assert 0 == result.code, result.err
    summary = (out / "summary.txt").read_text()
    assert "fix plans: 4 (2 blocked)" in summary
    assert "  fix: urllib3 1.23 → 1.26.18 (blocked by requests@2.19.0" in summary
    assert "findings by kind: " in summary
    document = json.loads((out / "findings.json").read_text())
    assert 4 == len(document["fix_plans"])
    graph = json.loads((out / "graph.json").read_text())
    assert any(e["from"] == "pkg:pypi/requests@2.19.0" for e in graph["edges"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--python-version", "3"],
            "argument --python-version: is '3', expected MAJOR.MINOR such as 3.11",
        ),
        (
            ["--platform", "beos"],
            "argument --platform: is 'beos', expected one of linux, darwin, windows",
        ),
    ],
)
def test_bad_environment_flags(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad target-environment flags are one-line usage errors, exit 2."""
    with pytest.raises(SystemExit) as info:
        run_cli(["scan", *args, str(PROJECT)])
    assert 2 == info.value.code
    assert f"auditor: error: scan: {message}\n" == capsys.readouterr().err


@pytest.mark.slow
def test_real_project_saleor(registry: RecordedRegistry) -> None:
    """saleor's 185 pins (Python 3.8): completed, no false conflict, the urllib3 fix is
    blocked by requests 2.24.0 and botocore 1.17.12, each with the upgrade that lifts it."""
    code, doc, err = scan_json(str(SALEOR))
    assert 1 == code, err
    kinds = doc["summary"]["by_kind"]  # type: ignore[index]
    assert 0 == kinds["conflict"]
    plans = {p["name"]: p for p in doc["fix_plans"]}  # type: ignore[index]
    blockers = {b["parent_label"]: b["upgrade"] for b in plans["urllib3"]["blockers"]}
    # requests 2.24.0 is vulnerable itself (its fix: 2.31.0): the upgrades start there
    assert {"requests@2.24.0": "2.31.0", "botocore@1.17.12": "1.35.12"} == blockers
    assert {"requests@2.24.0": "2.31.0"} == {
        b["parent_label"]: b["upgrade"] for b in plans["idna"]["blockers"]
    }
    unknown_health = [u for u in doc["unverified"] if u["check"] == "health"]  # type: ignore[index]
    assert ["codecov"] == [u["name"] for u in unknown_health]  # 2.1.7 was deleted from the index


def test_established_projects_are_not_typosquats(registry: RecordedRegistry) -> None:
    """warehouse's requirements of May 2017 pin pyblake2 (two edits from pyflakes) and
    zxcvbn-python (zxcvbn with -python added). Offline, the names alone make them look-alikes;
    with the registry's answer (first released 2014 and 2016, still served) they are not
    reported. They stayed open for a year in warehouse's history before."""
    main = FIXTURES / "requirements/real/pypi__warehouse__2017-05-31/requirements/main.txt"
    _code, offline, _err = scan_json("--offline", str(main))
    squats = [f["package"]["name"] for f in offline["findings"] if f["kind"] == "typosquat"]  # type: ignore[index]
    assert ["pyblake2", "zxcvbn-python"] == sorted(squats)
    _code, doc, err = scan_json(str(main))
    assert [] == [f for f in doc["findings"] if f["kind"] == "typosquat"], err  # type: ignore[index]
    health = {h["name"]: h for h in doc["health"]["packages"]}  # type: ignore[index]
    assert "2014-04-13T11:07:15Z" == health["pyblake2"]["first_release"]
    assert "2016-12-08T20:05:51Z" == health["zxcvbn-python"]["first_release"]
