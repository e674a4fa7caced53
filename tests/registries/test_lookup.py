"""The run's registries: lazy clients per ecosystem, errors kept, concurrency, and the
public registries used for dependency confusion."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from auditor.core.errors import SourceError
from auditor.core.model import Ecosystem
from auditor.net.client import HttpClient
from auditor.registries.lookup import (
    Registries,
    configured_registries,
    npm_builtin_registry,
    public_registries,
)
from auditor.registries.pipconf import pip_default_index
from tests.httpserver import quick_config
from tests.registries.support import World


@pytest.fixture
def world(tmp_path: Path) -> World:
    """An empty configuration world: no config files, no npm or go on PATH."""
    return World(tmp_path)


def test_clients_are_made_once_and_failures_kept(world: World) -> None:
    """A Go proxy list of only "direct" and an unconfigured npm are errors with the reason;
    asking twice gives the same answer without resolving again."""
    world.env["GOPROXY"] = "direct"
    world.env["PIP_INDEX_URL"] = "https://pypi-index.invalid/simple"
    registries = configured_registries(HttpClient(quick_config()), world.context())
    pypi = registries.client(Ecosystem.PYPI)
    assert pypi is registries.client(Ecosystem.PYPI)
    assert "https://pypi-index.invalid/simple" == pypi.shown
    with pytest.raises(
        SourceError, match="GOPROXY \\(GOPROXY\\) names no module proxy, only direct"
    ):
        registries.client(Ecosystem.GO)
    with pytest.raises(SourceError, match="npm"):
        registries.client(Ecosystem.NPM)


def test_each_runs_concurrently_and_keeps_errors() -> None:
    """Work runs on several threads; a SourceError is the item's answer, in order."""
    threads: set[int] = set()
    barrier = threading.Barrier(2, timeout=5)

    def work(item: int) -> int:
        threads.add(threading.get_ident())
        if item < 2:
            barrier.wait()  # two items must run at the same time to pass
        if item == 3:
            raise SourceError("three failed")
        return item * 10

    answers = Registries({}, workers=4).each([0, 1, 2, 3], work)
    assert [(0, 0, None), (1, 10, None), (2, 20, None)] == list(answers[:3])
    assert "three failed" == str(answers[3][2])
    assert len(threads) >= 2


def test_public_registries_default_and_configured(world: World) -> None:
    """pip's exported default for PyPI, npm's built-in default (asked of npm with every
    configuration disabled), or the configured ones instead."""
    world.tool(
        "npm",
        'if [ "$npm_config_userconfig" = /dev/null ] && [ -z "$npm_config_registry" ]; then '
        "echo https://npm-registry.invalid/; else echo https://wrong.invalid/; fi",
    )
    world.env["npm_config_registry"] = "https://private.invalid/"
    context = world.context()
    assert "https://npm-registry.invalid/" == npm_builtin_registry(context)
    public = public_registries(HttpClient(quick_config()), context)
    default = pip_default_index()
    assert default is not None
    assert list(default) == list(public.urls[Ecosystem.PYPI])
    assert public.is_public(Ecosystem.NPM, "https://npm-registry.invalid/left-pad/-/x.tgz")
    assert not public.is_public(Ecosystem.NPM, "https://private.invalid/")
    chosen = public_registries(
        HttpClient(quick_config()), context, [(Ecosystem.PYPI, "https://mirror.invalid/simple")]
    )
    assert ("https://mirror.invalid/simple",) == chosen.urls[Ecosystem.PYPI]
    assert "https://mirror.invalid/simple" == chosen.registries.client(Ecosystem.PYPI).shown


def test_no_npm_no_public_npm_registry(world: World) -> None:
    """Without npm installed, the public npm registry must be configured: a lookup says so."""
    public = public_registries(HttpClient(quick_config()), world.context())
    assert Ecosystem.NPM not in public.urls
    presence = public.presence(Ecosystem.NPM, "@acme/ui")
    assert presence.exists is None
    assert "set public-registries.npm in the config" in (presence.error or "")
