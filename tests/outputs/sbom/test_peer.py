"""auditor's CycloneDX against cyclonedx-py's on the same real lockfiles: at least the same
components (name, version, purl), and the dependency graph."""

from __future__ import annotations

import json
from typing import Any

import pytest

from auditor.outputs.sbom.cyclonedx import render_cyclonedx_json
from tests.outputs.cases import OPTIONS, REPO, audited
from tests.outputs.sbom.peer import components, direct, edges, package_edges, run_peer

FLAT = [
    "tests/fixtures/pipfile-lock/real/pypa__pipenv__examples/Pipfile.lock",
    "tests/fixtures/requirements/real/pypi__warehouse__2016-06-30/requirements/main.txt",
    "tests/fixtures/requirements/real/urllib3__urllib3/dev-requirements.txt",
]
# cyclonedx-py's poetry mode needs the pyproject.toml beside the lock: these four have it
POETRY = [
    "tests/fixtures/poetry-lock/real/saleor__saleor__069b8b82/poetry.lock",
    "tests/fixtures/poetry-lock/real/saleor__saleor__1068c569/poetry.lock",
    "tests/fixtures/poetry-lock/real/saleor__saleor__6b6c6dbb/poetry.lock",
    "tests/fixtures/poetry-lock/real/saleor__saleor__8259d9da/poetry.lock",
]
BENCH_FILES = [
    "tests/fixtures/pipfile-lock/real/pypa__pipenv/Pipfile.lock",
    *FLAT,
    "tests/fixtures/requirements/real/pypi__warehouse/requirements/main.txt",
    "tests/fixtures/requirements/real/psf__requests/requirements-dev.txt",
    *POETRY,
]


def _both(path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    peer = run_peer(REPO / path)
    ours = json.loads(render_cyclonedx_json(audited(path), OPTIONS))
    return peer, ours


@pytest.mark.network_peer
@pytest.mark.parametrize("path", FLAT + POETRY)
def test_at_least_the_peers_components_and_a_graph(path: str) -> None:
    """Every versioned component cyclonedx-py lists is in auditor's SBOM with the same name,
    version and purl, and every component is reachable in auditor's dependencies."""
    peer, ours = _both(path)
    expected = components(peer)
    assert expected, "the peer found nothing: the comparison would prove nothing"
    assert set() == expected - components(ours)
    reached = {r for d in ours["dependencies"] for r in d.get("dependsOn", [])}
    assert {c["bom-ref"] for c in ours["components"]} == reached
    assert edges(ours) >= edges(peer)


@pytest.mark.network_peer
@pytest.mark.parametrize("path", POETRY)
def test_poetry_graph_has_every_edge_of_the_peer(path: str) -> None:
    """On a poetry.lock cyclonedx-py records the dependency graph too: each of its edges
    between two packages is one of auditor's, and the project's direct dependencies are
    auditor's root's."""
    peer, ours = _both(path)
    expected = package_edges(peer)
    assert len(expected) > 100, "too few edges for the comparison to mean much"
    assert set() == expected - package_edges(ours)
    assert direct(peer)
    assert set() == direct(peer) - direct(ours)
