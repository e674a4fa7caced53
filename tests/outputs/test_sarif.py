"""SARIF: rules, levels, locations, fingerprints that survive upgrades, suppressions."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from auditor.core.findings import Finding, FindingKind, Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Edge, Location, Package, Root
from auditor.core.result import AuditResult
from auditor.outputs.base import RenderOptions
from auditor.outputs.sarif import level, render_sarif, sarif_document
from tests.outputs.cases import OPTIONS, rich_result
from tests.outputs.oracles import sarif_errors


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        (Severity.CRITICAL, "error"),
        (Severity.HIGH, "error"),
        (Severity.MEDIUM, "warning"),
        (Severity.LOW, "note"),
        (Severity.UNKNOWN, "warning"),
    ],
)
def test_level_from_severity(severity: Severity, expected: str) -> None:
    """critical/high → error, medium → warning, low → note, unknown → warning."""
    assert expected == level(severity)


def _one(version: str, line: int | None, path: str = "requirements.txt") -> AuditResult:
    root = Root(id=f"root:{path}", name=path, ecosystem=Ecosystem.PYPI, path=path)
    package = Package(
        ecosystem=Ecosystem.PYPI,
        name="Django",
        version=version,
        found_in=(Location(path=path, line=line),),
    )
    finding = Finding(
        package_id=package.id, kind=FindingKind.VULNERABILITY, id="PYSEC-2021-98", score=9.8,
        severity=Severity.CRITICAL, summary="traversal", fix_version="3.1.12",
    )  # fmt: skip
    graph = DependencyGraph(
        packages=[package], roots=[root], edges=[Edge(parent=root.id, child=package.id)]
    )
    return AuditResult(graph=graph, findings=(finding,))


def _results(result: AuditResult, options: RenderOptions = OPTIONS) -> list[dict[str, object]]:
    return sarif_document(result, options)["runs"][0]["results"]  # type: ignore[no-any-return]


def test_fingerprint_survives_a_version_bump_and_a_moved_line() -> None:
    """Same package, advisory and file: same fingerprint, whatever the version and line."""
    before = _results(_one("3.0.6", 4))[0]
    after = _results(_one("3.0.14", 9))[0]
    assert before["partialFingerprints"] == after["partialFingerprints"]
    elsewhere = _results(_one("3.0.6", 4, path="other/requirements.txt"))[0]
    assert before["partialFingerprints"] != elsewhere["partialFingerprints"]


def test_result_is_at_the_pinning_line_relative_to_the_repository() -> None:
    """artifactLocation is the lockfile with the scanned folder's prefix; line 1 fallback."""
    options = replace(OPTIONS, source_root="services/api")
    located = _results(_one("3.0.6", 7), options)[0]["locations"]
    assert [
        {
            "physicalLocation": {
                "artifactLocation": {
                    "uri": "services/api/requirements.txt",
                    "uriBaseId": "SRCROOT",
                },
                "region": {"startLine": 7},
            }
        }
    ] == located
    unknown = _results(_one("3.0.6", None))[0]["locations"]
    assert 1 == unknown[0]["physicalLocation"]["region"]["startLine"]  # type: ignore[index]


def test_rules_suppressions_and_other_kinds() -> None:
    """One rule per advisory with help and security-severity; the ignored finding is a
    suppressed result; a typosquat gets a kind/id rule and its evidence in the message."""
    document = sarif_document(rich_result(), OPTIONS)
    run = document["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert [
        "GHSA-35jh-r3h4-6jhm",
        "GHSA-xxxx-yyyy-zzzz",
        "GO-2022-1059",
        "GO-2026-5970",
        "typosquat/typosquat",
    ] == list(rules)
    lodash = rules["GHSA-35jh-r3h4-6jhm"]
    assert "7.2" == lodash["properties"]["security-severity"]
    assert "https://github.com/advisories/GHSA-35jh-r3h4-6jhm" == lodash["helpUri"]
    assert "Fixed in: 4.17.21" in lodash["help"]["text"]
    assert "<img" not in lodash["help"]["markdown"]
    assert "CWE-77" in lodash["properties"]["tags"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    suppressed = by_rule["GHSA-xxxx-yyyy-zzzz"]["suppressions"]
    assert [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "only used at build time (until 2026-01-31)",
        }
    ] == suppressed
    assert (
        "VEX not_affected (code_not_reachable): unicode/norm is never called on untrusted input"
    ) == by_rule["GO-2026-5970"]["suppressions"][0]["justification"]
    assert "imitates: requests" in by_rule["typosquat/typosquat"]["message"]["text"]
    assert "Upgrade to 4.17.21" in by_rule["GHSA-35jh-r3h4-6jhm"]["message"]["text"]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    texts = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert "web/yarn.lock:3: unexpected end of file" in texts
    assert [] == sarif_errors(render_sarif(rich_result(), OPTIONS))  # fmt: skip


def test_sarif_schema_rejects_a_broken_document() -> None:
    """The oracle is not vacuous: a result without a message fails the official schema."""
    document = sarif_document(rich_result(), OPTIONS)
    del document["runs"][0]["results"][0]["message"]
    assert sarif_errors(json.dumps(document))
