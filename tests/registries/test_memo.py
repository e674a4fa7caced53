"""Registry answers kept for a run: each asked once, even by threads asking together."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from auditor.core.errors import SourceError
from auditor.registries.metadata import Memo


def test_threads_asking_together_wait_for_one_answer() -> None:
    """Eight threads ask for the same name at once: one computes, all get its answer."""
    memo: Memo[str, int] = Memo()
    started = threading.Barrier(8)
    calls: list[int] = []
    gate = threading.Event()

    def compute() -> int:
        calls.append(1)
        gate.wait(5)
        return 42

    def ask(_: int) -> int:
        started.wait()
        return memo.get("react", compute)

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(ask, i) for i in range(8)]
        gate.set()
        answers = [f.result() for f in futures]
    assert ([42] * 8, 1) == (answers, len(calls))


def test_a_failure_is_not_kept() -> None:
    """A lookup that failed is asked again later (the next ask may succeed)."""
    memo: Memo[str, int] = Memo()

    def fail() -> int:
        raise SourceError("registry down")

    with pytest.raises(SourceError):
        memo.get("a", fail)
    assert 7 == memo.get("a", lambda: 7)
    assert 7 == memo.get("a", fail)
