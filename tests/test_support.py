"""The per-case bounds the fuzz tests rely on fail when a case is slow or large."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support import case_bounds


def _hold(megabytes: int) -> int:
    held = b"x" * (megabytes * 2**20)
    return len(held)


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_case_that_holds_memory_fails_its_bound() -> None:
    """150 MB held inside the case: over a 100 MB bound (the memory is counted)."""
    with pytest.raises(AssertionError, match="peaked"), case_bounds(seconds=10, peak_mb=100):
        _hold(150)


def test_a_case_that_spins_fails_its_bound() -> None:
    """0.3 s of CPU inside the case: over a 0.1 s bound (CPU time, not wall time)."""
    with pytest.raises(AssertionError, match="took"), case_bounds(seconds=0.1, peak_mb=100):
        _spin(0.3)


def test_a_small_case_passes_and_reports_its_cost() -> None:
    """A case within its bounds passes; the cost is there to print."""
    with case_bounds(seconds=5, peak_mb=50) as cost:
        _hold(1)
    assert 0 <= cost.seconds < 5
    assert 0 <= cost.peak_mb < 50


def test_every_fuzz_test_bounds_its_cases() -> None:
    """A fuzz module (``tests/**/test_*fuzz*.py``, and the fuzz test of every collector)
    asserts per-case bounds, not only that nothing unexpected is raised."""
    here = Path(__file__).parent
    modules = [*sorted(here.rglob("test_*fuzz*.py")), here / "collectors" / "test_plugins.py"]
    assert len(modules) >= 4
    assert [] == [str(p.relative_to(here)) for p in modules if "case_bounds(" not in p.read_text()]
