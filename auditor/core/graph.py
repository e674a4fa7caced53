"""The project dependency graph: every collected file merged, each file's roots kept apart.

Nodes are packages (keyed by purl) and roots (keyed by ``root:<file>[#member]``). Edges go
from a parent to a child and carry the requirement that produced them. The graph answers
the questions every later stage asks: which packages are direct, how deep each one is,
which scopes it belongs to, and every path from a root to it ("why is this here").
"""

from __future__ import annotations

import heapq
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from auditor.core.model import CollectResult, Ecosystem, Edge, Package, Root

MAIN_SCOPE = "main"
BUNDLED_SCOPE = "bundled"
# what --omit can leave out: dev (with dependency groups, group:NAME), optional (with
# extras, extra:NAME) and peer dependencies
OMIT_KINDS = ("dev", "optional", "peer")


def scope_kind(scope: str) -> str:
    """The kind of a scope: ``dev`` for dev dependencies and dependency groups (tests,
    docs, lint: not installed to run the project), ``optional`` for optional dependencies
    and extras, ``peer``, else ``main``."""
    if scope == "dev" or scope.startswith("group:"):
        return "dev"
    if scope == "optional" or scope.startswith("extra:"):
        return "optional"
    return "peer" if scope == "peer" else MAIN_SCOPE


def only_in(scopes: Iterable[str], kinds: Iterable[str]) -> bool:
    """Whether a package of ``scopes`` is needed only in scopes of ``kinds``: every scope
    it has (``bundled`` only says how it is installed) is of one of them. A package with
    no scope is a main one."""
    wanted = frozenset(kinds)
    relevant = [s for s in scopes if s != BUNDLED_SCOPE]
    return bool(relevant) and all(scope_kind(s) in wanted for s in relevant)


@dataclass(frozen=True, kw_only=True)
class PackageView:
    """A package as it sits in this graph: the package plus its graph-derived facts."""

    package: Package
    direct: bool
    depth: int | None  # 1 = direct dependency of a root; None = not reachable from a root
    scopes: tuple[str, ...]

    @property
    def scope(self) -> str:
        """The primary scope: ``main`` when the package is needed at run time at all.

        ``bundled`` (npm: shipped inside another package's tarball) qualifies how a
        package is installed, not whether: it is primary only when it is the only scope.
        """
        if MAIN_SCOPE in self.scopes or not self.scopes:
            return MAIN_SCOPE
        install = [s for s in self.scopes if s != BUNDLED_SCOPE]
        return install[0] if install else self.scopes[0]


def edge_sort_key(edge: Edge) -> tuple[str, str, str, str, str]:
    """Sort edges without comparing ``None`` with text (no requirement, main scope); the
    ``repr`` last keeps the order total whatever fields ``Edge`` has."""
    return (edge.parent, edge.child, edge.requirement or "", edge.scope or "", repr(edge))


class DependencyGraph:
    """An immutable view over merged collect results."""

    def __init__(
        self,
        *,
        packages: Iterable[Package] = (),
        edges: Iterable[Edge] = (),
        roots: Iterable[Root] = (),
    ) -> None:
        merged: dict[str, Package] = {}
        for pkg in packages:
            known = merged.get(pkg.id)
            merged[pkg.id] = pkg if known is None else known.merged_with(pkg)
        self._packages = dict(sorted(merged.items()))
        self._roots = {r.id: r for r in sorted(roots)}
        nodes = self._packages.keys() | self._roots.keys()
        # Edges naming a node nobody declared are dropped: a collector bug must not
        # make the graph lie about what is installed.
        self._edges = tuple(
            sorted(
                {
                    e
                    for e in edges
                    if e.parent in nodes and e.child in nodes and e.parent != e.child
                },
                key=edge_sort_key,
            )
        )
        children: dict[str, list[Edge]] = defaultdict(list)
        parents: dict[str, list[Edge]] = defaultdict(list)
        for edge in self._edges:
            children[edge.parent].append(edge)
            parents[edge.child].append(edge)
        self._children = dict(children)
        self._parents = dict(parents)
        self._depth = self._compute_depths()
        self._derived_scopes = self._derive_scopes()

    @classmethod
    def from_results(cls, results: Iterable[CollectResult]) -> DependencyGraph:
        packages: list[Package] = []
        edges: list[Edge] = []
        roots: list[Root] = []
        for result in results:
            packages.extend(result.packages)
            edges.extend(result.edges)
            roots.extend(result.roots)
        return cls(packages=packages, edges=edges, roots=roots)

    # -- plain access -------------------------------------------------------------------

    @property
    def packages(self) -> tuple[Package, ...]:
        return tuple(self._packages.values())

    @property
    def roots(self) -> tuple[Root, ...]:
        return tuple(self._roots.values())

    @property
    def edges(self) -> tuple[Edge, ...]:
        return self._edges

    def __len__(self) -> int:
        return len(self._packages)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._packages or node_id in self._roots

    def package(self, package_id: str) -> Package:
        return self._packages[package_id]

    def root(self, node_id: str) -> Root | None:
        return self._roots.get(node_id)

    def is_root(self, node_id: str) -> bool:
        return node_id in self._roots

    def children(self, node_id: str) -> tuple[Edge, ...]:
        return tuple(self._children.get(node_id, ()))

    def parents(self, node_id: str) -> tuple[Edge, ...]:
        return tuple(self._parents.get(node_id, ()))

    def label(self, node_id: str) -> str:
        """A short human name for a node: ``name@version`` or the root's name."""
        root = self._roots.get(node_id)
        if root is not None:
            return root.name
        return self._packages[node_id].display

    # -- derived facts ------------------------------------------------------------------

    def is_direct(self, package_id: str) -> bool:
        """True when a root uses the package itself (an ``indirect`` edge only pins it)."""
        return any(
            edge.parent in self._roots and not edge.indirect
            for edge in self._parents.get(package_id, ())
        )

    def depth(self, package_id: str) -> int | None:
        return self._depth.get(package_id)

    def scopes(self, package_id: str) -> tuple[str, ...]:
        explicit = self._packages[package_id].scopes
        if explicit:
            return tuple(sorted(explicit))
        return tuple(sorted(self._derived_scopes.get(package_id, ())))

    def view(self, package_id: str) -> PackageView:
        return PackageView(
            package=self._packages[package_id],
            direct=self.is_direct(package_id),
            depth=self.depth(package_id),
            scopes=self.scopes(package_id),
        )

    def views(self) -> Iterator[PackageView]:
        for package_id in self._packages:
            yield self.view(package_id)

    def find(self, query: str, ecosystem: Ecosystem | None = None) -> tuple[Package, ...]:
        """Packages matching ``name``, ``name@version`` or a purl/id, in id order."""
        if query in self._packages:
            return (self._packages[query],)
        name, _, version = query.rpartition("@") if "@" in query[1:] else (query, "", "")
        matches = []
        for pkg in self._packages.values():
            if ecosystem is not None and pkg.ecosystem is not ecosystem:
                continue
            if pkg.name != pkg.ecosystem.normalize_name(name):
                continue
            if version and pkg.version != version:
                continue
            matches.append(pkg)
        return tuple(matches)

    def paths_to(self, package_id: str, *, limit: int = 100) -> tuple[tuple[str, ...], ...]:
        """Simple paths from any root to ``package_id``, shortest first, at most ``limit``.

        Each path is a tuple of node ids starting with a root id and ending with the
        package. Paths are enumerated backwards from the package with a breadth-first
        search, so the shortest explanations come first even in graphs with cycles.
        """
        if package_id not in self._packages:
            return ()
        found: list[tuple[str, ...]] = []
        queue: deque[tuple[str, ...]] = deque([(package_id,)])
        # Guard against combinatorial explosion in dense graphs: bound the work too.
        budget = max(limit * 200, 10_000)
        while queue and len(found) < limit and budget > 0:
            budget -= 1
            partial = queue.popleft()
            head = partial[0]
            if head in self._roots:
                found.append(partial)
                continue
            for edge in sorted(self._parents.get(head, ()), key=self._edge_rank):
                if edge.parent not in partial:
                    queue.append((edge.parent, *partial))
        return tuple(found)

    def _edge_rank(self, edge: Edge) -> tuple[int, str]:
        depth = 0 if edge.parent in self._roots else self._depth.get(edge.parent, 1 << 30)
        return depth, edge.parent

    def _compute_depths(self) -> dict[str, int]:
        """Shortest distance from a root, first along the edges that mean "uses".

        A package reached only through an ``indirect`` edge (Go: the main module pins a
        module some dependency needs, the path to it is not recorded) counts as two steps
        away from that edge's parent: it is not direct, and its real depth is at least 2.
        """
        depth: dict[str, int] = {}
        seen = set(self._roots)
        self._breadth_first(deque((r, 0) for r in self._roots), depth, seen)
        # Indirect edges are followed only once every "uses" path is known; a small
        # Dijkstra, since the starting levels differ.
        heap = [
            ((0 if edge.parent in self._roots else depth[edge.parent]) + 2, edge.child)
            for edge in self._edges
            if edge.indirect
            and edge.child not in seen
            and (edge.parent in self._roots or edge.parent in depth)
        ]
        heapq.heapify(heap)
        while heap:
            level, node = heapq.heappop(heap)
            if node in seen:
                continue
            seen.add(node)
            depth[node] = level
            for edge in self._children.get(node, ()):
                if edge.child not in seen:
                    heapq.heappush(heap, (level + (2 if edge.indirect else 1), edge.child))
        return depth

    def _breadth_first(
        self, queue: deque[tuple[str, int]], depth: dict[str, int], seen: set[str]
    ) -> None:
        while queue:
            node, level = queue.popleft()
            for edge in self._children.get(node, ()):
                if edge.indirect or edge.child in seen:
                    continue
                seen.add(edge.child)
                depth[edge.child] = level + 1
                queue.append((edge.child, level + 1))

    def _derive_scopes(self) -> dict[str, set[str]]:
        """Scopes for packages whose collector gave none: inherited along edges from roots.

        A root edge's scope (``dev``, a group name) or ``main`` flows down to everything
        reachable through it; a package reachable through several ways gets every scope.
        """
        scopes: dict[str, set[str]] = defaultdict(set)
        queue: deque[tuple[str, str]] = deque()
        for root in self._roots:
            for edge in self._children.get(root, ()):
                queue.append((edge.child, edge.scope or MAIN_SCOPE))
        while queue:
            node, scope = queue.popleft()
            if scope in scopes[node]:
                continue
            scopes[node].add(scope)
            for edge in self._children.get(node, ()):
                # An optional/peer edge below a main package keeps the parent's scope:
                # what matters is whether the project installs it, and under which group.
                queue.append((edge.child, scope))
        return scopes
