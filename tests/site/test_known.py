"""The project page's "known then / known now" chart, its "Days exposed" section and its
replay note, against an independent computation over saleor's replayed history: the
lockfiles of each month matched against the bundled OSV records and their ``published``
dates with plain set arithmetic."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from pathlib import Path

import tomllib

from auditor.core.model import canonical_pypi_name
from auditor.site import paths
from tests.site.conftest import ReplayedSite
from tests.site.htmltables import Page, Table, read_page
from tests.store.helpers import history
from tests.support import run_cli

ADVISORIES = Path(__file__).parents[2] / "data" / "advisories" / "pypa"
Key = tuple[str, str]  # (package, advisory id)


def published() -> dict[str, dt.datetime | None]:
    """Each bundled advisory's publication time (``None``: the record gives none)."""
    out: dict[str, dt.datetime | None] = {}
    for path in sorted(ADVISORIES.glob("*.json")):
        record = json.loads(path.read_text())
        text = record.get("published")
        out[record["id"]] = dt.datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    return out


def findings(folder: Path) -> set[Key]:
    """The (package, advisory) pairs of a month's poetry.lock, matched by version list."""
    lock = tomllib.loads((folder / "poetry.lock").read_text())
    versions = {canonical_pypi_name(p["name"]): p["version"] for p in lock["package"]}
    found = set()
    for path in sorted(ADVISORIES.glob("*.json")):
        record = json.loads(path.read_text())
        for affected in record["affected"]:
            name = canonical_pypi_name(affected["package"]["name"])
            if versions.get(name) in affected.get("versions", []):
                found.add((name, record["id"]))
    return found


def exposures(site: ReplayedSite) -> dict[Key, tuple[float, bool]]:
    """Days exposed per pair, and whether it is still open: from the later of publication
    and the first month holding it to the first month without it, else to the last month."""
    when = published()
    months = [(step.date, findings(f)) for step, f in zip(site.steps, site.folders, strict=True)]
    first: dict[Key, dt.datetime] = {}
    out: dict[Key, tuple[float, bool]] = {}

    def close(key: Key, end: dt.datetime, still_open: bool) -> None:
        held_from, date = first.pop(key), when[key[1]]
        start = held_from if date is None else max(held_from, date)
        if end > start or (still_open and end >= start):
            out[key] = ((end - start).total_seconds() / 86400, still_open)

    for date, held in months:
        for key in [k for k in first if k not in held]:
            close(key, date, still_open=False)
        for key in held:
            first.setdefault(key, date)
    for key in list(first):
        close(key, months[-1][0], still_open=True)
    return out


def number(text: str) -> float:
    return float(text.replace(",", ""))


def chart_numbers(page: Page, first_column: str) -> Table:
    """The table of numbers under the chart whose series are known now / known then."""
    return next(t for t in page.tables if t.head == [first_column, "known now", "known then"])


def test_known_then_and_known_now_per_week(saleor_site: ReplayedSite) -> None:
    """Per week (carrying the state of the last run before it): every matched advisory is
    known now; known then counts those published by the run's time."""
    when = published()
    state: dict[str, tuple[dt.datetime, set[Key]]] = {}
    for step, folder in zip(saleor_site.steps, saleor_site.folders, strict=True):
        year, week, _ = step.date.isocalendar()
        state[f"{year}-W{week:02d}"] = (step.date, findings(folder))
    page = read_page(saleor_site.site / paths.project_page("saleor"))
    rows = chart_numbers(page, "week").records()
    assert min(state) == rows[0]["week"]
    assert max(state) == rows[-1]["week"]
    current = None
    gaps = 0
    for row in rows:
        current = state.get(row["week"], current)
        assert current is not None
        date, held = current
        then = sum(1 for _, a in held if (p := when[a]) is not None and p <= date)
        assert [len(held), then] == [number(row["known now"]), number(row["known then"])], row
        gaps += len(held) - then
    assert gaps > 0  # the history holds advisories published after the month they hit


def test_days_exposed_median_worst_and_the_longest(saleor_site: ReplayedSite) -> None:
    """The section's median and worst, and each of the longest rows, as computed here."""
    wanted = exposures(saleor_site)
    days = sorted((d for d, _ in wanted.values()), reverse=True)
    page = read_page(saleor_site.site / paths.project_page("saleor"))
    median = f"{round(statistics.median(days), 1):,}"
    worst = f"{round(days[0], 1):,}"
    text = page.text.replace(" ,", ",")  # the reader puts a space after each element
    assert f"median {median.removesuffix('.0')} days, worst {worst.removesuffix('.0')} days" in text
    assert f"{len(wanted)} exposures ({sum(o for _, o in wanted.values())} still open)" in text
    rows = page.table("exposed-table").records()
    assert min(20, len(wanted)) == len(rows)
    shown = [number(r["Days"]) for r in rows]
    assert [round(d, 1) for d in days[: len(rows)]] == shown  # longest first
    for row in rows:
        key = (row["Package"].split()[0], row["Advisory"])
        length, still_open = wanted[key]
        assert round(length, 1) == number(row["Days"]), key
        assert ("still open" == row["To"]) is still_open, key
        date = published()[key[1]]
        assert (date.date().isoformat() if date else "unknown") == row["Published"], key


def test_replayed_snapshots_are_said_so(saleor_site: ReplayedSite) -> None:
    """Every run of the replay was filed under an earlier time: the project page says all
    of them are replayed, and each snapshot page carries the replayed note."""
    count = len(saleor_site.steps)
    project = read_page(saleor_site.site / paths.project_page("saleor"))
    assert f"Replayed snapshots. All {count} snapshots were audited after the time" in (
        project.text
    )
    pages = sorted((saleor_site.site / paths.project_dir("saleor") / "s").glob("*.html"))
    assert pages
    for path in pages:
        assert "Replayed snapshot." in read_page(path).text, path


def test_a_replay_newer_than_its_advisory_data_is_still_called_replayed(tmp_path: Path) -> None:
    """A run filed under an earlier time is replayed even when the advisory data it used is
    older than that time (the stored mark, not the data's date, decides); a run of today is
    not. Filed after today's run (as a backfill files its months), it changes the project's
    inputs: the project page is rendered again and counts it."""
    folder = history()[-1].folder
    site = tmp_path / "site"
    common = ("--offline", "--db", str(tmp_path / "store.db"), "--out", str(site))
    done = run_cli(["report", str(folder), "--project", "demo", *common])
    assert 0 == done.code, done.err
    home = site / paths.project_page("demo")
    assert "Replayed" not in read_page(home).text
    filed = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)).replace(microsecond=0)
    done = run_cli(
        ["report", str(folder), "--project", "demo", "--snapshot-time", filed.isoformat(), *common]
    )
    assert 0 == done.code, done.err
    today, replay = sorted(
        (site / paths.project_dir("demo") / "s").glob("*.html"),
        key=lambda p: int(p.stem.split("-")[0]),
    )
    assert "Replayed snapshot." not in read_page(today).text
    assert "Replayed snapshot." in read_page(replay).text
    project = read_page(home).text
    assert "1 of the 2 snapshots was audited after the time it is filed under" in project
