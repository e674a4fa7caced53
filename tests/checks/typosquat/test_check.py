"""Matches as findings: the graph check and the name check give the same answer."""

from __future__ import annotations

from auditor.checks.base import CheckContext, CheckSettings
from auditor.checks.names import NameCheckOptions, check_names, name_package
from auditor.checks.plugins import CHECKS
from auditor.checks.typosquat.allowlist import AllowList
from auditor.checks.typosquat.check import TyposquatCheck, typosquat_findings
from auditor.core.findings import Finding, FindingKind, Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Package, Source, SourceKind


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
    assert "not in the top 15,000 PyPI projects" == evidence["popularity"]


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
