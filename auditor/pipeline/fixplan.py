"""Fix plans: how to move each vulnerable package to a fixed version, and what stands in
the way.

For every package with vulnerability findings, the target is the smallest version that
fixes all of them that have a fix (the largest of their ``fix_version``s). Every edge into
the package whose recorded requirement does not admit the target (markers evaluated for the
target environment) is a blocker: ``requests 2.19.0 requires urllib3<1.24``. A project's
exact pin of the current version (a requirements file's ``==``) is not: bumping it is the
fix itself; a range the project declares that excludes the target is. For a blocking
package (not the project itself), the registry is asked for the parent's newer releases in
order, and the first whose own requirement admits the target, or that no longer requires the
package, is the upgrade that lifts the block. The search is bounded (``MAX_RELEASES``), and
whatever stops it is said in the blocker's ``reason``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from auditor.core.errors import SourceError
from auditor.core.findings import Blocker, Finding, FindingKind, FixPlan
from auditor.core.graph import DependencyGraph
from auditor.core.model import Package
from auditor.registries.lookup import Registries
from auditor.registries.metadata import Requirements, is_prerelease
from auditor.versions.base import InvalidVersion
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
) -> tuple[FixPlan, ...]:
    """One plan per package with vulnerability findings, sorted by package id."""
    by_package: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.kind is FindingKind.VULNERABILITY and finding.package_id in graph:
            by_package[finding.package_id].append(finding)
    plans = [_draft(graph, pid, items, environment) for pid, items in sorted(by_package.items())]
    # blockers without a reason yet are packages whose newer releases may lift them
    pending = [(plan, b) for plan in plans for b in plan.blockers if not b.reason]
    if registries is None:
        why = f"upgrade not looked up: {registry_note or 'registries were not asked'}"
        lifted = {(plan.package_id, b): _unlifted(b, why) for plan, b in pending}
    else:
        lifted = {}
        for (plan, blocker), answer, error in registries.each(
            pending, lambda item: _lift(graph, registries, item[0], item[1], environment)
        ):
            why = f"the registry could not say: {error}"
            lifted[(plan.package_id, blocker)] = answer or _unlifted(blocker, why)
    return tuple(
        replace(plan, blockers=tuple(lifted.get((plan.package_id, b), b) for b in plan.blockers))
        for plan in plans
    )


def _draft(
    graph: DependencyGraph,
    package_id: str,
    findings: list[Finding],
    environment: TargetEnvironment,
) -> FixPlan:
    package = graph.package(package_id)
    scheme = scheme_for(package.ecosystem)
    fixes = [f.fix_version for f in findings if f.fix_version]
    unfixed = tuple(sorted(f.id for f in findings if not f.fix_version))
    target = scheme.ascending(fixes)[-1] if fixes else None
    blockers: list[Blocker] = []
    if target is not None:
        for edge in graph.parents(package_id):
            if not edge.requirement:
                continue
            requirement = parse_requirement(package.ecosystem, edge.requirement)
            if requirement is None or not environment.applies(requirement.marker):
                continue
            own = graph.is_root(edge.parent)
            if own and pins_exactly(requirement, package.version):
                continue  # the lockfile's own pin (requirements.txt): bumping it is the fix
            if requirement.admits(target) is False:
                reason = "the project's own requirement: change it" if own else ""
                blockers.append(
                    Blocker(parent_id=edge.parent, requirement=edge.requirement, reason=reason)
                )
    blockers = sorted(set(blockers))
    return FixPlan(
        package_id=package_id,
        target=target,
        findings=tuple(sorted({f.id for f in findings})),
        compatible=target is not None and not blockers,
        blockers=tuple(blockers),
        unfixed=unfixed,
    )


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
) -> Blocker:
    """The smallest newer release of the blocking parent that admits the target."""
    parent = graph.package(blocker.parent_id)
    child = graph.package(plan.package_id)
    target = plan.target or ""
    client = registries.client(parent.ecosystem)
    project = client.project(parent.name)
    if project is None:
        return _unlifted(blocker, f"{parent.name} is not on {client.shown}")
    candidates = [
        r
        for r in project.newer_than(parent.version)
        if not r.yanked and (_pre(parent) or not is_prerelease(project, r))
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
