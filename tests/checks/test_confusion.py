"""Dependency confusion: internal names resolving from, or existing on, a public registry;
unverifiable git/URL packages; the single-name lookup for check-name."""

from __future__ import annotations

import pytest

from auditor.checks.base import CheckContext, CheckSettings
from auditor.checks.confusion import ConfusionCheck, lookup_name
from auditor.core.findings import Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Location, Package, Source, SourceKind
from auditor.enrich.stage import RegistryData
from auditor.net.client import HttpClient
from auditor.registries.internal import InternalNames, parse_pattern
from auditor.registries.lookup import Presence, PublicRegistries, Registries
from auditor.registries.npm import NpmClient
from auditor.registries.pypi import PypiClient
from tests.httpserver import HttpTestServer, json_reply, quick_config
from tests.registries.recorded import RecordedRegistry

PUBLIC_PYPI = "https://pypi-index.invalid/simple"
INTERNAL = InternalNames(
    patterns=(
        parse_pattern("acme-*", origin="auditor.toml: internal[0]"),
        parse_pattern("npm:@acme/*"),
    )
)
SETTINGS = CheckSettings(internal=INTERNAL)


def pkg(
    name: str, version: str = "1.0.0", *, eco: Ecosystem = Ecosystem.PYPI, **kw: object
) -> Package:
    return Package(ecosystem=eco, name=name, version=version, **kw)  # type: ignore[arg-type]


def public(urls: dict[Ecosystem, list[str]] | None = None) -> PublicRegistries:
    return PublicRegistries(urls or {Ecosystem.PYPI: [PUBLIC_PYPI]}, Registries({}))


def present(package: Package, exists: bool | None, latest: str | None = None) -> Presence:
    return Presence(
        ecosystem=package.ecosystem,
        name=package.name,
        registry=PUBLIC_PYPI,
        exists=exists,
        versions=3 if exists else 0,
        latest=latest,
        error=None if exists is not None else "HTTP 503",
    )


def run(graph: DependencyGraph, data: RegistryData | None, **kw: object):  # type: ignore[no-untyped-def]
    context = CheckContext(graph=graph, settings=SETTINGS, registry=data, **kw)  # type: ignore[arg-type]
    return ConfusionCheck().run(context)


def test_internal_package_locked_from_the_public_index() -> None:
    """uv/poetry record the index: an internal name from the public one is critical."""
    tools = pkg("acme-tools", source=Source(url=PUBLIC_PYPI + "/"))
    data = RegistryData(
        public=public(), presence={(tools.ecosystem, tools.name): present(tools, False)}
    )
    (finding,) = run(DependencyGraph(packages=[tools]), data).findings
    assert ("CONFUSION-PUBLIC-SOURCE", Severity.CRITICAL) == (finding.id, finding.severity)
    assert (
        ("internal-pattern", "acme-* (auditor.toml: internal[0])"),
        ("registry", PUBLIC_PYPI + "/"),
        ("registry-from", "the lockfile records it"),
    ) == finding.evidence


def test_file_registry_and_configured_registry_count_too() -> None:
    """Without a per-package source: the file's only index, else the configured one."""
    tools = pkg("acme-tools", found_in=(Location(path="req.txt"),))
    data = RegistryData(public=public(), presence={})
    found = run(
        DependencyGraph(packages=[tools]), data, file_registries={"req.txt": (PUBLIC_PYPI,)}
    )
    assert ["CONFUSION-PUBLIC-SOURCE"] == [f.id for f in found.findings]
    served = RegistryData(public=public(), served_by={tools.id: "https://private.invalid/simple"})
    assert [] == [f.id for f in run(DependencyGraph(packages=[tools]), served).findings]


@pytest.mark.parametrize(
    ("latest", "severity"), [("0.9.0", Severity.HIGH), ("99.0.0", Severity.CRITICAL)]
)
def test_internal_name_exists_publicly(latest: str, severity: Severity) -> None:
    """The name is taken on the public registry: high; critical when it has a newer version
    (which an installer merging indexes would prefer)."""
    ui = pkg("@acme/ui", eco=Ecosystem.NPM)
    data = RegistryData(
        public=public(), presence={(ui.ecosystem, ui.name): present(ui, True, latest)}
    )
    (finding,) = run(DependencyGraph(packages=[ui]), data).findings
    assert ("CONFUSION-PUBLIC-NAME", severity) == (finding.id, finding.severity)
    assert ("public-latest", latest) in finding.evidence


def test_unverified_packages() -> None:
    """A failed lookup, lookups skipped, and git/URL packages (internal or not) are listed."""
    tools = pkg("acme-tools")
    fork = pkg("requests", source=Source(kind=SourceKind.GIT, url="https://git.invalid/r.git"))
    failed = RegistryData(
        public=public(), presence={(tools.ecosystem, tools.name): present(tools, None)}
    )
    result = run(DependencyGraph(packages=[tools, fork]), failed)
    assert [] == list(result.findings)
    assert {
        tools.id: "internal name (acme-*): public lookup failed: HTTP 503",
        fork.id: "from git https://git.invalid/r.git, not a registry: which registry name it "
        "stands for cannot be verified",
    } == {u.package_id: u.reason for u in result.unverified}
    skipped = ConfusionCheck().run(
        CheckContext(
            graph=DependencyGraph(packages=[tools]), settings=SETTINGS, registry_note="--offline"
        )
    )
    assert ["internal name (acme-*) not looked up: --offline"] == [
        u.reason for u in skipped.unverified
    ]


def test_other_names_and_go_are_not_looked_at() -> None:
    """Names outside the patterns, and Go modules, produce nothing."""
    graph = DependencyGraph(packages=[pkg("requests"), pkg("acme-mod", "v1.0.0", eco=Ecosystem.GO)])
    result = run(graph, RegistryData(public=public()))
    assert ((), ()) == (result.findings, result.unverified)


def test_lookup_name_on_the_recorded_registries(http_server: HttpTestServer) -> None:
    """check-name's question for single names, against recorded public answers."""
    recorded = RecordedRegistry(http_server)
    http = HttpClient(quick_config())
    registries = Registries.of(PypiClient(http, recorded.indexes), NpmClient(http, recorded.npm))
    urls = {Ecosystem.PYPI: [recorded.indexes.index.url], Ecosystem.NPM: [recorded.npm.default.url]}
    public_registries = PublicRegistries(urls, registries)
    names = InternalNames(patterns=(parse_pattern("requests"), parse_pattern("acme-*")))
    taken = lookup_name(Ecosystem.PYPI, "requests", internal=names, public=public_registries)
    assert taken.confused
    assert taken.presence is not None
    assert ("2.34.2", True) == (taken.presence.latest, taken.presence.exists)
    free = lookup_name(Ecosystem.PYPI, "acme-tools", internal=names, public=public_registries)
    assert (False, False) == (free.confused, free.presence.exists if free.presence else None)
    other = lookup_name(Ecosystem.NPM, "left-pad", internal=names, public=public_registries)
    assert (None, None) == (other.internal, other.presence)  # not internal: not asked
    asked = lookup_name(
        Ecosystem.NPM, "left-pad", internal=names, public=public_registries, always=True
    )
    assert asked.presence is not None
    assert asked.presence.exists
    http_server.route("GET", "/npm/*", json_reply({}, status=500))
    broken = PublicRegistries(
        urls, Registries.of(NpmClient(HttpClient(quick_config(max_attempts=1)), recorded.npm))
    )
    failed = broken.presence(Ecosystem.NPM, "@acme/ui")
    assert failed.exists is None
    assert "HTTP 500" in (failed.error or "")
    assert broken.is_public(Ecosystem.NPM, recorded.npm.default.url + "left-pad/-/x.tgz")
    assert not broken.is_public(Ecosystem.NPM, "https://npm-registry.invalid.evil/")


def test_the_projects_own_packages_count_by_name() -> None:
    """An internal name used by a local path package: no registry to compare, but the name
    existing publicly is still reported."""
    local = pkg("acme-utils", source=Source(kind=SourceKind.PATH, url="../acme-utils"))
    data = RegistryData(
        public=public(), presence={(local.ecosystem, local.name): present(local, True, "0.1.0")}
    )
    (finding,) = run(DependencyGraph(packages=[local]), data).findings
    assert ("CONFUSION-PUBLIC-NAME", Severity.HIGH) == (finding.id, finding.severity)
