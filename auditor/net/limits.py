"""Pacing for the HTTP client: a clock, a token bucket, a per-run retry budget, backoff.

These are separate from ``net.py`` so that they can be tested with a fake clock: nothing here
sleeps except through ``Clock.sleep``.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Protocol


class Clock(Protocol):
    """Time as the client sees it; tests substitute a fake that never really sleeps."""

    def monotonic(self) -> float: ...

    def time(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class TokenBucket:
    """A thread-safe token bucket: ``rate`` requests per second with bursts of ``burst``.

    A caller reserves its token under the lock (the balance may go negative) and sleeps
    outside it, so waiting threads are served in arrival order and never hold the lock.
    """

    def __init__(self, rate: float, burst: int, clock: Clock) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self._rate = rate
        self._burst = float(burst)
        self._clock = clock
        self._tokens = float(burst)
        self._last = clock.monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping until it is available; return the seconds waited."""
        with self._lock:
            now = self._clock.monotonic()
            elapsed = max(0.0, now - self._last)
            self._tokens = min(self._burst, self._tokens + elapsed * self._rate)
            self._last = now
            self._tokens -= 1.0
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self._rate
        if wait > 0:
            self._clock.sleep(wait)
        return wait


class RetryBudget:
    """At most ``max_retries`` retries and ``max_seconds`` lost to failures per run.

    The time lost is the duration of every failed attempt (a timeout costs its full length)
    plus every backoff sleep. Shared by every request of one client, so a dead or silent
    server costs a bounded amount of time in total instead of a full retry schedule for each
    of hundreds of requests.
    """

    def __init__(self, max_retries: int, max_seconds: float) -> None:
        self.max_retries = max_retries
        self.max_seconds = max_seconds
        self._retries = 0
        self._spent = 0.0
        self._lock = threading.Lock()

    def take(self, delay: float, lost: float = 0.0) -> str | None:
        """Record ``lost`` seconds of a failed attempt, then spend one retry that waits
        ``delay`` seconds; return why not when the budget is used up."""
        with self._lock:
            self._spent += max(0.0, lost)
            if self._retries >= self.max_retries:
                return f"retry budget of {self.max_retries} retries per run used up"
            if self._spent + delay > self.max_seconds:
                return f"retry time budget of {self.max_seconds:g} s per run used up"
            self._retries += 1
            self._spent += delay
            return None

    @property
    def retries(self) -> int:
        with self._lock:
            return self._retries

    @property
    def spent(self) -> float:
        with self._lock:
            return self._spent


def full_jitter(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**(attempt-1))]."""
    ceiling = min(cap, base * (2 ** max(0, attempt - 1)))
    return rng.uniform(0.0, ceiling)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date).

    ``now`` is the current Unix time; a date in the past means "retry now" (0). An
    unparseable value is ignored (None) and the caller falls back to its own backoff.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - datetime.fromtimestamp(now, timezone.utc).timestamp())
