"""Configuration of the HTTP client: defaults, ``AUDITOR_*`` environment variables, cache dir.

Precedence: a command-line flag (passed as an override) beats the environment variable,
which beats the default. A malformed variable is a ``UsageError`` naming it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from auditor.core.errors import UsageError

CACHE_DIR_ENV = "AUDITOR_CACHE_DIR"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True, kw_only=True)
class NetConfig:
    """Everything that shapes the HTTP behaviour of one run (times in seconds)."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # between two reads from the socket, not for a whole body
    max_attempts: int = 4  # per request, the first one included
    retry_budget: int = 20  # retries per run, across all requests and threads
    retry_time_budget: float = 60.0  # seconds per run lost to failed attempts and backoff
    backoff_base: float = 0.5
    backoff_cap: float = 8.0  # longest single jittered backoff
    retry_after_cap: float = 30.0  # longest wait a Retry-After header can impose
    # after this many requests to one host failed in a row (every attempt, or the budget
    # spent), later requests to it fail at once: a dead host costs seconds, not hours
    host_failure_limit: int = 3  # 0 = never give up on a host
    # requests in flight to one host at once: halved by each 429/503, regained one by one
    connections: int = 32
    rate_limit: float = 0.0  # a cap in requests per second across threads; 0 = none
    burst: int = 20
    cache_dir: Path | None = None  # HTTP response cache; None = no cache
    cache_ttl: float = 24 * 3600.0
    offline: bool = False
    max_body: int = 64 * 1024 * 1024  # largest in-memory response (decompressed)
    # A compressed answer may expand this many times (real JSON: 5-20), beyond a first
    # ``large_body`` bytes: a 61 KB gzip bomb of 63 MB is refused as it is read.
    max_expansion: int = 100
    # Bodies beyond this size are read and parsed one at a time across the run's threads,
    # so eight threads never hold eight large documents being decoded at once.
    large_body: int = 4 * 1024 * 1024
    # A JSON answer with more values than this is refused before it is parsed (a 63 MB
    # array of empty objects would take gigabytes as Python objects).
    max_json_values: int = 5_000_000
    user_agent: str = ""  # empty: "auditor/<version> ..."

    def __post_init__(self) -> None:
        positive = ("connect_timeout", "read_timeout", "backoff_base", "backoff_cap")
        for name in positive:
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if min(self.max_attempts, self.burst, self.max_body, self.connections) < 1:
            raise ValueError("max_attempts, burst, max_body and connections must be at least 1")
        non_negative = (
            "retry_budget",
            "retry_time_budget",
            "retry_after_cap",
            "rate_limit",
            "host_failure_limit",
        )
        for name in (*non_negative, "cache_ttl"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> NetConfig:
        """Defaults, then ``AUDITOR_*`` variables, then ``overrides`` (flags; None = unset).

        The HTTP cache is ``<cache root>/http`` unless ``AUDITOR_NO_HTTP_CACHE`` is set.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for name, var, kind in _ENV_FIELDS:
            if var in env:
                values[name] = _parse(var, env[var], kind)
        if not _parse("AUDITOR_NO_HTTP_CACHE", env.get("AUDITOR_NO_HTTP_CACHE", ""), "bool"):
            values["cache_dir"] = default_cache_dir(env) / "http"
        known = {f.name for f in fields(cls)}
        for name, value in overrides.items():
            if name not in known:
                raise TypeError(f"unknown NetConfig field {name!r}")
            if value is not None:
                values[name] = value
        try:
            return replace(cls(), **values)
        except ValueError as exc:
            raise UsageError(f"network configuration: {exc}") from None


# (field, environment variable, kind): kinds are "float" (> 0), "float0" (>= 0), "int" (>= 1),
# "int0" (>= 0) and "bool"
_ENV_FIELDS = (
    ("connect_timeout", "AUDITOR_CONNECT_TIMEOUT", "float"),
    ("read_timeout", "AUDITOR_READ_TIMEOUT", "float"),
    ("max_attempts", "AUDITOR_MAX_ATTEMPTS", "int"),
    ("retry_budget", "AUDITOR_RETRY_BUDGET", "int0"),
    ("retry_time_budget", "AUDITOR_RETRY_TIME_BUDGET", "float0"),
    ("host_failure_limit", "AUDITOR_HOST_FAILURE_LIMIT", "int0"),
    ("connections", "AUDITOR_CONNECTIONS", "int"),
    ("rate_limit", "AUDITOR_RATE_LIMIT", "float0"),
    ("burst", "AUDITOR_RATE_BURST", "int"),
    ("cache_ttl", "AUDITOR_HTTP_CACHE_TTL", "float0"),
    ("offline", "AUDITOR_OFFLINE", "bool"),
)


def _parse(var: str, text: str, kind: str) -> Any:
    value = text.strip()
    if kind == "bool":
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise UsageError(f"{var}={text!r}: expected 1/0, true/false, yes/no or on/off")
    try:
        number: float = int(value) if kind.startswith("int") else float(value)
    except ValueError:
        what = "a whole number" if kind.startswith("int") else "a number"
        raise UsageError(f"{var}={text!r}: expected {what}") from None
    minimum = {"float": 0.0, "float0": 0.0, "int": 1, "int0": 0}[kind]
    if number < minimum or (kind == "float" and number == 0) or not math.isfinite(number):
        bound = "positive" if kind == "float" else f"at least {minimum:g}"
        raise UsageError(f"{var}={text!r}: must be {bound}")
    return number


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """The cache root: ``AUDITOR_CACHE_DIR``, else ``$XDG_CACHE_HOME/auditor``, else
    ``~/.cache/auditor`` (``%LOCALAPPDATA%\\auditor\\Cache`` on Windows)."""
    env = os.environ if env is None else env
    explicit = env.get(CACHE_DIR_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():  # the XDG spec says relative values are ignored
        return Path(xdg) / "auditor"
    if os.name == "nt" and env.get("LOCALAPPDATA"):
        return Path(env["LOCALAPPDATA"]) / "auditor" / "Cache"
    home = env.get("HOME", "").strip()
    return (Path(home) if home else Path.home()) / ".cache" / "auditor"
