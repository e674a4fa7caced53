"""SPDX 2.3 JSON, written directly (the spdx-tools validator checks it in the tests).

- One package per root (the project's lockfiles; ``DESCRIBES`` from the document) and per
  locked package (``filesAnalyzed: false``, a ``PACKAGE-MANAGER`` purl reference, the
  checksums SPDX can name, the declared licence (``licenses.py``)).
- ``supplier`` is the actual distribution source, as SPDX defines it: the ecosystem's
  registry for registry packages, the host of a git or URL source, the project itself for
  its own local packages; ``NOASSERTION`` when nothing is known.
- Every edge is a ``DEPENDS_ON`` relationship; an edge of a scope (dev, optional, a group)
  says so in the relationship's ``comment`` rather than switching to ``DEV_DEPENDENCY_OF``,
  so every consumer that reads ``DEPENDS_ON`` sees the whole graph.
- ``documentNamespace`` carries a UUID that is derived from the content when the time is
  fixed, so the document is byte-stable.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import urlsplit

from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Package, Root, SourceKind
from auditor.core.result import AuditResult
from auditor.outputs.base import TOOL_NAME, RenderOptions, content_serial, iso_utc, tool_version
from auditor.outputs.sbom.common import download_location, spdx_algorithm
from auditor.outputs.sbom.licenses import spdx_declared

NOASSERTION = "NOASSERTION"
DOCUMENT_ID = "SPDXRef-DOCUMENT"
NAMESPACE_BASE = "https://spdx.org/spdxdocs/"
_REGISTRY_SUPPLIERS = {
    Ecosystem.PYPI: "Organization: Python Package Index (PyPI)",
    Ecosystem.NPM: "Organization: npm registry",
    Ecosystem.GO: "Organization: Go module proxy",
    Ecosystem.CRATES_IO: "Organization: crates.io",
    Ecosystem.RUBYGEMS: "Organization: RubyGems",
    Ecosystem.PACKAGIST: "Organization: Packagist",
}
_LOCAL = (SourceKind.PATH, SourceKind.EDITABLE, SourceKind.WORKSPACE)
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
# SPDX 2.3 §7.7: <vcs_tool>+<transport>://<host>[/<path>][@<revision>][#<sub_path>] or a URL
_DOWNLOAD = re.compile(
    r"^((git|hg|svn|bzr)\+)?(https?|ssh|git|svn|sftp|ftp)://([\w\-.!~*'()%;:&=+$,]+@)?"
    r"[a-z0-9]+([\-.][a-z0-9]+)*\.[a-z]{2,}(:[0-9]{1,5})?(/\S*)?$",
    re.I,
)
_NAME_UNSAFE = re.compile(r"[()\n\r]+")


def spdx_id(prefix: str, text: str, identity: str) -> str:
    """``SPDXRef-<prefix>-<readable>-<hash>``: readable, and unique through the hash."""
    readable = _ID_UNSAFE.sub("-", text).strip("-")[:80] or "x"
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:12]
    return f"SPDXRef-{prefix}-{readable}-{digest}"


def package_spdx_id(package: Package) -> str:
    return spdx_id("Package", f"{package.name}-{package.version}", package.id)


def root_spdx_id(root: Root) -> str:
    return spdx_id("Root", root.name, root.id)


def _organization(name: str) -> str:
    text = " ".join(_NAME_UNSAFE.sub(" ", name).split())
    return f"Organization: {text}" if text else NOASSERTION


def supplier(package: Package, project_name: str) -> str:
    kind = package.source.kind
    if kind is SourceKind.REGISTRY:
        return _REGISTRY_SUPPLIERS[package.ecosystem]
    if kind in _LOCAL:
        return _organization(project_name)
    try:
        host = urlsplit((package.source.url or "").removeprefix("git+")).hostname
    except ValueError:
        host = None
    return _organization(host) if host else NOASSERTION


def _download(package: Package) -> str:
    location = download_location(package)
    return location if location and _DOWNLOAD.match(location) else NOASSERTION


def package_json(graph: DependencyGraph, package: Package, project_name: str) -> dict[str, Any]:
    checksums = sorted(
        (
            {"algorithm": algorithm, "checksumValue": digest.value}
            for digest in package.hashes
            if (algorithm := spdx_algorithm(digest)) is not None
        ),
        key=lambda c: (c["algorithm"], c["checksumValue"]),
    )
    document: dict[str, Any] = {
        "SPDXID": package_spdx_id(package),
        "name": package.name,
        "versionInfo": package.version or NOASSERTION,
        "supplier": supplier(package, project_name),
        "downloadLocation": _download(package),
        "filesAnalyzed": False,
    }
    if checksums:
        document["checksums"] = checksums
    document |= {
        "licenseConcluded": NOASSERTION,
        "licenseDeclared": spdx_declared(package.license)[0],
        "copyrightText": NOASSERTION,
        "externalRefs": [
            {
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": package.purl,
            }
        ],
        "primaryPackagePurpose": "LIBRARY",
    }
    places = ", ".join(loc.render() for loc in package.found_in)
    scopes = ", ".join(graph.scopes(package.id))
    notes = [f"found in: {places}"] if places else []
    if scopes:
        notes.append(f"scopes: {scopes}")
    if package.source.url and document["downloadLocation"] == NOASSERTION:
        notes.append(f"source: {package.source.kind.value} {package.source.url}")
    if notes:
        document["comment"] = "; ".join(notes)
    return document


def root_json(root: Root, options: RenderOptions, single: bool) -> dict[str, Any]:
    return {
        "SPDXID": root_spdx_id(root),
        "name": options.project_name if single else root.name,
        "versionInfo": options.project_version or NOASSERTION,
        "supplier": _organization(options.project_name),
        "downloadLocation": NOASSERTION,
        "filesAnalyzed": False,
        "licenseConcluded": NOASSERTION,
        "licenseDeclared": NOASSERTION,
        "copyrightText": NOASSERTION,
        "primaryPackagePurpose": "APPLICATION",
        "comment": f"the project as described by {root.path} ({root.ecosystem.value})",
    }


def _relationships(graph: DependencyGraph) -> list[dict[str, Any]]:
    ids = {p.id: package_spdx_id(p) for p in graph.packages}
    ids |= {r.id: root_spdx_id(r) for r in graph.roots}
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for root in graph.roots:
        key = (DOCUMENT_ID, "DESCRIBES", ids[root.id])
        found[key] = {
            "spdxElementId": DOCUMENT_ID,
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": ids[root.id],
        }
    for edge in graph.edges:
        key = (ids[edge.parent], "DEPENDS_ON", ids[edge.child])
        entry = found.setdefault(
            key,
            {
                "spdxElementId": key[0],
                "relationshipType": "DEPENDS_ON",
                "relatedSpdxElement": key[2],
            },
        )
        if edge.scope:
            scopes = set(filter(None, entry.get("comment", "").removeprefix("scope: ").split(", ")))
            entry["comment"] = "scope: " + ", ".join(sorted(scopes | {edge.scope}))
    return [found[key] for key in sorted(found)]


def spdx_document(result: AuditResult, options: RenderOptions) -> dict[str, Any]:
    graph = result.graph
    serial = content_serial(result, options, "spdx")
    slug = _ID_UNSAFE.sub("-", options.project_name).strip("-") or "project"
    single = len(graph.roots) == 1
    packages = [root_json(r, options, single) for r in graph.roots]
    packages += [package_json(graph, p, options.project_name) for p in graph.packages]
    packages.sort(key=lambda p: str(p["SPDXID"]))
    relationships = _relationships(graph)
    if not graph.roots:
        # nothing was found: the document still describes the project, with no dependency
        empty = Root(id="root:", name=options.project_name, ecosystem=Ecosystem.PYPI, path="")
        packages.insert(0, root_json(empty, options, single=True))
        packages[0]["comment"] = "no supported lockfile was found"
        relationships.insert(
            0,
            {
                "spdxElementId": DOCUMENT_ID,
                "relationshipType": "DESCRIBES",
                "relatedSpdxElement": root_spdx_id(empty),
            },
        )
    extracted: dict[str, dict[str, str]] = {}
    for package in graph.packages:
        for ref, info in spdx_declared(package.license)[1].items():
            extracted.setdefault(ref, info)
    document: dict[str, Any] = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": DOCUMENT_ID,
        "name": options.project_name,
        "documentNamespace": f"{NAMESPACE_BASE}{TOOL_NAME}/{slug}-{serial}",
        "creationInfo": {
            "created": iso_utc(options.when()),
            "creators": [f"Tool: {TOOL_NAME}-{tool_version()}"],
            "comment": f"audit status: {result.status.value}",
        },
        "packages": packages,
        "relationships": relationships,
    }
    if extracted:
        document["hasExtractedLicensingInfos"] = [extracted[r] for r in sorted(extracted)]
    return document


def render_spdx_json(result: AuditResult, options: RenderOptions) -> str:
    return json.dumps(spdx_document(result, options), indent=2, ensure_ascii=False) + "\n"
