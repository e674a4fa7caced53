"""Network and registry options shared by every command that reaches the network."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Mapping
from pathlib import Path

from auditor.net.config import CACHE_DIR_ENV, NetConfig, default_cache_dir


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text!r}")
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text!r}")
    return value


def add_cache_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help=f"cache directory (default: ${CACHE_DIR_ENV}, else $XDG_CACHE_HOME/auditor, "
        "else ~/.cache/auditor)",
    )


def add_network_options(
    parser: argparse.ArgumentParser, *, offline: bool = True, rate_limit: bool = True
) -> None:
    """--timeout, --retry-budget and, where they make sense, --rate-limit and --offline."""
    parser.add_argument(
        "--timeout",
        type=positive_float,
        metavar="SECONDS",
        help="connect and read timeout per request (default: 10 s to connect, 30 s to read)",
    )
    parser.add_argument(
        "--retry-budget",
        type=non_negative_int,
        metavar="N",
        help="retries allowed in the whole run, across all requests (default: 20)",
    )
    if rate_limit:
        parser.add_argument(
            "--rate-limit",
            type=positive_float,
            metavar="RPS",
            help="at most RPS requests per second across all threads (default: no cap; "
            "hosts that answer 429 or 503 are asked more slowly anyway)",
        )
    if offline:
        parser.add_argument(
            "--offline", action="store_true", help="send no request at all (AUDITOR_OFFLINE=1)"
        )


def add_registry_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pypi-url",
        metavar="URL",
        help="Python package index (simple API) to use instead of the pip/uv configuration "
        "(AUDITOR_PYPI_URL)",
    )
    parser.add_argument(
        "--npm-registry",
        metavar="URL",
        help="npm registry to use instead of the .npmrc configuration (AUDITOR_NPM_REGISTRY)",
    )


def cache_root(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> Path:
    """The cache root from --cache-dir, else the environment."""
    flag = getattr(args, "cache_dir", None)
    return Path(flag).expanduser() if flag else default_cache_dir(env)


def net_config(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> NetConfig:
    """The client configuration: flags over ``AUDITOR_*`` variables over defaults."""
    env = dict(os.environ if env is None else env)
    if getattr(args, "cache_dir", None):
        env[CACHE_DIR_ENV] = str(Path(args.cache_dir).expanduser())
    timeout = getattr(args, "timeout", None)
    return NetConfig.from_env(
        env,
        connect_timeout=timeout,
        read_timeout=timeout,
        retry_budget=getattr(args, "retry_budget", None),
        rate_limit=getattr(args, "rate_limit", None),
        offline=True if getattr(args, "offline", False) else None,
    )
