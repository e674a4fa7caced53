"""What changed between two snapshots: packages, findings and suppressions.

Findings are compared by identity (ecosystem, package name, finding id), so an upgrade
that leaves the same advisory open is neither new nor resolved. Package names whose
declared licences differ (relicensing, a supply-chain event) are listed
(``auditor.licenses.changes``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.engine import Connection, Engine

from auditor.core.errors import StoreError, UsageError
from auditor.core.findings import Finding
from auditor.core.graph import DependencyGraph, PackageView
from auditor.licenses.changes import LicenseChange, relicensed
from auditor.store.churn import VersionKey, churn
from auditor.store.queries import load_in, read
from auditor.store.records import SnapshotInfo, StoredSnapshot, SuppressionRule
from auditor.store.sets import package_identity


@dataclass(frozen=True, kw_only=True)
class PackageChange:
    before: PackageView
    after: PackageView


@dataclass(frozen=True, kw_only=True)
class SuppressionChange:
    before: SuppressionRule
    after: SuppressionRule


@dataclass(frozen=True, kw_only=True)
class SnapshotDiff:
    before: SnapshotInfo
    after: SnapshotInfo
    before_graph: DependencyGraph
    after_graph: DependencyGraph
    added: tuple[PackageView, ...] = ()
    removed: tuple[PackageView, ...] = ()
    upgraded: tuple[PackageChange, ...] = ()
    downgraded: tuple[PackageChange, ...] = ()
    findings_new: tuple[Finding, ...] = ()
    findings_resolved: tuple[Finding, ...] = ()
    suppressions_added: tuple[SuppressionRule, ...] = ()
    suppressions_removed: tuple[SuppressionRule, ...] = ()
    suppressions_changed: tuple[SuppressionChange, ...] = ()
    relicensed: tuple[LicenseChange, ...] = ()


def diff_snapshots(engine: Engine, before_id: int, after_id: int) -> SnapshotDiff:
    """Compare two stored snapshots (in that order)."""

    def work(conn: Connection) -> SnapshotDiff:
        return compare(load_in(conn, before_id), load_in(conn, after_id))

    return read(engine, work)  # type: ignore[no-any-return]


def compare(before: StoredSnapshot, after: StoredSnapshot) -> SnapshotDiff:
    old, new = before.result.graph, after.result.graph
    detail = churn(_versions(old), _versions(new))
    old_views, new_views = _views(old), _views(new)
    return SnapshotDiff(
        before=before.info,
        after=after.info,
        before_graph=old,
        after_graph=new,
        added=tuple(new_views[key] for key in detail.added),
        removed=tuple(old_views[key] for key in detail.removed),
        upgraded=tuple(
            PackageChange(
                before=old_views[(c.ecosystem, c.name, c.old)],
                after=new_views[(c.ecosystem, c.name, c.new)],
            )
            for c in detail.upgraded
        ),
        downgraded=tuple(
            PackageChange(
                before=old_views[(c.ecosystem, c.name, c.old)],
                after=new_views[(c.ecosystem, c.name, c.new)],
            )
            for c in detail.downgraded
        ),
        findings_new=_only_in(after.result.findings, new, before.result.findings, old),
        findings_resolved=_only_in(before.result.findings, old, after.result.findings, new),
        suppressions_added=_added(after.meta.suppressions, before.meta.suppressions),
        suppressions_removed=_added(before.meta.suppressions, after.meta.suppressions),
        suppressions_changed=_changed(before.meta.suppressions, after.meta.suppressions),
        relicensed=relicensed(old, new),
    )


def _versions(graph: DependencyGraph) -> set[VersionKey]:
    return {(p.ecosystem.value, p.name, p.version) for p in graph.packages}


def _views(graph: DependencyGraph) -> dict[VersionKey, PackageView]:
    # Several sources of one name@version (registry and git) collapse to the first by id.
    out: dict[VersionKey, PackageView] = {}
    for view in graph.views():
        pkg = view.package
        out.setdefault((pkg.ecosystem.value, pkg.name, pkg.version), view)
    return out


def _identity(finding: Finding, graph: DependencyGraph) -> tuple[str, str, str]:
    ecosystem, name = package_identity(finding.package_id, graph)
    return (ecosystem, name, finding.id)


def _only_in(
    findings: Iterable[Finding],
    graph: DependencyGraph,
    others: Iterable[Finding],
    other_graph: DependencyGraph,
) -> tuple[Finding, ...]:
    known = {_identity(f, other_graph) for f in others}
    return tuple(f for f in findings if _identity(f, graph) not in known)


def _added(
    these: Iterable[SuppressionRule], others: Iterable[SuppressionRule]
) -> tuple[SuppressionRule, ...]:
    """Suppressions in ``these`` whose (id, package) is not in ``others``."""
    known = {s.key for s in others}
    return tuple(sorted((s for s in these if s.key not in known), key=lambda s: s.sort_key))


def _changed(
    before: Iterable[SuppressionRule], after: Iterable[SuppressionRule]
) -> tuple[SuppressionChange, ...]:
    old = {s.key: s for s in before}
    new = {s.key: s for s in after}
    return tuple(
        SuppressionChange(before=old[k], after=new[k])
        for k in sorted(old.keys() & new.keys())
        if old[k] != new[k]
    )


def default_pair(infos: tuple[SnapshotInfo, ...], ids: list[int]) -> tuple[int, int]:
    """The two snapshots ``auditor diff`` compares: both given; one given and the one
    before it; none given and the project's last two."""
    if len(ids) > 2:
        raise UsageError("diff takes at most two snapshot ids")
    if len(ids) == 2:
        return ids[0], ids[1]
    order = [info.id for info in infos]
    if len(ids) == 1:
        if ids[0] not in order:
            raise StoreError(f"no snapshot {ids[0]} in this project")
        index = order.index(ids[0])
        if index == 0:
            raise StoreError(f"snapshot {ids[0]} is the project's first: nothing to compare with")
        return order[index - 1], ids[0]
    if len(order) < 2:
        raise StoreError(f"the project has {len(order)} snapshot(s): diff needs two")
    return order[-2], order[-1]
