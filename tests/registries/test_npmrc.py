"""npm registry configuration: flags, npm_config_*, .npmrc files, scopes, credentials."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest

from auditor.registries.config import RegistryConfigError, npmrc_files, resolve_npm
from tests.registries.support import World

REGISTRY = "https://npm-registry.invalid/"
CORP = "https://npm.corp.invalid/api/npm/"


@pytest.fixture
def world(tmp_path: Path) -> World:
    """An empty configuration world (no npm or node on PATH)."""
    return World(tmp_path)


def test_files_in_npm_order(world: World) -> None:
    """Without node on PATH the global file is <etc>/npmrc; then user, then project."""
    assert [world.etc / "npmrc", world.home / ".npmrc", world.project / ".npmrc"] == npmrc_files(
        world.context()
    )


def test_project_beats_user_beats_global(world: World) -> None:
    """Each more specific .npmrc overrides the registry of the less specific ones."""
    world.write("etc/npmrc", "registry=https://global.invalid/\n")
    assert "https://global.invalid/" == resolve_npm(world.context()).default.url
    world.write("home/.npmrc", "registry=https://user.invalid\n")
    assert "https://user.invalid/" == resolve_npm(world.context()).default.url
    world.write("project/.npmrc", "; comment\n# another\nregistry = " + REGISTRY + "\n")
    default = resolve_npm(world.context()).default
    assert (REGISTRY, f"{world.project / '.npmrc'}:3") == (default.url, default.origin)


@pytest.mark.parametrize(
    ("env", "flag", "origin"),
    [
        ({"npm_config_registry": CORP, "AUDITOR_NPM_REGISTRY": CORP}, REGISTRY, "--npm-registry"),
        (
            {"npm_config_registry": CORP, "AUDITOR_NPM_REGISTRY": REGISTRY},
            None,
            "AUDITOR_NPM_REGISTRY",
        ),
        ({"NPM_CONFIG_REGISTRY": REGISTRY}, None, "npm_config_registry"),
    ],
)
def test_flag_and_environment_beat_files(
    world: World, env: dict[str, str], flag: str | None, origin: str
) -> None:
    """--npm-registry, AUDITOR_NPM_REGISTRY, npm_config_registry (any case), then files."""
    world.env.update(env)
    world.write("project/.npmrc", f"registry={CORP}\n")
    default = resolve_npm(world.context(), flag=flag).default
    assert (REGISTRY, origin) == (default.url, default.origin)


def test_global_and_user_config_locations_from_npm_variables(world: World) -> None:
    """npm_config_globalconfig / npm_config_userconfig / npm_config_prefix move the files."""
    world.env["npm_config_userconfig"] = str(world.write("elsewhere/user-rc", f"registry={CORP}\n"))
    world.env["npm_config_prefix"] = str(world.root / "prefix")
    files = npmrc_files(world.context())
    assert [world.root / "prefix/etc/npmrc", world.root / "elsewhere/user-rc"] == files[:2]
    world.env["npm_config_globalconfig"] = str(world.root / "g.npmrc")
    assert world.root / "g.npmrc" == npmrc_files(world.context())[0]
    assert CORP == resolve_npm(world.context()).default.url


def test_global_file_found_beside_node(world: World) -> None:
    """With node on PATH the global npmrc is <node prefix>/etc/npmrc."""
    node_bin = world.root / "node/bin"
    node_bin.mkdir(parents=True)
    (node_bin / "node").write_text("#!/bin/sh\n")
    (node_bin / "node").chmod(0o755)
    world.env["PATH"] = f"{node_bin}:{world.bin}"
    assert world.root / "node/etc/npmrc" == npmrc_files(world.context())[0]


def test_scoped_registries(world: World) -> None:
    """@scope:registry= serves that scope; everything else goes to the default."""
    world.write(
        "project/.npmrc",
        f'registry={REGISTRY}\n@Corp:registry={CORP}\n@tools:registry="https://t.invalid"\n',
    )
    registries = resolve_npm(world.context())
    assert CORP == registries.registry_for("@corp/ui").url
    assert "https://t.invalid/" == registries.registry_for("@tools/cli").url
    assert REGISTRY == registries.registry_for("@other/x").url
    assert REGISTRY == registries.registry_for("left-pad").url
    assert ["@corp", "@tools"] == [name for name, _ in registries.scopes]


def test_auth_tokens_by_longest_prefix(world: World) -> None:
    """_authToken, _auth and username/_password, matched by the longest nerf-dart prefix."""
    password = base64.b64encode(b"pw-SECRET-3").decode()
    world.env["NPM_TOKEN"] = "tok-SECRET-1"  # noqa: S105 - a fake token
    world.write(
        "home/.npmrc",
        "//npm.corp.invalid/:_authToken=host-level\n"
        "//npm.corp.invalid/api/npm/:_authToken=${NPM_TOKEN}\n"
        "//basic.invalid/:_auth=dXNlcjpwdy1TRUNSRVQtMg==\n"
        f"//pw.invalid:8443/:username=me\n//pw.invalid:8443/:_password={password}\n",
    )
    world.write("project/.npmrc", f"registry={REGISTRY}\n")
    registries = resolve_npm(world.context())
    assert {"Authorization": "Bearer tok-SECRET-1"} == registries.auth_headers(
        "https://npm.corp.invalid/api/npm/@corp%2fui"
    )
    assert {"Authorization": "Bearer host-level"} == registries.auth_headers(
        "https://npm.corp.invalid/other/x"
    )
    assert {"Authorization": "Basic dXNlcjpwdy1TRUNSRVQtMg=="} == registries.auth_headers(
        "https://basic.invalid/x"
    )
    expected = base64.b64encode(b"me:pw-SECRET-3").decode()
    assert {"Authorization": f"Basic {expected}"} == registries.auth_headers(
        "https://pw.invalid:8443/pkg"
    )
    assert {} == registries.auth_headers(REGISTRY + "left-pad")
    assert {"tok-SECRET-1", "pw-SECRET-2", "pw-SECRET-3"} <= set(registries.secrets())
    assert "SECRET" not in repr(registries)


def test_undefined_variables_skip_the_entry(world: World, caplog: pytest.LogCaptureFixture) -> None:
    """${UNSET} drops its entry with a warning; ${UNSET?} expands to nothing."""
    world.write(
        "home/.npmrc",
        f"registry={REGISTRY}\n//npm-registry.invalid/:_authToken=${{UNSET}}\n"
        "@corp:registry=https://npm.corp.invalid/${SUFFIX?}\n",
    )
    with caplog.at_level(logging.WARNING):
        registries = resolve_npm(world.context())
    assert () == registries.auth
    assert f"{world.home / '.npmrc'}:2: ${{UNSET}} is not set; entry ignored" in caplog.text
    assert "https://npm.corp.invalid/" == registries.registry_for("@corp/x").url


def test_fallback_asks_npm(world: World) -> None:
    """No registry configured: `npm config get registry` answers, run outside the project
    (npm would read the scanned tree's .npmrc there)."""
    world.tool(
        "npm", f'[ "$*" = "config get registry" ] && pwd > "{world.root}/cwd" && echo {REGISTRY}'
    )
    default = resolve_npm(world.context()).default
    assert (REGISTRY, "npm config get registry") == (default.url, default.origin)
    assert str(world.project) != (world.root / "cwd").read_text().strip()


def test_without_npm_the_error_asks_for_configuration(world: World) -> None:
    """npm missing and nothing configured: a clear error naming what to set."""
    with pytest.raises(RegistryConfigError) as info:
        resolve_npm(world.context())
    assert str(info.value).startswith(
        "no npm registry configured: set npm_config_registry, registry= in an .npmrc"
    )


def test_failing_npm_is_reported(world: World) -> None:
    """npm exiting non-zero is one line with its first stderr line, credentials redacted."""
    world.tool("npm", 'echo "npm ERR! bad https://u:pw-SECRET@npm.corp.invalid/" >&2; exit 3')
    with pytest.raises(RegistryConfigError) as info:
        resolve_npm(world.context())
    assert (
        "`npm config get registry` failed (exit 3): npm ERR! bad https://****@npm.corp.invalid/"
        == str(info.value)
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "registry=npm-registry.invalid\n",
            ".npmrc:1: 'npm-registry.invalid' is not an http/https URL",
        ),
        (
            "//x.invalid/:username=u\n//x.invalid/:_password=not base64!\n",
            ".npmrc:2: _password must be base64-encoded",
        ),
    ],
)
def test_broken_entries_are_clear_errors(world: World, text: str, message: str) -> None:
    """A registry that is not a URL, or a _password that is not base64, names file:line."""
    world.write("project/.npmrc", f"registry={REGISTRY}\n" if "registry=" not in text else "")
    world.write("home/.npmrc", text)
    with pytest.raises(RegistryConfigError) as info:
        resolve_npm(world.context())
    assert message in str(info.value)
