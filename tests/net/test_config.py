"""Network configuration from defaults, AUDITOR_* variables and flags; the cache root."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.core.errors import UsageError
from auditor.net.config import NetConfig, default_cache_dir


def test_environment_overrides_defaults_and_flags_override_environment() -> None:
    """Each AUDITOR_* variable sets its field; a non-None override wins."""
    env = {
        "HOME": "/home/u",
        "AUDITOR_CONNECT_TIMEOUT": "3",
        "AUDITOR_READ_TIMEOUT": "7.5",
        "AUDITOR_MAX_ATTEMPTS": "2",
        "AUDITOR_RETRY_BUDGET": "0",
        "AUDITOR_RETRY_TIME_BUDGET": "12",
        "AUDITOR_RATE_LIMIT": "0",
        "AUDITOR_RATE_BURST": "5",
        "AUDITOR_HTTP_CACHE_TTL": "30",
        "AUDITOR_OFFLINE": "yes",
        "AUDITOR_HOST_FAILURE_LIMIT": "0",
    }
    config = NetConfig.from_env(env, read_timeout=None, retry_budget=9)
    assert (3.0, 7.5, 2, 9, 12.0) == (
        config.connect_timeout,
        config.read_timeout,
        config.max_attempts,
        config.retry_budget,
        config.retry_time_budget,
    )
    assert (0.0, 5, 30.0, True) == (
        config.rate_limit,
        config.burst,
        config.cache_ttl,
        config.offline,
    )
    assert Path("/home/u/.cache/auditor/http") == config.cache_dir
    assert 0 == config.host_failure_limit


def test_http_cache_can_be_disabled() -> None:
    """AUDITOR_NO_HTTP_CACHE=1 leaves the client without a cache."""
    assert NetConfig.from_env({"HOME": "/h", "AUDITOR_NO_HTTP_CACHE": "1"}).cache_dir is None


@pytest.mark.parametrize(
    ("var", "value", "message"),
    [
        ("AUDITOR_READ_TIMEOUT", "fast", "AUDITOR_READ_TIMEOUT='fast': expected a number"),
        ("AUDITOR_READ_TIMEOUT", "0", "AUDITOR_READ_TIMEOUT='0': must be positive"),
        ("AUDITOR_CONNECT_TIMEOUT", "nan", "AUDITOR_CONNECT_TIMEOUT='nan': must be positive"),
        ("AUDITOR_MAX_ATTEMPTS", "0", "AUDITOR_MAX_ATTEMPTS='0': must be at least 1"),
        ("AUDITOR_MAX_ATTEMPTS", "2.5", "AUDITOR_MAX_ATTEMPTS='2.5': expected a whole number"),
        ("AUDITOR_RETRY_BUDGET", "-1", "AUDITOR_RETRY_BUDGET='-1': must be at least 0"),
        ("AUDITOR_OFFLINE", "maybe", "AUDITOR_OFFLINE='maybe': expected 1/0, true/false"),
    ],
)
def test_bad_variables_are_usage_errors(var: str, value: str, message: str) -> None:
    """A malformed variable is one UsageError naming it and its value."""
    with pytest.raises(UsageError) as info:
        NetConfig.from_env({var: value, "HOME": "/h"})
    assert str(info.value).startswith(message)


def test_bad_override_is_a_usage_error() -> None:
    """A flag value the dataclass rejects becomes a UsageError."""
    with pytest.raises(UsageError, match="read_timeout must be positive"):
        NetConfig.from_env({"HOME": "/h"}, read_timeout=-1.0)
    with pytest.raises(TypeError, match="unknown NetConfig field"):
        NetConfig.from_env({"HOME": "/h"}, nonsense=1)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"AUDITOR_CACHE_DIR": "/data/c", "XDG_CACHE_HOME": "/x"}, "/data/c"),
        ({"XDG_CACHE_HOME": "/x", "HOME": "/h"}, "/x/auditor"),
        ({"XDG_CACHE_HOME": "relative", "HOME": "/h"}, "/h/.cache/auditor"),
        ({"HOME": "/h"}, "/h/.cache/auditor"),
    ],
)
def test_default_cache_dir(env: dict[str, str], expected: str) -> None:
    """AUDITOR_CACHE_DIR, then an absolute XDG_CACHE_HOME, then ~/.cache/auditor."""
    assert Path(expected) == default_cache_dir(env)
