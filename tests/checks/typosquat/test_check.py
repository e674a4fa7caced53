"""Matches as findings: the graph check and the name check give the same answer."""

from __future__ import annotations

from datetime import datetime, timezone

from auditor.checks.base import CheckContext, CheckSettings, RegistryData
from auditor.checks.names import NameCheckOptions, check_names, name_package
from auditor.checks.plugins import CHECKS
from auditor.checks.typosquat.allowlist import AllowList
from auditor.checks.typosquat.check import TyposquatCheck, typosquat_findings
from auditor.core.findings import Finding, FindingKind, PackageHealth, Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Edge, Package, Root, Source, SourceKind
from auditor.pipeline.audit import collect_paths
from auditor.registries.internal import InternalNames, parse_pattern
from tests.support import FIXTURES


def run(graph: DependencyGraph, allow: AllowList | None = None) -> tuple[Finding, ...]:
    settings = CheckSettings(typosquat_allow=allow or AllowList())
    result = TyposquatCheck().run(CheckContext(graph=graph, settings=settings))
    assert () == result.unchecked
    return result.findings


def pkg(name: str, ecosystem: Ecosystem = Ecosystem.PYPI, **kwargs: object) -> Package:
    return Package(ecosystem=ecosystem, name=name, version="1.0", **kwargs)  # type: ignore[arg-type]


def test_graph_check_reports_registry_packages_only() -> None:
    """A look-alike from the registry is reported; local, git and Go packages are not."""
    graph = DependencyGraph(
        packages=[
            pkg("requests"),
            pkg("reqeusts"),
            pkg("djang0", source=Source(kind=SourceKind.PATH, url="./djang0")),
            pkg("crossenv", Ecosystem.NPM),
            pkg("lodash", Ecosystem.NPM),
            Package(ecosystem=Ecosystem.GO, name="github.com/x/reqeusts", version="v1.0.0"),
        ]
    )
    findings = run(graph)
    assert ["pkg:npm/crossenv@1.0", "pkg:pypi/reqeusts@1.0"] == [f.package_id for f in findings]
    crossenv, reqeusts = findings
    assert FindingKind.TYPOSQUAT is reqeusts.kind
    assert "typosquat:requests" == reqeusts.id
    assert Severity.MEDIUM is reqeusts.severity
    assert Severity.HIGH is crossenv.severity  # separators only: no innocent reading
    assert "reqeusts looks like requests (transposition: swaps 'ue' to 'eu')" == reqeusts.summary
    evidence = dict(reqeusts.evidence)
    assert "requests" == evidence["imitates"]
    assert "transposition" == evidence["rule"]
    assert "rank 6" == evidence["target-popularity"]
    assert (
        "not on the bundled list of the top 15,000 PyPI projects by downloads"
        == (evidence["popularity"])
    )


def test_allow_list_applies_to_the_graph_check() -> None:
    """An allowed package is not reported."""
    graph = DependencyGraph(packages=[pkg("reqeusts")])
    assert () == run(graph, AllowList.of(["pypi:reqeusts"]))


def test_name_check_and_graph_check_agree() -> None:
    """check-name and the lockfile check produce the same finding for the same name."""
    names = check_names(Ecosystem.PYPI, ["Reqeusts", "requests", "reqeusts"], NameCheckOptions())
    assert ["reqeusts", "requests"] == list(names)  # normalised, deduplicated, sorted
    assert () == names["requests"]
    from_names = names["reqeusts"][0]
    from_graph = typosquat_findings([name_package(Ecosystem.PYPI, "reqeusts")])[0]
    assert from_graph == from_names
    locked = run(DependencyGraph(packages=[pkg("reqeusts")]))[0]
    assert (locked.id, locked.summary, locked.evidence) == (
        from_names.id,
        from_names.summary,
        from_names.evidence,
    )


def test_registered_and_always_applies() -> None:
    """The check is in the registry and needs no advisory data."""
    check = CHECKS["typosquat"]
    assert isinstance(check, TyposquatCheck)
    assert check.applies(CheckContext(graph=DependencyGraph()))
    assert {FindingKind.TYPOSQUAT} == check.kinds


def test_finding_lists_other_resemblances() -> None:
    """A name close to several popular names names the most popular and lists the rest."""
    finding = typosquat_findings([pkg("requets")])[0]
    evidence = dict(finding.evidence)
    assert "requests" == evidence["imitates"]
    assert "also-resembles" not in evidence or "requests" not in evidence["also-resembles"]


# -- what is known besides the name ------------------------------------------------------------

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def context(graph: DependencyGraph, **settings: object) -> CheckContext:
    return CheckContext(graph=graph, settings=CheckSettings(now=NOW, **settings))  # type: ignore[arg-type]


def test_internal_names_are_not_typosquats() -> None:
    """A name the configuration marks internal is the team's own (the confusion check
    judges it), in the lockfile check and in check-name alike."""
    graph = DependencyGraph(packages=[pkg("reqeusts"), pkg("djanga")])
    internal = InternalNames(patterns=(parse_pattern("reqeusts"),))
    found = TyposquatCheck().run(context(graph, internal=internal)).findings
    assert ["pkg:pypi/djanga@1.0"] == [f.package_id for f in found]
    named = check_names(Ecosystem.PYPI, ["reqeusts"], NameCheckOptions(internal=internal))
    assert [] == [f for f in named["reqeusts"] if f.kind is FindingKind.TYPOSQUAT]


def test_a_dependency_of_popular_packages_is_not_reported_real_file() -> None:
    """atom's script/package-lock.json locks atob (one letter from the popular atoa) because
    source-map-resolve, a popular package, requires it: the lockfile shows who chose it. The
    same name as the project's own direct dependency is reported."""
    folder = FIXTURES / "npm-package-lock/real/atom__atom__script"
    graph = collect_paths([str(folder)]).graph
    atob = next(p for p in graph.packages if p.name == "atob")
    assert ["source-map-resolve"] == [graph.package(e.parent).name for e in graph.parents(atob.id)]
    assert [] == [
        f for f in TyposquatCheck().run(context(graph)).findings if "atob" in f.package_id
    ]
    root = Root(id="root:package.json", name="app", ecosystem=Ecosystem.NPM, path="package.json")
    direct = DependencyGraph(
        packages=[atob], roots=[root], edges=[Edge(parent=root.id, child=atob.id)]
    )
    (finding,) = TyposquatCheck().run(context(direct)).findings
    assert "typosquat:atoa" == finding.id


def registry_facts(package: Package, first_release: str) -> RegistryData:
    return RegistryData(
        health={
            package.id: PackageHealth(
                package_id=package.id,
                registry="https://npm-registry.invalid/",
                first_release=first_release,
            )
        }
    )


def test_registry_age_clears_long_established_packages() -> None:
    """eslint-config-helpers has the name @eslint/config-helpers takes with its scope joined;
    a package the registry has served for two years or more is no fresh typosquat (they are
    taken down within days), one first published last month is reported. The release dates
    here are written for the test (the registry this was developed against is a mirror that
    stamps its own ingestion dates)."""
    old = pkg("eslint-config-helpers", Ecosystem.NPM)
    graph = DependencyGraph(packages=[old])
    assert [] == list(
        TyposquatCheck()
        .run(
            CheckContext(
                graph=graph,
                settings=CheckSettings(now=NOW),
                registry=registry_facts(old, "2019-03-02T10:00:00Z"),
            )
        )
        .findings
    )
    (fresh,) = (
        TyposquatCheck()
        .run(
            CheckContext(
                graph=graph,
                settings=CheckSettings(now=NOW),
                registry=registry_facts(old, "2026-05-20T10:00:00Z"),
            )
        )
        .findings
    )
    assert "typosquat:@eslint/config-helpers" == fresh.id
    offline = TyposquatCheck().run(CheckContext(graph=graph, settings=CheckSettings(now=NOW)))
    assert [fresh.id] == [f.id for f in offline.findings]


def test_messages_state_facts_not_download_counts() -> None:
    """The finding says the name is not on the bundled list and gives the target's listed
    popularity; it claims no download count for the name itself."""
    (finding,) = typosquat_findings([name_package(Ecosystem.NPM, "atob")])
    assert "typosquat:atoa" == finding.id
    evidence = dict(finding.evidence)
    assert (
        "not on the bundled list of the top 70,202 npm packages by downloads (those with "
        "20,001 or more a month)"
    ) == evidence["popularity"]
    assert "fewer than" not in finding.details
    assert finding.details.startswith(
        "atob is not on the bundled list of the top 70,202 npm packages by downloads"
    )
