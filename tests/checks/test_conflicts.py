"""Conflicts: unmet requirements and peers, Requires-Python, missing pins, duplicates; and no
false conflicts on real lockfiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.checks.base import CheckContext, CheckSettings
from auditor.checks.conflicts import ConflictCheck
from auditor.core.findings import Finding, PackageHealth, Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Edge, Package, Root
from auditor.enrich.edges import MissingRequirement
from auditor.enrich.stage import RegistryData
from auditor.pipeline.audit import collect_paths
from auditor.versions.markers import TargetEnvironment, for_project
from tests.support import FIXTURES

CHECK = ConflictCheck()


def pkg(name: str, version: str, ecosystem: Ecosystem = Ecosystem.PYPI, **kw: str) -> Package:
    return Package(ecosystem=ecosystem, name=name, version=version, **kw)  # type: ignore[arg-type]


def root(ecosystem: Ecosystem = Ecosystem.PYPI, requires_python: str | None = None) -> Root:
    return Root(
        id="root:lock",
        name="lock",
        ecosystem=ecosystem,
        path="lock",
        requires_python=requires_python,
    )


def run(
    graph: DependencyGraph, environment: TargetEnvironment | None = None, **kw: object
) -> list[Finding]:
    env = for_project(environment or TargetEnvironment(), graph.roots)
    context = CheckContext(graph=graph, settings=CheckSettings(environment=env), **kw)  # type: ignore[arg-type]
    return list(CHECK.run(context).findings)


def test_unmet_requirement_grouped_per_package() -> None:
    """urllib3 1.25 against two parents' ranges: one finding, each parent as evidence."""
    requests, botocore, urllib3 = (
        pkg("requests", "2.19.0"),
        pkg("botocore", "1.17"),
        pkg("urllib3", "1.25"),
    )
    graph = DependencyGraph(
        packages=[requests, botocore, urllib3],
        roots=[root()],
        edges=[
            Edge(parent="root:lock", child=requests.id, requirement="requests==2.19.0"),
            Edge(parent="root:lock", child=botocore.id, requirement="botocore"),
            Edge(parent=requests.id, child=urllib3.id, requirement="urllib3 (<1.24,>=1.21.1)"),
            Edge(parent=botocore.id, child=urllib3.id, requirement="urllib3>=1.20,<1.26"),
            Edge(parent=botocore.id, child=requests.id, requirement="requests (^2.0)"),
        ],
    )
    (finding,) = run(graph)
    assert ("CONFLICT-REQUIREMENT", urllib3.id, Severity.MEDIUM) == (
        finding.id,
        finding.package_id,
        finding.severity,
    )
    assert (
        "1.25 does not satisfy the requirement of requests@2.19.0: urllib3 (<1.24,>=1.21.1)"
        == finding.summary
    )
    assert (
        ("required-by", "requests@2.19.0: urllib3 (<1.24,>=1.21.1)"),
        ("locked", "1.25"),
    ) == finding.evidence
    assert ("CONFLICT-REQUIREMENT:urllib3",) == finding.aliases


def test_markers_bind_only_where_the_project_runs() -> None:
    """A Python 2 requirement is no conflict without a target, or for a Python 3 project;
    it is one for a project that supports Python 2.7."""
    rsa, auth = pkg("rsa", "4.6"), pkg("google-auth", "1.18.0")

    def graph(requires_python: str | None) -> DependencyGraph:
        return DependencyGraph(
            packages=[rsa, auth],
            roots=[root(requires_python=requires_python)],
            edges=[
                Edge(parent="root:lock", child=auth.id, requirement="google-auth"),
                Edge(parent=auth.id, child=rsa.id, requirement='rsa (<4.1) ; python_version < "3"'),
            ],
        )

    assert [] == run(graph(None))
    assert [] == run(graph("~3.8"))
    assert ["CONFLICT-REQUIREMENT"] == [f.id for f in run(graph(">=2.7"))]
    assert [] == run(graph(">=2.7"), TargetEnvironment(python_version="3.11"))


def test_npm_peer_and_unverifiable_specs() -> None:
    """An unmet peer range is a low CONFLICT-PEER; git and tag specs are never conflicts."""
    react, dom, other = (
        pkg("react", "17.0.2", Ecosystem.NPM),
        pkg("react-dom", "18.2.0", Ecosystem.NPM),
        pkg("other", "1.0.0", Ecosystem.NPM),
    )
    graph = DependencyGraph(
        packages=[react, dom, other],
        roots=[root(Ecosystem.NPM)],
        edges=[
            Edge(parent="root:lock", child=dom.id, requirement="react-dom@^18"),
            Edge(parent=dom.id, child=react.id, requirement="react@^18.2.0", scope="peer"),
            Edge(parent=dom.id, child=other.id, requirement="other@latest"),
            Edge(
                parent="root:lock", child=other.id, requirement="other@git+https://h.invalid/o.git"
            ),
        ],
    )
    (finding,) = run(graph)
    assert ("CONFLICT-PEER", react.id, Severity.LOW) == (
        finding.id,
        finding.package_id,
        finding.severity,
    )
    assert "17.0.2 does not satisfy the peer requirement of react-dom@18.2.0: react@^18.2.0" == (
        finding.summary
    )


def test_requires_python() -> None:
    """A package needing Python 3.9 (says the registry) in a project that supports 3.8:
    reported once, naming the project and the failing version; a package only installed on
    3.10+ is not, nor one whose lockfile records its Requires-Python."""
    new, conditional, app, locked = (
        pkg("new", "2.0"),
        pkg("conditional", "1.0"),
        pkg("app", "1.0"),
        pkg("locked", "1.0", requires_python=">=3.9"),  # a locker's own record: trusted
    )
    graph = DependencyGraph(
        packages=[new, conditional, app, locked],
        roots=[root(requires_python=">=3.8,<3.10")],
        edges=[
            Edge(parent="root:lock", child=app.id, requirement="app"),
            Edge(parent=app.id, child=new.id, requirement="new"),
            Edge(parent=app.id, child=locked.id, requirement="locked"),
            Edge(
                parent=app.id,
                child=conditional.id,
                requirement='conditional; python_version >= "3.10"',
            ),
        ],
    )
    health = {
        p.id: PackageHealth(package_id=p.id, requires_python=spec)
        for p, spec in ((conditional, ">=3.10"), (new, ">=3.9"), (locked, ">=3.9"))
    }
    (finding,) = run(graph, registry=RegistryData(health=health))
    assert ("CONFLICT-REQUIRES-PYTHON", new.id) == (finding.id, finding.package_id)
    assert (
        "2.0 requires Python >=3.9, but lock (requires-python >=3.8,<3.10) supports 3.8"
        == finding.summary
    )
    target = run(
        graph, TargetEnvironment(python_version="3.11"), registry=RegistryData(health=health)
    )
    assert [] == target


def test_missing_pins_and_no_duplicate_findings() -> None:
    """Missing pins from edge completion are findings; a name locked at two versions is not
    (it is information: ``auditor.pipeline.duplicates``)."""
    a1, a2, b = pkg("a", "1.0"), pkg("a", "2.0"), pkg("b", "1.0")
    graph = DependencyGraph(
        packages=[a1, a2, b],
        roots=[root()],
        edges=[Edge(parent="root:lock", child=p.id) for p in (a1, a2, b)],
    )
    missing = (MissingRequirement(package_id=b.id, requirement="idna>=2", path="req.txt"),)
    found = run(graph, missing=missing)
    assert ["CONFLICT-MISSING"] == [f.id for f in found]
    assert "requires idna>=2, which req.txt does not pin" == found[0].summary


def test_go_replace_is_not_a_requirement_conflict() -> None:
    """prometheus' go.mod (October 2024) requires k8s.io/klog v1.0.0 and replaces it by
    klog-gokit v0.3.0: the replacement is the module's own choice, not a conflict."""
    folder = FIXTURES / "go-mod/real/prometheus__prometheus__65f61035"
    collection = collect_paths([str(folder)])
    klog = next(p for p in collection.graph.packages if p.name.endswith("klog-gokit"))
    assert "0.3.0" == klog.version
    assert [] == [f for f in run(collection.graph) if f.kind.value == "conflict"]


# Every unmet requirement in the real lockfiles, each checked by hand: yarn "resolutions"
# that force a version outside a dependency's range, and a package-lock.json whose hoisted
# copies npm itself reports as invalid.
REAL_CONFLICTS = {
    "npm-package-lock/real/pypi__warehouse": {
        "pkg:npm/datatables.net-searchbuilder@1.8.0",
        "pkg:npm/datatables.net@1.13.11",
    },
    "yarn-lock/real/argoproj__argo-cd__ui": {
        "pkg:npm/%40types/react@16.14.15",
        "pkg:npm/rxjs@6.6.7",
    },
    "yarn-lock/real/babel__babel": {"pkg:npm/interpret@3.1.1"},
    # package.json "resolutions": {"strip-ansi": "6.0.1"} under three parents asking ^7.0.1
    "yarn-lock/real/excalidraw__excalidraw": {"pkg:npm/strip-ansi@6.0.1"},
}
REAL = sorted(
    str(folder.relative_to(FIXTURES))
    for kind in (
        "pipfile-lock",
        "requirements",
        "poetry-lock",
        "uv-lock",
        "pdm-lock",
        "pylock",
        "npm-package-lock",
        "yarn-lock",
        "pnpm-lock",
        "go-mod",
    )
    for folder in (FIXTURES / kind / "real").iterdir()
    if folder.is_dir()
)


@pytest.mark.slow
@pytest.mark.parametrize("folder", REAL)
def test_no_false_conflicts_on_real_lockfiles(folder: str) -> None:
    """Every edge of a real, installed-together lockfile satisfies its requirement, except
    the few the files really break (listed and explained above)."""
    collection = collect_paths([str(FIXTURES / folder)])
    assert () == collection.errors
    findings = run(collection.graph)
    unmet = {f.package_id for f in findings if f.id in ("CONFLICT-REQUIREMENT", "CONFLICT-PEER")}
    assert REAL_CONFLICTS.get(folder, set()) == unmet
    assert not [f for f in findings if f.id == "CONFLICT-REQUIRES-PYTHON"]


def test_real_lockfile_list_is_not_empty() -> None:
    """The real-data test above really runs over every collector family."""
    assert len(REAL) >= 20
    assert all(Path(FIXTURES / f).is_dir() for f in REAL_CONFLICTS)
