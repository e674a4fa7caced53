"""Running cyclonedx-py (PyPI package cyclonedx-bom), the peer SBOM generator for Python,
offline on a lockfile, and reading components and edges out of a CycloneDX document."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from auditor.model import canonical_pypi_name

PEER = Path(sys.executable).with_name("cyclonedx-py")


def peer_command(path: Path) -> list[str]:
    if path.name == "Pipfile.lock":
        return [str(PEER), "pipenv", "--dev", "--sv", "1.6", str(path.parent)]
    return [str(PEER), "requirements", "--sv", "1.6", str(path)]


def run_peer(path: Path) -> dict[str, Any]:
    proc = subprocess.run(
        peer_command(path), capture_output=True, text=True, check=True, timeout=300, cwd=path.parent
    )
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


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
