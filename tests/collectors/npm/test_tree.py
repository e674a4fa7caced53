"""The node_modules tree: Node's folder walk, links, flags and inferred root edges."""

from __future__ import annotations

import pytest

from auditor.collectors.npm.common import Dep
from auditor.collectors.npm.tree import Node, Tree, build, flag_scopes, parent_folder
from auditor.core.model import Ecosystem, Location, Root


@pytest.mark.parametrize(
    ("key", "parent"),
    [
        ("node_modules/a", ""),
        ("node_modules/a/node_modules/b", "node_modules/a"),
        ("node_modules/@s/a/node_modules/@t/b", "node_modules/@s/a"),
        ("packages/foo", "packages"),
        ("packages", ""),
        ("packages/foo/node_modules/x", "packages/foo"),
        ("", None),
    ],
)
def test_parent_folder(key: str, parent: str | None) -> None:
    """Each step up skips the ``node_modules`` folder itself, as Node's lookup does."""
    assert parent == parent_folder(key)


def _node(
    key: str, *, version: str = "1.0.0", link: str | None = None, deps: tuple[str, ...] = ()
) -> Node:
    node = Node(
        key=key,
        name=key.rsplit("/", 1)[-1],
        location=Location(path="l"),
        version=version,
        link=link,
    )
    node.deps = [Dep(name=d, spec="*") for d in deps]
    return node


def test_resolve_follows_links_and_gives_up_on_loops() -> None:
    """A link binds to its target; a loop of links binds to nothing."""
    tree = Tree(
        {
            "node_modules/a": _node("node_modules/a", link="libs/a"),
            "libs/a": _node("libs/a"),
            "node_modules/x": _node("node_modules/x", link="node_modules/y"),
            "node_modules/y": _node("node_modules/y", link="node_modules/x"),
        }
    )
    assert "libs/a" == tree.resolve("", "a")
    assert tree.resolve("", "x") is None
    assert tree.resolve("", "missing") is None


@pytest.mark.parametrize(
    ("flags", "scopes"),
    [
        ({}, {"main"}),
        ({"dev": True}, {"dev"}),
        ({"optional": True}, {"optional"}),
        ({"dev": True, "optional": True}, {"dev", "optional"}),
        ({"dev_optional": True}, {"dev", "optional"}),
        ({"peer": True}, {"peer"}),
        ({"peer": True, "dev": True}, {"dev", "peer"}),
        ({"bundled": True}, {"main", "bundled"}),
    ],
)
def test_flag_scopes(flags: dict[str, bool], scopes: set[str]) -> None:
    """npm's flags map to scopes; ``main`` only when nothing restricts the package."""
    arguments = {
        "dev": False,
        "optional": False,
        "dev_optional": False,
        "peer": False,
        "bundled": False,
    }
    assert frozenset(scopes) == flag_scopes(**{**arguments, **flags})


def test_inferred_root_edges_skip_what_is_required_even_by_skipped_entries() -> None:
    """Top-level folders nothing requires hang from the root; a package required only by
    an entry without a version (skipped) is not mistaken for a direct dependency."""
    root = Root(id="root:l", name="l", ecosystem=Ecosystem.NPM, path="l")
    nodes = {
        "": Node(key="", name="l", location=Location(path="l"), root=root),
        "node_modules/a": _node("node_modules/a", deps=("b",)),
        "node_modules/b": _node("node_modules/b"),
        "node_modules/g": _node("node_modules/g", version="", deps=("c",)),
        "node_modules/c": _node("node_modules/c"),
        "node_modules/a/node_modules/d": _node("node_modules/a/node_modules/d"),
    }
    graph = build(Tree(nodes), infer_root=root)
    assert {("root:l", "pkg:npm/a@1.0.0"), ("pkg:npm/a@1.0.0", "pkg:npm/b@1.0.0")} == {
        (e.parent, e.child) for e in graph.edges
    }
    assert ["g"] == [s.name for s in graph.skipped]


def test_bundled_is_never_the_primary_scope_of_a_dev_package() -> None:
    """A dev package shipped in a bundle is primarily dev (``bundled`` sorts first)."""
    from auditor.core.graph import DependencyGraph
    from auditor.core.model import Package

    package = Package(
        ecosystem=Ecosystem.NPM,
        name="a",
        version="1.0.0",
        scopes=flag_scopes(dev=True, optional=False, dev_optional=False, peer=False, bundled=True),
    )
    view = DependencyGraph(packages=[package]).view(package.id)
    assert (("bundled", "dev"), "dev") == (view.scopes, view.scope)
