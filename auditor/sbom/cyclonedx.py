"""CycloneDX 1.6 (or 1.5, 1.4) JSON and XML, built with cyclonedx-python-lib.

- ``metadata.component`` is the project. With one root (one lockfile) its bom-ref is that
  root's id; with several, each root is a nested component of type ``application`` (bom-ref
  = the root id) so the per-file roots stay distinct, and the project depends on each.
- Every package is a ``library`` component whose bom-ref is its id (its purl), with the
  purl, version, scope (see ``common.scope_of``), the lockfile's hashes, a VCS or
  distribution reference for git and URL sources, and ``auditor:*`` properties (where it
  was found, its scopes, hashes no CycloneDX algorithm names).
- ``dependencies`` lists every node (the project, the roots, every package) with its
  sorted ``dependsOn``.
- Advisory findings become ``vulnerabilities`` (see ``cyclonedx_vex``); other kinds are
  component properties ``auditor:finding:<kind>``.

The library sorts components, dependencies and vulnerabilities; the serial number is
derived from the content when the time is fixed (``RenderOptions.reproducible``).
"""

from __future__ import annotations

from collections.abc import Iterable

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
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from packageurl import PackageURL

from auditor.errors import UsageError
from auditor.formats.base import TOOL_NAME, RenderOptions, content_serial, tool_version
from auditor.formats.links import is_advisory
from auditor.graph import DependencyGraph
from auditor.model import AuditResult, Ecosystem, Package, SourceKind
from auditor.sbom.common import cyclonedx_algorithm, download_location, is_url, scope_of
from auditor.sbom.cyclonedx_vex import vulnerabilities

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
