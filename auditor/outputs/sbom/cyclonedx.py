"""CycloneDX 1.6 (or 1.5, 1.4) JSON and XML, written directly.

- ``metadata.component`` is the project. With one root (one lockfile) its bom-ref is that
  root's id; with several, each root is a nested component of type ``application`` (bom-ref
  = the root id) so the per-file roots stay distinct, and the project depends on each.
- Every package is a ``library`` component whose bom-ref is its id (its purl), with the
  purl, version, scope (see ``common.scope_of``), the lockfile's hashes, a VCS or
  distribution reference for git and URL sources, its declared licence (``licenses.py``),
  and ``auditor:*`` properties (where it
  was found, its scopes, hashes no CycloneDX algorithm names).
- ``dependencies`` lists every node (the project, the roots, every package) with its
  sorted ``dependsOn``.
- Advisory findings become ``vulnerabilities`` (see ``cyclonedx_vex``); other kinds are
  component properties ``auditor:finding:<kind>``.

Why not cyclonedx-python-lib's model and serializer: its ``Bom`` keeps every collection in
sorted containers whose keys are rebuilt on each comparison, and its outputters validate
with a linear search per component, so a 2,000-package project took 5.6 s (JSON) and
6.9 s (XML), and 5 s even with its dependencies built by hand and its validation made
linear; the document written here from the graph takes 0.3 s (figures in bench/README.md).
The output is the same document the library wrote (same members, same order: keys sorted,
collections in the library's sort order); the library's strict JSON and XML validators
check it in the tests, and a test compares it with the library's own rendering of the same
result. The serial number is derived from the content when the time
is fixed (``RenderOptions.reproducible``).

The document is built once as JSON-shaped dictionaries (every member name is CycloneDX's
JSON name); ``cyclonedx_xml`` writes the same dictionaries as XML in the schema's order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from auditor.core.errors import UsageError
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Package, SourceKind
from auditor.core.result import AuditResult
from auditor.outputs.base import TOOL_NAME, RenderOptions, content_serial, tool_version
from auditor.outputs.links import is_advisory
from auditor.outputs.sbom import DEFAULT_SPEC, SPEC_VERSIONS
from auditor.outputs.sbom.common import (
    Json,
    cyclonedx_algorithm,
    download_location,
    is_url,
    json_object,
    scope_of,
)
from auditor.outputs.sbom.cyclonedx_vex import vulnerabilities
from auditor.outputs.sbom.cyclonedx_xml import write_xml
from auditor.outputs.sbom.licenses import cyclonedx_licenses

PROJECT_REF = "project"
SCHEMA_URL = "http://cyclonedx.org/schema/bom-{version}.schema.json"


def spec_version(options: RenderOptions) -> str:
    text = options.spec_version or DEFAULT_SPEC
    if text not in SPEC_VERSIONS:
        known = ", ".join(SPEC_VERSIONS)
        raise UsageError(f"--spec-version {text}: CycloneDX {known} are supported")
    return text


def prop(name: str, value: str) -> Json:
    return {"name": name, "value": value}


def sorted_props(props: Iterable[Json]) -> list[Json]:
    return sorted(props, key=lambda p: (p["name"], p["value"]))


def _name_and_group(package: Package) -> tuple[str, str | None]:
    if package.ecosystem is Ecosystem.NPM and package.name.startswith("@") and "/" in package.name:
        scope, _, name = package.name.partition("/")
        return name, scope
    return package.name, None


def _references(package: Package) -> list[Json]:
    if download_location(package) is None or package.source.url is None:
        return []
    kind = "distribution" if package.source.kind is SourceKind.URL else "vcs"
    url = package.source.url.removeprefix("git+")
    if not is_url(url):
        return []
    comment = f"reference {package.source.reference}" if package.source.reference else None
    return [json_object({"type": kind, "url": url, "comment": comment})]


def _properties(graph: DependencyGraph, package: Package, findings: list[str]) -> list[Json]:
    props = [prop("auditor:found_in", loc.render()) for loc in package.found_in]
    props += [prop("auditor:scope", scope) for scope in graph.scopes(package.id)]
    props.append(prop("auditor:direct", str(graph.is_direct(package.id)).lower()))
    props += [
        prop("auditor:hash", digest.render())
        for digest in package.hashes
        if cyclonedx_algorithm(digest) is None
    ]
    if not package.source.is_registry:
        where = package.source.url or ""
        props.append(prop("auditor:source", f"{package.source.kind.value}:{where}"))
    for text in findings:
        kind, _, ident = text.partition(":")
        props.append(prop(f"auditor:finding:{kind}", ident))
    # a set: the same property twice is one (as in the library's model)
    return sorted_props({(p["name"], p["value"]): p for p in props}.values())


def package_component(
    graph: DependencyGraph, package: Package, findings: list[str] | None = None
) -> Json:
    name, group = _name_and_group(package)
    hashes = sorted(
        {
            (algorithm, digest.value)
            for digest in package.hashes
            if (algorithm := cyclonedx_algorithm(digest)) is not None
        }
    )
    purl = package.purl
    return json_object(
        {
            "type": "library",
            "bom-ref": purl,
            "group": group,
            "name": name,
            "version": package.version or None,
            "scope": scope_of(graph.scopes(package.id)),
            "hashes": [{"alg": alg, "content": value} for alg, value in hashes],
            "licenses": cyclonedx_licenses(package.license),
            "purl": purl,
            "externalReferences": _references(package),
            "properties": _properties(graph, package, findings or []),
        }
    )


def component_key(component: Json) -> tuple[Any, ...]:
    """The library's component order: type, group, name, version (absent ones last), ref."""
    group, version = component.get("group"), component.get("version")
    return (
        component["type"],
        group is None,
        group or "",
        component["name"],
        version is None,
        version or "",
        component.get("bom-ref", ""),
    )


def dependency(ref: str, children: Iterable[str]) -> Json:
    return json_object({"ref": ref, "dependsOn": sorted(set(children))})


def _project(result: AuditResult, options: RenderOptions) -> tuple[Json, list[Json]]:
    graph = result.graph
    roots = graph.roots
    single = roots[0] if len(roots) == 1 else None
    nested = [
        json_object(
            {
                "type": "application",
                "bom-ref": root.id,
                "name": root.name,
                "properties": sorted_props(
                    [
                        prop("auditor:lockfile", root.path),
                        prop("auditor:ecosystem", root.ecosystem.value),
                    ]
                ),
            }
        )
        for root in ([] if single else roots)
    ]
    project = json_object(
        {
            "type": "application",
            "bom-ref": single.id if single else PROJECT_REF,
            "name": options.project_name,
            "version": options.project_version,
            "properties": [prop("auditor:lockfile", single.path)] if single else [],
            "components": sorted(nested, key=component_key),
        }
    )
    deps = [] if single else [dependency(PROJECT_REF, (r.id for r in roots))]
    deps += [dependency(r.id, (e.child for e in graph.children(r.id))) for r in roots]
    return project, deps


def _tools(version: str) -> Any:
    if version == "1.4":  # the legacy list of tools; 1.5 deprecated it for components
        return [{"name": TOOL_NAME, "version": tool_version()}]
    return {"components": [{"name": TOOL_NAME, "type": "application", "version": tool_version()}]}


def bom_document(result: AuditResult, options: RenderOptions) -> Json:
    """The whole CycloneDX document as JSON-shaped data (the spec version in
    ``specVersion``)."""
    version = spec_version(options)
    graph = result.graph
    project, deps = _project(result, options)
    others: dict[str, list[str]] = {}
    for finding in result.findings:
        if not is_advisory(finding):
            others.setdefault(finding.package_id, []).append(f"{finding.kind.value}:{finding.id}")
    components = []
    for package in graph.packages:
        components.append(package_component(graph, package, others.get(package.id)))
        deps.append(dependency(package.id, (e.child for e in graph.children(package.id))))
    metadata = json_object(
        {
            "timestamp": options.when().isoformat(),
            "tools": _tools(version),
            "component": project,
            "properties": [prop("auditor:status", result.status.value)],
        }
    )
    body = json_object(
        {
            "serialNumber": f"urn:uuid:{content_serial(result, options, 'cyclonedx')}",
            "version": 1,
            "metadata": metadata,
            "components": sorted(components, key=component_key),
            "dependencies": sorted(deps, key=lambda d: d["ref"]),
            "vulnerabilities": vulnerabilities(result, version),
        }
    )
    # the library put these three last; kept so documents compare byte for byte across versions
    return body | {
        "$schema": SCHEMA_URL.format(version=version),
        "bomFormat": "CycloneDX",
        "specVersion": version,
    }


def render_cyclonedx_json(result: AuditResult, options: RenderOptions) -> str:
    return json.dumps(bom_document(result, options), indent=2) + "\n"


def render_cyclonedx_xml(result: AuditResult, options: RenderOptions) -> str:
    return write_xml(bom_document(result, options))
