"""The index of every project: one small row per project, kept in the store, and the pages
that list them.

A row (risk, its trends, the sparkline's weekly scores, counts, the last run) is derived
from the project's snapshots and cached in the store with the project's state
(``auditor.store.portfolio``): a run renders the index from N cached rows, recomputing only
the rows of projects whose snapshots changed since (and the project it rendered itself). No
project's series or graphs are read for the index.

The index is cut into pages of ``page_size`` projects by name (``index.html``,
``index-2.html``, ...), which read without JavaScript. The first page also carries every
row as JSON (a ``<script type="application/json">`` element: data, never executed), which
its script (``templates/index.js``) searches, sorts and pages through offline. A page is
rendered again only when the digest of what it shows changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup
from sqlalchemy.engine import Engine

from auditor import __version__
from auditor.core.result import Status
from auditor.site import paths
from auditor.site.charts import sparkline
from auditor.site.data import ProjectHistory, risks_of, week_states
from auditor.site.jinja import render, when
from auditor.site.manifest import inputs_digest
from auditor.site.project import trends_from
from auditor.site.risk import BANDS as SCORE_BANDS
from auditor.site.risk import MALICIOUS_BAND, Risk, Trend
from auditor.site.views import Pager
from auditor.store import SnapshotInfo, snapshots
from auditor.store.exposure import finding_facts
from auditor.store.portfolio import all_entries, save_cached

ROW_KIND = "site-index-row"
ROW_VERSION = "1"  # bump when the row's fields or their meaning change
SPARK_WEEKS = 26
SAVE_EVERY = 100  # rows recomputed before they are written to the store

Say = Callable[[str], None]
BANDS = frozenset({"none", MALICIOUS_BAND, "critical", *(band for _, band in SCORE_BANDS)})
STATUSES = frozenset(s.value for s in Status)


@dataclass(frozen=True, kw_only=True)
class IndexRow:
    """A project as the index shows it."""

    name: str
    score: float
    band: str
    before_snapshot: float | None  # the previous snapshot's score
    before_week: float | None  # the score at the end of the previous week
    spark: tuple[float, ...]  # the score at the end of each of the last weeks
    findings: int
    packages: int
    taken_at: dt.datetime  # the latest snapshot's
    status: str

    @property
    def snapshot_trend(self) -> Trend:
        return Trend(before=self.before_snapshot, after=self.score)

    @property
    def week_trend(self) -> Trend:
        return Trend(before=self.before_week, after=self.score)

    def to_json(self) -> str:
        data = {**asdict(self), "taken_at": self.taken_at.isoformat()}
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None, name: str) -> IndexRow | None:
        """The cached row of project ``name``, or ``None`` if it cannot be read or is not
        that project's (it is then computed again): a store is not always trusted."""
        try:
            data = json.loads(text or "")
            row = cls(
                name=str(data["name"]),
                score=float(data["score"]),
                band=str(data["band"]),
                before_snapshot=_number(data["before_snapshot"]),
                before_week=_number(data["before_week"]),
                spark=tuple(float(v) for v in data["spark"]),
                findings=int(data["findings"]),
                packages=int(data["packages"]),
                taken_at=dt.datetime.fromisoformat(data["taken_at"]),
                status=str(data["status"]),
            )
        except (ValueError, TypeError, KeyError):
            return None
        known = row.name == name and row.band in BANDS and row.status in STATUSES
        return row if known else None


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def row_key(state: bytes) -> bytes:
    """What a cached row is valid for: the project's state and the code that derived it."""
    return hashlib.sha256(f"{ROW_KIND} {ROW_VERSION} {__version__}\n".encode() + state).digest()


def row_from(
    name: str, infos: Sequence[SnapshotInfo], risks: Mapping[int, Risk], week_state: Sequence[int]
) -> IndexRow:
    trends = trends_from(infos, risks, week_state)
    latest = infos[-1]
    return IndexRow(  # every score a float, as it reads back from the store's JSON
        name=name,
        score=float(trends.risk.score),
        band=trends.risk.band,
        before_snapshot=_number(trends.snapshot.before),
        before_week=_number(trends.week.before),
        spark=tuple(float(risks[s].score) for s in week_state[-SPARK_WEEKS:]),
        findings=latest.summary.findings,
        packages=latest.summary.packages,
        taken_at=latest.taken_at,
        status=latest.status.value,
    )


def history_row(history: ProjectHistory) -> IndexRow:
    """The row of a project whose pages were just rendered (its history is at hand)."""
    return row_from(history.name, history.infos, history.risks, history.week_state)


def compute_row(engine: Engine, name: str) -> IndexRow | None:
    """The row of a project from its snapshot list and its findings' facts: two reads, no
    graph, no series (``None`` for a project without snapshots)."""
    infos = snapshots(engine, name)
    if not infos:
        return None
    risks = risks_of(finding_facts(engine, name))
    return row_from(name, infos, risks, week_states([(i.id, i.taken_at, i.whole) for i in infos]))


@dataclass(frozen=True, kw_only=True)
class Listed:
    """A row of the index and the link to the project's page (``None``: not in this site)."""

    row: IndexRow
    url: str | None

    @property
    def spark_svg(self) -> Markup:
        label = f"risk over the last {len(self.row.spark)} weeks"
        return sparkline(list(self.row.spark), label=label)

    def data(self) -> list[Any]:
        """The row in the first page's search data (see ``templates/index.js``)."""
        row = self.row
        trends = (row.snapshot_trend.delta, row.week_trend.delta)
        return [
            row.name,
            self.url,
            row.score,
            row.band,
            *trends,
            list(row.spark),
            row.findings,
            row.packages,
            when(row.taken_at),
            row.status,
        ]


def listing(
    engine: Engine,
    out: Path,
    fresh: Mapping[str, IndexRow],
    *,
    say: Say,
) -> list[Listed]:
    """Every project of the store by name with its row: the ones just rendered from
    ``fresh``, the others from the store's cache, recomputed (and cached) where stale. A
    project links to its page when the page is in ``out``."""
    listed: list[Listed] = []
    pending: list[tuple[str, bytes, str]] = []
    for entry in all_entries(engine, ROW_KIND):
        row = fresh.get(entry.name)
        key = row_key(entry.state)
        if row is None and entry.cached_key == key:
            row = IndexRow.from_json(entry.cached, entry.name)
        if row is None:
            say(f"summing up {entry.name} for the index")
            row = compute_row(engine, entry.name)
            if row is None:
                continue
            pending.append((entry.name, key, row.to_json()))
            if len(pending) >= SAVE_EVERY:
                save_cached(engine, ROW_KIND, pending)
                pending.clear()
        home = paths.project_page(entry.name)
        listed.append(Listed(row=row, url=home if (out / home).is_file() else None))
    save_cached(engine, ROW_KIND, pending)
    return listed


def page_path(number: int) -> str:
    return paths.index_page(number)


def search_data(listed: Sequence[Listed], page_size: int) -> str:
    """The first page's JSON, safe inside a ``<script>`` element (no ``<``, ``>``, ``&``)."""
    text = json.dumps(
        {"pageSize": page_size, "rows": [item.data() for item in listed]},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True, kw_only=True)
class IndexResult:
    files: dict[str, str]  # the pages rendered (their inputs changed)
    digests: dict[str, str]  # every page of the index: the digest of its inputs


def index_pages(
    listed: Sequence[Listed],
    *,
    page_size: int,
    renderer: str,
    previous: Mapping[str, str],
    present: Callable[[str], bool],
) -> IndexResult:
    """Render the pages of the index whose inputs changed since ``previous`` (their
    digests then) or that are not ``present``; return them and every page's digest."""
    chunks = [listed[i : i + page_size] for i in range(0, len(listed), page_size)] or [[]]
    urls = tuple(page_path(n) for n in range(1, len(chunks) + 1))
    data = search_data(listed, page_size) if listed else ""
    files: dict[str, str] = {}
    digests: dict[str, str] = {}
    for number, chunk in enumerate(chunks, start=1):
        path = urls[number - 1]
        digest = inputs_digest(
            "index",
            renderer,
            number,
            len(chunks),
            len(listed),
            [(item.row.to_json(), item.url) for item in chunk],
            hashlib.sha256(data.encode()).hexdigest() if number == 1 else "",
        )
        digests[path] = digest
        if previous.get(path) == digest and present(path):
            continue
        files[path] = render(
            "index.html",
            path,
            scripts=("index.js",),
            title="Projects" if number == 1 else f"Projects, page {number}",
            crumbs=[],
            rows=chunk,
            total=len(listed),
            pager=Pager(number=number, total=len(chunks), pages=urls),
            data=Markup(data) if number == 1 and data else None,  # noqa: S704 - escaped JSON
            page_size=page_size,
        )
    return IndexResult(files=files, digests=digests)


def linked_names(listed: Iterable[Listed]) -> set[str]:
    return {item.row.name for item in listed if item.url is not None}
