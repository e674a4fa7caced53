"""The site of a backfilled history in Chromium: the bundled example (examples/saleor.bundle)
cloned and backfilled as the README's first command does, every page loaded from
``file://`` with no error and no outside request; the project page draws the eight months
and lists every snapshot with its commit."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.site import paths
from tests.site.browser import Browser, browser, chromium_path
from tests.support import git, run_cli

pytestmark = [
    pytest.mark.skipif(
        chromium_path() is None, reason="chromium is not installed (scripts/test installs it)"
    ),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]
BUNDLE = Path(__file__).parents[2] / "examples" / "saleor.bundle"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with browser() as instance:
        yield instance


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example cloned and backfilled offline; (site folder, clone)."""
    root = tmp_path_factory.mktemp("backfilled")
    clone = root / "saleor"
    git(root, "clone", "-q", str(BUNDLE), str(clone))
    done = run_cli(
        [
            *("report", str(clone), "--backfill", "2019-01-01", "--site-weeks", "all"),
            "--offline",
            *("--db", str(root / "store.db"), "--out", str(root / "site")),
        ]
    )
    assert 0 == done.code, done.err
    assert "backfill: 8 snapshots saved" in done.out
    return root / "site", clone


def test_every_page_of_the_backfilled_site_loads_cleanly(
    chromium: Browser, backfilled: tuple[Path, Path]
) -> None:
    """file://: every page, no console error, no exception, no request outside the site."""
    site, _ = backfilled
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        report = chromium.load(page.as_uri())
        assert [] == report.problems, page
        assert [] == [r for r in report.requests if not r.startswith(site.as_uri())], page


def test_the_project_page_shows_the_backfilled_months(
    chromium: Browser, backfilled: tuple[Path, Path]
) -> None:
    """The project page, as the browser lays it out: nine snapshots (eight months and the
    checkout) since 2019-10-17, and the snapshot list names each month's commit."""
    site, clone = backfilled
    chromium.load((site / paths.project_page("saleor")).as_uri())
    text = chromium.evaluate("document.body.innerText")
    assert "9 snapshots" in text
    assert "since 2019-10-17" in text
    chromium.load((site / paths.snapshots_page("saleor", 1)).as_uri())
    listing = chromium.evaluate("document.body.innerText")
    commits = git(clone, "log", "--first-parent", "--format=%h", "--abbrev=10").split()
    assert 8 == len(commits)
    for commit in commits:
        assert commit[:7] in listing


def test_the_project_page_draws_the_whole_backfilled_history(
    chromium: Browser, backfilled: tuple[Path, Path]
) -> None:
    """With --site-weeks all, as the browser lays it out: the charts start at the first
    backfilled month's week (2019-W42, years before today's run) and end with today's;
    the known-then chart is drawn with both lines and its legend; the replay note counts
    the eight backfilled months of the nine snapshots; days exposed lists the longest."""
    site, _ = backfilled
    chromium.load((site / paths.project_page("saleor")).as_uri())
    text = chromium.evaluate("document.body.innerText")
    assert "8 of the 9 snapshots were audited after the time they are filed under" in text
    desc = chromium.evaluate("document.getElementById('c-known-d').textContent")
    assert "from 2019-W42 to" in desc
    polylines = "document.getElementById('c-known-d').closest('svg').querySelectorAll('polyline')"
    lines = chromium.evaluate(f"Array.from({polylines}, l => l.getAttribute('class'))")
    assert ["s-known-now line", "s-known-then line"] == lines
    widths = chromium.evaluate(
        f"Array.from({polylines}, l => Math.round(l.getBoundingClientRect().width))"
    )
    assert all(width > 200 for width in widths), widths  # drawn across the chart
    weeks = chromium.evaluate(
        "Array.from(document.querySelectorAll('#week-table tbody th'), c => c.textContent)"
    )
    assert "2019-W42" == weeks[-1]  # the table is newest first
    rows = chromium.evaluate("document.querySelectorAll('#exposed-table tbody tr').length")
    assert 20 == rows
    assert "Days exposed" in text
