"""Carrying forward what a run could not check, so that history does not lie.

A finding of the previous snapshot is *carried* into the new one, unverified, when the
check that made it could not run for that package this time: its advisory source failed
(``unchecked``), its registry lookup failed (``unverified``), or the check did not run at
all (``not_run``: ``--no-registry``, ``--offline``). It is then neither resolved in this
snapshot nor new in the next: the store counts new and resolved findings by identity
(ecosystem, package name, finding id), and a carried finding keeps its identity. A finding
whose package is gone, or whose check ran and no longer finds it, is resolved as before.

The carried findings are stored among the snapshot's findings (so the counts, the series
and time-to-remediate stay true) and listed in ``AuditResult.carried`` with the snapshot
they come from and why they could not be checked, which the site shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from auditor.checks.plugins import CHECKS
from auditor.core.findings import ADVISORY_KINDS, Carried, Finding, FindingKind
from auditor.core.graph import DependencyGraph
from auditor.core.result import AuditResult
from auditor.enrich.stage import EDGES_CHECK

# the kinds of findings a check's per-package gaps stand for (unverified entries name their
# check; a flat lockfile's unknown edges stand for the conflicts they would have shown)
CHECK_KINDS: dict[str, frozenset[FindingKind]] = {
    **{name: check.kinds for name, check in CHECKS.items()},
    EDGES_CHECK: frozenset({FindingKind.CONFLICT}),
}


def carry_forward(
    result: AuditResult,
    previous: Sequence[tuple[str, str, Finding]],
    snapshot: int,
) -> AuditResult:
    """``result`` with the findings of snapshot ``snapshot`` (each with the ecosystem and
    package name it was stored under) that this run could not check added, unverified."""
    graph = result.graph
    ids_by_name = _package_ids(graph)
    have = {_identity(graph, f) for f in result.findings}
    carried: list[Finding] = []
    notes: list[Carried] = []
    for ecosystem, name, finding in previous:
        if (ecosystem, name, finding.id) in have:
            continue
        for package_id in ids_by_name.get((ecosystem, name), ()):
            reason = _gap(result, finding, package_id)
            if reason is None:
                continue
            carried.append(replace(finding, package_id=package_id))
            notes.append(
                Carried(
                    package_id=package_id,
                    kind=finding.kind,
                    id=finding.id,
                    snapshot=snapshot,
                    reason=reason,
                )
            )
            have.add((ecosystem, name, finding.id))
            break
    if not carried:
        return result
    return replace(
        result,
        findings=tuple(sorted((*result.findings, *carried))),
        carried=tuple(sorted((*result.carried, *notes))),
    )


def _gap(result: AuditResult, finding: Finding, package_id: str) -> str | None:
    """Why the check behind ``finding`` could not judge ``package_id`` in this run (None:
    it could, so a finding it no longer makes is resolved)."""
    if finding.kind in ADVISORY_KINDS:
        return next((why for pid, why in result.unchecked if pid == package_id), None)
    for gap in result.not_run:
        if finding.kind in gap.kinds and (not gap.ids or finding.id in gap.ids):
            return f"{gap.check} did not run: {gap.reason}"
    for item in result.unverified:
        if item.package_id == package_id and finding.kind in CHECK_KINDS.get(item.check, ()):
            return f"{item.check}: {item.reason}"
    return None


def _package_ids(graph: DependencyGraph) -> dict[tuple[str, str], list[str]]:
    """The packages of the graph by (ecosystem, name), ids sorted."""
    found: dict[tuple[str, str], list[str]] = {}
    for package in graph.packages:
        found.setdefault((package.ecosystem.value, package.name), []).append(package.id)
    return {key: sorted(ids) for key, ids in found.items()}


def _identity(graph: DependencyGraph, finding: Finding) -> tuple[str, str, str]:
    if finding.package_id not in graph or graph.is_root(finding.package_id):
        return ("", finding.package_id, finding.id)
    package = graph.package(finding.package_id)
    return (package.ecosystem.value, package.name, finding.id)
