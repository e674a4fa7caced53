"""Token bucket, retry budget, backoff and Retry-After parsing with a fake clock."""

from __future__ import annotations

import random
import threading

import pytest

from auditor.net.limits import RetryBudget, TokenBucket, full_jitter, parse_retry_after
from tests.httpserver import FakeClock, http_date


def test_token_bucket_allows_a_burst_then_paces() -> None:
    """Burst 3 at 2/s: three free tokens, then one every half second."""
    clock = FakeClock()
    bucket = TokenBucket(2.0, 3, clock)
    waits = [bucket.acquire() for _ in range(5)]
    assert [0.0, 0.0, 0.0, 0.5, 0.5] == pytest.approx(waits)


def test_token_bucket_refills_while_idle() -> None:
    """Idle time refills the bucket up to the burst, not beyond."""
    clock = FakeClock()
    bucket = TokenBucket(1.0, 2, clock)
    bucket.acquire()
    bucket.acquire()
    clock.advance(100)
    assert [0.0, 0.0, 1.0] == pytest.approx([bucket.acquire() for _ in range(3)])


def test_token_bucket_across_threads_reserves_in_order() -> None:
    """Concurrent callers each reserve a distinct slot: total wait is 1+2+...+(n-burst)."""
    clock = FakeClock()
    bucket = TokenBucket(10.0, 1, clock)
    waits: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        wait = bucket.acquire()
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=take) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 6 == len(waits)
    assert 0.5 + 0.05 >= max(waits)  # the sixth caller waited about 5 slots of 0.1 s


def test_token_bucket_rejects_bad_settings() -> None:
    """A zero rate or burst is a programming error."""
    with pytest.raises(ValueError, match="rate must be positive"):
        TokenBucket(0, 1, FakeClock())


def test_retry_budget_counts_retries_and_lost_time() -> None:
    """Refused once the retry count or the time lost (failed attempts + sleeps) runs out."""
    budget = RetryBudget(max_retries=3, max_seconds=10.0)
    assert budget.take(4.0) is None
    assert "retry time budget of 10 s per run used up" == budget.take(7.0)
    assert budget.take(3.0, lost=2.5) is None
    assert "retry time budget of 10 s per run used up" == budget.take(0.0, lost=1.0)
    assert (2, 10.5) == (budget.retries, budget.spent)
    assert "retry budget of 0 retries per run used up" == RetryBudget(0, 99).take(0.0)


def test_full_jitter_stays_within_the_exponential_ceiling() -> None:
    """Every delay lies in [0, min(cap, base * 2**(attempt-1))]."""
    rng = random.Random(7)
    for attempt in range(1, 10):
        ceiling = min(5.0, 0.5 * 2 ** (attempt - 1))
        delays = [full_jitter(attempt, 0.5, 5.0, rng) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # really spread over the whole range


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        (http_date(1_700_000_030), 30.0),
        (http_date(1_699_999_000), 0.0),  # already past: retry now
        ("Wed, 21 Oct 2015 07:28:00", 0.0),  # no zone: taken as UTC, long past
        ("soon", None),
        ("-3", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    """Delta-seconds and HTTP-dates are understood; anything else is ignored."""
    assert expected == parse_retry_after(value, 1_700_000_000.0)
