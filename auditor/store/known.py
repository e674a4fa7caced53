"""What was known when, and for how long it was open: read from the stored findings of a
project and the ``published`` date of their advisories.

- **Known then**: of a snapshot's advisory findings (vulnerabilities and malicious
  packages), the ones whose advisory was published at or before the snapshot's time. A
  replayed or backfilled snapshot is audited with today's data (*known now*); this says how
  much of it the project could have known at the time. A finding without a published
  date is not counted as known then.
- **Days exposed**, per (package, advisory): from the later of the advisory's publication
  and the first snapshot holding the finding, to the first later snapshot without it (or,
  still open, to the project's latest snapshot). A finding that was gone before its
  advisory was published exposed nothing. Snapshots that could not read one of their
  lockfiles are left out of the timeline: a missing file is not a fix.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from auditor.core.findings import ADVISORY_KINDS
from auditor.core.times import parse_rfc3339
from auditor.store import codec, tables
from auditor.store.queries import PROJECT, SNAPSHOT, Identity, read, utc
from auditor.store.retired import counted
from auditor.store.summary import stored_broken

DAY = 86400.0


def _t(model: type) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


@dataclass(frozen=True, kw_only=True)
class KnownCounts:
    """A snapshot's advisory findings: all of them (known now) and those already published
    at its time (known then)."""

    known_now: int
    known_then: int


@dataclass(frozen=True, kw_only=True, order=True)
class Exposure:
    """One stretch of time a package of the project carried a published advisory."""

    ecosystem: str
    package: str
    advisory: str
    published: dt.datetime | None
    start: dt.datetime  # the later of publication and the first snapshot holding it
    end: dt.datetime  # the first snapshot without it, or the latest snapshot (open)
    open: bool  # still in the latest snapshot

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / DAY


@dataclass(frozen=True, kw_only=True)
class Knowledge:
    """Per snapshot id, the known counts; and every exposure, longest first."""

    counts: dict[int, KnownCounts]
    exposures: tuple[Exposure, ...]

    @property
    def median_days(self) -> float | None:
        days = [e.days for e in self.exposures]
        return statistics.median(days) if days else None

    @property
    def worst_days(self) -> float | None:
        return max((e.days for e in self.exposures), default=None)


@dataclass(frozen=True, kw_only=True)
class _Shot:
    id: int
    taken_at: dt.datetime
    whole: bool  # read every lockfile it had (a fair point of the exposure timeline)
    findings: dict[Identity, dt.datetime | None]  # identity -> published


def knowledge(engine: Engine, project: str) -> Knowledge:
    """Known-then counts and exposures of ``project``, from what the store holds."""

    def work(conn: Connection) -> Knowledge:
        return summarize(_shots(conn, project))

    return read(engine, work)  # type: ignore[no-any-return]


def _shots(conn: Connection, project: str) -> list[_Shot]:
    s = SNAPSHOT.c
    rows = conn.execute(
        sa.select(s.id, s.taken_at, s.status, s.summary)
        .join(PROJECT, PROJECT.c.id == s.project_id)
        .where(PROJECT.c.name == project)
        .order_by(s.taken_at, s.id)
    ).all()
    shots = {
        int(r.id): _Shot(
            id=int(r.id),
            taken_at=utc(r.taken_at) or dt.datetime.min.replace(tzinfo=dt.timezone.utc),
            whole=stored_broken(r.status, r.summary) in ((), None),
            findings={},
        )
        for r in rows
    }
    f, item, advisory = _t(tables.Finding), _t(tables.FindingSetItem), _t(tables.Advisory)
    query = (
        sa.select(
            s.id, f.c.ecosystem, f.c.package_name, f.c.finding_id, advisory.c.id, advisory.c.data
        )
        .select_from(SNAPSHOT)
        .join(PROJECT, PROJECT.c.id == s.project_id)
        .join(item, item.c.set_id == s.finding_set_id)
        .join(f, f.c.id == item.c.finding_ref)
        .join(advisory, advisory.c.id == f.c.advisory_ref)
        .where(
            PROJECT.c.name == project,
            counted(f),
            f.c.kind.in_(sorted(k.value for k in ADVISORY_KINDS)),
        )
    )
    published: dict[int, dt.datetime | None] = {}
    for sid, eco, name, fid, ref, data in conn.execute(query):
        if ref not in published:
            text = codec.loads(data, "advisory").get("published")
            published[ref] = parse_rfc3339(text) if isinstance(text, str) else None
        found = shots[int(sid)].findings
        when = published[ref]
        identity = (eco, name, fid)
        # the same advisory stored twice (modified): the earliest publication counts
        if identity not in found or (when is not None and (found[identity] or when) >= when):
            found[identity] = when
    return list(shots.values())


def summarize(shots: Sequence[_Shot]) -> Knowledge:
    """The counts and exposures of snapshots given oldest first."""
    counts = {
        shot.id: KnownCounts(
            known_now=len(shot.findings),
            known_then=sum(
                1 for p in shot.findings.values() if p is not None and p <= shot.taken_at
            ),
        )
        for shot in shots
    }
    timeline = [shot for shot in shots if shot.whole]
    opened: dict[Identity, tuple[dt.datetime, dt.datetime | None]] = {}
    exposures: list[Exposure] = []

    def close(identity: Identity, end: dt.datetime, still_open: bool) -> None:
        first, when = opened.pop(identity)
        start = max(first, when) if when is not None else first
        if end > start or (still_open and end >= start):
            exposures.append(
                Exposure(
                    ecosystem=identity[0],
                    package=identity[1],
                    advisory=identity[2],
                    published=when,
                    start=start,
                    end=end,
                    open=still_open,
                )
            )

    for shot in timeline:
        for identity in [i for i in opened if i not in shot.findings]:
            close(identity, shot.taken_at, still_open=False)
        for identity, when in shot.findings.items():
            opened.setdefault(identity, (shot.taken_at, when))
    if timeline:
        last = timeline[-1].taken_at
        for identity in list(opened):
            close(identity, last, still_open=True)
    exposures.sort(key=lambda e: (-e.days, e))
    return Knowledge(counts=counts, exposures=tuple(exposures))
