"""Content addressing: stable digests, content-defined chunks, node keys, redaction."""

from __future__ import annotations

import dataclasses

from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Edge, Hash, Location, Package, Source, SourceKind
from auditor.store.content import (
    EDGE_COLUMNS,
    PACKAGE_COLUMNS,
    chunks,
    extra_kwargs,
    extras,
    node_keys,
    plan_graph,
    safe_url,
)
from tests.store.helpers import history, poetry_graph, pypi, small_graph


def test_same_graph_same_digest_and_order_independent() -> None:
    """A graph built from the same content in another order has the same address."""
    graph = poetry_graph(history()[0].folder)
    shuffled = DependencyGraph(
        packages=reversed(graph.packages), edges=reversed(graph.edges), roots=graph.roots
    )
    assert plan_graph(graph).digest == plan_graph(shuffled).digest


def test_one_insertion_changes_at_most_two_chunks() -> None:
    """Content-defined boundaries: inserting an item leaves the other chunks as they were."""
    items = sorted(f"item-{i}" for i in range(2000))
    before = chunks(items, lambda s: s, 32)
    after = chunks(sorted([*items, "item-1000a"]), lambda s: s, 32)
    old, new = {tuple(c) for c in before}, {tuple(c) for c in after}
    assert len(new - old) <= 2
    assert 30 < len(before) < 100  # about 2000/32 chunks
    assert items == [x for c in before for x in c]


def test_upgrade_rewrites_one_member_chunk_and_no_incoming_edges() -> None:
    """Upgrading a package that many others depend on changes its member chunk and its own
    outgoing edges only: the edges pointing at it name it without its version."""
    graph = poetry_graph(history()[0].folder)
    django = graph.find("django")[0]
    assert len(graph.parents(django.id)) > 10
    bumped = dataclasses.replace(django, version="99.0")
    rename = {django.id: bumped.id}
    upgraded = DependencyGraph(
        packages=[bumped if p.id == django.id else p for p in graph.packages],
        edges=[
            dataclasses.replace(
                e, parent=rename.get(e.parent, e.parent), child=rename.get(e.child, e.child)
            )
            for e in graph.edges
        ],
        roots=graph.roots,
    )
    old, new = plan_graph(graph), plan_graph(upgraded)
    changed = {c.digest for c in new.chunks} - {c.digest for c in old.chunks}
    kinds = sorted(c.kind for c in new.chunks if c.digest in changed)
    assert ["members"] == kinds  # same requirements: not one edge chunk changes


def test_node_keys_add_versions_only_when_names_repeat() -> None:
    """A unique name is its key; several versions get @version; same version twice, the purl."""
    one, two = pypi("x", "1.0"), pypi("x", "2.0")
    git = pypi("x", "2.0", source=Source(kind=SourceKind.GIT, url="https://g.invalid/x"))
    npm = Package(ecosystem=Ecosystem.NPM, name="x", version="1.0")
    assert {one.id: "PyPI:x"} == node_keys([one])
    keys = node_keys([one, two, git, npm])
    assert "PyPI:x@1.0" == keys[one.id]
    assert f"id:{two.id}" == keys[two.id]
    assert f"id:{git.id}" == keys[git.id]
    assert "npm:x" == keys[npm.id]


def test_safe_url_only_touches_credentials() -> None:
    """URLs with a user or a token lose it; any other URL is kept byte for byte."""
    assert "https://****@h.invalid/x" == safe_url("https://tok@h.invalid/x")
    assert "https://h.invalid/a?b=c d" == safe_url("https://h.invalid/a?b=c d")
    assert safe_url(None) is None


def test_empty_graph_plans() -> None:
    """An empty graph is a graph too (a project whose lockfiles could not be read)."""
    plan = plan_graph(small_graph())
    assert (0, 0, ()) == (plan.packages, plan.edges, plan.chunks)


def test_store_knows_every_field_of_the_package_parts() -> None:
    """Sources, locations and hashes are stored field by field: a field added to one of them
    must be added to the store too, or it would be dropped without a word. (Packages and
    edges keep unknown fields as JSON; findings, roots and run details are generic.)"""
    known = {
        Source: {"kind", "url", "reference", "subdirectory"},
        Location: {"path", "line", "key"},
        Hash: {"algorithm", "value"},
    }
    for model, names in known.items():
        assert names == {f.name for f in dataclasses.fields(model)}, model.__name__
    assert PACKAGE_COLUMNS <= {f.name for f in dataclasses.fields(Package)}
    assert EDGE_COLUMNS <= {f.name for f in dataclasses.fields(Edge)}


@dataclasses.dataclass(frozen=True, kw_only=True)
class GrownEdge:
    """An edge as the model might grow it: the known fields plus new ones."""

    parent: str
    child: str
    requirement: str | None = None
    scope: str | None = None
    indirect: bool = False
    markers: tuple[str, ...] = ()


def test_fields_without_a_column_are_kept_as_json() -> None:
    """Extra fields are stored only when set, and come back typed."""
    plain = GrownEdge(parent="a", child="b")
    assert extras(plain, EDGE_COLUMNS) is None
    grown = GrownEdge(parent="a", child="b", indirect=True, markers=("python_version < '3'",))
    text = extras(grown, EDGE_COLUMNS)
    assert '{"indirect":true,"markers":["python_version < \'3\'"]}' == text
    assert {"indirect": True, "markers": ("python_version < '3'",)} == extra_kwargs(GrownEdge, text)
    assert {} == extra_kwargs(GrownEdge, '{"removed_since": 1}')
