"""auditor's CycloneDX against cyclonedx-py's on the same real lockfiles: at least the same
components (name, version, purl), and the dependency graph."""

from __future__ import annotations

import json

import pytest

from auditor.sbom.cyclonedx import render_cyclonedx_json
from tests.formats.cases import OPTIONS, REPO, audited
from tests.sbom.peer import components, edges, run_peer

# The peer takes 10-30 s per file here, so the test runs on three files; bench/sbom.py
# compares all of BENCH_FILES.
FILES = [
    "tests/fixtures/pipfile-lock/real/pypa__pipenv__examples/Pipfile.lock",
    "tests/fixtures/requirements/real/pypi__warehouse__2016-06-30/requirements/main.txt",
    "tests/fixtures/requirements/real/urllib3__urllib3/dev-requirements.txt",
]
BENCH_FILES = [
    "tests/fixtures/pipfile-lock/real/pypa__pipenv/Pipfile.lock",
    *FILES,
    "tests/fixtures/requirements/real/pypi__warehouse/requirements/main.txt",
    "tests/fixtures/requirements/real/psf__requests/requirements-dev.txt",
]


@pytest.mark.network_peer
@pytest.mark.parametrize("path", FILES)
def test_at_least_the_peers_components_and_a_graph(path: str) -> None:
    """Every versioned component cyclonedx-py lists is in auditor's SBOM with the same name,
    version and purl, and every component is reachable in auditor's dependencies."""
    peer = run_peer(REPO / path)
    ours = json.loads(render_cyclonedx_json(audited(path), OPTIONS))
    expected = components(peer)
    assert expected, "the peer found nothing: the comparison would prove nothing"
    assert set() == expected - components(ours)
    reached = {r for d in ours["dependencies"] for r in d.get("dependsOn", [])}
    assert {c["bom-ref"] for c in ours["components"]} == reached
    assert edges(ours) >= edges(peer)
