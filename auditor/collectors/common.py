"""Small helpers shared by collectors: hashes, pins, roots, flat files."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable

from auditor.core.model import Edge, Hash, Package, Root

_HEX = re.compile(r"^[0-9a-fA-F]+$")
KNOWN_ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b")


def parse_hash(text: str) -> Hash | None:
    """``sha256:<hex>`` / ``sha256=<hex>`` (pip, poetry, uv, pylock) or an SRI string
    ``sha512-<base64>`` (npm ``integrity``); ``None`` when it is neither."""
    text = text.strip()
    for sep in (":", "="):
        algorithm, found, value = text.partition(sep)
        if found and algorithm.lower() in KNOWN_ALGORITHMS and _HEX.match(value):
            return Hash(algorithm=algorithm.lower(), value=value.lower())
    algorithm, found, value = text.partition("-")
    if found and algorithm.lower() in KNOWN_ALGORITHMS:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return None
        return Hash(algorithm=algorithm.lower(), value=raw.hex())
    return None


def parse_hashes(texts: Iterable[str]) -> frozenset[Hash]:
    return frozenset(h for h in (parse_hash(t) for t in texts) if h is not None)


_PIN = re.compile(r"^\s*(===?)\s*([^\s,;]+)\s*$")


def exact_pin(specifier: str) -> str | None:
    """The version of an exact ``==1.2.3`` / ``===1.2.3`` pin, or ``None`` for a range.

    A wildcard (``==1.2.*``) is a range, not a pin.
    """
    match = _PIN.match(specifier)
    if match is None or "*" in match.group(2):
        return None
    return match.group(2)


def hang_from_root(
    root: Root, packages: Iterable[Package], scope_of_main: bool = True
) -> list[Edge]:
    """Edges from ``root`` to every package: for flat files that record no edges, every
    package is something the project installs, so each one is reachable from the root."""
    edges = []
    for pkg in packages:
        scope = (
            None
            if (scope_of_main and (not pkg.scopes or "main" in pkg.scopes))
            else (min(pkg.scopes) if pkg.scopes else None)
        )
        edges.append(Edge(parent=root.id, child=pkg.id, scope=scope))
    return edges


def orphans(packages: Iterable[Package], edges: Iterable[Edge]) -> list[Package]:
    """Packages no other package depends on: the likely direct dependencies when a
    lockfile records edges between packages but not the project's own requirements."""
    children = {e.child for e in edges}
    return [p for p in packages if p.id not in children]


def entry_points(packages: Iterable[Package], edges: Iterable[Edge]) -> list[Package]:
    """``orphans()`` plus one package of each dependency cycle nothing outside depends on
    (``mkdocstrings`` ↔ ``mkdocstrings-python``), so every package is reachable from a root
    hung on them. The cycle's first package in the given order represents it."""
    ordered = list(packages)
    ids = {p.id for p in ordered}
    edge_list = [e for e in edges if e.child in ids]
    components = _cycles(ids, [e for e in edge_list if e.parent in ids])
    component_of = {node: i for i, nodes in enumerate(components) for node in nodes}
    entered = {
        component_of[e.child]
        for e in edge_list
        if e.parent not in ids or component_of[e.parent] != component_of[e.child]
    }
    chosen: set[int] = set()
    found = []
    for pkg in ordered:
        component = component_of[pkg.id]
        if component not in entered and component not in chosen:
            chosen.add(component)
            found.append(pkg)
    return found


def _cycles(nodes: set[str], edges: list[Edge]) -> list[list[str]]:
    """Strongly connected components (Tarjan's algorithm, iterative)."""
    children: dict[str, list[str]] = {n: [] for n in nodes}
    for edge in edges:
        children[edge.parent].append(edge.child)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(children[node]):
                work.append((node, i + 1))
                child = children[node][i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components
