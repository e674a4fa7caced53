"""Python index configuration: flags, pip/uv environment, pip.conf files, pip's default."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from auditor.registries import pipconf
from auditor.registries.config import RegistryConfigError, pip_config_files, resolve_python
from tests.registries.support import World

INDEX = "https://pypi-index.invalid/simple"
MIRROR = "https://mirror.invalid/simple"


@pytest.fixture
def world(tmp_path: Path) -> World:
    """An empty configuration world."""
    return World(tmp_path)


def _default() -> pipconf._PipDefault:
    found = pipconf._pip_default()
    assert found is not None, "pip is installed in the test environment"
    return found


def test_nothing_configured_uses_pips_own_default(world: World) -> None:
    """Without configuration the index is the constant pip exports, with its JSON API."""
    indexes = resolve_python(world.context())
    assert (_default().simple_url, "pip's default index") == (
        indexes.index.url,
        indexes.index.origin,
    )
    assert _default().json_url == indexes.json_api
    assert indexes.is_default
    assert () == indexes.extra


def test_without_pip_and_configuration_the_error_asks_for_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pip missing and nothing configured: a clear error naming what to set."""
    monkeypatch.setattr(pipconf, "_pip_default", lambda: None)
    with pytest.raises(RegistryConfigError) as info:
        resolve_python(world.context())
    assert str(info.value).startswith("no Python package index configured: set PIP_INDEX_URL")


def test_without_pip_a_configured_index_still_works(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pip missing is fine when the user configured an index; no JSON API is assumed."""
    monkeypatch.setattr(pipconf, "_pip_default", lambda: None)
    world.env["PIP_INDEX_URL"] = INDEX
    assert (INDEX, None) == (resolve_python(world.context()).index.url, None)


@pytest.mark.parametrize(
    ("env", "flag", "origin"),
    [
        ({"PIP_INDEX_URL": INDEX, "AUDITOR_PYPI_URL": "https://x.invalid/"}, MIRROR, "--pypi-url"),
        ({"PIP_INDEX_URL": INDEX, "AUDITOR_PYPI_URL": MIRROR}, None, "AUDITOR_PYPI_URL"),
        ({"PIP_INDEX_URL": MIRROR, "UV_DEFAULT_INDEX": INDEX}, None, "PIP_INDEX_URL"),
        ({"UV_DEFAULT_INDEX": MIRROR, "UV_INDEX_URL": INDEX}, None, "UV_DEFAULT_INDEX"),
        ({"UV_INDEX_URL": MIRROR}, None, "UV_INDEX_URL"),
    ],
)
def test_flag_and_environment_precedence(
    world: World, env: dict[str, str], flag: str | None, origin: str
) -> None:
    """--pypi-url, AUDITOR_PYPI_URL, PIP_INDEX_URL, UV_DEFAULT_INDEX, UV_INDEX_URL in order."""
    world.env.update(env)
    world.write("etc/pip.conf", f"[global]\nindex-url = {INDEX}\n")
    indexes = resolve_python(world.context(), flag=flag)
    assert (MIRROR, origin) == (indexes.index.url, indexes.index.origin)
    assert indexes.json_api is None


def test_pip_files_merge_in_pips_order(world: World) -> None:
    """Each later file overrides the earlier ones; the winning file is named."""
    venv = world.root / "venv"
    world.env["VIRTUAL_ENV"] = str(venv)
    layers = [
        "etc/xdg/pip/pip.conf",
        "etc/pip.conf",
        "home/.pip/pip.conf",
        "home/.config/pip/pip.conf",
        "venv/pip.conf",
    ]
    assert [world.root / p for p in layers] == pip_config_files(world.context())
    for number, layer in enumerate(layers):
        world.write(layer, f"[global]\nindex-url = https://layer{number}.invalid/simple\n")
        indexes = resolve_python(world.context())
        assert f"https://layer{number}.invalid/simple" == indexes.index.url
        assert f"{world.root / layer} [global] index-url" == indexes.index.origin


def test_pip_config_file_variable(world: World) -> None:
    """PIP_CONFIG_FILE beats the others and, when it exists, user files are not read."""
    world.write("home/.config/pip/pip.conf", f"[global]\nextra-index-url = {INDEX}\n")
    explicit = world.write("custom.conf", f"[global]\nindex_url = {MIRROR}\n")
    world.env["PIP_CONFIG_FILE"] = str(explicit)
    indexes = resolve_python(world.context())
    assert (MIRROR, ()) == (indexes.index.url, indexes.extra)
    world.env["PIP_CONFIG_FILE"] = os.devnull
    world.write("etc/pip.conf", f"[global]\nindex-url = {MIRROR}\n")
    assert [] == pip_config_files(world.context())
    assert resolve_python(world.context()).is_default


def test_install_section_beats_global_from_any_file(world: World) -> None:
    """[install] in a lower file beats [global] in a higher one, as pip's option parser does."""
    world.write("etc/pip.conf", f"[install]\nindex-url = {MIRROR}\n")
    world.write("home/.config/pip/pip.conf", f"[global]\nindex-url = {INDEX}\n")
    indexes = resolve_python(world.context())
    assert (MIRROR, f"{world.etc / 'pip.conf'} [install] index-url") == (
        indexes.index.url,
        indexes.index.origin,
    )


def test_extra_indexes_from_files_pip_and_uv(world: World) -> None:
    """Extras: PIP_EXTRA_INDEX_URL replaces the files' list; uv's are added; no duplicates."""
    world.write(
        "etc/pip.conf",
        f"[global]\nindex-url = {INDEX}\nextra-index-url =\n  https://a.invalid/simple\n"
        "  https://b.invalid/simple\n",
    )
    assert ["https://a.invalid/simple", "https://b.invalid/simple"] == [
        e.url for e in resolve_python(world.context()).extra
    ]
    world.env["PIP_EXTRA_INDEX_URL"] = f"https://c.invalid/simple {INDEX}"
    world.env["UV_INDEX"] = "internal=https://d.invalid/simple https://e.invalid/simple"
    world.env["UV_EXTRA_INDEX_URL"] = "https://c.invalid/simple"
    extra = resolve_python(world.context()).extra
    assert [
        ("https://c.invalid/simple", "PIP_EXTRA_INDEX_URL"),
        ("https://d.invalid/simple", "UV_INDEX"),
        ("https://e.invalid/simple", "UV_INDEX"),
    ] == [(e.url, e.origin) for e in extra]


def test_the_default_index_configured_explicitly_keeps_its_json_api(world: World) -> None:
    """Naming pip's default index in the environment still enables the legacy JSON API."""
    world.env["PIP_INDEX_URL"] = _default().simple_url + "/"
    assert _default().json_url == resolve_python(world.context()).json_api


def test_credentials_are_kept_for_requests_but_never_shown(world: World) -> None:
    """The URL keeps its credentials; repr and ``shown`` do not."""
    world.env["PIP_INDEX_URL"] = "https://me:pw-SECRET@pypi-index.invalid/simple"
    indexes = resolve_python(world.context())
    assert "pw-SECRET" in indexes.index.url
    assert "https://****:****@pypi-index.invalid/simple" == indexes.index.shown
    assert "SECRET" not in repr(indexes)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("index-url = x\n", "not a valid pip configuration file: File contains no section"),
        ("[global]\nindex-url = ftp://me:pw@x.invalid/\n", "[global] index-url: 'ftp://****:****"),
        ("[global]\nindex-url = not a url\n", "'not a url' is not an http/https/file URL"),
    ],
)
def test_broken_configuration_is_one_clear_error(world: World, text: str, message: str) -> None:
    """A malformed file or URL names the file (and key); credentials stay redacted."""
    path = world.write("home/.config/pip/pip.conf", text)
    with pytest.raises(RegistryConfigError) as info:
        resolve_python(world.context())
    assert str(info.value).startswith(str(path))
    assert message in str(info.value)
    assert "pw" not in str(info.value).replace(str(path), "")
