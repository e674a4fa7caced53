"""Time series of a project for the report: per snapshot, per ISO week, and per finding.

Package counts, churn and new/resolved counts come from the summaries stored with each
snapshot; the remediation episodes come from the content-addressed finding sets, read once
per distinct set. Nothing rescans components, so a year of nightly runs is one small query
and a walk in memory.

A finding is identified by (ecosystem, package name, finding id): an upgrade that keeps the
same advisory open keeps the finding open. Only complete snapshots open or close findings:
a run whose advisory source failed must not look like a fix. Findings of retired rules
stored by earlier versions do not count (``auditor.store.retired``).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from auditor.core.findings import FindingKind, Severity
from auditor.core.result import Status
from auditor.store.queries import (
    PROJECT,
    SNAPSHOT,
    Identity,
    finding_kind,
    read,
    set_findings,
)
from auditor.store.records import as_utc
from auditor.store.retired import NOTHING, retired_in
from auditor.store.summary import is_whole

SEVERITIES = tuple(sorted(Severity, key=lambda s: -s.rank))  # critical first


@dataclass(frozen=True, kw_only=True)
class SnapshotPoint:
    snapshot_id: int
    taken_at: dt.datetime
    status: Status
    packages: int
    direct: int
    transitive: int
    added: int
    removed: int
    upgraded: int
    downgraded: int
    open_by_severity: tuple[tuple[Severity, int], ...]
    new_findings: int
    resolved_findings: int
    # it read every input auditor reads (complete, or partial only through files of
    # unsupported formats): a state the series and the weeks can show
    whole: bool = True

    @property
    def open_findings(self) -> int:
        return sum(count for _, count in self.open_by_severity)


@dataclass(frozen=True, kw_only=True)
class WeekPoint:
    """One ISO week: sums of what happened in it, and the state at its end.

    The state (packages, open findings) is the week's last *complete* snapshot, or the
    latest complete one before it, so one failed run does not dent the chart; until a
    complete run exists, the latest run of any status. Weeks without a snapshot between the
    first and the last are included, with the state carried over and nothing happening.
    """

    week: str  # "2024-W07"
    start: dt.date  # the Monday
    snapshots: int
    packages: int
    direct: int
    transitive: int
    added: int
    removed: int
    upgraded: int
    downgraded: int
    open_by_severity: tuple[tuple[Severity, int], ...]
    new_findings: int
    resolved_findings: int
    remediated: int  # findings whose episode closed this week

    @property
    def open_findings(self) -> int:
        return sum(count for _, count in self.open_by_severity)


@dataclass(frozen=True, kw_only=True)
class Remediation:
    """A finding that was open and then gone: first seen → first complete run without it."""

    ecosystem: str
    package: str
    finding_id: str
    severity: Severity
    first_seen: dt.datetime
    resolved_at: dt.datetime
    first_snapshot_id: int
    resolved_snapshot_id: int

    @property
    def duration(self) -> dt.timedelta:
        return self.resolved_at - self.first_seen


@dataclass(frozen=True, kw_only=True)
class OpenFinding:
    ecosystem: str
    package: str
    finding_id: str
    severity: Severity
    first_seen: dt.datetime
    first_snapshot_id: int
    age: dt.timedelta  # as of the series' ``as_of``
    kind: FindingKind = FindingKind.VULNERABILITY


@dataclass(frozen=True, kw_only=True)
class Series:
    project: str
    as_of: dt.datetime | None
    snapshots: tuple[SnapshotPoint, ...]
    weeks: tuple[WeekPoint, ...]
    remediated: tuple[Remediation, ...]
    open: tuple[OpenFinding, ...]

    @property
    def median_time_to_remediate(self) -> dt.timedelta | None:
        if not self.remediated:
            return None
        seconds = statistics.median(r.duration.total_seconds() for r in self.remediated)
        return dt.timedelta(seconds=seconds)

    @property
    def oldest_open(self) -> OpenFinding | None:
        """The oldest open finding of the most important kind open: the oldest malicious
        package, else the oldest vulnerability, ...; a health finding only when nothing
        else is open (``FindingKind.group``)."""
        return min(
            self.open,
            key=lambda f: (f.kind.group, -f.age.total_seconds(), -f.first_snapshot_id),
            default=None,
        )


@dataclass(frozen=True, kw_only=True)
class _Row:
    point: SnapshotPoint
    finding_set_id: int


def project_series(engine: Engine, project: str, *, as_of: dt.datetime | None = None) -> Series:
    """The time series of ``project`` (empty when it has no snapshot)."""

    def work(conn: Connection) -> Series:
        rows = _rows(conn, project)
        complete = [r for r in rows if r.point.whole]
        sets = set_findings(conn, sorted({r.finding_set_id for r in complete}))
        remediated, still_open = _episodes(complete, sets)
        moment = as_utc(as_of) if as_of else (rows[-1].point.taken_at if rows else None)
        points = tuple(r.point for r in rows)
        return Series(
            project=project,
            as_of=moment,
            snapshots=points,
            weeks=_weeks(points, remediated),
            remediated=tuple(remediated),
            open=tuple(
                OpenFinding(
                    ecosystem=identity[0],
                    package=identity[1],
                    finding_id=identity[2],
                    severity=severity,
                    first_seen=first_seen,
                    first_snapshot_id=first_id,
                    age=(moment - first_seen) if moment else dt.timedelta(0),
                    kind=kind,
                )
                for identity, (first_seen, first_id, severity, kind) in sorted(still_open.items())
            ),
        )

    return read(engine, work)  # type: ignore[no-any-return]


def _rows(conn: Connection, project: str) -> list[_Row]:
    s = SNAPSHOT.c
    query = (
        sa.select(
            s.id,
            s.taken_at,
            s.status,
            s.packages,
            s.packages_direct,
            s.added,
            s.removed,
            s.upgraded,
            s.downgraded,
            s.findings_new,
            s.findings_resolved,
            s.finding_set_id,
            s.summary,
            s.baseline_id,
            *(getattr(s, f"findings_{sev.value}") for sev in SEVERITIES),
        )
        .join(PROJECT, PROJECT.c.id == s.project_id)
        .where(PROJECT.c.name == project)
        .order_by(s.taken_at, s.id)
    )
    out = []
    mappings = [row._mapping for row in conn.execute(query)]
    retired = retired_in(conn, mappings)
    for m in mappings:
        gone = retired.get(m["id"], NOTHING)
        point = SnapshotPoint(
            snapshot_id=m["id"],
            taken_at=as_utc(m["taken_at"]),
            status=Status(m["status"]),
            packages=m["packages"],
            direct=m["packages_direct"],
            transitive=m["packages"] - m["packages_direct"],
            added=m["added"],
            removed=m["removed"],
            upgraded=m["upgraded"],
            downgraded=m["downgraded"],
            open_by_severity=tuple(
                (sev, int(m[f"findings_{sev.value}"]) - gone.by_severity.get(sev.value, 0))
                for sev in SEVERITIES
            ),
            new_findings=m["findings_new"] - gone.new,
            resolved_findings=m["findings_resolved"] - gone.resolved,
            whole=is_whole(m["status"], m["summary"]),
        )
        out.append(_Row(point=point, finding_set_id=m["finding_set_id"]))
    return out


# first seen, its snapshot, severity, kind
_Open = dict[Identity, tuple[dt.datetime, int, Severity, FindingKind]]


def _episodes(
    rows: Sequence[_Row], sets: dict[int, list[tuple[Identity, str, str]]]
) -> tuple[list[Remediation], _Open]:
    remediated: list[Remediation] = []
    open_now: _Open = {}
    for row in rows:
        present = {
            identity: (Severity(sev), finding_kind(kind))
            for identity, sev, kind in sets.get(row.finding_set_id, ())
        }
        for identity in sorted(open_now.keys() - present.keys()):
            first_seen, first_id, severity, _ = open_now.pop(identity)
            remediated.append(
                Remediation(
                    ecosystem=identity[0],
                    package=identity[1],
                    finding_id=identity[2],
                    severity=severity,
                    first_seen=first_seen,
                    resolved_at=row.point.taken_at,
                    first_snapshot_id=first_id,
                    resolved_snapshot_id=row.point.snapshot_id,
                )
            )
        for identity, (severity, kind) in present.items():
            known = open_now.get(identity)
            if known is None:
                open_now[identity] = (row.point.taken_at, row.point.snapshot_id, severity, kind)
            else:  # keep when it was first seen; report its latest severity
                open_now[identity] = (known[0], known[1], severity, kind)
    return remediated, open_now


def iso_week(moment: dt.datetime) -> tuple[str, dt.date]:
    year, week, _ = moment.date().isocalendar()
    return f"{year}-W{week:02d}", dt.date.fromisocalendar(year, week, 1)


def _weeks(
    points: Sequence[SnapshotPoint], remediated: Iterable[Remediation]
) -> tuple[WeekPoint, ...]:
    if not points:
        return ()
    closed: dict[str, int] = {}
    for r in remediated:
        key = iso_week(r.resolved_at)[0]
        closed[key] = closed.get(key, 0) + 1
    grouped: dict[dt.date, list[SnapshotPoint]] = {}
    for point in points:
        grouped.setdefault(iso_week(point.taken_at)[1], []).append(point)
    weeks: list[WeekPoint] = []
    monday, last_monday = min(grouped), max(grouped)
    state = grouped[monday][-1]
    complete_seen = False
    while monday <= last_monday:
        year, week, _ = monday.isocalendar()
        key = f"{year}-W{week:02d}"
        inside = grouped.get(monday, [])
        for point in inside:
            if point.whole or not complete_seen:
                state = point
                complete_seen = complete_seen or point.whole
        weeks.append(
            WeekPoint(
                week=key,
                start=monday,
                snapshots=len(inside),
                packages=state.packages,
                direct=state.direct,
                transitive=state.transitive,
                added=sum(p.added for p in inside),
                removed=sum(p.removed for p in inside),
                upgraded=sum(p.upgraded for p in inside),
                downgraded=sum(p.downgraded for p in inside),
                open_by_severity=state.open_by_severity,
                new_findings=sum(p.new_findings for p in inside),
                resolved_findings=sum(p.resolved_findings for p in inside),
                remediated=closed.get(key, 0),
            )
        )
        monday += dt.timedelta(days=7)
    return tuple(weeks)
