"""poetry.lock: the extras one locked package asks of another become edges."""

from __future__ import annotations

import pytest

from auditor.collectors.pypi.poetry import PoetryLockCollector
from auditor.core.errors import LockfileError
from auditor.core.model import CollectResult
from tests.support import FIXTURES, collect_file, collect_text

COLLECTOR = PoetryLockCollector()

LOCK = """
[[package]]
name = "tool"
version = "1.0"
[package.dependencies]
lib = {version = ">=1", extras = ["fast"]}

[[package]]
name = "lib"
version = "1.0"
[package.dependencies]
plain = "*"
[package.extras]
fast = ["speedups (>=2,<3 || >3)", "plain", 'backport ; python_version < "3.8"']
unused = ["never"]

[[package]]
name = "speedups"
version = "2.5"
[package.dependencies]
[package.extras]

[[package]]
name = "speedups"
version = "3.0"

[[package]]
name = "plain"
version = "1.0"

[[package]]
name = "backport"
version = "1.0"

[[package]]
name = "never"
version = "1.0"
"""


def _edges(result: CollectResult) -> set[tuple[str, str, str | None, str | None]]:
    def short(node: str) -> str:
        return node.rsplit("/", maxsplit=1)[-1]

    return {
        (short(e.parent), short(e.child), e.requirement, e.scope)
        for e in result.edges
        if not e.parent.startswith("root:")
    }


def test_a_requested_extra_adds_edges_to_what_it_names() -> None:
    """tool asks lib[fast]: lib depends on speedups (the version the Poetry constraint
    allows) and backport (with its marker); plain stays one edge; the extra nobody asked
    for adds nothing."""
    edges = _edges(collect_text(COLLECTOR, LOCK, "poetry.lock"))
    assert {
        ("tool@1.0", "lib@1.0", "lib[fast]>=1", None),
        ("lib@1.0", "plain@1.0", "plain", None),
        ("lib@1.0", "speedups@2.5", "speedups>=2,<3 || >3", None),
        ("lib@1.0", "backport@1.0", 'backport; python_version < "3.8"', None),
    } == edges


def test_extras_asked_inside_an_extra_are_followed_and_scoped() -> None:
    """Edges an optional dependency's extras add keep its scope; lib[fast] naming
    speedups[c] brings speedups' own extra."""
    lock = LOCK.replace('"speedups (>=2,<3 || >3)"', '"speedups[c] (>=2,<3 || >3)"').replace(
        'lib = {version = ">=1", extras = ["fast"]}',
        'lib = {version = ">=1", extras = ["fast"], optional = true}',
    )
    lock = lock.replace(
        "[package.dependencies]\n[package.extras]\n",
        '[package.dependencies]\n[package.extras]\nc = ["never"]\n',
    )
    edges = _edges(collect_text(COLLECTOR, lock, "poetry.lock"))
    assert ("tool@1.0", "lib@1.0", "lib[fast]>=1", "optional") in edges
    assert ("lib@1.0", "speedups@2.5", "speedups[c]>=2,<3 || >3", "optional") in edges
    assert ("speedups@2.5", "never@1.0", "never", "optional") in edges


def test_real_lock_coverage_toml_brings_tomli() -> None:
    """saleor: pytest-cov depends on coverage[toml]; coverage's toml extra is tomli (lock
    2.0 writes it only in coverage's ``[package.extras]``)."""
    result = collect_file(
        COLLECTOR, FIXTURES / "poetry-lock/real/saleor__saleor__6b6c6dbb/poetry.lock"
    )
    assert ("coverage@7.6.1", "tomli@2.0.1", "tomli", None) in _edges(result)


def test_a_malformed_extra_item_names_file_and_key() -> None:
    """An extras entry that is not a requirement is a clean error at its key."""
    lock = LOCK.replace('"plain", ', '"(no name)", ')
    with pytest.raises(LockfileError, match=r"not a requirement: '\(no name\)'") as caught:
        collect_text(COLLECTOR, lock, "poetry.lock")
    assert "extras.fast[1]" in str(caught.value)
