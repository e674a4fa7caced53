"""Findings as JSON (``auditor scan --json``, the report's findings.json); see docs/advisories.md.

Packages use the graph JSON's package shape; "why" paths are computed here from the graph
(node ids from a root to the package), not stored in findings. Keys appear in a fixed order
and lists are sorted, so the same run gives the same bytes.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from auditor.core.findings import Epss, Finding, FindingKind, IgnoreRule, Severity, Suppression
from auditor.core.graph import DependencyGraph
from auditor.core.result import AuditResult, SourceInfo
from auditor.outputs.coverage import coverage_sections, coverage_summary
from auditor.outputs.duplicates import duplicate_json
from auditor.outputs.graph_json import error_json, package_json, skipped_json
from auditor.outputs.supply import supply_sections, supply_summary

FINDINGS_SCHEMA = "auditor.findings/1"
PATH_LIMIT = 20


def finding_json(finding: Finding, graph: DependencyGraph) -> dict[str, Any]:
    return {
        "package": package_json(graph.view(finding.package_id)),
        "id": finding.id,
        "aliases": list(finding.aliases),
        "kind": finding.kind.value,
        "severity": finding.severity.value,
        "score": finding.score,
        "summary": finding.summary,
        "details": finding.details,
        "fixed_versions": list(finding.fixed_versions),
        "fix_version": finding.fix_version,
        "references": list(finding.references),
        "cwes": list(finding.cwes),
        "published": finding.published,
        "modified": finding.modified,
        "evidence": [{"name": name, "value": value} for name, value in finding.evidence],
        "paths": [list(p) for p in graph.paths_to(finding.package_id, limit=PATH_LIMIT)],
        "kev": finding.kev,
        "epss": epss_json(finding.epss),
    }


def epss_json(epss: Epss | None) -> dict[str, float] | None:
    return None if epss is None else {"score": epss.score, "percentile": epss.percentile}


def rule_json(rule: IgnoreRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "reason": rule.reason,
        "expires": rule.expires,
        "origin": rule.origin,
        "package": rule.package,
        "versions": rule.versions,
        "path": rule.path,
        "until_fixed": rule.until_fixed,
        "aliases": list(rule.aliases),
        "status": rule.status,
        "justification": rule.justification,
    }


def vex_unmatched_json(rules: tuple[IgnoreRule, ...]) -> list[dict[str, Any]]:
    """One entry per VEX statement that matched no finding, with the packages it named."""
    statements: dict[str, dict[str, Any]] = {}
    for rule in rules:
        entry = statements.setdefault(
            rule.origin,
            {
                "statement": rule.origin,
                "id": rule.id,
                "aliases": list(rule.aliases),
                "status": rule.status,
                "packages": [],
            },
        )
        entry["packages"].append(rule.package)
    return [statements[k] for k in sorted(statements)]


def suppressed_json(item: Suppression, graph: DependencyGraph) -> dict[str, Any]:
    return {
        "finding": finding_json(item.finding, graph),
        "reason": item.rule.reason,
        "expires": item.rule.expires,
        "ignore": rule_json(item.rule),
    }


def source_info_json(info: SourceInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "location": info.location,
        "updated": info.updated,
        "age_days": info.age_days,
        "stale": info.stale,
        "records": info.records,
        "ecosystems": list(info.ecosystems),
        "notes": list(info.notes),
        "error": info.error,
        "sample": info.sample,
    }


def package_reason_json(graph: DependencyGraph, package_id: str, reason: str) -> dict[str, Any]:
    package = graph.package(package_id)
    return {
        "package": package_id,
        "ecosystem": package.ecosystem.value,
        "name": package.name,
        "version": package.version,
        "reason": reason,
    }


def severity_counts(findings: tuple[Finding, ...]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {s.value: counts.get(s, 0) for s in reversed(Severity)}


def findings_summary(result: AuditResult) -> dict[str, Any]:
    unchecked = {package_id for package_id, _ in result.unchecked}
    return {
        "packages": len(result.graph),
        "checked": checked_count(result),
        "unchecked": len(unchecked),
        "excluded": len(result.excluded),
        "findings": len(result.findings),
        "affected_packages": len({f.package_id for f in result.findings}),
        "malicious": sum(1 for f in result.findings if f.kind is FindingKind.MALICIOUS),
        "by_severity": severity_counts(result.findings),
        "suppressed": len(result.suppressed),
        "duplicates": len(result.duplicates),
        **supply_summary(result),
        **coverage_summary(result),
        "omitted": len(result.omitted),
        "kev": sum(1 for f in result.findings if f.kev),
    }


def checked_count(result: AuditResult) -> int:
    """Packages checked against advisories: not unchecked, not local, not unaudited, and
    not among those ``--omit`` left out that could not be checked."""
    unchecked = {p for p, _ in result.unchecked} | {p for p, _ in result.omitted_unchecked}
    return len(result.graph) - len(unchecked) - len(result.excluded) - len(result.unaudited)


def findings_document(result: AuditResult) -> dict[str, Any]:
    graph = result.graph
    return {
        "schema": FINDINGS_SCHEMA,
        "status": result.status.value,
        "sources": [source_info_json(i) for i in result.sources],
        "summary": findings_summary(result),
        "findings": [finding_json(f, graph) for f in result.findings],
        "suppressed": [suppressed_json(s, graph) for s in result.suppressed],
        "expired_ignores": [rule_json(r) for r in result.expired_ignores],
        "unchecked": [package_reason_json(graph, p, r) for p, r in result.unchecked],
        "excluded": [package_reason_json(graph, p, r) for p, r in result.excluded],
        "skipped": [skipped_json(s) for s in result.skipped],
        "errors": [error_json(e) for e in result.errors],
        "warnings": list(result.warnings),
        **supply_sections(result),
        "duplicates": [duplicate_json(d, graph) for d in result.duplicates],
        **coverage_sections(result),
        "omit": list(result.omit),
        "omitted": [finding_json(f, graph) for f in result.omitted],
        "omitted_unchecked": [
            package_reason_json(graph, p, r) for p, r in result.omitted_unchecked
        ],
        "vex_unmatched": vex_unmatched_json(result.vex_unmatched),
        "exploit_data": [source_info_json(i) for i in result.exploit_data],
    }
