"""Running cyclonedx-py (PyPI package cyclonedx-bom), the peer SBOM generator for Python,
offline on a lockfile, and reading components and edges out of a CycloneDX document.

Offline: the peer runs in a network namespace of its own (``unshare -rn``: no interface
but a down loopback) where the kernel allows one, and always with proxies pointing at a
closed local port and pip's index switched off. ``--no-validate``: the peer's own check of
its output (jsonschema's pairwise ``uniqueItems`` over every wheel of every package) takes
minutes on a poetry.lock of 240 packages and proves nothing here; auditor does not validate
at run time either.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import tomli as tomllib

from auditor.core.model import canonical_pypi_name

PEER = Path(sys.executable).with_name("cyclonedx-py")
COMMON = ["--sv", "1.6", "--no-validate"]
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens


def _poetry_groups(project: Path) -> list[str]:
    """``--with`` for every optional dependency group of the pyproject.toml beside the lock."""
    pyproject = project / "pyproject.toml"
    if not pyproject.is_file():
        return []
    groups = tomllib.loads(pyproject.read_text()).get("tool", {}).get("poetry", {}).get("group", {})
    optional = [name for name, group in sorted(groups.items()) if group.get("optional")]
    return [arg for name in optional for arg in ("--with", name)]


def peer_command(path: Path) -> list[str]:
    if path.name == "Pipfile.lock":
        return [str(PEER), "pipenv", "--dev", *COMMON, str(path.parent)]
    if path.name == "poetry.lock":
        groups = _poetry_groups(path.parent)
        return [str(PEER), "poetry", "--all-extras", *groups, *COMMON, str(path.parent)]
    return [str(PEER), "requirements", *COMMON, str(path)]


@cache
def _isolation() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, check=False)
    return [unshare, "-rn"] if probe.returncode == 0 else []


def offline_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        env[name] = CLOSED
    env |= {"NO_PROXY": "", "no_proxy": "", "PIP_NO_INDEX": "1"}
    return env


def offline_command(command: list[str]) -> list[str]:
    """``command`` in a namespace without network, when the kernel allows one."""
    return [*_isolation(), *command]


def run_peer(path: Path) -> dict[str, Any]:
    proc = subprocess.run(
        offline_command(peer_command(path)),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        cwd=path.parent,
        env=offline_env(),
    )
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def _identity(component: dict[str, Any]) -> tuple[str, str]:
    return canonical_pypi_name(component["name"]), component.get("version", "")


def components(bom: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(normalised name, version, purl without qualifiers) of every versioned component."""
    found = set()
    for component in bom.get("components", []):
        version = component.get("version")
        if not version:
            continue
        purl = component.get("purl", "").split("?")[0]
        kind, _, rest = purl.partition("/")
        purl = f"{kind}/{canonical_pypi_name(rest.split('@')[0])}@{rest.partition('@')[2]}"
        found.add((canonical_pypi_name(component["name"]), version, purl))
    return found


def edges(bom: dict[str, Any]) -> int:
    return sum(len(d.get("dependsOn", [])) for d in bom.get("dependencies", []))


def package_edges(bom: dict[str, Any]) -> set[tuple[tuple[str, str], tuple[str, str]]]:
    """Dependency edges between components, as (name, version) pairs (the project's own
    edges to its direct dependencies left out: the tools name the project differently)."""
    by_ref = {c["bom-ref"]: _identity(c) for c in bom.get("components", []) if "bom-ref" in c}
    return {
        (by_ref[d["ref"]], by_ref[child])
        for d in bom.get("dependencies", [])
        if d["ref"] in by_ref
        for child in d.get("dependsOn", [])
        if child in by_ref
    }


def direct(bom: dict[str, Any]) -> set[tuple[str, str]]:
    """The components the project itself depends on."""
    project = bom["metadata"]["component"].get("bom-ref")
    by_ref = {c["bom-ref"]: _identity(c) for c in bom.get("components", []) if "bom-ref" in c}
    return {
        by_ref[child]
        for d in bom.get("dependencies", [])
        if d["ref"] == project
        for child in d.get("dependsOn", [])
        if child in by_ref
    }
