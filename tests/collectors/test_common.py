"""Shared collector helpers: the entry points of a lock that records no root."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from auditor.collectors.common import entry_points, orphans
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Edge, Package, Root, root_id


def pkg(name: str) -> Package:
    return Package(ecosystem=Ecosystem.PYPI, name=name, version="1")


def test_entry_points_are_orphans_plus_one_package_per_unreached_cycle() -> None:
    """a ↔ b nobody else needs: a (first in order) represents the cycle; c → d ↔ e is
    reached from the orphan c; f is alone."""
    a, b, c, d, e, f = (pkg(n) for n in "abcdef")
    edges = [
        Edge(parent=a.id, child=b.id),
        Edge(parent=b.id, child=a.id),
        Edge(parent=c.id, child=d.id),
        Edge(parent=d.id, child=e.id),
        Edge(parent=e.id, child=d.id),
    ]
    packages = [a, b, c, d, e, f]
    assert [c, f] == orphans(packages, edges)
    assert [a, c, f] == entry_points(packages, edges)
    assert [b, c, f] == entry_points([b, a, c, d, e, f], edges)


def test_a_package_a_root_depends_on_is_no_entry_point() -> None:
    """Edges from a root count as being depended on."""
    a, b = pkg("a"), pkg("b")
    edges = [Edge(parent=root_id("x.lock"), child=a.id), Edge(parent=a.id, child=b.id)]
    assert [] == entry_points([a, b], edges)


@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=40))
def test_every_package_is_reachable_from_the_entry_points(pairs: list[tuple[int, int]]) -> None:
    """Whatever the edges, hanging the entry points from a root reaches every package."""
    packages = [pkg(f"p{i}") for i in range(12)]
    edges = [Edge(parent=packages[i].id, child=packages[j].id) for i, j in pairs if i != j]
    root = Root(id=root_id("x.lock"), name="x", ecosystem=Ecosystem.PYPI, path="x.lock")
    top = [Edge(parent=root.id, child=p.id) for p in entry_points(packages, edges)]
    graph = DependencyGraph(packages=packages, edges=edges + top, roots=[root])
    assert all(graph.depth(p.id) is not None for p in packages)
