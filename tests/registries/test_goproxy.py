"""Go proxy configuration: GOPROXY lists, the go env file, `go env`, private modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.registries.config import RegistryConfigError, resolve_go
from tests.registries.support import World

PROXY = "https://go-proxy.invalid"


@pytest.fixture
def world(tmp_path: Path) -> World:
    """An empty configuration world (no go on PATH)."""
    return World(tmp_path)


@pytest.mark.parametrize(
    ("value", "proxies", "fallback"),
    [
        (f"{PROXY},direct", [PROXY], "direct"),
        (f"{PROXY}/", [PROXY], None),
        (f"https://a.invalid|{PROXY},off", ["https://a.invalid", PROXY], "off"),
        ("go-proxy.invalid/mirror,direct", ["https://go-proxy.invalid/mirror"], "direct"),
        ("direct", [], "direct"),
        ("off", [], "off"),
        (f"direct,{PROXY}", [], "direct"),
        (f"file:///srv/goproxy,{PROXY}", ["file:///srv/goproxy", PROXY], None),
    ],
)
def test_goproxy_lists(world: World, value: str, proxies: list[str], fallback: str | None) -> None:
    """URLs before the first keyword are the proxies; the keyword is the fallback."""
    world.env["GOPROXY"] = value
    go = resolve_go(world.context())
    assert (proxies, fallback, "GOPROXY") == ([p.url for p in go.proxies], go.fallback, go.origin)
    assert (go.url.url if go.url else None) == (proxies[0] if proxies else None)


def test_private_modules_bypass_the_proxy(world: World) -> None:
    """GONOPROXY (default GOPRIVATE) globs match module path prefixes element by element."""
    world.env.update({"GOPROXY": PROXY, "GOPRIVATE": "*.corp.invalid,git.example.invalid/team"})
    go = resolve_go(world.context())
    assert not go.uses_proxy("git.corp.invalid/x/y")
    assert not go.uses_proxy("git.example.invalid/team/svc")
    assert go.uses_proxy("git.example.invalid/other")
    assert go.uses_proxy("git.example.invalid")
    world.env["GONOPROXY"] = "none.invalid"
    assert resolve_go(world.context()).uses_proxy("git.corp.invalid/x")
    world.env["GOPROXY"] = "off"
    assert not resolve_go(world.context()).uses_proxy("golang.invalid/x/text")


def test_go_env_file_is_read(world: World) -> None:
    """Without GOPROXY in the environment, the file `go env -w` writes is used."""
    path = world.write("home/.config/go/env", f"GOPROXY={PROXY},direct\nGOPRIVATE=*.corp.invalid\n")
    go = resolve_go(world.context())
    assert ([PROXY], f"{path} GOPROXY", ("*.corp.invalid",)) == (
        [p.url for p in go.proxies],
        go.origin,
        go.private,
    )
    world.env["GOENV"] = "off"
    with pytest.raises(RegistryConfigError):
        resolve_go(world.context())


def test_each_variable_is_read_on_its_own(world: World) -> None:
    """GOPROXY in the environment, GOPRIVATE set with ``go env -w``: go uses both, and so
    does auditor (it used to drop the file's GOPRIVATE once GOPROXY came from the
    environment, and send private module paths to the proxy)."""
    world.env["GOPROXY"] = PROXY
    world.write("home/.config/go/env", "GOPROXY=https://other.invalid\nGOPRIVATE=*.corp.invalid\n")
    go = resolve_go(world.context())
    assert ([PROXY], "GOPROXY", ("*.corp.invalid",)) == (
        [p.url for p in go.proxies],
        go.origin,
        go.private,
    )
    assert not go.uses_proxy("git.corp.invalid/team/billing")
    world.env["GONOPROXY"] = "none"  # GONOPROXY wins over GOPRIVATE, as for go
    assert resolve_go(world.context()).uses_proxy("git.corp.invalid/team/billing")


def test_fallback_asks_go(world: World) -> None:
    """Nothing configured: `go env GOPROXY GONOPROXY GOPRIVATE` answers."""
    answer = f"{PROXY},direct\\n\\n*.corp.invalid\\n"
    world.tool("go", f'[ "$*" = "env GOPROXY GONOPROXY GOPRIVATE" ] && printf "{answer}"')
    go = resolve_go(world.context())
    assert ([PROXY], "direct", ("*.corp.invalid",), "go env GOPROXY") == (
        [p.url for p in go.proxies],
        go.fallback,
        go.private,
        go.origin,
    )


def test_without_go_the_error_asks_for_goproxy(world: World) -> None:
    """go missing and nothing configured: a clear error."""
    with pytest.raises(RegistryConfigError) as info:
        resolve_go(world.context())
    assert str(info.value).startswith("no Go module proxy configured: set GOPROXY")


def test_bad_proxy_url_is_an_error(world: World) -> None:
    """An entry go could not use is one error naming GOPROXY."""
    world.env["GOPROXY"] = "ftp://go-proxy.invalid"
    with pytest.raises(RegistryConfigError, match=r"^GOPROXY: 'ftp://go-proxy.invalid' is not"):
        resolve_go(world.context())
