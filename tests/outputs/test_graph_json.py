"""The graph JSON shape of edges."""

from __future__ import annotations

from auditor.core.model import Edge
from auditor.outputs.graph_json import edge_json


def test_edge_json_marks_only_indirect_edges() -> None:
    """``indirect`` appears (true) only on edges that pin a version, so the shape of every
    other edge stays as documented."""
    plain = Edge(parent="root:go.mod", child="pkg:golang/a@1.0.0", requirement="a v1.0.0")
    pinned = Edge(parent="root:go.mod", child="pkg:golang/b@1.0.0", indirect=True)
    assert {
        "from": "root:go.mod",
        "to": "pkg:golang/a@1.0.0",
        "requirement": "a v1.0.0",
        "scope": None,
    } == edge_json(plain)
    assert {
        "from": "root:go.mod",
        "to": "pkg:golang/b@1.0.0",
        "requirement": None,
        "scope": None,
        "indirect": True,
    } == edge_json(pinned)
