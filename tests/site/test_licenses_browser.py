"""The licences page and the licence on package pages in headless Chromium: they load with
no console error, failed or outside request; every link on the licences page leads to a page
that loads as cleanly; a hostile licence text (markup and script from a registry) is shown
as text and never runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.core.model import License
from auditor.site import paths, render_site
from auditor.store import open_store
from tests.site.browser import Browser, browser, chromium_path
from tests.site.test_browser import check_clean
from tests.site.test_licenses import HOSTILE, denied, first_and_second, save
from tests.store.helpers import pypi

pytestmark = pytest.mark.skipif(
    chromium_path() is None, reason="chromium is not installed (scripts/test installs it)"
)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with browser() as instance:
        yield instance


@pytest.fixture(scope="module")
def licensed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two snapshots with licences of every kind, a relicensed and denied package, and a
    package whose registry declared a hostile licence (it changes version, so it has a page)."""
    root = tmp_path_factory.mktemp("licences")
    engine = open_store(f"sqlite:///{root / 'store.db'}")
    try:
        first, second = first_and_second()
        save(engine, first, at=0)
        e11 = pypi("e", "1.1", license=License(text=HOSTILE, source="registry"))
        second = [*(p for p in second if p.name != "e"), e11]
        b2 = next(p for p in second if p.name == "b")
        save(engine, second, at=1, findings=(denied(b2),))
        render_site(engine, root / "site")
    finally:
        engine.dispose()
    return root / "site"


def test_licences_page_and_its_links_load_cleanly(chromium: Browser, licensed_site: Path) -> None:
    """The licences page loads clean; each link on it (package pages, the snapshot, the
    project) loads clean too; the project page links to it."""
    origin = licensed_site.as_uri()
    page = licensed_site / paths.licenses_page("demo")
    check_clean(chromium, page.as_uri(), origin)
    links = chromium.evaluate(
        "Array.from(document.querySelectorAll('main a[href]')).map(a => a.href)"
    )
    package_links = [link for link in links if "/pkg/" in link]
    assert len(package_links) >= 2  # b (denied, relicensed) and e (hostile), at least
    for link in sorted(set(links)):
        assert link.startswith(origin), link
        check_clean(chromium, link.split("#")[0], origin)
        assert "undefined" == chromium.evaluate("typeof window.pwned"), link
    check_clean(chromium, (licensed_site / paths.project_page("demo")).as_uri(), origin)
    hrefs = chromium.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    assert page.as_uri() in hrefs


def test_hostile_licence_is_text_on_every_page(chromium: Browser, licensed_site: Path) -> None:
    """The hostile licence text is shown as text on the licences page, the package list and
    the package's page, and nothing in it runs or loads."""
    origin = licensed_site.as_uri()
    for page in (
        paths.licenses_page("demo"),
        paths.packages_page("demo", 1),
        paths.package_page("demo", "PyPI", "e"),
    ):
        check_clean(chromium, (licensed_site / page).as_uri(), origin)
        assert "undefined" == chromium.evaluate("typeof window.pwned"), page
        assert HOSTILE in chromium.evaluate("document.body.innerText"), page
        assert 0 == chromium.evaluate("document.querySelectorAll('main img, main script').length")
