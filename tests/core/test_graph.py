"""DependencyGraph: merging, roots, depth, scopes, paths."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Edge, Package, Root, root_id


def pkg(name: str, version: str = "1.0", **kw: object) -> Package:
    return Package(ecosystem=Ecosystem.PYPI, name=name, version=version, **kw)  # type: ignore[arg-type]


def root(path: str) -> Root:
    return Root(id=root_id(path), name=path, ecosystem=Ecosystem.PYPI, path=path)


def edge(parent: str, child: str, **kw: object) -> Edge:
    return Edge(parent=parent, child=child, **kw)  # type: ignore[arg-type]


A, B, C, D = pkg("a"), pkg("b"), pkg("c"), pkg("d")
R1, R2 = root("one/poetry.lock"), root("two/poetry.lock")


def diamond() -> DependencyGraph:
    # R1 → a → b → d, R1 → c → d, R2 → c (dev)
    return DependencyGraph(
        packages=[A, B, C, D],
        roots=[R1, R2],
        edges=[
            edge(R1.id, A.id, requirement="a>=1"),
            edge(A.id, B.id),
            edge(B.id, D.id),
            edge(R1.id, C.id),
            edge(C.id, D.id, requirement="d<2"),
            edge(R2.id, C.id, scope="dev"),
        ],
    )


def test_direct_and_depth() -> None:
    """Direct = a root depends on it; depth = shortest distance from any root."""
    graph = diamond()
    assert [graph.is_direct(p.id) for p in (A, B, C, D)] == [True, False, True, False]
    assert [graph.depth(p.id) for p in (A, B, C, D)] == [1, 2, 1, 2]


def test_paths_shortest_first_and_each_root_kept_apart() -> None:
    """Paths start at a root and are listed shortest first; two files give two roots."""
    graph = diamond()
    assert graph.paths_to(D.id) == (
        (R1.id, C.id, D.id),
        (R2.id, C.id, D.id),
        (R1.id, A.id, B.id, D.id),
    )
    assert graph.paths_to(D.id, limit=1) == ((R1.id, C.id, D.id),)


def test_paths_survive_cycles() -> None:
    """A dependency cycle neither hangs nor repeats a node in a path."""
    graph = DependencyGraph(
        packages=[A, B],
        roots=[R1],
        edges=[edge(R1.id, A.id), edge(A.id, B.id), edge(B.id, A.id)],
    )
    assert graph.paths_to(B.id) == ((R1.id, A.id, B.id),)
    assert graph.depth(B.id) == 2


def test_scopes_derived_from_root_edges() -> None:
    """Without collector scopes, a package inherits the scopes of the root edges above it."""
    graph = diamond()
    assert graph.scopes(C.id) == ("dev", "main")
    assert graph.scopes(B.id) == ("main",)
    graph2 = DependencyGraph(
        packages=[A, B], roots=[R2], edges=[edge(R2.id, A.id, scope="dev"), edge(A.id, B.id)]
    )
    assert graph2.view(B.id).scope == "dev"


def test_explicit_scopes_win() -> None:
    """A collector's own scopes are kept as they are."""
    dev_a = pkg("a", scopes=frozenset({"dev"}))
    graph = DependencyGraph(packages=[dev_a], roots=[R1], edges=[edge(R1.id, dev_a.id)])
    assert graph.scopes(dev_a.id) == ("dev",)


def test_merge_same_package_from_two_files() -> None:
    """The same package from two lockfiles is one node with both roots above it."""
    graph = DependencyGraph(
        packages=[A, pkg("A")], roots=[R1, R2], edges=[edge(R1.id, A.id), edge(R2.id, A.id)]
    )
    assert len(graph) == 1
    assert {e.parent for e in graph.parents(A.id)} == {R1.id, R2.id}


def test_dangling_edges_are_dropped() -> None:
    """An edge to an undeclared node never makes it into the graph."""
    graph = DependencyGraph(
        packages=[A], roots=[R1], edges=[edge(R1.id, A.id), edge(A.id, "pkg:pypi/x@1")]
    )
    assert graph.edges == (edge(R1.id, A.id),)


def test_find_by_name_version_and_purl() -> None:
    """Queries accept name, name@version (normalised) and ids."""
    graph = DependencyGraph(packages=[pkg("zope.interface", "5"), pkg("zope-interface", "6")])
    assert [p.version for p in graph.find("Zope_Interface")] == ["5", "6"]
    assert [p.version for p in graph.find("zope.interface@6")] == ["6"]
    assert [p.version for p in graph.find("pkg:pypi/zope-interface@5")] == ["5"]
    assert graph.find("other") == ()


@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=30))
def test_paths_are_valid_simple_paths(pairs: list[tuple[int, int]]) -> None:
    """Every path returned is a chain of real edges from a root, visiting no node twice."""
    nodes = [pkg(f"p{i}") for i in range(8)]
    edges = [edge(R1.id, nodes[0].id)] + [edge(nodes[a].id, nodes[b].id) for a, b in pairs]
    graph = DependencyGraph(packages=nodes, roots=[R1], edges=edges)
    present = {(e.parent, e.child) for e in graph.edges}
    for target in nodes:
        paths = graph.paths_to(target.id)
        for path in paths:
            assert path[0] == R1.id
            assert path[-1] == target.id
            assert len(set(path)) == len(path)
            assert all((a, b) in present for a, b in itertools.pairwise(path))
        assert bool(paths) == (graph.depth(target.id) is not None)
        if paths:
            assert len(paths[0]) == graph.depth(target.id) + 1  # type: ignore[operator]


def test_indirect_root_edge_does_not_make_a_package_direct() -> None:
    """An ``indirect`` edge (Go's ``// indirect``) pins a version; it is not a direct use."""
    graph = DependencyGraph(
        packages=[A, B],
        roots=[R1],
        edges=[edge(R1.id, A.id), edge(R1.id, B.id, indirect=True)],
    )
    assert [True, False] == [graph.is_direct(A.id), graph.is_direct(B.id)]
    assert graph.view(B.id).direct is False
    assert graph.scopes(B.id) == ("main",)
    assert graph.paths_to(B.id) == ((R1.id, B.id),)


def test_indirect_edge_depth_is_the_recorded_path_or_at_least_two() -> None:
    """Depth follows the "uses" edges when they reach the package; a package reached only
    through an indirect edge is at least two steps from that edge's parent."""
    only_pinned = DependencyGraph(
        packages=[A, B, C],
        roots=[R1],
        edges=[edge(R1.id, A.id, indirect=True), edge(A.id, B.id), edge(R1.id, C.id)],
    )
    assert [2, 3, 1] == [only_pinned.depth(p.id) for p in (A, B, C)]
    recorded = DependencyGraph(
        packages=[A, B, C],
        roots=[R1],
        edges=[
            edge(R1.id, A.id),
            edge(A.id, B.id),
            edge(B.id, C.id),
            edge(R1.id, C.id, indirect=True),
        ],
    )
    assert recorded.depth(C.id) == 3
    assert recorded.is_direct(C.id) is False


def test_a_direct_and_an_indirect_edge_from_roots_make_a_package_direct() -> None:
    """One root pinning a package does not hide another root using it."""
    graph = DependencyGraph(
        packages=[A],
        roots=[R1, R2],
        edges=[edge(R1.id, A.id, indirect=True), edge(R2.id, A.id)],
    )
    assert graph.is_direct(A.id)
    assert graph.depth(A.id) == 1


def test_edges_differing_only_in_missing_fields_sort() -> None:
    """Two edges between the same nodes, one without requirement or scope (main), one
    with them, are both kept and sorted (none first) instead of failing to compare."""
    graph = DependencyGraph(
        packages=[A],
        roots=[R1],
        edges=[
            edge(R1.id, A.id, requirement="a", scope="dev"),
            edge(R1.id, A.id, requirement="a"),
            edge(R1.id, A.id),
        ],
    )
    assert [(None, None), ("a", None), ("a", "dev")] == [
        (e.requirement, e.scope) for e in graph.edges
    ]


def test_same_edge_with_and_without_scope() -> None:
    """A dependency listed for main and for dev (scope None and "dev") is two sorted edges."""
    graph = DependencyGraph(
        packages=[A],
        roots=[R1],
        edges=[
            edge(R1.id, A.id, scope="dev"),
            edge(R1.id, A.id),
            edge(R1.id, A.id, requirement="a"),
        ],
    )
    assert graph.edges == (
        edge(R1.id, A.id),
        edge(R1.id, A.id, scope="dev"),
        edge(R1.id, A.id, requirement="a"),
    )
