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
            *("report", str(clone), "--backfill", "2019-01-01", "--offline"),
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
