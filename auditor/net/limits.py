"""Pacing for the HTTP client: a clock, a token bucket, the concurrency each host is
given (adapted to its 429 and 503 answers), a per-run retry budget, backoff.

These are separate from ``net.py`` so that they can be tested with a fake clock: nothing here
sleeps except through ``Clock.sleep``.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
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


@dataclass
class _Host:
    allowed: int
    in_flight: int = 0
    paused_until: float = 0.0  # monotonic time before which nothing is sent
    answered: int = 0  # answers without a throttle since the allowance last grew
    wave: int = 0  # throttle waves so far; a request remembers the one it was sent in


class HostGate:
    """How many requests may be in flight to each host at once, adapted to what it says.

    A host starts with ``limit`` concurrent requests. A 429 or 503 answer starts a
    *throttle wave*: the allowance halves (down to one request at a time) and, when the
    answer says ``Retry-After``, no request is sent to the host until then. Every
    ``allowance`` answers without a throttle add one back, up to ``limit`` (additive
    increase, multiplicative decrease). Requests that were already in flight when a wave
    began and are throttled too belong to that wave: ``release`` says so, and the client
    charges a wave that says ``Retry-After`` once to its retry budget rather than once per
    request in flight (a bare 503 is a failing server: each of its retries counts).
    """

    def __init__(self, limit: int, clock: Clock) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self._clock = clock
        self._hosts: dict[str, _Host] = {}
        self._changed = threading.Condition()

    def acquire(self, host: str) -> tuple[float, int]:
        """Wait for a slot (and for the end of any pause); return the seconds paused and
        the wave the request is sent in."""
        paused = 0.0
        with self._changed:
            state = self._hosts.setdefault(host, _Host(allowed=self.limit))
            while True:
                wait = state.paused_until - self._clock.monotonic()
                if wait > 0:
                    self._changed.release()
                    try:
                        self._clock.sleep(wait)
                    finally:
                        self._changed.acquire()
                    paused += wait
                    continue
                if state.in_flight < state.allowed:
                    state.in_flight += 1
                    return paused, state.wave
                self._changed.wait(0.5)

    def release(
        self, host: str, *, wave: int, throttled: bool, retry_after: float | None = None
    ) -> bool:
        """Free the slot; for a throttled answer, return whether it began a new wave."""
        with self._changed:
            state = self._hosts[host]
            state.in_flight -= 1
            new_wave = False
            if throttled:
                if wave == state.wave:  # sent after the last wave began: a new one
                    new_wave = True
                    state.wave += 1
                    state.allowed = max(1, state.allowed // 2)
                    state.answered = 0
                if retry_after:
                    until = self._clock.monotonic() + retry_after
                    state.paused_until = max(state.paused_until, until)
            else:
                state.answered += 1
                if state.answered >= state.allowed and state.allowed < self.limit:
                    state.allowed += 1
                    state.answered = 0
            self._changed.notify_all()
            return new_wave

    def allowance(self, host: str) -> int:
        """The requests the host may have in flight now."""
        with self._changed:
            state = self._hosts.get(host)
            return state.allowed if state is not None else self.limit


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

    def take(self, delay: float, lost: float = 0.0, *, counts: bool = True) -> str | None:
        """Record ``lost`` seconds of a failed attempt, then spend one retry that waits
        ``delay`` seconds; return why not when the budget is used up. A retry that does
        not count (a request throttled in a wave already paid for, whose time overlaps the
        wave's) spends nothing; a request makes at most ``max_attempts`` in any case."""
        if not counts:
            return None
        with self._lock:
            self._spent += max(0.0, lost)
            if self._retries >= self.max_retries:
                return f"retry budget of {self.max_retries} retries per run used up"
            if self._spent + delay > self.max_seconds:
                return self._time_used_up()
            self._retries += 1
            self._spent += delay
            return None

    def _time_used_up(self) -> str:
        return f"retry time budget of {self.max_seconds:g} s per run used up"

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
