"""What the site reads from the store, per project, in a few queries.

Everything that spans the whole history comes from the snapshot summaries and the
content-addressed sets (``series``, ``exposure``, ``timeline``): no graph is rebuilt for
it. Whole snapshots (graph, findings, run details) are loaded only for the snapshots that
get a page of their own (the latest ``snapshot_pages``) and the snapshots they are
compared with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from auditor.core.findings import Finding
from auditor.site.risk import Risk, assess
from auditor.store import SnapshotInfo, StoredSnapshot, snapshots
from auditor.store.exposure import FindingFact, finding_facts, project_findings
from auditor.store.known import Knowledge, knowledge
from auditor.store.queries import Identity, load_snapshots
from auditor.store.series import Series, iso_week, project_series
from auditor.store.timeline import Timeline, version_timeline


@dataclass(frozen=True, kw_only=True)
class ProjectHistory:
    name: str
    infos: tuple[SnapshotInfo, ...]  # oldest first
    series: Series
    facts: dict[int, tuple[FindingFact, ...]]
    risks: dict[int, Risk]
    timeline: Timeline
    texts: dict[Identity, Finding]  # the latest text of every finding ever open
    loaded: dict[int, StoredSnapshot]
    paged: tuple[int, ...]  # snapshots with a page, oldest first
    week_state: tuple[int, ...]  # per week of ``series.weeks``: the snapshot of its state
    knowledge: Knowledge  # known-then counts per snapshot, days exposed (``store.known``)

    @property
    def latest(self) -> StoredSnapshot:
        return self.loaded[self.infos[-1].id]

    def info(self, snapshot_id: int) -> SnapshotInfo:
        return next(i for i in self.infos if i.id == snapshot_id)

    def base_of(self, snapshot_id: int) -> int | None:
        return comparison_base(self.infos, snapshot_id)

    def week_risks(self) -> list[Risk]:
        return [self.risks[s] for s in self.week_state]


def read_project(engine: Engine, name: str, *, snapshot_pages: int) -> ProjectHistory | None:
    """Everything the pages of ``name`` need (``None`` for a project without snapshots)."""
    infos = snapshots(engine, name)
    if not infos:
        return None
    series = project_series(engine, name)
    facts = finding_facts(engine, name)
    risks = risks_of(facts)
    paged = tuple(i.id for i in infos[-max(1, snapshot_pages) :])
    wanted = set(paged) | {b for b in (comparison_base(infos, s) for s in paged) if b is not None}
    return ProjectHistory(
        name=name,
        infos=infos,
        series=series,
        facts=facts,
        risks=risks,
        timeline=version_timeline(engine, name),
        texts=project_findings(engine, name),
        loaded=load_snapshots(engine, sorted(wanted)),
        paged=paged,
        week_state=week_states([(p.snapshot_id, p.taken_at, p.whole) for p in series.snapshots]),
        knowledge=knowledge(engine, name),
    )


def risks_of(facts: Mapping[int, Sequence[FindingFact]]) -> dict[int, Risk]:
    """The risk of each snapshot, from its findings' facts."""
    return {sid: assess(items) for sid, items in facts.items()}


def comparison_base(infos: tuple[SnapshotInfo, ...], snapshot_id: int) -> int | None:
    """The snapshot a page compares with: the stored baseline (the latest complete run
    before it), else simply the one before it."""
    order = [i.id for i in infos]
    index = order.index(snapshot_id)
    baseline = infos[index].summary.baseline_id
    if baseline is not None:
        return baseline
    return order[index - 1] if index > 0 else None


Moment = tuple[int, dt.datetime, bool]  # a snapshot's id, time, and whether it is whole


def week_states(points: Sequence[Moment]) -> tuple[int, ...]:
    """For each ISO week from the first snapshot to the last (``points`` oldest first), the
    snapshot whose state the week shows: the same rule as ``series.WeekPoint`` (its last
    complete run, else the latest complete one before it; until a complete run exists, the
    latest run)."""
    if not points:
        return ()
    grouped: dict[dt.date, list[Moment]] = {}
    for point in points:
        grouped.setdefault(iso_week(point[1])[1], []).append(point)
    monday, last = min(grouped), max(grouped)
    state = grouped[monday][-1][0]
    complete_seen = False
    out = []
    while monday <= last:
        for snapshot_id, _, whole in grouped.get(monday, []):
            if whole or not complete_seen:
                state = snapshot_id
                complete_seen = complete_seen or whole
        out.append(state)
        monday += dt.timedelta(days=7)
    return tuple(out)
