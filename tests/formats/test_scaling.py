"""Every output format renders in time near-linear in the graph: a real npm project has
2,000 packages and more, and a quadratic step (a linear search per component, a sort per
insertion) turns seconds into minutes there."""

from __future__ import annotations

import time

import pytest

from auditor.formats import registry
from auditor.model import AuditResult
from tests.formats.cases import OPTIONS, generated_result

SMALL, LARGE = 500, 2000
# 4x the packages: linear work takes ~4x (measured 4-6x), quadratic work 16x
RATIO = 10


def _best_time(name: str, result: AuditResult) -> float:
    render = registry.get(name).render
    times = []
    for _ in range(3):
        start = time.perf_counter()
        render(result, OPTIONS)
        times.append(time.perf_counter() - start)
    return min(times)  # the least disturbed run


@pytest.fixture(scope="module")
def results() -> tuple[AuditResult, AuditResult]:
    """The generated project at two sizes."""
    return generated_result(SMALL), generated_result(LARGE)


@pytest.mark.slow
@pytest.mark.parametrize("name", registry.names())
def test_rendering_scales_near_linearly(
    name: str, results: tuple[AuditResult, AuditResult]
) -> None:
    """4x the packages and edges costs well under 10x the time (10 ms floor for the formats
    that only list findings)."""
    small, large = results
    small_time = max(_best_time(name, small), 0.01)
    large_time = _best_time(name, large)
    assert large_time < RATIO * small_time, (small_time, large_time)
