"""Every output format does work linear in the graph: a real npm project has 2,000 packages
and more, and a quadratic step (a linear search per component, a sort per insertion) turns
seconds into minutes there.

Work is counted, not timed: the number of Python and built-in function calls a render makes
is the same on every machine and under any load, where a time ratio on 2 loaded cores moves
with caches and garbage collection. (A quadratic loop inside one C call would escape the
count; the ones that made CycloneDX slow were Python calls, 195,000 of them for 624
components.)
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

import pytest

from auditor.core.result import AuditResult
from auditor.outputs import plugins
from tests.outputs.cases import OPTIONS, generated_result

SMALL, LARGE = 500, 2000
# 4x the packages and edges (the same ten findings): linear work makes <= 4.1x the calls;
# cyclonedx-python-lib's model made 6.6x (XML) and 6.9x (JSON)
LIMIT = 5.0


def calls(render: Any, result: AuditResult) -> int:
    """Function calls (Python and built-in) made while rendering ``result``."""
    count = 0

    def profile(frame: FrameType, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        render(result, OPTIONS)
    finally:
        sys.setprofile(None)
    return count


@pytest.fixture(scope="module")
def results() -> tuple[AuditResult, AuditResult]:
    """The generated project at two sizes, with the same number of findings."""
    return generated_result(SMALL, vulnerable=10), generated_result(LARGE, vulnerable=10)


@pytest.mark.slow
@pytest.mark.parametrize("name", plugins.names())
def test_rendering_work_grows_linearly(name: str, results: tuple[AuditResult, AuditResult]) -> None:
    """4x the packages costs at most 5x the calls, in every registered format."""
    small, large = results
    render = plugins.get(name).render
    assert calls(render, large) < LIMIT * calls(render, small)


def _registering_like_the_library(result: AuditResult, options: object) -> list[str]:
    """cyclonedx-python-lib's ``Bom.register_dependency``: a linear search of the
    dependencies registered so far for each one added."""
    registered: list[str] = []
    for package in result.graph.packages:
        if next(filter(lambda ref: ref == package.id, registered), None) is None:
            registered.append(package.id)
    return registered


def test_the_measure_catches_a_search_per_insertion(
    results: tuple[AuditResult, AuditResult],
) -> None:
    """The same bound fails the library's pattern, so it is not too loose to notice. (The
    library's own rendering, ``tests/outputs/sbom/library_reference.py``, made 6.9x the calls for 4x
    the packages; counting it under the profiler takes most of a minute.)"""
    small, large = results
    render = _registering_like_the_library
    assert calls(render, large) > LIMIT * calls(render, small)
