"""The model's values sort totally, whatever fields are missing (``None`` first)."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from auditor.core.model import Ecosystem, Edge, FileError, Location, Root, SkippedPackage

_TEXT = st.none() | st.sampled_from(["", "a", "b", "dev", "x@1"])
_LINE = st.none() | st.integers(0, 3)
_LOCATIONS = st.builds(Location, path=st.sampled_from(["a", "b"]), line=_LINE, key=_TEXT)
_EDGES = st.builds(
    Edge,
    parent=st.sampled_from(["p", "q"]),
    child=st.sampled_from(["c", "d"]),
    requirement=_TEXT,
    scope=_TEXT,
    indirect=st.booleans(),
)
_SKIPPED = st.builds(
    SkippedPackage,
    ecosystem=st.sampled_from(list(Ecosystem)),
    name=st.sampled_from(["a", "b"]),
    requirement=st.sampled_from(["a", "b"]),
    reason=st.sampled_from(["r"]),
    location=_LOCATIONS,
)
_ROOTS = st.builds(
    Root,
    id=st.sampled_from(["r"]),
    name=st.sampled_from(["n"]),
    ecosystem=st.sampled_from(list(Ecosystem)),
    path=st.sampled_from(["p"]),
    requires_python=_TEXT,
)
_ERRORS = st.builds(FileError, path=st.sampled_from(["f"]), message=_TEXT.map(str), line=_LINE)


@given(st.lists(_EDGES) | st.lists(_SKIPPED) | st.lists(_ROOTS) | st.lists(_ERRORS), st.randoms())
def test_sorting_is_total_and_does_not_depend_on_input_order(
    values: list[object], rng: random.Random
) -> None:
    """Edges, skipped packages, roots and file errors with any mix of missing requirement,
    scope, line, key or Python range sort without error, to the same order from any
    starting order (vite's 5.4 lockfile used to stop here with a TypeError)."""
    shuffled = list(values)
    rng.shuffle(shuffled)
    assert sorted(values) == sorted(shuffled)  # type: ignore[type-var]


def test_none_sorts_first() -> None:
    """A missing value sorts before a present one, field by field."""
    bare = Edge(parent="p", child="c")
    named = Edge(parent="p", child="c", requirement="c@1")
    assert [bare, named] == sorted([named, bare])
    assert bare < named
    assert named > bare
    assert Location(path="a", line=None) < Location(path="a", line=1)
