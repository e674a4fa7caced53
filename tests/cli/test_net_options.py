"""Shared network flags become a NetConfig: flags over AUDITOR_* variables over defaults."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from auditor.cli.net_options import (
    add_cache_option,
    add_network_options,
    add_registry_options,
    cache_root,
    net_config,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    add_cache_option(parser)
    add_network_options(parser)
    add_registry_options(parser)
    return parser


def test_flags_win_over_environment(tmp_path: Path) -> None:
    """Every flag lands in the configuration; unset flags leave the environment's value."""
    env = {"HOME": "/h", "AUDITOR_RATE_LIMIT": "3", "AUDITOR_RETRY_BUDGET": "7"}
    args = _parser().parse_args(
        ["--timeout", "2.5", "--rate-limit", "9", "--offline", "--cache-dir", str(tmp_path)]
    )
    config = net_config(args, env)
    assert (2.5, 2.5, 9.0, 7, True) == (
        config.connect_timeout,
        config.read_timeout,
        config.rate_limit,
        config.retry_budget,
        config.offline,
    )
    assert tmp_path / "http" == config.cache_dir
    assert tmp_path == cache_root(args, env)


def test_defaults_come_from_the_environment() -> None:
    """Without flags: the environment, else the defaults."""
    args = _parser().parse_args([])
    config = net_config(args, {"HOME": "/h", "AUDITOR_OFFLINE": "1"})
    assert (True, 10.0, Path("/h/.cache/auditor/http")) == (
        config.offline,
        config.connect_timeout,
        config.cache_dir,
    )
    assert Path("/h/.cache/auditor") == cache_root(args, {"HOME": "/h"})
    assert (None, None) == (args.pypi_url, args.npm_registry)


@pytest.mark.parametrize(
    "argv",
    [["--timeout", "-1"], ["--timeout", "inf"], ["--retry-budget", "-2"], ["--rate-limit", "x"]],
)
def test_bad_flag_values_are_rejected(argv: list[str]) -> None:
    """Values argparse rejects exit 2 before anything runs."""
    with pytest.raises(SystemExit) as info:
        _parser().parse_args(argv)
    assert 2 == info.value.code
