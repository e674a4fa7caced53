"""Token bucket, retry budget, backoff and Retry-After parsing with a fake clock."""

from __future__ import annotations

import random
import threading

import pytest

from auditor.net.limits import (
    HostGate,
    RetryBudget,
    TokenBucket,
    full_jitter,
    parse_retry_after,
)
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


def test_host_gate_halves_on_a_throttle_and_regains_one_by_one() -> None:
    """A 429 halves the host's allowance (not below one); each allowance's worth of answers
    without a throttle adds one back, up to the limit; other hosts are not affected."""
    gate = HostGate(8, FakeClock())
    _, wave = gate.acquire("a")
    assert gate.release("a", wave=wave, throttled=True)
    assert (4, 8) == (gate.allowance("a"), gate.allowance("b"))
    for _ in range(4):
        _, wave = gate.acquire("a")
        gate.release("a", wave=wave, throttled=False)
    assert 5 == gate.allowance("a")
    for _ in range(3):
        _, wave = gate.acquire("a")
        gate.release("a", wave=wave, throttled=True)
    assert 1 == gate.allowance("a")


def test_host_gate_retry_after_holds_every_request() -> None:
    """A Retry-After pauses the host: the next request waits it out on the clock."""
    clock = FakeClock()
    gate = HostGate(4, clock)
    _, wave = gate.acquire("a")
    gate.release("a", wave=wave, throttled=True, retry_after=7.0)
    paused, _ = gate.acquire("a")
    assert (7.0, [7.0]) == (paused, clock.sleeps)
    assert 0.0 == gate.acquire("b")[0]  # another host is not paused


def test_host_gate_requests_in_flight_when_throttled_are_one_wave() -> None:
    """Five requests sent together all come back 429: one wave (the first to say so), so
    a retry budget is charged once, not five times."""
    gate = HostGate(8, FakeClock())
    waves = [gate.acquire("a")[1] for _ in range(5)]
    new = [gate.release("a", wave=w, throttled=True) for w in waves]
    assert [True, False, False, False, False] == new
    assert 4 == gate.allowance("a")
    _, later = gate.acquire("a")  # sent after the wave: its throttle is a new wave
    assert gate.release("a", wave=later, throttled=True)


def test_host_gate_limits_requests_in_flight() -> None:
    """With an allowance of two, a third request waits until one of the two is answered."""
    gate = HostGate(2, FakeClock())
    first = gate.acquire("a")[1]
    gate.acquire("a")
    entered = threading.Event()

    def third() -> None:
        gate.acquire("a")
        entered.set()

    thread = threading.Thread(target=third)
    thread.start()
    assert not entered.wait(0.3)
    gate.release("a", wave=first, throttled=False)
    assert entered.wait(5)
    thread.join()


def test_retry_budget_uncounted_retries_spend_only_time() -> None:
    """A retry in a wave already paid for takes nothing from the budget."""
    budget = RetryBudget(max_retries=1, max_seconds=10.0)
    assert budget.take(1.0) is None
    assert budget.take(1.0, lost=20.0, counts=False) is None
    assert (1, 1.0) == (budget.retries, budget.spent)
    assert budget.take(0.0) is not None
