"""`auditor registries`: the resolved registries with their origins, credentials hidden."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support import run_cli


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An environment where only what the test sets is configured."""
    for name in list(os.environ):
        if name.startswith(("PIP_", "UV_", "npm_config_", "NPM_CONFIG_", "GO", "AUDITOR_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("npm_config_globalconfig", str(tmp_path / "none"))
    monkeypatch.setenv("GOENV", "off")
    (tmp_path / "project").mkdir()
    return tmp_path


def test_text_output_names_origins_and_hides_tokens(
    world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every registry is listed with where it came from; no credential is printed."""
    monkeypatch.setenv("PIP_INDEX_URL", "https://me:pw-SECRET@pypi-index.invalid/simple")
    monkeypatch.setenv("GOPROXY", "https://go-proxy.invalid,direct")
    npmrc = world / "project/.npmrc"
    npmrc.write_text(
        "registry=https://npm-registry.invalid/\n@corp:registry=https://npm.corp.invalid/\n"
    )
    (world / "home").mkdir()
    user = world / "home/.npmrc"
    user.write_text("//npm.corp.invalid/:_authToken=tok-SECRET\n")
    result = run_cli(["registries", str(world / "project")])
    assert (0, "") == (result.code, result.err)
    assert [
        "PyPI  index     https://****:****@pypi-index.invalid/simple  (PIP_INDEX_URL)",
        "PyPI  json-api  none (not the default index: the JSON simple API is used)",
        f"npm   registry  https://npm-registry.invalid/  ({npmrc}:1, scanned tree)",
        f"npm   @corp     https://npm.corp.invalid/  ({npmrc}:2, scanned tree)",
        f"npm   auth      //npm.corp.invalid/ (bearer)  ({user}:1)",
        "Go    proxy     https://go-proxy.invalid  (GOPROXY)",
        "Go    fallback  direct  (GOPROXY)",
    ] == result.out.splitlines()


def test_flags_override_and_json(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--pypi-url and --npm-registry win; a missing Go configuration is an error, exit 2."""
    monkeypatch.setenv("PIP_INDEX_URL", "https://pypi-index.invalid/simple")
    result = run_cli(
        [
            *("registries", "--json", "--pypi-url", "https://mirror.invalid/simple"),
            *("--npm-registry", "https://npm-registry.invalid", str(world / "project")),
        ]
    )
    assert 2 == result.code
    doc = json.loads(result.out)
    assert {"kind": "index", "value": "https://mirror.invalid/simple", "origin": "--pypi-url"} == (
        doc["registries"]["PyPI"][0]
    )
    assert "https://npm-registry.invalid/" == doc["registries"]["npm"][0]["value"]
    assert "Go" not in doc["registries"]
    assert doc["errors"][0].startswith("Go: no Go module proxy configured")
    assert result.err.startswith("auditor: error: Go: no Go module proxy configured")
