"""The graph as JSON: the documented, stable shape other JSON outputs reuse for packages.

See docs/json.md. Keys appear in a fixed order and every list is sorted, so the same input
gives byte-identical output.
"""

from __future__ import annotations

import json
from typing import Any

from auditor.core.graph import DependencyGraph, PackageView
from auditor.core.model import Edge, FileError, Location, Root, SkippedPackage, Source
from auditor.core.result import Status

GRAPH_SCHEMA = "auditor.graph/1"


def location_json(location: Location) -> dict[str, Any]:
    return {"path": location.path, "line": location.line, "key": location.key}


def source_json(source: Source) -> dict[str, Any]:
    return {
        "kind": source.kind.value,
        "url": source.url,
        "reference": source.reference,
        "subdirectory": source.subdirectory,
    }


def package_json(view: PackageView) -> dict[str, Any]:
    """One package in the shape every JSON output uses."""
    pkg = view.package
    doc = {
        "id": pkg.id,
        "ecosystem": pkg.ecosystem.value,
        "name": pkg.name,
        "version": pkg.version,
        "purl": pkg.purl,
        "scope": view.scope,
        "scopes": list(view.scopes),
        "direct": view.direct,
        "depth": view.depth,
        "source": source_json(pkg.source),
        "hashes": [h.render() for h in sorted(pkg.hashes)],
        "found_in": [location_json(loc) for loc in pkg.found_in],
    }
    if pkg.license is not None:  # only when known, so documents without licences stay as they were
        doc["license"] = {
            "expression": pkg.license.expression,
            "text": pkg.license.text,
            "source": pkg.license.source,
        }
    return doc


def root_json(root: Root) -> dict[str, Any]:
    return {"id": root.id, "name": root.name, "ecosystem": root.ecosystem.value, "path": root.path}


def edge_json(edge: Edge) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "from": edge.parent,
        "to": edge.child,
        "requirement": edge.requirement,
        "scope": edge.scope,
    }
    if edge.indirect:
        # Only on the edges that pin a version (Go's "// indirect"), so every other edge
        # keeps the shape it always had.
        doc["indirect"] = True
    return doc


def skipped_json(skip: SkippedPackage) -> dict[str, Any]:
    return {
        "ecosystem": skip.ecosystem.value,
        "name": skip.name,
        "requirement": skip.requirement,
        "reason": skip.reason,
        "found_in": location_json(skip.location),
    }


def error_json(error: FileError) -> dict[str, Any]:
    return {
        "path": error.path,
        "line": error.line,
        "key": error.key,
        "message": error.message,
        "text": error.render(),
    }


def graph_document(
    graph: DependencyGraph,
    *,
    skipped: tuple[SkippedPackage, ...] = (),
    errors: tuple[FileError, ...] = (),
    registries: tuple[str, ...] = (),
    status: Status = Status.COMPLETE,
) -> dict[str, Any]:
    return {
        "schema": GRAPH_SCHEMA,
        "status": status.value,
        "roots": [root_json(r) for r in graph.roots],
        "packages": [package_json(v) for v in graph.views()],
        "edges": [edge_json(e) for e in graph.edges],
        "skipped": [skipped_json(s) for s in skipped],
        "errors": [error_json(e) for e in errors],
        "registries": list(registries),
    }


def dumps(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
