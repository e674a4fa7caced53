"""The reference CycloneDX rendering: the same result built with cyclonedx-python-lib's
model and written by its outputters (what auditor did before it wrote the document itself).

Tests compare auditor's document with this one on small inputs: the library is quadratic in
the number of components (a linear search per dependency, comparisons that rebuild sort keys,
validation at output time), so it is not run on the large fixtures.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal

from cyclonedx.model import (
    ExternalReference,
    ExternalReferenceType,
    HashAlgorithm,
    HashType,
    Property,
    XsUri,
)
from cyclonedx.model.bom import Bom
from cyclonedx.model.bom_ref import BomRef
from cyclonedx.model.component import Component, ComponentScope, ComponentType
from cyclonedx.model.dependency import Dependency
from cyclonedx.model.impact_analysis import (
    ImpactAnalysisAffectedStatus,
    ImpactAnalysisJustification,
    ImpactAnalysisState,
)
from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
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
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from packageurl import PackageURL

from auditor.advisories.osv import parse_timestamp
from auditor.core.errors import UsageError
from auditor.core.findings import Finding, IgnoreRule, Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Package, SourceKind
from auditor.core.result import AuditResult
from auditor.core.vex import cyclonedx_justification
from auditor.outputs.base import TOOL_NAME, RenderOptions, content_serial, tool_version
from auditor.outputs.links import database, evidence, is_advisory
from auditor.outputs.sbom.common import cyclonedx_algorithm, download_location, is_url, scope_of

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
    if rule.is_vex:
        justification = cyclonedx_justification(rule.justification)
        return VulnerabilityAnalysis(
            state=ImpactAnalysisState.RESOLVED
            if rule.status == "fixed"
            else ImpactAnalysisState.NOT_AFFECTED,
            justification=ImpactAnalysisJustification(justification) if justification else None,
            detail=f"VEX statement {rule.origin}: {rule.reason}",
        )
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


SPEC_VERSIONS = {"1.6": SchemaVersion.V1_6, "1.5": SchemaVersion.V1_5, "1.4": SchemaVersion.V1_4}
DEFAULT_SPEC = "1.6"
PROJECT_REF = "project"
_SCOPES = {
    "required": ComponentScope.REQUIRED,
    "optional": ComponentScope.OPTIONAL,
    "excluded": ComponentScope.EXCLUDED,
}


def schema_version(options: RenderOptions) -> SchemaVersion:
    text = options.spec_version or DEFAULT_SPEC
    try:
        return SPEC_VERSIONS[text]
    except KeyError:
        known = ", ".join(SPEC_VERSIONS)
        raise UsageError(f"--spec-version {text}: CycloneDX {known} are supported") from None


def _purl(package: Package) -> PackageURL | None:
    try:
        return PackageURL.from_string(package.purl)
    except ValueError:
        return None


def _name_and_group(package: Package) -> tuple[str, str | None]:
    if package.ecosystem is Ecosystem.NPM and package.name.startswith("@") and "/" in package.name:
        scope, _, name = package.name.partition("/")
        return name, scope
    return package.name, None


def _references(package: Package) -> list[ExternalReference]:
    if download_location(package) is None or package.source.url is None:
        return []
    kind = ExternalReferenceType.VCS
    if package.source.kind is SourceKind.URL:
        kind = ExternalReferenceType.DISTRIBUTION
    url = package.source.url.removeprefix("git+")
    if not is_url(url):
        return []
    comment = f"reference {package.source.reference}" if package.source.reference else None
    return [ExternalReference(type=kind, url=XsUri(url), comment=comment)]


def _properties(graph: DependencyGraph, package: Package) -> list[Property]:
    props = [Property(name="auditor:found_in", value=loc.render()) for loc in package.found_in]
    props += [Property(name="auditor:scope", value=scope) for scope in graph.scopes(package.id)]
    props.append(Property(name="auditor:direct", value=str(graph.is_direct(package.id)).lower()))
    props += [
        Property(name="auditor:hash", value=digest.render())
        for digest in sorted(package.hashes)
        if cyclonedx_algorithm(digest) is None
    ]
    if not package.source.is_registry:
        where = package.source.url or ""
        props.append(Property(name="auditor:source", value=f"{package.source.kind.value}:{where}"))
    return props


def _licenses(package: Package) -> list[LicenseExpression | DisjunctiveLicense]:
    license = package.license
    if license is None:
        return []
    if license.expression is not None:
        return [LicenseExpression(license.expression)]
    return [DisjunctiveLicense(name=license.text)]


def package_component(graph: DependencyGraph, package: Package) -> Component:
    name, group = _name_and_group(package)
    hashes = [
        HashType(alg=HashAlgorithm(algorithm), content=digest.value)
        for digest in sorted(package.hashes)
        if (algorithm := cyclonedx_algorithm(digest)) is not None
    ]
    return Component(
        type=ComponentType.LIBRARY,
        bom_ref=package.id,
        name=name,
        group=group,
        version=package.version or None,
        purl=_purl(package),
        scope=_SCOPES[scope_of(graph.scopes(package.id))],
        hashes=hashes,
        licenses=_licenses(package),
        external_references=_references(package),
        properties=_properties(graph, package),
    )


def _project(result: AuditResult, options: RenderOptions) -> tuple[Component, list[Dependency]]:
    graph = result.graph
    roots = graph.roots
    single = roots[0] if len(roots) == 1 else None
    project = Component(
        type=ComponentType.APPLICATION,
        bom_ref=single.id if single else PROJECT_REF,
        name=options.project_name,
        version=options.project_version,
        properties=[Property(name="auditor:lockfile", value=single.path)] if single else [],
    )
    deps: list[Dependency] = []
    if single is None:
        for root in roots:
            project.components.add(
                Component(
                    type=ComponentType.APPLICATION,
                    bom_ref=root.id,
                    name=root.name,
                    properties=[
                        Property(name="auditor:lockfile", value=root.path),
                        Property(name="auditor:ecosystem", value=root.ecosystem.value),
                    ],
                )
            )
        deps.append(_dependency(PROJECT_REF, (r.id for r in roots)))
    deps += [_dependency(r.id, (e.child for e in graph.children(r.id))) for r in roots]
    return project, deps


def _dependency(ref: str, children: Iterable[str]) -> Dependency:
    return Dependency(
        ref=BomRef(ref), dependencies=[Dependency(ref=BomRef(c)) for c in sorted(set(children))]
    )


def build_bom(result: AuditResult, options: RenderOptions) -> Bom:
    graph = result.graph
    bom = Bom()
    bom.serial_number = content_serial(result, options, "cyclonedx")
    bom.metadata.timestamp = options.when()
    bom.metadata.tools.components.add(
        Component(type=ComponentType.APPLICATION, name=TOOL_NAME, version=tool_version())
    )
    bom.metadata.properties.add(Property(name="auditor:status", value=result.status.value))
    project, deps = _project(result, options)
    bom.metadata.component = project
    others: dict[str, list[str]] = {}
    for finding in result.findings:
        if not is_advisory(finding):
            others.setdefault(finding.package_id, []).append(f"{finding.kind.value}:{finding.id}")
    for package in graph.packages:
        component = package_component(graph, package)
        for text in others.get(package.id, ()):
            kind, _, ident = text.partition(":")
            component.properties.add(Property(name=f"auditor:finding:{kind}", value=ident))
        bom.components.add(component)
        deps.append(_dependency(package.id, (e.child for e in graph.children(package.id))))
    for dependency in deps:
        bom.dependencies.add(dependency)
    for vulnerability in vulnerabilities(result):
        bom.vulnerabilities.add(vulnerability)
    return bom


def render_cyclonedx_json(result: AuditResult, options: RenderOptions) -> str:
    bom = build_bom(result, options)
    text = make_outputter(bom, OutputFormat.JSON, schema_version(options)).output_as_string(
        indent=2
    )
    return text + "\n"


def render_cyclonedx_xml(result: AuditResult, options: RenderOptions) -> str:
    bom = build_bom(result, options)
    text = make_outputter(bom, OutputFormat.XML, schema_version(options)).output_as_string(indent=2)
    return text + "\n"
