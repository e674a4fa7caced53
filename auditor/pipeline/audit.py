"""The pipeline: collect every target, merge into one graph, run checks, build the result.

No printing and no output files here: the CLI and the output formats consume the values
this module returns, which keeps every stage testable alone. The registry stage
(``auditor.enrich.stage``) runs first, because completing flat lockfiles changes the graph that
the advisory sources and the checks see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path

from auditor.advisories.base import AdvisorySource, is_local, precheck
from auditor.advisories.exploits import ExploitData, annotate
from auditor.advisories.osv import OsvRecord
from auditor.checks.base import AdvisoryData, Check, CheckContext, CheckSettings
from auditor.checks.duplicates import duplicate_versions
from auditor.checks.plugins import default_checks
from auditor.collectors.discovery import Discovery, Target, discover
from auditor.collectors.inputs import TreeReader
from auditor.core.errors import LockfileError, SourceError, UsageError
from auditor.core.findings import (
    CheckGap,
    Finding,
    IgnoreRule,
    Unaudited,
    Unverified,
)
from auditor.core.graph import DependencyGraph
from auditor.core.model import (
    CollectResult,
    FileError,
    Package,
    SkippedPackage,
    UnsupportedFile,
)
from auditor.core.result import AuditResult, SourceInfo, Status
from auditor.enrich.health import total_libyears
from auditor.enrich.stage import RegistrySetup, enrich
from auditor.pipeline.fixplan import plan_fixes
from auditor.pipeline.gaps import excluded_note, parents_unknown, registry_outage, source_of
from auditor.pipeline.policy import acknowledge, apply_ignores, apply_omit
from auditor.versions.markers import for_project

LOCAL_REASON = "the project's own code (path, editable or workspace): no advisory describes it"


@dataclass(frozen=True, kw_only=True)
class Collection:
    """Everything collected from the targets of one run, before any check, and the targets
    themselves (the files found on disk, so that nothing walks the tree again)."""

    results: tuple[CollectResult, ...]
    errors: tuple[FileError, ...]
    targets: tuple[Target, ...] = ()
    unsupported: tuple[UnsupportedFile, ...] = ()  # files that declare what was not read
    excluded: tuple[str, ...] = ()  # lockfiles the user's exclude patterns left out

    @cached_property
    def graph(self) -> DependencyGraph:
        return DependencyGraph.from_results(self.results)

    @property
    def skipped(self) -> tuple[SkippedPackage, ...]:
        return tuple(sorted({s for r in self.results for s in r.skipped}))

    @property
    def registries(self) -> tuple[str, ...]:
        return tuple(sorted({u for r in self.results for u in r.registries}))

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(sorted({f for r in self.results for f in (r.files or (r.path,))}))

    @property
    def status(self) -> Status:
        return Status.PARTIAL if self.errors or self.unsupported else Status.COMPLETE


def collect_target(target: Target) -> CollectResult:
    """Collect one target; raises ``LockfileError`` for a broken file."""
    reader = TreeReader(target.root)
    # an installed environment given as its site-packages folder is a folder target
    file = (
        reader.read_folder(target.path) if target.path.is_dir() else reader.read_path(target.path)
    )
    return target.collector.collect(file, reader)


def collect(targets: Sequence[Target], found: Discovery | None = None) -> Collection:
    """Collect every target; a broken file becomes a ``FileError`` and the rest go on."""
    results: list[CollectResult] = []
    errors: list[FileError] = []
    for target in targets:
        try:
            results.append(collect_target(target))
        except LockfileError as exc:
            errors.append(FileError.of(exc))
    return Collection(
        results=tuple(results),
        errors=tuple(sorted(set(errors))),
        targets=tuple(targets),
        unsupported=found.unsupported if found else (),
        excluded=found.excluded if found else (),
    )


def collect_paths(
    paths: Sequence[str],
    *,
    force: str | None = None,
    cwd: Path | None = None,
    exclude: Sequence[str] = (),
) -> Collection:
    """Discover and collect; ``NothingToAuditError`` when the paths hold no supported lockfile
    (nothing audited is never reported as clean)."""
    found = discover(paths, force=force, cwd=cwd, exclude=exclude)
    if not found.targets:
        raise NothingToAuditError(paths, found)
    return collect(found.targets, found)


class NothingToAuditError(UsageError):
    """No supported lockfile below the paths: one line naming what was there instead."""

    def __init__(self, paths: Sequence[str], found: Discovery) -> None:
        where = " ".join(paths) or "."
        text = f"no package sources found in {where}: no lockfile auditor reads"
        if found.unsupported:
            shown = [f"{u.path} ({u.kind})" for u in found.unsupported[:MAX_NAMED]]
            more = len(found.unsupported) - len(shown)
            text += "; not audited: " + ", ".join(shown) + (f" and {more} more" if more else "")
        if found.excluded:
            text += f"; {len(found.excluded)} excluded by --exclude or the config's exclude"
        super().__init__(text)
        self.found = found


MAX_NAMED = 5  # files named in the one line of NothingToAuditError


@dataclass(frozen=True, kw_only=True)
class AuditOptions:
    """What to check with: advisory sources (none: no advisory check), the checks to run
    (None: every registered check whose data is there), ignores and the day they are
    judged on, the checks' settings, and how registries may be reached (by default they
    are not: nothing here reaches the network unless the caller hands over registries)."""

    sources: tuple[AdvisorySource, ...] = ()
    checks: tuple[Check, ...] | None = None
    ignores: tuple[IgnoreRule, ...] = ()
    today: date | None = None
    check_settings: CheckSettings = field(default_factory=CheckSettings)
    registry: RegistrySetup = field(default_factory=RegistrySetup)
    # the config file of the scanned tree and the settings of it in effect (the verdict says)
    tree_settings: tuple[str, tuple[str, ...]] | None = None
    vex: tuple[IgnoreRule, ...] = ()  # the statements of --vex files, applied as ignores
    omit: tuple[str, ...] = ()  # --omit: dev, optional, peer
    exploits: ExploitData | None = None  # CISA KEV and FIRST EPSS, to rank the findings
    warnings: tuple[str, ...] = ()  # what the setup found that the user must hear


def audit(collection: Collection, options: AuditOptions | None = None) -> AuditResult:
    """Build the result of a run: ask the registries (which may complete the graph), query
    the advisory sources, run the checks, apply the ignores, plan the fixes."""
    options = options or AuditOptions()
    # The target environment and the graph are built once here and handed to every stage
    # (the registry stage only adds edges: the roots the environment depends on stay).
    roots = [root for r in collection.results for root in r.roots]
    environment = for_project(options.check_settings.environment, roots)
    settings = replace(options.check_settings, environment=environment)
    enriched = enrich(
        collection.results,
        options.registry,
        environment=environment,
        internal=settings.internal,
    )
    graph = enriched.graph
    excluded: tuple[tuple[str, str], ...] = ()
    advisories: AdvisoryData | None = None
    infos: tuple[SourceInfo, ...] = ()
    if options.sources:
        excluded = tuple((p.id, LOCAL_REASON) for p in graph.packages if is_local(p))
        to_check = [p for p in graph.packages if not is_local(p)]
        advisories, infos = query_sources(options.sources, to_check)
    context = CheckContext(
        graph=graph,
        advisories=advisories,
        settings=settings,
        registry=enriched.registry,
        registry_note=options.registry.note,
        missing=enriched.missing,
        file_registries={r.path: r.registries for r in enriched.results},
    )
    findings: list[Finding] = []
    unchecked: set[tuple[str, str]] = set(advisories.unchecked if advisories else ())
    unverified: set[Unverified] = set(enriched.unverified)
    not_run: list[CheckGap] = []
    for check in default_checks() if options.checks is None else options.checks:
        not_run.extend(check.gaps(context))
        if check.applies(context):
            outcome = check.run(context)
            findings.extend(outcome.findings)
            unchecked.update(outcome.unchecked)
            unverified.update(outcome.unverified)
    today = options.today or date.today()
    exploit_warnings: list[str] = []
    if options.exploits is not None:
        findings, exploit_warnings = annotate(findings, options.exploits)
        exploit_warnings = [*exploit_warnings, *exploit_data_warnings(options.exploits.infos)]
    ignored = apply_ignores(findings, options.ignores + options.vex, today, graph=graph)
    unaudited = acknowledge(
        [
            Unaudited(package_id=pid, source=source_of(graph.package(pid)), reason=why)
            for pid, why in (advisories.unaudited if advisories else ())
        ],
        graph,
        options.ignores,
        today,
    )
    omitted = apply_omit(ignored.kept, sorted(unchecked), graph, options.omit)
    status = Status.INCOMPLETE if omitted.unchecked else collection.status
    health = tuple(sorted(enriched.registry.health.values())) if enriched.registry else ()
    outage = registry_outage(health)
    plans = plan_fixes(
        graph,
        omitted.kept,
        registries=options.registry.registries,
        environment=environment,
        registry_note=options.registry.note,
        parents_unknown=parents_unknown(collection.results, enriched.unverified, options.registry),
    )
    return AuditResult(
        graph=graph,
        findings=omitted.kept,
        skipped=collection.skipped,
        errors=collection.errors,
        unchecked=omitted.unchecked,
        registries=collection.registries,
        status=status,
        suppressed=ignored.suppressed,
        expired_ignores=ignored.expired,
        excluded=excluded,
        sources=infos,
        warnings=options.warnings
        + source_warnings(infos)
        + enriched.warnings
        + outage
        + tuple(exploit_warnings)
        + ignored.warnings,
        health=health,
        libyears=total_libyears(health),
        fix_plans=plans,
        unverified=tuple(sorted(unverified)),
        notes=enriched.notes + excluded_note(collection.excluded),
        unsupported=collection.unsupported,
        excluded_files=collection.excluded,
        unaudited=unaudited,
        not_run=tuple(sorted(not_run)),
        tree_settings=options.tree_settings,
        duplicates=duplicate_versions(graph),
        omit=tuple(options.omit),
        omitted=omitted.omitted,
        omitted_unchecked=omitted.omitted_unchecked,
        vex_unmatched=ignored.unmatched,
        exploit_data=options.exploits.infos if options.exploits is not None else (),
    )


def query_sources(
    sources: Sequence[AdvisorySource], packages: Sequence[Package]
) -> tuple[AdvisoryData, tuple[SourceInfo, ...]]:
    """Ask every source about every package. A source that fails entirely leaves every
    package unchecked (with its error): an audit never reads a failure as "clean"."""
    records: dict[str, list[OsvRecord]] = {}
    unchecked: set[tuple[str, str]] = set()
    infos: list[SourceInfo] = []
    covered: set[str] = set()
    # a package no source can describe is unaudited; one that any source described is not
    undescribed: dict[str, str] = {}
    described: set[str] = set()
    confirmed: dict[str, set[str]] = {}
    for source in sources:
        # A source is asked only about the ecosystems it speaks for (pypi: PyPI only);
        # a package that no selected source covers is unchecked below, never clean.
        mine = [p for p in packages if source.covers(p)]
        covered.update(p.id for p in mine)
        if not mine:
            infos.append(source.describe())
            continue
        try:
            answer = source.query_all(mine)
        except SourceError as exc:
            infos.append(replace(source.describe(), error=str(exc)))
            detail = str(exc).removeprefix(f"{source.name}: ")
            reason = f"{source.name} failed: {detail}" + (f"; {source.hint}" if source.hint else "")
            unchecked.update((p.id, reason) for p in mine)
            continue
        infos.append(answer.info)
        unchecked.update(answer.unchecked)
        for package_id, reason in answer.unaudited:
            undescribed.setdefault(package_id, reason)
        not_described = {package_id for package_id, _ in answer.unaudited}
        described.update(p.id for p in mine if p.id not in not_described)
        for package_id, found in answer.records.items():
            records.setdefault(package_id, []).extend(found)
        for package_id, ids in answer.confirmed.items():
            confirmed.setdefault(package_id, set()).update(ids)
    for package in packages:
        why = precheck(package)
        if package.id not in covered and why is not None:
            undescribed.setdefault(package.id, why)  # no source could have described it
        elif package.id not in covered:
            unchecked.add((package.id, uncovered_reason(package, sources)))
    unaudited = {(pid, why) for pid, why in undescribed.items() if pid not in described}
    data = AdvisoryData(
        records={k: tuple(v) for k, v in sorted(records.items())},
        unchecked=tuple(sorted(unchecked)),
        unaudited=tuple(sorted(unaudited)),
        confirmed={k: tuple(sorted(v)) for k, v in sorted(confirmed.items())},
    )
    return data, tuple(infos)


def uncovered_reason(package: Package, sources: Sequence[AdvisorySource]) -> str:
    scopes = ", ".join(
        f"{s.name} covers {' and '.join(sorted(e.value for e in s.ecosystems))} only"
        for s in sources
        if s.ecosystems is not None
    )
    return (
        f"no selected advisory source covers {package.ecosystem.value} ({scopes}); "
        "add osv-api or osv-local to --source"
    )


def exploit_data_warnings(infos: Sequence[SourceInfo]) -> tuple[str, ...]:
    """Exploitation data older than the staleness threshold ranks with yesterday's news."""
    return tuple(
        f"{info.name}: the data in {info.location} is stale ({info.age_days:.0f} days old); "
        "run auditor db sync"
        for info in infos
        if info.stale and info.age_days is not None
    )


def source_warnings(infos: Sequence[SourceInfo]) -> tuple[str, ...]:
    """What the user must hear about the advisory data: failures, age, caveats."""
    warnings: list[str] = []
    for info in infos:
        if info.error:
            continue  # its packages are unchecked, with the error (one line on the terminal)
        if info.stale:
            when = f"last updated {info.updated[:10]}" if info.updated else "no known date"
            age = f", {info.age_days:.0f} days ago" if info.age_days is not None else ""
            warnings.append(
                f"{info.name}: the advisory data in {info.location} is stale ({when}{age})"
            )
        warnings.extend(f"{info.name}: {note}" for note in info.notes)
    return tuple(warnings)
