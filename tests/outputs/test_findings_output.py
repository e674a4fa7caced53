"""Findings JSON (golden) and the terminal table."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone

from auditor.advisories.base import SourceOptions
from auditor.advisories.osv_local import OsvLocalSource
from auditor.checks.vulnerabilities import VulnerabilityCheck
from auditor.core.findings import IgnoreRule
from auditor.core.result import AuditResult
from auditor.outputs.findings_json import FINDINGS_SCHEMA, findings_document
from auditor.outputs.graph_json import dumps
from auditor.outputs.table import render_findings, safe, verdict
from auditor.pipeline.audit import AuditOptions, audit, collect_paths
from tests.support import FIXTURES

SMALL = FIXTURES / "scan" / "small"
GOLDEN = FIXTURES / "scan" / "small.findings.json"
NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)


def small_result(*ignores: IgnoreRule) -> AuditResult:
    source = OsvLocalSource(FIXTURES / "advisories", options=SourceOptions(now=NOW))
    # relative paths keep the document independent of where the checkout lives
    cwd = os.getcwd()
    os.chdir(FIXTURES.parent.parent)
    try:
        collection = collect_paths(["tests/fixtures/scan/small"])
        source.path = source.path.relative_to(FIXTURES.parent.parent)
        # the advisory findings only: typosquat findings have their own output tests
        # (tests/checks/typosquat/test_check.py)
        options = AuditOptions(
            sources=(source,), checks=(VulnerabilityCheck(),), ignores=ignores, today=NOW.date()
        )
        return audit(collection, options)
    finally:
        os.chdir(cwd)


def test_findings_json_matches_the_golden_file() -> None:
    """The whole document is byte-stable (AUDITOR_UPDATE_GOLDEN=1 rewrites the file)."""
    text = dumps(findings_document(small_result()))
    if os.environ.get("AUDITOR_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text)
    assert GOLDEN.read_text() == text


def test_findings_json_shape() -> None:
    """Documented keys in order; packages in the graph's shape; paths from a root."""
    doc = findings_document(small_result())
    assert [
        "schema",
        "status",
        "sources",
        "summary",
        "findings",
        "suppressed",
        "expired_ignores",
        "unchecked",
        "excluded",
        "skipped",
        "errors",
        "warnings",
        "notes",
        "fix_plans",
        "health",
        "unverified",
        "duplicates",
        "unaudited",
        "unsupported",
        "excluded_files",
        "omit",
        "omitted",
        "omitted_unchecked",
        "vex_unmatched",
        "exploit_data",
    ] == list(doc)
    assert (FINDINGS_SCHEMA, "incomplete") == (doc["schema"], doc["status"])
    by_id = {f["id"]: f for f in doc["findings"]}
    assert [
        "MAL-2022-7425",
        "PYSEC-2021-871",
        "PYSEC-2021-88",
        "PYSEC-2021-98",
        "PYSEC-2022-302",
    ] == sorted(by_id)
    zope = by_id["PYSEC-2021-88"]
    assert "zope" == zope["package"]["name"]
    assert [["root:Pipfile.lock", "pkg:pypi/zope@5.1"]] == zope["paths"]
    assert "5.2.1" == zope["fix_version"]
    assert "malicious" == by_id["MAL-2022-7425"]["kind"]
    assert [("pkg:pypi/steam@1.0.0",)] == [(u["package"],) for u in doc["unchecked"]]
    assert 7 == doc["summary"]["packages"]
    assert 6 == doc["summary"]["checked"]


def test_suppressed_findings_stay_in_the_document() -> None:
    """An ignored finding is listed under suppressed with its reason and expiry."""
    rule = IgnoreRule(id="CVE-2021-33203", reason="admindocs off", expires="2099-01-01", origin="x")
    doc = findings_document(small_result(rule))
    assert "PYSEC-2021-98" not in [f["id"] for f in doc["findings"]]
    (item,) = doc["suppressed"]
    assert ("PYSEC-2021-98", "admindocs off", "2099-01-01") == (
        item["finding"]["id"],
        item["reason"],
        item["expires"],
    )


def test_table() -> None:
    """Columns, one row per finding, suppressed section, and an honest verdict."""
    rule = IgnoreRule(id="PYSEC-2021-98", reason="admindocs off", origin="auditor.toml: ignore[0]")
    lines = render_findings(small_result(rule)).splitlines()
    assert ["PACKAGE", "VERSION", "ID", "SEVERITY", "FIX", "PATH"] == lines[0].split()
    row = next(line for line in lines if line.startswith("zope"))
    assert [
        "zope",
        "5.1",
        "PYSEC-2021-88",
        "unknown",
        "5.2.1",
        "(unverified)",  # a flat lockfile without registry lookups: who requires zope?
        "Pipfile.lock",
        "→",
        "zope@5.1",
    ] == row.split()
    mal = next(line for line in lines if line.startswith("pyg-utils"))
    assert "critical (malicious)" in mal
    assert "  django@3.0.6 PYSEC-2021-98: admindocs off (auditor.toml: ignore[0])" in lines
    assert lines[-1].startswith("4 findings in 4 packages (1 critical, 3 unknown);")
    assert "1 package could NOT be checked" in lines[-1]


def test_verdict_never_claims_clean_when_incomplete() -> None:
    """Without findings: "no known vulnerabilities" only when every package was checked."""
    result = small_result()
    clean = AuditResult(graph=result.graph, sources=result.sources)
    assert verdict(clean).startswith("no known vulnerabilities in 7 packages")
    partial = AuditResult(graph=result.graph, sources=result.sources, unchecked=result.unchecked)
    assert "no known vulnerabilities" not in verdict(partial)
    assert verdict(partial).startswith("no findings in the 6 packages checked")


def test_terminal_text_is_made_safe() -> None:
    """Escape sequences and bidi overrides from third-party text are shown, not obeyed."""
    assert "evil\\x1b[2Jname\\u202e" == safe("evil\x1b[2Jname\u202e")
    assert "plain → text" == safe("plain → text")


def test_golden_is_valid_json() -> None:
    """The golden file is the JSON the CLI prints."""
    assert json.loads(GOLDEN.read_text())["schema"] == FINDINGS_SCHEMA
