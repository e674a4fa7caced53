"""Advisory findings as CycloneDX ``vulnerabilities`` (the VEX part of the SBOM).

One vulnerability per advisory id, affecting every component it was found in (each with
its installed version ``affected`` and the fix version ``unaffected``). Ratings carry the
score, severity, CVSS method and vector; CWEs become integers; aliases are references;
the advisory's links are ``advisories``; the fix is the ``recommendation``. A finding the
user ignored carries an ``analysis`` of ``not_affected`` with the ignore's reason, origin
and expiry in ``detail`` (CycloneDX has no expiry field: it is also a property).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal

from cyclonedx.model import Property, XsUri
from cyclonedx.model.impact_analysis import ImpactAnalysisAffectedStatus, ImpactAnalysisState
from cyclonedx.model.vulnerability import (
    BomTarget,
    BomTargetVersionRange,
    Vulnerability,
    VulnerabilityAdvisory,
    VulnerabilityAnalysis,
    VulnerabilityRating,
    VulnerabilityReference,
    VulnerabilityScoreSource,
    VulnerabilitySeverity,
    VulnerabilitySource,
)

from auditor.advisories.osv import parse_timestamp
from auditor.formats.links import database, evidence, is_advisory
from auditor.model import AuditResult, Finding, IgnoreRule, Severity
from auditor.sbom.common import is_url

_SEVERITIES = {
    Severity.CRITICAL: VulnerabilitySeverity.CRITICAL,
    Severity.HIGH: VulnerabilitySeverity.HIGH,
    Severity.MEDIUM: VulnerabilitySeverity.MEDIUM,
    Severity.LOW: VulnerabilitySeverity.LOW,
    Severity.UNKNOWN: VulnerabilitySeverity.UNKNOWN,
}
_CWE = re.compile(r"^CWE-(\d+)$", re.I)


def _method(finding: Finding) -> VulnerabilityScoreSource | None:
    basis = evidence(finding, "severity-basis") or ""
    vector = evidence(finding, "severity-vector") or ""
    if basis == "CVSS_V4":
        return VulnerabilityScoreSource.CVSS_V4
    if basis == "CVSS_V3":
        if vector.startswith("CVSS:3.1/"):
            return VulnerabilityScoreSource.CVSS_V3_1
        return VulnerabilityScoreSource.CVSS_V3
    if basis == "CVSS_V2":
        return VulnerabilityScoreSource.CVSS_V2
    return VulnerabilityScoreSource.OTHER if basis else None


def _rating(finding: Finding) -> VulnerabilityRating:
    name, url = database(finding.id)
    return VulnerabilityRating(
        source=VulnerabilitySource(name=name, url=XsUri(url)),
        score=Decimal(str(finding.score)) if finding.score is not None else None,
        severity=_SEVERITIES[finding.severity],
        method=_method(finding),
        vector=evidence(finding, "severity-vector"),
    )


def _time(text: str | None) -> datetime | None:
    return parse_timestamp(text) if text else None


def _cwes(finding: Finding) -> list[int]:
    return sorted({int(m.group(1)) for c in finding.cwes if (m := _CWE.match(c.strip()))})


def _analysis(rule: IgnoreRule) -> VulnerabilityAnalysis:
    detail = f"ignored: {rule.reason}"
    if rule.origin:
        detail += f" ({rule.origin})"
    if rule.expires:
        detail += f"; the ignore holds until {rule.expires}"
    return VulnerabilityAnalysis(state=ImpactAnalysisState.NOT_AFFECTED, detail=detail)


def _recommendation(result: AuditResult, group: Sequence[Finding]) -> str | None:
    fixes = []
    for finding in group:
        if finding.fix_version:
            package = result.graph.package(finding.package_id)
            fixes.append(f"Upgrade {package.name} to {finding.fix_version}")
    return "; ".join(sorted(set(fixes))) or None


def _affects(result: AuditResult, group: Sequence[Finding]) -> list[BomTarget]:
    targets = []
    for finding in group:
        package = result.graph.package(finding.package_id)
        versions = [
            BomTargetVersionRange(
                version=package.version, status=ImpactAnalysisAffectedStatus.AFFECTED
            )
        ]
        if finding.fix_version:
            versions.append(
                BomTargetVersionRange(
                    version=finding.fix_version, status=ImpactAnalysisAffectedStatus.UNAFFECTED
                )
            )
        targets.append(BomTarget(ref=package.id, versions=versions))
    return targets


def _vulnerability(
    result: AuditResult, group: Sequence[Finding], rule: IgnoreRule | None
) -> Vulnerability:
    lead = group[0]
    name, url = database(lead.id)
    references = [
        VulnerabilityReference(
            id=alias,
            source=VulnerabilitySource(name=database(alias)[0], url=XsUri(database(alias)[1])),
        )
        for alias in lead.aliases
    ]
    links = sorted({ref for f in group for ref in f.references if is_url(ref)})
    properties = [Property(name="auditor:kind", value=lead.kind.value)]
    if rule is not None and rule.expires:
        properties.append(Property(name="auditor:ignore:expires", value=rule.expires))
    return Vulnerability(
        bom_ref=f"{lead.kind.value}:{lead.id}",
        id=lead.id,
        source=VulnerabilitySource(name=name, url=XsUri(url)),
        references=references,
        ratings=[_rating(lead)],
        cwes=_cwes(lead),
        description=lead.summary or None,
        detail=lead.details or None,
        recommendation=_recommendation(result, group),
        advisories=[VulnerabilityAdvisory(url=XsUri(link)) for link in links],
        published=_time(lead.published),
        updated=_time(lead.modified),
        analysis=_analysis(rule) if rule is not None else None,
        affects=_affects(result, group),
        properties=properties,
    )


def vulnerabilities(result: AuditResult) -> Iterator[Vulnerability]:
    """One vulnerability per advisory (kept findings first; an advisory only ignored
    carries the ignore's analysis)."""
    kept: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    ignored: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    rules: dict[tuple[str, str], IgnoreRule] = {}
    for finding in result.findings:
        if is_advisory(finding):
            kept[(finding.kind.value, finding.id)].append(finding)
    for item in result.suppressed:
        if is_advisory(item.finding):
            key = (item.finding.kind.value, item.finding.id)
            ignored[key].append(item.finding)
            rules.setdefault(key, item.rule)
    for key in sorted(kept.keys() | ignored.keys()):
        if key in kept:
            yield _vulnerability(result, sorted(kept[key]), None)
        else:
            yield _vulnerability(result, sorted(ignored[key]), rules[key])
