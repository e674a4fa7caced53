"""A ``node_modules`` tree as npm lays it out, and the graph it implies.

Both package-lock layouts come down to the same thing: installed folders keyed by their
path (``node_modules/a/node_modules/b``), each with the dependencies it declares. A
dependency binds the way Node resolves ``require()``: the nearest ``node_modules`` folder
up the path that holds the name wins. Links (workspaces, ``file:`` folders) point at a
folder entry elsewhere in the tree. This module does that resolution once for both
layouts and turns the tree into packages, roots, edges and skipped entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.collectors.npm.common import Dep, Resolved, clip, unversioned
from auditor.core.graph import edge_sort_key
from auditor.core.model import (
    REGISTRY,
    Ecosystem,
    Edge,
    Hash,
    License,
    Location,
    Package,
    Root,
    SkippedPackage,
    Source,
    SourceKind,
)

ROOT_KEY = ""


@dataclass(kw_only=True)
class Node:
    """One entry of the tree: an installed folder, a link, the root or a workspace."""

    key: str
    name: str  # the real package name (differs from the folder name for aliases)
    location: Location
    version: str | None = None
    spec: str = ""  # what the lockfile says it is, for skipped entries
    origin: Resolved | None = None
    hashes: frozenset[Hash] = frozenset()
    scopes: frozenset[str] = frozenset()
    deps: list[Dep] = field(default_factory=list)
    link: str | None = None  # target key for a link entry
    root: Root | None = None  # set for the project root and workspace members
    problem: str | None = None  # why the entry cannot be a package (it is skipped)
    license: License | None = None  # what the lockfile records (v2/v3 ``license``)


def parent_folder(key: str) -> str | None:
    """The folder whose ``node_modules`` is searched next, or ``None`` above the root.

    ``node_modules/a/node_modules/b`` → ``node_modules/a`` → ``""``; a workspace folder
    ``packages/foo`` → ``packages`` → ``""``.
    """
    if key == ROOT_KEY:
        return None
    cut = key.rfind("/node_modules/")
    if cut >= 0:
        return key[:cut]
    if key.startswith("node_modules/"):
        return ROOT_KEY
    slash = key.rfind("/")
    return key[:slash] if slash >= 0 else ROOT_KEY


class Tree:
    """Nodes by key, with Node's resolution algorithm over them."""

    def __init__(self, nodes: dict[str, Node]) -> None:
        self.nodes = nodes

    def resolve(self, key: str, name: str) -> str | None:
        """The key of the folder ``name`` binds to from ``key``, links followed."""
        folder: str | None = key
        while folder is not None:
            candidate = f"{folder}/node_modules/{name}" if folder else f"node_modules/{name}"
            if candidate in self.nodes:
                return self.follow(candidate)
            folder = parent_folder(folder)
        return None

    def follow(self, key: str) -> str | None:
        """A link's target (links to links are followed a bounded number of times)."""
        for _ in range(16):
            node = self.nodes.get(key)
            if node is None or node.link is None:
                return key if node is not None else None
            key = node.link
        return None


@dataclass(frozen=True, kw_only=True)
class Graph:
    """What a tree contributes to a ``CollectResult``."""

    roots: tuple[Root, ...]
    packages: tuple[Package, ...]
    edges: tuple[Edge, ...]
    skipped: tuple[SkippedPackage, ...]


def build(tree: Tree, *, infer_root: Root | None = None) -> Graph:
    """Packages, edges and skipped entries of ``tree``.

    ``infer_root``: a root whose direct dependencies the file does not record; it gets an
    edge to every top-level folder nothing else depends on.
    """
    ids: dict[str, str | None] = {}
    packages: dict[str, Package] = {}
    skipped: dict[tuple[str, str], SkippedPackage] = {}
    roots: list[Root] = []
    for key, node in tree.nodes.items():
        if node.root is not None:
            roots.append(node.root)
            ids[key] = node.root.id
        elif node.link is None:
            ids[key] = _add_package(node, packages, skipped)
    edges: set[Edge] = set()
    required: set[str] = set()
    for key, node in tree.nodes.items():
        if node.link is not None:
            continue
        for dep in node.deps:
            target = tree.resolve(key, dep.name)
            if target is None or target == key:
                continue
            required.add(target)
            parent, child = ids.get(key), ids.get(target)
            if parent is not None and child is not None:
                edges.add(
                    Edge(parent=parent, child=child, requirement=dep.requirement, scope=dep.scope)
                )
    if infer_root is not None:
        edges |= _inferred_root_edges(tree, infer_root, ids, required)
    return Graph(
        roots=tuple(sorted(roots)),
        packages=tuple(sorted(packages.values(), key=lambda p: p.id)),
        edges=tuple(sorted(edges, key=edge_sort_key)),
        skipped=tuple(sorted(skipped.values())),
    )


def _add_package(
    node: Node, packages: dict[str, Package], skipped: dict[tuple[str, str], SkippedPackage]
) -> str | None:
    origin = node.origin or Resolved(source=REGISTRY)
    if node.problem is not None:
        skip = SkippedPackage(
            ecosystem=Ecosystem.NPM,
            name=clip(node.name)[1:-1],
            requirement=f"{clip(node.name)[1:-1]}@{node.version or node.spec}",
            reason=node.problem,
            location=node.location,
        )
        skipped.setdefault((skip.name, skip.requirement), skip)
        return None
    if not node.version and not _is_pinned_git(origin.source):
        skip = unversioned(node.name, f"{node.name}@{node.spec}", origin.source, node.location)
        skipped.setdefault((skip.name, skip.requirement), skip)
        return None
    package = Package(
        ecosystem=Ecosystem.NPM,
        name=node.name,
        # npm 6 recorded no version for a git dependency (lockfileVersion 1): the commit
        # in its source identifies it, as npm ls and osv-scanner list it
        version=node.version or "",
        source=origin.source,
        hashes=node.hashes | origin.hashes,
        scopes=node.scopes,
        found_in=(node.location,),
        license=node.license,
    )
    known = packages.get(package.id)
    packages[package.id] = package if known is None else known.merged_with(package)
    return package.id


def _is_pinned_git(source: Source) -> bool:
    return source.kind is SourceKind.GIT and bool(source.reference)


def _inferred_root_edges(
    tree: Tree, root: Root, ids: dict[str, str | None], required: set[str]
) -> set[Edge]:
    edges = set()
    for key, node in tree.nodes.items():
        if parent_folder(key) != "" or not key.startswith("node_modules/") or key in required:
            continue
        target = tree.follow(key)
        child = ids.get(target) if target is not None else None
        if child is None or child == root.id:
            continue
        scope = _edge_scope(node.scopes)
        edges.add(Edge(parent=root.id, child=child, scope=scope))
    return edges


def _edge_scope(scopes: frozenset[str]) -> str | None:
    """The scope of an inferred root edge from the flags of the package it leads to."""
    if not scopes or "main" in scopes:
        return None
    for scope in ("dev", "optional", "peer"):
        if scope in scopes:
            return scope
    return None


def flag_scopes(
    *, dev: bool, optional: bool, dev_optional: bool, peer: bool, bundled: bool
) -> frozenset[str]:
    """npm's per-package flags as auditor scopes.

    ``dev``/``optional``/``devOptional`` say which installs include the package (npm
    omits ``dev`` with ``--omit=dev`` and ``optional`` ones may fail to install);
    ``peer`` means only peer dependencies lead to it; ``bundled`` that it ships inside
    another package's tarball.
    """
    if dev_optional or (dev and optional):
        scopes = {"dev", "optional"}
    elif dev:
        scopes = {"dev"}
    elif optional:
        scopes = {"optional"}
    else:
        scopes = {"main"}
    if peer:
        scopes = {"peer"} if scopes == {"main"} else scopes | {"peer"}
    if bundled:
        scopes.add("bundled")
    return frozenset(scopes)
