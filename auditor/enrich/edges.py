"""Completing the graph of flat Python lockfiles from each pinned release's own metadata.

A hand-written or ``pip freeze`` requirements file, and a ``Pipfile.lock``, pin every package
but record no edge between them: the graph is a star around the file's root. Here each
pinned release's ``Requires-Dist`` (from the registry: ``auditor.registries.pypi``) becomes
edges: markers are evaluated for the target environment, with the extras that the
requirements pointing at a package ask for (which can turn on more requirements, so this
runs to a fixed point), and each requirement is bound to the package of that name locked in
the same file (the one its specifier admits when several versions are pinned).

Root edges: in a star (every package hung from the root), a root edge is kept only for
packages nobody else requires; where the root edges came from a manifest (a ``Pipfile``, the
``.in`` input of pip-compile output), they are the project's real declarations and all stay,
while the ``indirect`` ones (pins the manifest does not ask for) go once something requires
their package. Anything a cycle would cut off from the root keeps its root edge.

An unconditional requirement whose package the file does not pin at all is reported as
missing (pip would install whatever is newest); a requirement under a marker is reported only
when a target environment is given and the marker holds there. The packaging tools ``pip
freeze`` leaves out (pip, setuptools, wheel, distribute) are never reported missing.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from auditor.core.model import CollectResult, Ecosystem, Edge, Package
from auditor.registries.metadata import Requirements
from auditor.versions.markers import TargetEnvironment
from auditor.versions.requirement import ParsedRequirement, parse_requirement

# what ``pip freeze`` leaves out of the files it writes: their absence is the norm
FREEZE_EXCLUDED = frozenset({"pip", "setuptools", "wheel", "distribute"})


@dataclass(frozen=True, kw_only=True, order=True)
class MissingRequirement:
    """A pinned release requires a package its lockfile does not pin."""

    package_id: str
    requirement: str
    path: str  # the lockfile


@dataclass(frozen=True, kw_only=True)
class Completion:
    results: tuple[CollectResult, ...]
    completed: tuple[str, ...] = ()  # the files whose edges were filled in
    missing: tuple[MissingRequirement, ...] = ()
    unknown: tuple[tuple[str, str], ...] = ()  # (package id, why its requirements are unknown)


def is_flat(result: CollectResult) -> bool:
    """A Python lockfile whose edges all leave a root (no package depends on another)."""
    roots = {r.id for r in result.roots}
    return (
        result.ecosystem is Ecosystem.PYPI
        and bool(result.packages)
        and all(e.parent in roots for e in result.edges)
    )


def flat_packages(results: Iterable[CollectResult]) -> list[Package]:
    """The registry packages of every flat file: whose requirements are to be looked up."""
    seen: dict[str, Package] = {}
    for result in results:
        if is_flat(result):
            for package in result.packages:
                if package.source.is_registry and package.version:
                    seen.setdefault(package.id, package)
    return [seen[k] for k in sorted(seen)]


def complete(
    results: Sequence[CollectResult],
    requirements: Mapping[str, Requirements | str | None],
    environment: TargetEnvironment,
) -> Completion:
    """Fill in the flat files; ``requirements`` maps package id → its requirements, or the
    reason they are unknown (a string), or None (the registry does not publish them)."""
    out: list[CollectResult] = []
    completed: list[str] = []
    missing: set[MissingRequirement] = set()
    unknown: dict[str, str] = {}
    for result in results:
        if not is_flat(result):
            out.append(result)
            continue
        found = _Completer(result, requirements, environment)
        known = 0
        for package in result.packages:
            answer = requirements.get(package.id)
            if isinstance(answer, Requirements):
                known += 1
            elif package.source.is_registry:
                unknown[package.id] = (
                    answer if isinstance(answer, str) else "the registry publishes no metadata"
                )
        edges = found.run()
        missing.update(found.missing)
        out.append(replace(result, edges=tuple(sorted(edges, key=_edge_key))))
        if known:  # not when every lookup failed: nothing was filled in
            completed.append(result.path)
    return Completion(
        results=tuple(out),
        completed=tuple(completed),
        missing=tuple(sorted(missing)),
        unknown=tuple(sorted(unknown.items())),
    )


def _edge_key(edge: Edge) -> tuple[str, str, str, str]:
    return (edge.parent, edge.child, edge.requirement or "", edge.scope or "")


class _Completer:
    def __init__(
        self,
        result: CollectResult,
        requirements: Mapping[str, Requirements | str | None],
        environment: TargetEnvironment,
    ) -> None:
        self.result = result
        self.requirements = requirements
        self.environment = environment
        self.roots = {r.id for r in result.roots}
        self.by_name: dict[str, list[Package]] = {}
        for package in result.packages:
            self.by_name.setdefault(package.name, []).append(package)
        self.missing: set[MissingRequirement] = set()

    def run(self) -> list[Edge]:
        root_edges = [e for e in self.result.edges if e.parent in self.roots]
        extras: dict[str, set[str]] = {p.id: set() for p in self.result.packages}
        for edge in root_edges:
            parsed = parse_requirement(Ecosystem.PYPI, edge.requirement or "")
            if parsed is not None and edge.child in extras:
                extras[edge.child] |= parsed.extras
        edges: set[Edge] = set()
        queue = deque(p.id for p in self.result.packages)
        done: dict[str, frozenset[str]] = {}
        while queue:
            package_id = queue.popleft()
            active = frozenset(extras[package_id])
            if done.get(package_id) == active:
                continue
            done[package_id] = active
            for requirement, child in self._children(package_id, active):
                edges.add(Edge(parent=package_id, child=child.id, requirement=requirement.text))
                if not requirement.extras <= extras[child.id]:
                    extras[child.id] |= requirement.extras
                    queue.append(child.id)
        return self._with_roots(root_edges, edges)

    def _children(
        self, package_id: str, extras: frozenset[str]
    ) -> list[tuple[ParsedRequirement, Package]]:
        answer = self.requirements.get(package_id)
        if not isinstance(answer, Requirements):
            return []
        found: list[tuple[ParsedRequirement, Package]] = []
        for text in answer.dependencies:
            requirement = parse_requirement(Ecosystem.PYPI, text)
            if requirement is None or not self.environment.holds(requirement.marker, extras=extras):
                continue
            candidates = [p for p in self.by_name.get(requirement.name, []) if p.id != package_id]
            if not candidates:
                if requirement.name not in self.by_name and self._must_be_pinned(requirement):
                    self.missing.add(
                        MissingRequirement(
                            package_id=package_id, requirement=text, path=self.result.path
                        )
                    )
                continue
            admitted = [p for p in candidates if requirement.admits(p.version) is not False]
            found.extend((requirement, p) for p in admitted or candidates)
        return found

    def _must_be_pinned(self, requirement: ParsedRequirement) -> bool:
        if requirement.name in FREEZE_EXCLUDED:
            return False
        if requirement.marker is None:
            return True
        return self.environment.specific and self.environment.holds(requirement.marker)

    def _with_roots(self, root_edges: list[Edge], edges: set[Edge]) -> list[Edge]:
        has_parent = {e.child for e in edges}
        declared = {e.child for e in root_edges if not e.indirect}
        star = declared >= {p.id for p in self.result.packages}
        # a root edge that only pins a version (pip-compile output read with its .in) is
        # not needed once the package hangs from the one that requires it
        kept = [e for e in root_edges if (not star and not e.indirect) or e.child not in has_parent]
        all_edges = [*kept, *edges]
        reachable = _reachable(self.roots, all_edges)
        by_child = {e.child: e for e in root_edges}
        for package in sorted(self.result.packages, key=lambda p: p.id):
            if package.id not in reachable and package.id in by_child:
                all_edges.append(by_child[package.id])  # a cycle nobody else enters
                reachable |= _reachable({package.id}, all_edges)
        return all_edges


def _reachable(starts: Iterable[str], edges: Sequence[Edge]) -> set[str]:
    children: dict[str, list[str]] = {}
    for edge in edges:
        children.setdefault(edge.parent, []).append(edge.child)
    seen = set(starts)
    queue = deque(seen)
    while queue:
        for child in children.get(queue.popleft(), ()):
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return seen
