"""Small values the templates show, built from the model and the store's records.

Templates only format; every decision (ranking, what links where, what a fix plan says)
is made here, in typed Python, so it is tested without parsing HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from auditor.core.findings import Finding, Severity
from auditor.core.graph import DependencyGraph, only_in
from auditor.core.model import Package
from auditor.core.result import AuditResult
from auditor.site import paths
from auditor.site.risk import points
from auditor.store.sets import package_identity
from auditor.store.timeline import PackageKey

T = TypeVar("T")
WHY_PATHS = 5  # "why" paths shown per finding and per package


@dataclass(frozen=True, kw_only=True)
class Links:
    """Which pages of a project exist, so that pages link only to pages that do."""

    project: str
    packages: frozenset[PackageKey]
    snapshots: frozenset[int]
    advisories: frozenset[str] = frozenset()  # advisories with an "affected projects" page

    def advisory(self, advisory_id: str) -> str | None:
        return paths.advisory_page(advisory_id) if advisory_id in self.advisories else None

    def package(self, ecosystem: str, name: str) -> str | None:
        if (ecosystem, name) not in self.packages:
            return None
        return paths.package_page(self.project, ecosystem, name)

    def snapshot(self, snapshot_id: int | None) -> str | None:
        if snapshot_id is None or snapshot_id not in self.snapshots:
            return None
        return paths.snapshot_page(self.project, snapshot_id)


@dataclass(frozen=True, kw_only=True)
class BlockerView:
    parent: str
    requirement: str
    upgrade: str | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class FixView:
    """A fix plan: the target version, and whose requirement blocks it."""

    target: str | None
    compatible: bool | None  # None: some parent's requirement is unknown (unverified)
    blockers: tuple[BlockerView, ...]
    unfixed: tuple[str, ...]
    unknown: tuple[str, ...] = ()  # why it is unverified, one line per parent


@dataclass(frozen=True, kw_only=True)
class FindingRow:
    rank: int
    finding: Finding
    ecosystem: str
    name: str
    version: str
    direct: bool
    points: float
    paths: tuple[str, ...]
    more_paths: bool
    fix: FixView | None
    first_seen: dt.datetime | None

    @property
    def severity(self) -> Severity:
        return self.finding.severity


def fix_view(result: AuditResult, package_id: str) -> FixView | None:
    """The fix plan of a package, when the run computed one (the fix-plan check)."""
    plans: Iterable[Any] = getattr(result, "fix_plans", ())
    plan = next((p for p in plans if getattr(p, "package_id", None) == package_id), None)
    if plan is None:
        return None
    graph = result.graph
    return FixView(
        target=plan.target,
        compatible=plan.compatible,
        unknown=tuple(
            f"{graph.label(u.parent_id) if u.parent_id in graph else u.parent_id}: {u.reason}"
            if u.parent_id
            else f"which packages require it: {u.reason}"
            for u in getattr(plan, "unknown", ())
        ),
        blockers=tuple(
            BlockerView(
                parent=graph.label(b.parent_id) if b.parent_id in graph else b.parent_id,
                requirement=b.requirement,
                upgrade=b.upgrade,
                reason=b.reason,
            )
            for b in plan.blockers
        ),
        unfixed=tuple(plan.unfixed),
    )


def why(graph: DependencyGraph, package_id: str, limit: int = WHY_PATHS) -> tuple[str, ...]:
    """The shortest paths from a root to a package, as ``root → a → b`` text."""
    if package_id not in graph:
        return ()
    return tuple(
        " → ".join(graph.label(node) for node in path)
        for path in graph.paths_to(package_id, limit=limit)
    )


def ranked(
    result: AuditResult, first_seen: dict[tuple[str, str, str], dt.datetime]
) -> tuple[FindingRow, ...]:
    """Every open finding, the riskiest first: points, then severity, then CVSS score."""
    graph = result.graph
    rows = []
    for finding in result.findings:
        ecosystem, name = package_identity(finding.package_id, graph)
        package: Package | None = (
            graph.package(finding.package_id) if finding.package_id in graph else None
        )
        direct = graph.is_direct(finding.package_id) if package else False
        dev_only = package is not None and only_in(graph.scopes(finding.package_id), ("dev",))
        found = why(graph, finding.package_id, WHY_PATHS + 1)
        rows.append(
            FindingRow(
                rank=0,
                finding=finding,
                ecosystem=ecosystem,
                name=name,
                version=package.version if package else "",
                direct=direct,
                points=points(
                    finding.severity,
                    direct=direct,
                    dev_only=dev_only,
                    kev=finding.kev,
                    epss=finding.epss.score if finding.epss else None,
                ),
                paths=found[:WHY_PATHS],
                more_paths=len(found) > WHY_PATHS,
                fix=fix_view(result, finding.package_id),
                first_seen=first_seen.get((ecosystem, name, finding.id)),
            )
        )
    rows.sort(
        key=lambda r: (
            r.finding.kind.group,  # malicious, vulnerabilities, ... health last
            -r.points,
            -r.finding.severity.rank,
            -(r.finding.score or 0.0),
            r.name,
            r.version,
            r.finding.id,
        )
    )
    return tuple(
        FindingRow(**{**row.__dict__, "rank": index}) for index, row in enumerate(rows, start=1)
    )


def pages_of(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """``items`` cut into pages of ``size`` (one empty page for no items)."""
    if not items:
        return [items]
    return [items[i : i + size] for i in range(0, len(items), size)]


@dataclass(frozen=True, kw_only=True)
class Pager:
    """Links between the pages of one long table."""

    number: int
    total: int
    pages: tuple[str, ...]  # site paths, page 1 first

    @property
    def previous(self) -> str | None:
        return self.pages[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.pages[self.number] if self.number < self.total else None


def severity_counts(items: Iterable[tuple[Severity, int]]) -> list[tuple[str, int]]:
    """Non-zero counts, critical first, as (severity name, count)."""
    return [(s.value, n) for s, n in sorted(items, key=lambda x: -x[0].rank) if n]
