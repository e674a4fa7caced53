"""The project page's "what was known when" part: the known-then / known-now chart, the
days each package carried a published advisory (``auditor.store.known``), and how many of
the snapshots were replayed (audited after their time, with today's advisory data).

Everything here comes from the project's snapshots and the advisories their findings point
to, so the project's state in the store (the digest of its pages' inputs) covers it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auditor.site import charts
from auditor.site.charts import Chart, SeriesData
from auditor.site.data import ProjectHistory
from auditor.store.known import Exposure, KnownCounts
from auditor.store.series import WeekPoint

LONGEST_EXPOSURES = 20
_NONE = KnownCounts(known_now=0, known_then=0)


@dataclass(frozen=True, kw_only=True)
class Replayed:
    """How many of the project's snapshots were audited after their time."""

    count: int
    total: int

    @property
    def all(self) -> bool:
        return self.count == self.total


def known_chart(history: ProjectHistory, weeks: tuple[WeekPoint, ...]) -> Chart:
    """Per week drawn (the latest ``len(weeks)``), the advisory findings of the snapshot the
    week shows: all of them (known now) and those published by the snapshot's time."""
    states = history.week_state[-len(weeks) :] if weeks else ()
    counts = [history.knowledge.counts.get(s, _NONE) for s in states]
    return Chart(
        chart_id="c-known",
        title="Advisory findings at the end of each week: known now and known then",
        labels=tuple(w.week for w in weeks),
        series=(
            SeriesData(
                name="known now", css="s-known-now", values=tuple(c.known_now for c in counts)
            ),
            SeriesData(
                name="known then", css="s-known-then", values=tuple(c.known_then for c in counts)
            ),
        ),
    )


def known_context(history: ProjectHistory, weeks: tuple[WeekPoint, ...]) -> dict[str, Any]:
    """What the project page's known-then chart, days-exposed section and replay note need."""
    chart = known_chart(history, weeks)
    knowledge = history.knowledge
    longest: tuple[Exposure, ...] = knowledge.exposures[:LONGEST_EXPOSURES]
    return {
        "known_chart": (chart, charts.line(chart)),
        "exposures": longest,
        "exposure_count": len(knowledge.exposures),
        "exposures_open": sum(1 for e in knowledge.exposures if e.open),
        "median_exposed": knowledge.median_days,
        "worst_exposed": knowledge.worst_days,
        "replayed": Replayed(
            count=sum(1 for i in history.infos if i.summary.replayed), total=len(history.infos)
        ),
    }
