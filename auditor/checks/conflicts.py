"""Compatibility conflicts: what the lockfiles say each package needs, against what they lock.

- ``CONFLICT-REQUIREMENT``: an edge's requirement (PEP 508 / Poetry constraint, npm range, Go
  minimum) that the locked version of its target does not satisfy, with markers evaluated
  for the target environment; one finding per target, every unmet requirement as evidence.
- ``CONFLICT-PEER``: the same for npm peer dependencies.
- ``CONFLICT-REQUIRES-PYTHON``: a locked package whose Requires-Python (from the registry)
  excludes a Python version the project supports (the project's ``requires-python``, or
  ``--python-version``), counting only packages installed on that version (edge markers
  evaluated for it). A Requires-Python the lockfile itself records (poetry, pdm, pylock) was
  reconciled by the locker, which installs the package only where it runs, often through
  package-level markers auditor does not see; it is not held against the project.
- ``CONFLICT-MISSING``: a requirement of a pinned release that a flat lockfile does not pin
  (found while completing its edges, ``auditor.enrich.edges``).

One name locked at several versions is not a conflict: npm nests copies legitimately and
Python lockfiles split by markers. It is information (``auditor.pipeline.duplicates``).

A requirement auditor cannot evaluate (a URL, a git ref, a dist-tag, an unparsable version)
is not a conflict: nothing shows it is unmet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from auditor.checks.base import Check, CheckContext, CheckResult
from auditor.core.findings import CheckGap, Finding, FindingKind, Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Edge, Package, Root
from auditor.versions.markers import TargetEnvironment, supported_pythons
from auditor.versions.requirement import parse_requirement, poetry_constraint

REQUIREMENT = "CONFLICT-REQUIREMENT"
PEER = "CONFLICT-PEER"
REQUIRES_PYTHON = "CONFLICT-REQUIRES-PYTHON"
MISSING = "CONFLICT-MISSING"
# what the registry tells this check: Requires-Python, the pins and edges of flat lockfiles
REGISTRY_IDS = (MISSING, REQUIREMENT, REQUIRES_PYTHON)
EVIDENCE_LIMIT = 20


class ConflictCheck(Check):
    name = "conflicts"
    kinds = frozenset({FindingKind.CONFLICT})
    description = "requirements the locked versions do not satisfy, Requires-Python, peers"

    def gaps(self, context: CheckContext) -> tuple[CheckGap, ...]:
        """Without registries: Requires-Python, pins a flat lockfile misses and the
        requirements of flat lockfiles (their edges) come from the registry."""
        if context.registry is not None:
            return ()
        return (
            CheckGap(
                check=self.name,
                kinds=tuple(self.kinds),
                reason=f"registry lookups skipped: {context.registry_note}",
                ids=REGISTRY_IDS,
            ),
        )

    def run(self, context: CheckContext) -> CheckResult:
        graph = context.graph
        environment = context.settings.environment
        findings = [
            *unmet_requirements(graph, environment),
            *requires_python(graph, environment, _registry_python(context)),
            *(
                _missing(graph, item.package_id, item.requirement, item.path)
                for item in context.missing
                if item.package_id in graph
            ),
        ]
        return CheckResult(findings=tuple(sorted(findings)))


# -- requirements and peers --------------------------------------------------------------------


def unmet_requirements(graph: DependencyGraph, environment: TargetEnvironment) -> list[Finding]:
    unmet: dict[tuple[str, str], list[tuple[Edge, str]]] = defaultdict(list)
    for edge in graph.edges:
        if not edge.requirement or graph.is_root(edge.child):
            continue
        child = graph.package(edge.child)
        requirement = parse_requirement(child.ecosystem, edge.requirement)
        if requirement is None or not environment.applies(requirement.marker):
            continue
        if requirement.admits(child.version) is False:
            rule = PEER if edge.scope == "peer" else REQUIREMENT
            unmet[(child.id, rule)].append((edge, requirement.constraint or edge.requirement))
    return [
        _unmet_finding(graph, package_id, rule, items)
        for (package_id, rule), items in unmet.items()
    ]


def _unmet_finding(
    graph: DependencyGraph, package_id: str, rule: str, items: list[tuple[Edge, str]]
) -> Finding:
    package = graph.package(package_id)
    parents = sorted(
        {(graph.label(e.parent), e.requirement or constraint) for e, constraint in items}
    )
    first_parent, first_requirement = parents[0]
    what = "peer requirement" if rule == PEER else "requirement"
    more = f" (and {len(parents) - 1} more)" if len(parents) > 1 else ""
    evidence = [("required-by", f"{p}: {r}") for p, r in parents[:EVIDENCE_LIMIT]]
    evidence.append(("locked", package.version))
    return Finding(
        package_id=package_id,
        kind=FindingKind.CONFLICT,
        id=rule,
        aliases=(f"{rule}:{package.name}",),
        severity=Severity.LOW if rule == PEER else Severity.MEDIUM,
        summary=(
            f"{package.version} does not satisfy the {what} of {first_parent}: "
            f"{first_requirement}{more}"
        ),
        evidence=tuple(evidence),
    )


# -- Requires-Python ---------------------------------------------------------------------------


def requires_python(
    graph: DependencyGraph, environment: TargetEnvironment, from_registry: dict[str, str]
) -> list[Finding]:
    """Packages whose Requires-Python excludes a version the project supports."""
    failures: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for root in graph.roots:
        if root.ecosystem is not Ecosystem.PYPI:
            continue
        for python in _project_pythons(root, environment):
            for package in _installed_on(graph, root, environment, python):
                if package.requires_python:
                    continue  # a locker recorded it, so it resolved it: see the module doc
                spec = from_registry.get(package.id)
                if spec and _excludes(spec, python):
                    failures[package.id][spec].add(f"{python}|{_project_label(root, environment)}")
    found = []
    for package_id, by_spec in failures.items():
        package = graph.package(package_id)
        for spec, entries in by_spec.items():
            pythons = sorted({e.split("|")[0] for e in entries}, key=_python_key)
            projects = sorted({e.split("|")[1] for e in entries})
            found.append(
                Finding(
                    package_id=package_id,
                    kind=FindingKind.CONFLICT,
                    id=REQUIRES_PYTHON,
                    aliases=(f"{REQUIRES_PYTHON}:{package.name}",),
                    severity=Severity.MEDIUM,
                    summary=(
                        f"{package.version} requires Python {spec}, but {projects[0]} "
                        f"supports {', '.join(pythons)}"
                    ),
                    evidence=(
                        ("requires-python", spec),
                        *(("project", p) for p in projects[:EVIDENCE_LIMIT]),
                        ("fails-on", ", ".join(pythons)),
                    ),
                )
            )
    return found


def _project_pythons(root: Root, environment: TargetEnvironment) -> list[str]:
    if environment.python_version:
        return [environment.python_version]
    if not root.requires_python:
        return []
    return list(supported_pythons(root.requires_python) or ())


def _project_label(root: Root, environment: TargetEnvironment) -> str:
    if environment.python_version:
        return f"the target Python {environment.python_version}"
    return f"{root.name} (requires-python {root.requires_python})"


def _installed_on(
    graph: DependencyGraph, root: Root, environment: TargetEnvironment, python: str
) -> Iterable[Package]:
    """The packages reached from ``root`` along edges whose markers hold on ``python``."""
    seen: set[str] = set()
    stack = [root.id]
    while stack:
        node = stack.pop()
        for edge in graph.children(node):
            if edge.child in seen or graph.is_root(edge.child):
                continue
            requirement = parse_requirement(Ecosystem.PYPI, edge.requirement or "")
            marker = requirement.marker if requirement is not None else None
            if not environment.holds_for_some_extra(marker, python=python):
                continue
            seen.add(edge.child)
            stack.append(edge.child)
    return (graph.package(p) for p in sorted(seen))


def _specifier(text: str) -> SpecifierSet | None:
    """A Requires-Python as PEP 440, or in Poetry's spelling (``^3.8``, ``~3.8``)."""
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        alternatives = poetry_constraint(text)
        if alternatives is None or len(alternatives) != 1:
            return None
        return alternatives[0]


def _admits_minor(spec: SpecifierSet, python: str) -> bool:
    """A minor version is supported when some patch release of it is."""
    return any(spec.contains(f"{python}.{patch}", prereleases=True) for patch in (0, 99))


def _excludes(requires: str, python: str) -> bool:
    spec = _specifier(requires)
    return spec is not None and not _admits_minor(spec, python)


def _python_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def _registry_python(context: CheckContext) -> dict[str, str]:
    if context.registry is None:
        return {}
    return {
        pid: h.requires_python for pid, h in context.registry.health.items() if h.requires_python
    }


# -- missing requirements -------------------------------------------------------------------


def _missing(graph: DependencyGraph, package_id: str, requirement: str, path: str) -> Finding:
    package = graph.package(package_id)
    return Finding(
        package_id=package_id,
        kind=FindingKind.CONFLICT,
        id=MISSING,
        aliases=(f"{MISSING}:{package.name}",),
        severity=Severity.LOW,
        summary=f"requires {requirement}, which {path} does not pin",
        evidence=(("requirement", requirement), ("lockfile", path)),
    )
