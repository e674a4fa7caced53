"""The page of one package: its versions over time, its findings, who depends on it.

Pages exist for the packages worth a visit: every package that ever had a finding, and
every package whose version changed (or that came or went) during the stored history.
Others appear in the package list without a link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from auditor.core.findings import Finding, Severity
from auditor.site import paths
from auditor.site.data import ProjectHistory
from auditor.site.views import WHY_PATHS, Links, why
from auditor.store.sets import package_identity
from auditor.store.timeline import PackageKey, VersionSpan


@dataclass(frozen=True, kw_only=True)
class Episode:
    """One stretch during which a finding was open on this package."""

    finding_id: str
    severity: Severity
    first_seen: dt.datetime
    resolved_at: dt.datetime | None  # None: still open
    duration: dt.timedelta
    finding: Finding | None  # the latest text stored for it


@dataclass(frozen=True, kw_only=True)
class Parent:
    label: str
    ecosystem: str | None  # None for a root (a lockfile or workspace member)
    name: str | None
    requirement: str | None
    scope: str | None


@dataclass(frozen=True, kw_only=True)
class SpanRow:
    span: VersionSpan
    until: dt.datetime | None  # when the next span started


def pages_for(history: ProjectHistory) -> frozenset[PackageKey]:
    """The packages that get a page."""
    keys: set[PackageKey] = {(e, n) for e, n, _ in history.texts}
    keys.update(k for k in history.timeline.changes if history.timeline.changed(k))
    latest = history.latest.result
    for suppression in latest.suppressed:
        keys.add(package_identity(suppression.finding.package_id, latest.graph))
    return frozenset(keys)


def episodes(history: ProjectHistory) -> dict[PackageKey, list[Episode]]:
    out: dict[PackageKey, list[Episode]] = {}
    series = history.series
    for item in series.open:
        out.setdefault((item.ecosystem, item.package), []).append(
            Episode(
                finding_id=item.finding_id,
                severity=item.severity,
                first_seen=item.first_seen,
                resolved_at=None,
                duration=item.age,
                finding=history.texts.get((item.ecosystem, item.package, item.finding_id)),
            )
        )
    for fix in series.remediated:
        out.setdefault((fix.ecosystem, fix.package), []).append(
            Episode(
                finding_id=fix.finding_id,
                severity=fix.severity,
                first_seen=fix.first_seen,
                resolved_at=fix.resolved_at,
                duration=fix.duration,
                finding=history.texts.get((fix.ecosystem, fix.package, fix.finding_id)),
            )
        )
    for items in out.values():
        items.sort(
            key=lambda e: (e.resolved_at is not None, -e.first_seen.timestamp(), e.finding_id)
        )
    return out


def package_pages(history: ProjectHistory, links: Links) -> list[tuple[str, dict[str, Any]]]:
    graph = history.latest.result.graph
    in_latest: dict[PackageKey, list[str]] = {}
    for pkg in graph.packages:
        in_latest.setdefault((pkg.ecosystem.value, pkg.name), []).append(pkg.id)
    by_package = episodes(history)
    suppressed = history.latest.result.suppressed
    pages = []
    for key in sorted(links.packages):
        ids = in_latest.get(key, [])
        parents = []
        why_paths: list[str] = []
        for package_id in ids:
            for edge in graph.parents(package_id):
                root = graph.root(edge.parent)
                parent = None if root else graph.package(edge.parent)
                parents.append(
                    Parent(
                        label=graph.label(edge.parent),
                        ecosystem=parent.ecosystem.value if parent else None,
                        name=parent.name if parent else None,
                        requirement=edge.requirement,
                        scope=edge.scope,
                    )
                )
            why_paths.extend(why(graph, package_id))
        spans = history.timeline.spans(key)
        context = {
            "history": history,
            "key": key,
            "links": links,
            "versions": [graph.package(i).version for i in ids],
            # (version, declared licence or None when unknown) in the latest snapshot
            "licenses": sorted(
                {(graph.package(i).version, graph.package(i).license) for i in ids},
                key=lambda pair: (pair[0], pair[1].shown if pair[1] else ""),
            ),
            "direct": any(graph.is_direct(i) for i in ids),
            "parents": sorted(set(parents), key=lambda p: (p.label, p.requirement or "")),
            "why": why_paths[:WHY_PATHS],
            "spans": [
                SpanRow(span=s, until=spans[i + 1].taken_at if i + 1 < len(spans) else None)
                for i, s in enumerate(spans)
            ][::-1],
            "episodes": by_package.get(key, []),
            "licenses_url": paths.licenses_page(history.name),
            "suppressed": [
                s for s in suppressed if package_identity(s.finding.package_id, graph) == key
            ],
        }
        pages.append((paths.package_page(history.name, *key), context))
    return pages
