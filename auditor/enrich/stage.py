"""The registry stage of the pipeline, between collecting and checking.

With registries to ask (not offline, not ``--no-registry``) it

1. completes the edges of flat Python lockfiles from each pinned release's metadata
   (``auditor.enrich.edges``), which changes the graph every later stage sees;
2. gathers every registry package's health (``auditor.enrich.health``);
3. looks up internal package names on the public registries (dependency confusion);
4. sets the registry's licence on packages whose lockfile records none
   (``auditor.enrich.licenses``).

Without registries it changes nothing and says, in one note, what was skipped. A failed
lookup is data (an unknown health, an unverified package), never an exception.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from auditor.core.errors import SourceError
from auditor.core.findings import PackageHealth, Unverified
from auditor.core.graph import DependencyGraph
from auditor.core.model import CollectResult, Ecosystem, Package, SourceKind
from auditor.enrich.edges import MissingRequirement, complete, flat_packages, is_flat
from auditor.enrich.health import gather_health
from auditor.enrich.licenses import registry_licenses
from auditor.registries.internal import InternalNames
from auditor.registries.lookup import Presence, PublicRegistries, Registries
from auditor.registries.metadata import Requirements
from auditor.versions.markers import TargetEnvironment

REQUIREMENTS = "requirements"  # the collector of pip requirements files, pinned by hand
EDGES_CHECK = "edges"  # the name unverified packages of this stage are listed under
SKIPPED = (
    "health, dependency-confusion lookups, edges of flat lockfiles, fix-plan upgrades, "
    "licences the lockfiles do not record"
)


@dataclass(frozen=True, kw_only=True)
class RegistrySetup:
    """How the registry stage may reach registries: ``registries`` None means not at all,
    for the reason in ``note`` (``--offline``, ``--no-registry``)."""

    registries: Registries | None = None
    public: Callable[[], PublicRegistries] | None = None  # made only if internal names occur
    note: str = "registries were not asked"
    # what configuration inside the scanned tree named (its .npmrc), or tried and was refused
    tree_notes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RegistryData:
    """What the registries answered before the checks ran.

    ``health`` maps package id → facts (only packages that were looked up). ``presence``
    maps (ecosystem, name) → whether the public registry has that name (looked up for
    internal names only). ``public`` says which registry URLs count as public, ``served_by``
    which configured registry a package without a recorded registry comes from.
    """

    health: Mapping[str, PackageHealth] = field(default_factory=dict)
    presence: Mapping[tuple[Ecosystem, str], Presence] = field(default_factory=dict)
    public: PublicRegistries | None = None
    # package id → the configured registry that would serve it (internal names only)
    served_by: Mapping[str, str] = field(default_factory=dict)
    # package id → why its licence could not be looked up (the lockfile records none)
    license_errors: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Enrichment:
    results: tuple[CollectResult, ...]
    graph: DependencyGraph  # of ``results``, built once for every later stage
    registry: RegistryData | None
    missing: tuple[MissingRequirement, ...] = ()
    unverified: tuple[Unverified, ...] = ()
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def enrich(
    results: tuple[CollectResult, ...],
    setup: RegistrySetup,
    *,
    environment: TargetEnvironment,
    internal: InternalNames,
) -> Enrichment:
    """Run the registry stage over the collect results of one run: ``environment`` is the
    run's target (already narrowed to the project's Pythons), ``internal`` the names that
    must not be served by a public registry."""
    registries = setup.registries
    packages = [p for r in results for p in r.packages if p.source.is_registry and p.version]
    if registries is None:
        skipped = f"registry lookups skipped ({SKIPPED}): {setup.note}"
        return Enrichment(
            results=results,
            graph=DependencyGraph.from_results(results),
            registry=None,
            notes=(skipped,) if packages else (),
            warnings=tuple(
                unknown_transitives(r, setup.note)
                for r in results
                if r.collector == REQUIREMENTS and is_flat(r)
            ),
        )
    notes: list[str] = list(setup.tree_notes)
    unverified: list[Unverified] = []
    flat = flat_packages(results)
    missing: tuple[MissingRequirement, ...] = ()
    if flat:
        requirements = _requirements(registries, flat)
        completion = complete(results, requirements, environment)
        results = completion.results
        missing = completion.missing
        unverified.extend(
            Unverified(check=EDGES_CHECK, package_id=pid, reason=f"requirements unknown: {why}")
            for pid, why in completion.unknown
        )
        for path in completion.completed:
            notes.append(f"{path}: edges filled in from each pinned release's metadata")
    licensed = registry_licenses(results, registries)
    results = licensed.results
    graph = DependencyGraph.from_results(results)
    health = gather_health(graph, registries)
    presence, public, served = _confusion_lookups(graph, registries, setup, internal)
    data = RegistryData(
        health={h.package_id: h for h in health},
        presence=presence,
        public=public,
        served_by=served,
        license_errors=licensed.errors,
    )
    return Enrichment(
        results=results,
        graph=graph,
        registry=data,
        missing=missing,
        unverified=tuple(unverified),
        notes=tuple(notes),
        warnings=licensed.warnings,
    )


def unknown_transitives(result: CollectResult, why: str) -> str:
    """What a flat file (pins, no dependency between them) leaves unknown without the
    registry: which packages its pins require, so whether any is missing from it."""
    pins = len(result.packages)
    return (
        f"{result.path}: {pins} pinned package{'s' if pins != 1 else ''} with no dependency "
        f"information: their transitive dependencies are unknown without registry lookups "
        f"({why}); any that this file does not pin was not audited"
    )


def _requirements(
    registries: Registries, packages: list[Package]
) -> dict[str, Requirements | str | None]:
    def ask(package: Package) -> Requirements | None:
        return registries.client(package.ecosystem).requirements(package.name, package.version)

    found: dict[str, Requirements | str | None] = {}
    for package, answer, error in registries.each(packages, ask):
        found[package.id] = str(error) if error is not None else answer
    return found


def _confusion_lookups(
    graph: DependencyGraph,
    registries: Registries,
    setup: RegistrySetup,
    internal: InternalNames,
) -> tuple[dict[tuple[Ecosystem, str], Presence], PublicRegistries | None, dict[str, str]]:
    wanted = [
        p
        for p in graph.packages
        if internal
        and p.ecosystem in (Ecosystem.PYPI, Ecosystem.NPM)
        and p.source.kind not in (SourceKind.GIT, SourceKind.URL)
        and internal.match(p.ecosystem, p.name) is not None
    ]
    if not wanted or setup.public is None:
        return {}, None, {}
    public = setup.public()
    served: dict[str, str] = {}
    for package in (p for p in wanted if p.source.is_registry):
        try:
            served[package.id] = registries.client(package.ecosystem).registry_for(package.name)
        except SourceError:
            continue
    names = sorted({(p.ecosystem, p.name) for p in wanted})
    presence = {
        key: answer
        for key, answer, _error in registries.each(names, lambda k: public.presence(k[0], k[1]))
        if answer is not None
    }
    return presence, public, served
