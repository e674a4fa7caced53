"""Fix plans: how to move each vulnerable package to a fixed version, and what stands in
the way.

For every package with vulnerability findings, the target is the smallest version that
fixes all of them that have a fix (the largest of their ``fix_version``s). Every edge into
the package whose requirement does not admit the target (markers evaluated for the target
environment) is a blocker: ``requests 2.19.0 requires urllib3<1.24``. A project's exact pin
of the current version (a requirements file's ``==``) is not: bumping it is the fix itself;
a range the project declares that excludes the target is.

A parent whose requirement the lockfile does not record (uv.lock names a registry package's
dependencies without versions; a pip-compile ``# via`` line says who requires a package but
not how) is asked of the registry: the release's core metadata, npm's packument. When it
cannot be (``--no-registry``, offline, a failed lookup), or when which packages require it
is itself unknown (a flat lockfile without registry lookups), the plan is *unverified*:
``compatible`` is None and ``unknown`` names the parents. A plan never says that nothing
blocks a target it has not checked.

For a blocking package (not the project itself), the registry is asked for the parent's
newer releases in order, and the first whose own requirement admits the target, or that no
longer requires the package, is the upgrade that lifts the block. Plans are checked jointly:
when the parent is vulnerable itself, its upgrade starts at its own plan's target (the
release that fixes its findings), so the plan never suggests a parent release that still
has the findings being fixed. The search is bounded (``MAX_RELEASES``), and whatever stops
it is said in the blocker's ``reason``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from auditor.core.errors import SourceError
from auditor.core.findings import Blocker, Finding, FindingKind, FixPlan, UnknownRequirement
from auditor.core.graph import DependencyGraph
from auditor.core.model import Package
from auditor.registries.lookup import Registries
from auditor.registries.metadata import Requirements, is_prerelease
from auditor.versions.base import InvalidVersion, VersionScheme
from auditor.versions.markers import TargetEnvironment
from auditor.versions.plugins import scheme_for
from auditor.versions.requirement import ParsedRequirement, parse_requirement

MAX_RELEASES = 40  # newer releases of a blocking parent asked about, at most


def plan_fixes(
    graph: DependencyGraph,
    findings: Sequence[Finding],
    *,
    registries: Registries | None,
    environment: TargetEnvironment,
    registry_note: str = "",
    parents_unknown: Mapping[str, tuple[UnknownRequirement, ...]] | None = None,
) -> tuple[FixPlan, ...]:
    """One plan per package with vulnerability findings, sorted by package id.
    ``parents_unknown`` maps package ids to parents that may hold them back unseen (a flat
    lockfile whose edges could not all be completed)."""
    by_package: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.kind is FindingKind.VULNERABILITY and finding.package_id in graph:
            by_package[finding.package_id].append(finding)
    unknown_parents = parents_unknown or {}
    drafts = [
        _draft(graph, pid, items, environment, unknown_parents.get(pid))
        for pid, items in sorted(by_package.items())
    ]
    plans = _look_up(graph, drafts, registries, environment, registry_note)
    # a vulnerable parent's upgrade must reach its own plan's target too (joint plans)
    floors = {plan.package_id: plan.target for plan in plans if plan.target}
    # blockers without a reason yet are packages whose newer releases may lift them
    pending = [(plan, b) for plan in plans for b in plan.blockers if not b.reason]
    if registries is None:
        why = f"upgrade not looked up: {registry_note or 'registries were not asked'}"
        lifted = {(plan.package_id, b): _unlifted(b, why) for plan, b in pending}
    else:
        lifted = {}
        for (plan, blocker), answer, error in registries.each(
            pending,
            lambda item: _lift(
                graph,
                registries,
                item[0],
                item[1],
                environment,
                floor=floors.get(item[1].parent_id),
            ),
        ):
            why = f"the registry could not say: {error}"
            lifted[(plan.package_id, blocker)] = answer or _unlifted(blocker, why)
    return tuple(
        _judged(
            replace(
                plan, blockers=tuple(lifted.get((plan.package_id, b), b) for b in plan.blockers)
            )
        )
        for plan in plans
    )


@dataclass(frozen=True, kw_only=True)
class _Draft:
    plan: FixPlan
    ask: tuple[str, ...] = ()  # parents whose requirement the lockfile does not record


def _draft(
    graph: DependencyGraph,
    package_id: str,
    findings: list[Finding],
    environment: TargetEnvironment,
    parents_unknown: tuple[UnknownRequirement, ...] | None,
) -> _Draft:
    package = graph.package(package_id)
    scheme = scheme_for(package.ecosystem)
    fixes = [f.fix_version for f in findings if f.fix_version]
    unfixed = tuple(sorted(f.id for f in findings if not f.fix_version))
    target = scheme.ascending(fixes)[-1] if fixes else None
    blockers: list[Blocker] = []
    ask: list[str] = []
    unknown: list[UnknownRequirement] = []
    if target is not None:
        unknown.extend(parents_unknown or ())
        for edge in graph.parents(package_id):
            own = graph.is_root(edge.parent)
            if not edge.requirement:
                if not own:  # the project's own declaration is the project's to change
                    ask.append(edge.parent)
                continue
            requirement = parse_requirement(package.ecosystem, edge.requirement)
            if requirement is None or not environment.applies(requirement.marker):
                continue
            if not requirement.constraint and not own:
                # a name without versions: what uv.lock writes for a registry package's
                # dependencies, whatever the package requires; its metadata says
                ask.append(edge.parent)
                continue
            if own and pins_exactly(requirement, package.version):
                continue  # the lockfile's own pin (requirements.txt): bumping it is the fix
            if requirement.admits(target) is False:
                reason = "the project's own requirement: change it" if own else ""
                blockers.append(
                    Blocker(parent_id=edge.parent, requirement=edge.requirement, reason=reason)
                )
    plan = FixPlan(
        package_id=package_id,
        target=target,
        findings=tuple(sorted({f.id for f in findings})),
        blockers=tuple(sorted(set(blockers))),
        unfixed=unfixed,
        unknown=tuple(unknown),
    )
    return _Draft(plan=plan, ask=tuple(sorted(set(ask))))


def _look_up(
    graph: DependencyGraph,
    drafts: Sequence[_Draft],
    registries: Registries | None,
    environment: TargetEnvironment,
    registry_note: str,
) -> list[FixPlan]:
    """Each parent requirement the lockfile does not record, from the registry (each parent
    asked once): a blocker when it does not admit the target, an unknown when it cannot be
    had."""
    parents = sorted({pid for d in drafts for pid in d.ask})
    known: dict[str, Requirements | str] = {}
    if registries is None:
        why = f"not in the lockfile, and not looked up: {registry_note or 'no registry'}"
        known = dict.fromkeys(parents, why)
    else:
        for parent_id, answer, error in registries.each(
            parents, lambda pid: _requirements(graph, registries, pid)
        ):
            known[parent_id] = (
                answer if answer is not None else f"the registry could not say: {error}"
            )
    plans = []
    for draft in drafts:
        plan = draft.plan
        blockers, unknown = list(plan.blockers), list(plan.unknown)
        child = graph.package(plan.package_id)
        for parent_id in draft.ask:
            answer = known[parent_id]
            if isinstance(answer, str):
                unknown.append(UnknownRequirement(parent_id=parent_id, reason=answer))
                continue
            for text in _requirements_on(answer, child, environment):
                requirement = parse_requirement(child.ecosystem, text)
                if requirement is not None and requirement.admits(plan.target or "") is False:
                    blockers.append(Blocker(parent_id=parent_id, requirement=text))
        plans.append(
            replace(plan, blockers=tuple(sorted(set(blockers))), unknown=tuple(sorted(unknown)))
        )
    return plans


def _requirements(
    graph: DependencyGraph, registries: Registries, parent_id: str
) -> Requirements | str:
    parent = graph.package(parent_id)
    client = registries.client(parent.ecosystem)
    found = client.requirements(parent.name, parent.version)
    if found is None:
        return f"{parent.name} {parent.version} publishes no requirements on {client.shown}"
    return found


def _requirements_on(
    requirements: Requirements, child: Package, environment: TargetEnvironment
) -> list[str]:
    """The requirement strings of a release that name ``child`` and apply here."""
    out = []
    for text in (*requirements.dependencies, *requirements.peer):
        requirement = parse_requirement(child.ecosystem, text)
        if requirement is None or requirement.name != child.name:
            continue
        if environment.applies(requirement.marker):
            out.append(text)
    return out


def _judged(plan: FixPlan) -> FixPlan:
    """``compatible``: False with a target nothing fixes or a blocker; None when a parent's
    requirement is unknown; True only when every requirement was checked."""
    if plan.target is None or plan.blockers:
        compatible: bool | None = False
    elif plan.unknown:
        compatible = None
    else:
        compatible = True
    return replace(plan, compatible=compatible)


def pins_exactly(requirement: ParsedRequirement, version: str) -> bool:
    """Whether a requirement is nothing but a pin of ``version`` (``==1.2``, npm's ``1.2.0``)."""
    if requirement.alternatives is not None:
        pins = {f"=={version}", f"==={version}"}
        return bool(requirement.alternatives) and all(
            str(a) in pins for a in requirement.alternatives
        )
    if requirement.npm_range is not None:
        return str(requirement.npm_range) == version
    return False


def _lift(
    graph: DependencyGraph,
    registries: Registries,
    plan: FixPlan,
    blocker: Blocker,
    environment: TargetEnvironment,
    *,
    floor: str | None = None,
) -> Blocker:
    """The smallest newer release of the blocking parent that admits the target, and that
    is at least ``floor`` (the parent's own plan's target, when it is vulnerable itself)."""
    parent = graph.package(blocker.parent_id)
    child = graph.package(plan.package_id)
    target = plan.target or ""
    client = registries.client(parent.ecosystem)
    project = client.project(parent.name)
    if project is None:
        return _unlifted(blocker, f"{parent.name} is not on {client.shown}")
    scheme = scheme_for(parent.ecosystem)
    candidates = [
        r
        for r in project.newer_than(parent.version)
        if not r.yanked
        and (_pre(parent) or not is_prerelease(project, r))
        and (floor is None or not _below(scheme, r.version, floor))
    ]
    unknown = 0
    for release in candidates[:MAX_RELEASES]:
        try:
            requirements = client.requirements(parent.name, release.version)
        except SourceError:
            requirements = None
        if requirements is None:
            unknown += 1
            continue
        if _admits(requirements, child, target, environment):
            return Blocker(
                parent_id=blocker.parent_id,
                requirement=blocker.requirement,
                upgrade=release.version,
            )
    if not candidates:
        return _unlifted(blocker, f"no newer release of {parent.name} on {project.registry}")
    last = candidates[min(len(candidates), MAX_RELEASES) - 1].version
    why = f"no release of {parent.name} up to {last} admits {child.name} {target}"
    if unknown:
        why += f" ({unknown} without published requirements)"
    return _unlifted(blocker, why)


def _below(scheme: VersionScheme[Any], version: str, floor: str) -> bool:
    try:
        return bool(scheme.parse(version) < scheme.parse(floor))
    except InvalidVersion:
        return False


def _unlifted(blocker: Blocker, reason: str) -> Blocker:
    return Blocker(parent_id=blocker.parent_id, requirement=blocker.requirement, reason=reason)


def _pre(package: Package) -> bool:
    try:
        key = scheme_for(package.ecosystem).parse(package.version)
    except InvalidVersion:
        return False
    return bool(getattr(key, "is_prerelease", False)) or (isinstance(key, tuple) and key[3] == 0)


def _admits(
    requirements: Requirements, child: Package, target: str, environment: TargetEnvironment
) -> bool:
    """Whether a parent release lets ``child`` be ``target``: every requirement of it that
    applies admits the target (a release that no longer requires it does too)."""
    for text in (*requirements.dependencies, *requirements.peer):
        requirement = parse_requirement(child.ecosystem, text)
        if requirement is None or requirement.name != child.name:
            continue
        if not environment.applies(requirement.marker):
            continue
        if requirement.admits(target) is False:
            return False
    return True
