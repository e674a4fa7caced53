"""What the fuzz tests share: text mutations, reshaping a decoded document, and the one
verdict every collector must give (it parses, or raises one LockfileError line naming the
file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from auditor.collectors.base import Collector
from auditor.core.errors import LockfileError
from tests.support import collect_text

# -- text ---------------------------------------------------------------------------------

MUTATION = st.tuples(
    st.sampled_from(["truncate", "delete", "insert", "replace", "duplicate"]),
    st.floats(0, 1),
    st.floats(0, 1),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
)


def mutate(text: str, mutation: tuple[str, float, float, str], *, reach: int = 200) -> str:
    """Truncate, delete, insert, replace or duplicate at a point of ``text`` (a span of at
    most ``reach`` characters)."""
    kind, a, b, insert = mutation
    i = int(a * len(text))
    j = min(len(text), i + int(b * reach))
    if kind == "truncate":
        return text[:i]
    if kind == "delete":
        return text[:i] + text[j:]
    if kind == "insert":
        return text[:i] + insert + text[i:]
    if kind == "replace":
        return text[:i] + insert + text[j:]
    return text[:j] + text[i:j] + text[j:]


# -- structure ------------------------------------------------------------------------------

_SCALARS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "*", "^1.0", ">=1,<2", "1.0", "main", "dev", "sha256:00", "."]),
    st.integers(-5, 5),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
)
VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The key path of every node below ``value``."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def replace_at(document: Any, path: tuple[Any, ...], new: Any, *, delete: bool) -> None:
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new


def reshape(document: Any, data: st.DataObject) -> None:
    """Replace (or remove) one to three values anywhere in ``document``, in place."""
    where = paths(document)
    if not where:
        return
    for _ in range(data.draw(st.integers(1, 3))):
        target = data.draw(st.sampled_from(where))
        try:
            replace_at(document, target, data.draw(VALUES), delete=data.draw(st.booleans()))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or reshaped this path


# -- the verdict ----------------------------------------------------------------------------


def clean_error(collector: Collector, text: str, shown: str, root: Path | None = None) -> None:
    """The collector reads ``text`` or raises one LockfileError line naming ``shown``;
    anything else propagates (and fails the test)."""
    message = None
    try:
        collect_text(collector, text, shown, root)
    except LockfileError as exc:
        message = str(exc)
    if message is not None:
        assert message.startswith(shown), message
        assert "\n" not in message
