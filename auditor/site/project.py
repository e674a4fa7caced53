"""The pages about a whole project: its treadmill page, and the long lists behind it
(every snapshot, every package), paginated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.checks.duplicates import duplicate_versions
from auditor.core.findings import FindingKind, Severity
from auditor.site import charts, paths
from auditor.site.charts import Chart, SeriesData
from auditor.site.data import ProjectHistory
from auditor.site.known import known_context
from auditor.site.risk import Risk, Trend
from auditor.site.views import Links, Pager, pages_of
from auditor.store import SnapshotInfo
from auditor.store.series import SEVERITIES, OpenFinding, Remediation, WeekPoint

RECENT_SNAPSHOTS = 10
RECENT_REMEDIATIONS = 20


@dataclass(frozen=True, kw_only=True)
class Trends:
    """The score now against the previous snapshot and the end of the previous week."""

    risk: Risk
    snapshot: Trend
    week: Trend


def trends(history: ProjectHistory) -> Trends:
    return trends_from(history.infos, history.risks, history.week_state)


def trends_from(
    infos: Sequence[SnapshotInfo], risks: Mapping[int, Risk], week_state: Sequence[int]
) -> Trends:
    """The trends of a project from its snapshots (oldest first), each one's risk, and the
    snapshot each week shows (``data.week_states``)."""
    risk = risks[infos[-1].id]
    before = risks[infos[-2].id].score if len(infos) > 1 else None
    last_week = risks[week_state[-2]].score if len(week_state) > 1 else None
    return Trends(
        risk=risk,
        snapshot=Trend(before=before, after=risk.score),
        week=Trend(before=last_week, after=risk.score),
    )


def libyears(history: ProjectHistory) -> float | None:
    """The latest run's libyear drift, when the health check measured it."""
    value = getattr(history.latest.result, "libyears", None)
    return float(value) if isinstance(value, (int, float)) else None


def _week_labels(weeks: tuple[WeekPoint, ...]) -> tuple[str, ...]:
    return tuple(w.week for w in weeks)


def treadmill_charts(history: ProjectHistory, weeks: tuple[WeekPoint, ...]) -> dict[str, Any]:
    """The project page's charts, each with its numbers (the table under it)."""
    labels = _week_labels(weeks)
    risks = history.week_risks()[-len(weeks) :] if weeks else []

    def series(name: str, css: str, values: list[float]) -> SeriesData:
        return SeriesData(name=name, css=css, values=tuple(values))

    packages = Chart(
        chart_id="c-packages",
        title="Packages per week (direct and transitive)",
        labels=labels,
        series=(
            series("direct", "s-direct", [w.direct for w in weeks]),
            series("transitive", "s-transitive", [w.transitive for w in weeks]),
        ),
    )
    churn = Chart(
        chart_id="c-churn",
        title="Churn per week (packages added, removed, upgraded, downgraded)",
        labels=labels,
        series=(
            series("added", "s-added", [w.added for w in weeks]),
            series("removed", "s-removed", [w.removed for w in weeks]),
            series("upgraded", "s-upgraded", [w.upgraded for w in weeks]),
            series("downgraded", "s-downgraded", [w.downgraded for w in weeks]),
        ),
    )
    findings = Chart(
        chart_id="c-findings",
        title="Open findings by severity at the end of each week",
        labels=labels,
        series=tuple(
            series(sev.value, f"s-{sev.value}", [dict(w.open_by_severity)[sev] for w in weeks])
            for sev in SEVERITIES
        ),
    )
    flow = Chart(
        chart_id="c-flow",
        title="New findings (up) and resolved findings (down) per week",
        labels=labels,
        series=(
            series("new", "s-new", [w.new_findings for w in weeks]),
            series("resolved", "s-resolved", [w.resolved_findings for w in weeks]),
        ),
    )
    risk = Chart(
        chart_id="c-risk",
        title="Risk score at the end of each week",
        labels=labels,
        series=(series("risk", "s-risk", [r.score for r in risks]),),
    )
    return {
        "packages": (packages, charts.stacked_area(packages)),
        "churn": (churn, charts.stacked_bars(churn)),
        "findings": (findings, charts.stacked_area(findings)),
        "flow": (flow, charts.diverging_bars(flow)),
        "risk": (risk, charts.line(risk)),
    }


@dataclass(frozen=True, kw_only=True)
class WeekRow:
    week: WeekPoint
    risk: Risk

    def severity(self, name: str) -> int:
        return dict(self.week.open_by_severity).get(Severity(name), 0)


def project_context(
    history: ProjectHistory, links: Links, *, weeks_shown: int | None
) -> dict[str, Any]:
    """``weeks_shown``: the latest weeks the charts and the week table draw (None: all)."""
    weeks = history.series.weeks[-weeks_shown:] if weeks_shown else history.series.weeks
    risks = history.week_risks()[-len(weeks) :] if weeks else []
    series = history.series
    # malicious packages and vulnerabilities first (oldest first within each kind group);
    # health findings in a table of their own
    open_sorted: list[OpenFinding] = sorted(
        (f for f in series.open if f.kind is not FindingKind.HEALTH),
        key=lambda f: (f.kind.group, -f.age.total_seconds(), f.package, f.finding_id),
    )
    open_health: list[OpenFinding] = sorted(
        (f for f in series.open if f.kind is FindingKind.HEALTH),
        key=lambda f: (-f.age.total_seconds(), f.package, f.finding_id),
    )
    recent_fixes: list[Remediation] = sorted(
        series.remediated, key=lambda r: (r.resolved_at, r.package, r.finding_id), reverse=True
    )[:RECENT_REMEDIATIONS]
    latest = history.infos[-1]
    return {
        "history": history,
        "latest": latest,
        "trends": trends(history),
        "libyears": libyears(history),
        "duplicates": duplicate_versions(history.latest.result.graph),
        "charts": treadmill_charts(history, weeks),
        **known_context(history, weeks),
        "week_rows": [WeekRow(week=w, risk=r) for w, r in zip(weeks, risks, strict=True)],
        "weeks_omitted": len(series.weeks) - len(weeks),
        "open_findings": open_sorted,
        "open_health": open_health,
        "recent_fixes": recent_fixes,
        "remediated_count": len(series.remediated),
        "median_ttr": series.median_time_to_remediate,
        "oldest_open": series.oldest_open,
        "recent": list(reversed(history.infos[-RECENT_SNAPSHOTS:])),
        "links": links,
        "severities": [s.value for s in SEVERITIES],
        "snapshots_url": paths.snapshots_page(history.name, 1),
        "packages_url": paths.packages_page(history.name, 1),
        "licenses_url": paths.licenses_page(history.name),
    }


def snapshot_list_pages(
    history: ProjectHistory, links: Links, page_size: int
) -> list[tuple[str, dict[str, Any]]]:
    """Every snapshot, newest first, ``page_size`` a page."""
    newest_first = list(reversed(history.infos))
    chunks = pages_of(newest_first, page_size)
    urls = tuple(paths.snapshots_page(history.name, n) for n in range(1, len(chunks) + 1))
    return [
        (
            urls[n - 1],
            {
                "history": history,
                "rows": chunk,
                "links": links,
                "pager": Pager(number=n, total=len(chunks), pages=urls),
            },
        )
        for n, chunk in enumerate(chunks, start=1)
    ]


@dataclass(frozen=True, kw_only=True)
class PackageRow:
    ecosystem: str
    name: str
    versions: tuple[str, ...]
    direct: bool
    scope: str
    findings: int
    since: dt.datetime | None  # the first complete snapshot with it at this version
    licenses: tuple[str, ...] = ()  # the declared licences of its versions (empty: unknown)


def package_list_pages(
    history: ProjectHistory, links: Links, page_size: int
) -> list[tuple[str, dict[str, Any]]]:
    """The latest snapshot's packages by name, ``page_size`` a page."""
    result = history.latest.result
    graph = result.graph
    counts: dict[tuple[str, str], int] = {}
    for finding in result.findings:
        if finding.package_id in graph:
            pkg = graph.package(finding.package_id)
            key = (pkg.ecosystem.value, pkg.name)
            counts[key] = counts.get(key, 0) + 1
    grouped: dict[tuple[str, str], list[Any]] = {}
    for view in graph.views():
        pkg = view.package
        grouped.setdefault((pkg.ecosystem.value, pkg.name), []).append(view)
    rows = []
    for key, views in sorted(grouped.items()):
        spans = history.timeline.spans(key)
        rows.append(
            PackageRow(
                ecosystem=key[0],
                name=key[1],
                versions=tuple(sorted({v.package.version for v in views})),
                direct=any(v.direct for v in views),
                scope=views[0].scope,
                findings=counts.get(key, 0),
                since=spans[-1].taken_at if spans else None,
                licenses=tuple(
                    sorted({v.package.license.shown for v in views if v.package.license})
                ),
            )
        )
    chunks = pages_of(rows, page_size)
    urls = tuple(paths.packages_page(history.name, n) for n in range(1, len(chunks) + 1))
    return [
        (
            urls[n - 1],
            {
                "history": history,
                "rows": chunk,
                "links": links,
                "total": len(rows),
                "pager": Pager(number=n, total=len(chunks), pages=urls),
            },
        )
        for n, chunk in enumerate(chunks, start=1)
    ]
