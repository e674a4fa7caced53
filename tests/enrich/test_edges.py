"""Completing flat Python lockfiles from each pinned release's metadata."""

from __future__ import annotations

import re

import pytest

from auditor.collectors.pypi.requirements import RequirementsCollector
from auditor.core.graph import DependencyGraph
from auditor.core.model import CollectResult, Ecosystem, Edge, Package, Root
from auditor.enrich.edges import Completion, complete, flat_packages, is_flat
from auditor.enrich.stage import _requirements
from auditor.net.client import HttpClient
from auditor.pipeline.audit import collect_paths
from auditor.registries.lookup import Registries
from auditor.registries.metadata import Requirements
from auditor.registries.pypi import PypiClient
from auditor.versions.markers import TargetEnvironment, for_project
from tests.httpserver import HttpTestServer, quick_config
from tests.registries.recorded import RecordedRegistry
from tests.support import FIXTURES, collect_file, collect_text

ROOT_DIR = FIXTURES.parents[1]
ROOT = Root(id="root:req.txt", name="req.txt", ecosystem=Ecosystem.PYPI, path="req.txt")
WAREHOUSE = FIXTURES / "requirements/real/pypi__warehouse__2024-10-10/requirements/main.txt"


def pkg(name: str, version: str) -> Package:
    return Package(ecosystem=Ecosystem.PYPI, name=name, version=version)


def star(*packages: Package, requirements: dict[str, str] | None = None) -> CollectResult:
    """A flat file: every package hung from the root, as the requirements collector does."""
    texts = requirements or {}
    edges = tuple(
        Edge(parent=ROOT.id, child=p.id, requirement=texts.get(p.name, f"{p.name}=={p.version}"))
        for p in packages
    )
    return CollectResult(
        path="req.txt",
        collector="requirements",
        ecosystem=Ecosystem.PYPI,
        roots=(ROOT,),
        packages=packages,
        edges=edges,
    )


def requires(package: Package, *dependencies: str) -> tuple[str, Requirements]:
    return package.id, Requirements(
        ecosystem=Ecosystem.PYPI,
        name=package.name,
        version=package.version,
        dependencies=dependencies,
    )


def pairs(completion: Completion) -> set[tuple[str, str]]:
    result = completion.results[0]
    names = {p.id: p.name for p in result.packages} | {ROOT.id: "ROOT"}
    return {(names[e.parent], names[e.child]) for e in result.edges}


REQUESTS, URLLIB3, SOCKS, WININET, SIX = (
    pkg("requests", "2.19.0"),
    pkg("urllib3", "1.23"),
    pkg("pysocks", "1.7.1"),
    pkg("win-inet-pton", "1.1.0"),
    pkg("six", "1.16.0"),
)


def test_edges_from_metadata_and_root_edges_only_for_the_unrequired() -> None:
    """requests → urllib3 from its metadata; urllib3 loses its root edge, six keeps its own."""
    result = star(REQUESTS, URLLIB3, SIX)
    metadata = dict([requires(REQUESTS, "urllib3 (<1.24,>=1.21.1)", "PySocks; extra == 'socks'")])
    done = complete([result], metadata, TargetEnvironment())
    assert {("ROOT", "requests"), ("ROOT", "six"), ("requests", "urllib3")} == pairs(done)
    assert ("req.txt",) == done.completed
    assert (SIX.id, "the registry publishes no metadata") in done.unknown


def test_extras_are_followed_to_a_fixed_point() -> None:
    """requests[socks] turns on PySocks, and PySocks' own marker-guarded requirement."""
    result = star(REQUESTS, SOCKS, WININET, requirements={"requests": "requests[socks]==2.19.0"})
    metadata = dict(
        [
            requires(REQUESTS, "PySocks (!=1.5.7,>=1.5.6); extra == 'socks'"),
            requires(SOCKS, 'win-inet-pton; sys_platform == "win32"'),
        ]
    )
    anywhere = pairs(complete([result], metadata, TargetEnvironment()))
    assert {("ROOT", "requests"), ("requests", "pysocks"), ("pysocks", "win-inet-pton")} == anywhere
    linux = pairs(complete([result], metadata, TargetEnvironment(platform="linux")))
    assert ("pysocks", "win-inet-pton") not in linux
    assert ("ROOT", "win-inet-pton") in linux  # nobody requires it on Linux: its root edge stays


def test_missing_requirements() -> None:
    """Unconditional requirements the file does not pin are missing; marker-guarded ones only
    for a target where the marker holds; pip freeze's own exclusions never."""
    result = star(REQUESTS)
    metadata = dict(
        [
            requires(
                REQUESTS,
                "idna (<2.8,>=2.5)",
                'chardet; python_version < "3"',
                "setuptools>=40",
            )
        ]
    )
    anywhere = complete([result], metadata, TargetEnvironment())
    assert ["idna (<2.8,>=2.5)"] == [m.requirement for m in anywhere.missing]
    py27 = complete([result], metadata, TargetEnvironment(python_version="2.7"))
    assert ['chardet; python_version < "3"', "idna (<2.8,>=2.5)"] == sorted(
        m.requirement for m in py27.missing
    )


def test_a_cycle_keeps_a_root_edge() -> None:
    """Two packages that require each other and nothing else: one keeps its root edge."""
    a, b = pkg("a", "1.0"), pkg("b", "1.0")
    done = complete([star(a, b)], dict([requires(a, "b"), requires(b, "a")]), TargetEnvironment())
    assert {("ROOT", "a"), ("a", "b"), ("b", "a")} == pairs(done)


def test_declared_root_edges_stay() -> None:
    """Root edges that do not cover every package came from a manifest: they all stay."""
    result = star(REQUESTS, URLLIB3)
    result = CollectResult(
        path=result.path,
        collector="pipfile-lock",
        ecosystem=Ecosystem.PYPI,
        roots=result.roots,
        packages=(REQUESTS, URLLIB3, SIX),
        edges=result.edges,
    )
    done = complete([result], dict([requires(REQUESTS, "urllib3")]), TargetEnvironment())
    assert {("ROOT", "requests"), ("ROOT", "urllib3"), ("requests", "urllib3")} == pairs(done)


def test_several_pinned_versions_bind_by_specifier() -> None:
    """A name pinned twice (under exclusive markers): each requirement binds to the one its
    specifier admits."""
    old, new = pkg("numpy", "1.19.5"), pkg("numpy", "1.26.0")
    app = pkg("app", "1.0")
    done = complete(
        [star(app, old, new)], dict([requires(app, "numpy>=1.20")]), TargetEnvironment()
    )
    result = done.results[0]
    assert {Edge(parent=app.id, child=new.id, requirement="numpy>=1.20")} == {
        e for e in result.edges if e.parent == app.id
    }


def test_only_flat_python_files() -> None:
    """Files with package edges, and other ecosystems, are left alone."""
    assert is_flat(star(REQUESTS))
    npm = CollectResult(path="p", collector="x", ecosystem=Ecosystem.NPM, packages=(REQUESTS,))
    assert not is_flat(npm)
    linked = star(REQUESTS, URLLIB3)
    linked = CollectResult(
        path="req.txt",
        collector="requirements",
        ecosystem=Ecosystem.PYPI,
        roots=(ROOT,),
        packages=linked.packages,
        edges=(*linked.edges, Edge(parent=REQUESTS.id, child=URLLIB3.id)),
    )
    assert not is_flat(linked)
    assert [REQUESTS] == flat_packages([star(REQUESTS), linked])


@pytest.fixture
def recorded(http_server: HttpTestServer) -> RecordedRegistry:
    """The recorded registry answers on the local server."""
    return RecordedRegistry(http_server)


def test_real_pip_compile_file_against_its_own_annotations(recorded: RecordedRegistry) -> None:
    """warehouse's main.txt (187 pins) with its ``# via`` annotations removed, completed from
    the recorded metadata for Python 3.12 on Linux (what pip-compile ran on): 249 of its 255
    package edges come back and nothing else; the 6 that do not are the requirements of the
    two sdist-only releases whose metadata no registry publishes."""
    with_via = collect_file(RequirementsCollector(), WAREHOUSE)
    text = re.sub(r"(?m)^\s*#.*\n?", "", WAREHOUSE.read_text())
    flat = collect_text(RequirementsCollector(), text, "main.txt")
    assert is_flat(flat)
    registries = Registries.of(PypiClient(HttpClient(quick_config()), recorded.indexes))
    metadata = _requirements(registries, list(flat.packages))
    done = complete([flat], metadata, TargetEnvironment(python_version="3.12", platform="linux"))

    def package_edges(result: CollectResult) -> set[tuple[str, str]]:
        names = {p.id: p.name for p in result.packages}
        return {(names[e.parent], names[e.child]) for e in result.edges if e.parent in names}

    oracle, ours = package_edges(with_via), package_edges(done.results[0])
    assert (255, 249, set()) == (len(oracle), len(oracle & ours), ours - oracle)
    unknown = {pid for pid, _ in done.unknown}
    assert {p.name for p in flat.packages if p.id in unknown} >= {
        parent for parent, _ in oracle - ours
    }
    assert () == done.missing
    graph = DependencyGraph.from_results(done.results)
    assert all(graph.depth(p.id) is not None for p in graph.packages)  # all reachable


def test_real_pipfile_lock_against_the_same_projects_poetry_lock(
    recorded: RecordedRegistry,
) -> None:
    """saleor's 185 pins as a Pipfile.lock (no edges) against the poetry.lock they came
    from (243 edges): completed for its Python 3.8, 201 edges come back and nothing else.
    Of the 42 that do not, 40 hang from sdist-only releases without published metadata, and
    two from extras the project asked for in its pyproject.toml (``celery[redis]``,
    ``django-storages[google]``), which a Pipfile.lock without its Pipfile cannot know."""
    poetry = collect_paths([str(ROOT_DIR / "examples" / "saleor-2020")]).results
    flat = collect_paths([str(FIXTURES / "scan" / "saleor-2020")]).results
    registries = Registries.of(PypiClient(HttpClient(quick_config()), recorded.indexes))
    metadata = _requirements(registries, [p for r in flat for p in r.packages])
    environment = for_project(TargetEnvironment(), [root for r in flat for root in r.roots])
    assert ("3.8",) == environment.supported
    done = complete(list(flat), metadata, environment)

    def package_edges(results: tuple[CollectResult, ...]) -> set[tuple[str, str]]:
        found = set()
        for result in results:
            names = {p.id: p.name for p in result.packages}
            found |= {(names[e.parent], names[e.child]) for e in result.edges if e.parent in names}
        return found

    oracle, ours = package_edges(poetry), package_edges(done.results)
    assert (243, 201, set()) == (len(oracle), len(oracle & ours), ours - oracle)
    unknown = {p.name for r in flat for p in r.packages if p.id in dict(done.unknown)}
    assert {("celery", "redis"), ("django-storages", "google-cloud-storage")} == {
        edge for edge in oracle - ours if edge[0] not in unknown
    }
