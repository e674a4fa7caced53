"""Fix plans: the smallest fixing version, who blocks it, and the parent upgrade that lifts
the block, found on the recorded registry answers."""

from __future__ import annotations

import pytest

from auditor.advisories.base import SourceOptions
from auditor.advisories.plugins import create
from auditor.core.findings import Blocker, Finding, FindingKind, FixPlan
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Edge, Package, Root
from auditor.net.client import HttpClient
from auditor.outputs.supply import fix_plan_text
from auditor.pipeline.audit import AuditOptions, audit, collect_paths
from auditor.pipeline.fixplan import plan_fixes
from auditor.registries.lookup import Registries
from auditor.registries.npm import NpmClient
from auditor.registries.pypi import PypiClient
from auditor.versions.markers import TargetEnvironment
from tests.httpserver import HttpTestServer, quick_config
from tests.registries.recorded import RecordedRegistry
from tests.support import FIXTURES

ROOT = Root(id="root:req.txt", name="req.txt", ecosystem=Ecosystem.PYPI, path="req.txt")
REQUESTS = Package(ecosystem=Ecosystem.PYPI, name="requests", version="2.19.0")
URLLIB3 = Package(ecosystem=Ecosystem.PYPI, name="urllib3", version="1.23")
GRAPH = DependencyGraph(
    packages=[REQUESTS, URLLIB3],
    roots=[ROOT],
    edges=[
        Edge(parent=ROOT.id, child=REQUESTS.id, requirement="requests==2.19.0"),
        Edge(parent=REQUESTS.id, child=URLLIB3.id, requirement="urllib3 (<1.24,>=1.21.1)"),
    ],
)


def vulnerability(package: Package, advisory: str, fix: str | None) -> Finding:
    return Finding(
        package_id=package.id, kind=FindingKind.VULNERABILITY, id=advisory, fix_version=fix
    )


FINDINGS = (
    vulnerability(URLLIB3, "PYSEC-2019-132", "1.24.2"),
    vulnerability(URLLIB3, "PYSEC-2018-32", "1.24"),
)


@pytest.fixture
def registries(http_server: HttpTestServer) -> Registries:
    """The recorded PyPI answers (requests' whole history with its metadata)."""
    recorded = RecordedRegistry(http_server)
    return Registries.of(PypiClient(HttpClient(quick_config()), recorded.indexes))


def test_blocked_fix_and_the_upgrade_that_lifts_it(registries: Registries) -> None:
    """urllib3 must reach 1.24.2; requests 2.19.0 allows <1.24; requests 2.20.0 is the
    smallest release whose own requirement (<1.25) admits it."""
    (plan,) = plan_fixes(GRAPH, FINDINGS, registries=registries, environment=TargetEnvironment())
    assert (
        FixPlan(
            package_id=URLLIB3.id,
            target="1.24.2",
            findings=("PYSEC-2018-32", "PYSEC-2019-132"),
            compatible=False,
            blockers=(
                Blocker(
                    parent_id=REQUESTS.id, requirement="urllib3 (<1.24,>=1.21.1)", upgrade="2.20.0"
                ),
            ),
        )
        == plan
    )
    assert (
        "fix: urllib3 1.23 → 1.24.2 (blocked by requests@2.19.0: urllib3 (<1.24,>=1.21.1); "
        "upgrade requests to 2.20.0)"
    ) == fix_plan_text(plan, GRAPH)


def test_compatible_fix_and_unfixed_findings(registries: Registries) -> None:
    """A fix the parent admits needs no upgrade; findings without a fix are named."""
    findings = (
        vulnerability(URLLIB3, "PYSEC-2018-32", "1.23.1"),
        vulnerability(URLLIB3, "GHSA-none", None),
    )
    (plan,) = plan_fixes(GRAPH, findings, registries=registries, environment=TargetEnvironment())
    assert (True, (), ("GHSA-none",)) == (plan.compatible, plan.blockers, plan.unfixed)
    assert (
        "fix: urllib3 1.23 → 1.23.1 (no requirement of another package blocks it); "
        "no fix yet for GHSA-none"
    ) == fix_plan_text(plan, GRAPH)
    (nothing,) = plan_fixes(
        GRAPH,
        (vulnerability(REQUESTS, "PYSEC-X", None),),
        registries=None,
        environment=TargetEnvironment(),
    )
    assert "fix: requests: no fixed version is known (PYSEC-X)" == fix_plan_text(nothing, GRAPH)


def test_without_registries_and_the_project_itself() -> None:
    """Offline: the blocker says the upgrade was not looked up; a range the project declares
    says to change it, while its exact pin of the current version (requests==2.19.0 in a
    requirements file) blocks nothing; malicious findings get no plan."""
    graph = DependencyGraph(
        packages=GRAPH.packages,
        roots=[ROOT],
        edges=[
            *GRAPH.edges,
            Edge(parent=ROOT.id, child=URLLIB3.id, requirement="urllib3>=1.20,<1.24"),
        ],
    )
    findings = (
        *FINDINGS,
        vulnerability(REQUESTS, "PYSEC-2023-74", "2.31.0"),
        Finding(package_id=REQUESTS.id, kind=FindingKind.MALICIOUS, id="MAL-1"),
    )
    requests_plan, urllib3_plan = plan_fixes(
        graph, findings, registries=None, environment=TargetEnvironment(), registry_note="--offline"
    )
    assert (REQUESTS.id, True, ()) == (
        requests_plan.package_id,
        requests_plan.compatible,
        requests_plan.blockers,
    )
    assert {
        (ROOT.id, "the project's own requirement: change it"),
        (REQUESTS.id, "upgrade not looked up: --offline"),
    } == {(b.parent_id, b.reason) for b in urllib3_plan.blockers}


def test_no_release_lifts_the_block(registries: Registries) -> None:
    """A target no release of the parent admits: the blocker says how far the search went."""
    findings = (vulnerability(URLLIB3, "PYSEC-FUTURE", "9.0.0"),)
    (plan,) = plan_fixes(GRAPH, findings, registries=registries, environment=TargetEnvironment())
    (blocker,) = plan.blockers
    assert blocker.upgrade is None
    # metadata was recorded up to 2.33.0: the three newer releases' requirements are unknown
    assert (
        "no release of requests up to 2.34.2 admits urllib3 9.0.0 "
        "(3 without published requirements)"
    ) == blocker.reason


@pytest.mark.slow
def test_real_npm_lockfile(http_server: HttpTestServer) -> None:
    """atom's package-lock.json against the bundled npm advisories: hoek 2.16.3 must reach
    4.2.1, but boom, hawk and sntp pin hoek@2.x.x; the recorded packuments name the first
    release of each whose own range admits 4.2.1."""
    recorded = RecordedRegistry(http_server)
    collection = collect_paths([str(FIXTURES / "npm-package-lock/real/atom__atom")])
    sources = create(("osv-local",), SourceOptions(offline=True, stale_days=1e9))
    result = audit(collection, AuditOptions(sources=sources))
    registries = Registries.of(NpmClient(HttpClient(quick_config()), recorded.npm))
    plans = plan_fixes(
        result.graph, result.findings, registries=registries, environment=TargetEnvironment()
    )
    (hoek,) = [p for p in plans if p.package_id == "pkg:npm/hoek@2.16.3"]
    assert "4.2.1" == hoek.target
    assert {
        "pkg:npm/boom@2.10.1": ("hoek@2.x.x", "3.1.3"),  # the first boom on hoek 4.x.x
        "pkg:npm/hawk@3.1.3": ("hoek@2.x.x", "5.0.0"),
        "pkg:npm/sntp@1.0.9": ("hoek@2.x.x", "2.0.1"),
    } == {b.parent_id: (b.requirement, b.upgrade) for b in hoek.blockers}


WAREHOUSE_2020 = FIXTURES / "requirements/real/pypi__warehouse__2020-11-29/requirements/main.txt"


def warehouse_plans(registries: Registries | None, note: str = "") -> dict[str, FixPlan]:
    """warehouse's pins of 2020-11 (requests 2.25.0, idna 2.10, `# via` lines) against the
    bundled advisories: requests' own findings need 2.31.0, idna's need 3.7."""
    collection = collect_paths([str(WAREHOUSE_2020)])
    sources = create(("osv-local",), SourceOptions(offline=True, stale_days=1e9))
    result = audit(collection, AuditOptions(sources=sources))
    plans = plan_fixes(
        result.graph,
        result.findings,
        registries=registries,
        environment=TargetEnvironment(),
        registry_note=note,
    )
    return {result.graph.package(p.package_id).name: p for p in plans}


def test_a_requirement_the_lockfile_does_not_record_is_looked_up(
    registries: Registries,
) -> None:
    """idna 2.10 → 3.7: the `# via requests` line says nothing of requests' requirement; its
    metadata (requests 2.25.0: idna<3) blocks the target. The upgrade that lifts it must fix
    requests' own findings too: 2.31.0, not 2.26.0 (the first release admitting idna 3)."""
    plans = warehouse_plans(registries)
    idna, requests = plans["idna"], plans["requests"]
    assert ("3.7", "2.31.0") == (idna.target, requests.target)
    (blocker,) = idna.blockers
    assert ("pkg:pypi/requests@2.25.0", "2.31.0") == (blocker.parent_id, blocker.upgrade)
    assert "idna (<3,>=2.5)" == blocker.requirement  # requests 2.25.0's metadata
    assert False is idna.compatible
    assert () == idna.unknown


def test_without_the_registry_the_plan_is_unverified() -> None:
    """--no-registry: requests' requirement on idna is unknown, so the plan is unverified
    (compatible None, naming requests), never "no requirement blocks it"."""
    idna = warehouse_plans(None, note="--no-registry")["idna"]
    assert (None, ()) == (idna.compatible, idna.blockers)
    assert ["pkg:pypi/requests@2.25.0"] == [u.parent_id for u in idna.unknown]
    graph = collect_paths([str(WAREHOUSE_2020)]).graph
    assert (
        "fix: idna 2.10 → 3.7 (unverified: the requirement of requests@2.25.0 is not in the "
        "lockfile, and not looked up: --no-registry)"
    ) == fix_plan_text(idna, graph)


UV_REQUESTS_IDNA = FIXTURES / "uv-lock/generated/requests-idna"


def test_a_uv_lock_names_dependencies_without_versions(registries: Registries) -> None:
    """uv.lock lists requests' dependency on idna by name only ("idna"): that is not "any
    version", it is a requirement the lockfile leaves out; requests 2.25.0's metadata says
    idna<3, which blocks 3.7."""
    collection = collect_paths([str(UV_REQUESTS_IDNA)])
    sources = create(("osv-local",), SourceOptions(offline=True, stale_days=1e9))
    result = audit(collection, AuditOptions(sources=sources))
    edge = next(
        e
        for e in result.graph.edges
        if e.child.startswith("pkg:pypi/idna") and "requests" in e.parent
    )
    assert "idna" == edge.requirement
    plans = plan_fixes(
        result.graph, result.findings, registries=registries, environment=TargetEnvironment()
    )
    idna = next(p for p in plans if p.package_id == "pkg:pypi/idna@2.10")
    assert [("pkg:pypi/requests@2.25.0", "idna (<3,>=2.5)", "2.31.0")] == [
        (b.parent_id, b.requirement, b.upgrade) for b in idna.blockers
    ]
