"""The generated site in a real browser: Debian's Chromium, headless, over the DevTools
protocol (tests/site/browser.py).

Every page of a replayed history loads from ``file://`` and from a 127.0.0.1 HTTP server
with no console error, no exception, no failed request and no request to anything but the
page itself; tables sort when a header is clicked, pages still show their content with
JavaScript disabled, and a phone-sized window needs no horizontal scrolling. A hostile
fixture (HTML and script in package names, versions, the project name and an advisory)
renders without running any of it: the scripts would set ``window.pwned`` or open a
dialog, and the test asks the browser, not the HTML, whether they did.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.site import SiteOptions, paths, render_site
from auditor.store import open_store
from tests.site.browser import Browser, browser, chromium_path
from tests.site.conftest import ReplayedSite
from tests.store.helpers import day, finding, pypi, save, small_graph
from tests.support import FIXTURES, run_cli

pytestmark = pytest.mark.skipif(
    chromium_path() is None, reason="chromium is not installed (scripts/test installs it)"
)
HOSTILE = FIXTURES / "report" / "hostile"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with browser() as instance:
        yield instance


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile project reported twice (every version changed in between, so that every
    hostile name gets a package page), under a hostile project name."""
    root = tmp_path_factory.mktemp("hostile")
    project = root / "project"
    shutil.copytree(HOSTILE / "project", project)
    common = [
        "--advisory-db",
        str(HOSTILE / "advisories"),
        "--db",
        str(root / "store.db"),
        "--out",
        str(root / "site"),
        "--cache-dir",
        str(root / "cache"),
        "--project",
        "<script>self['pwned']=20</script><img src=x onerror=alert(21)>",
    ]
    first = run_cli(["report", str(project), "--snapshot-time", "2024-01-01", *common])
    assert first.code == 0, first.err
    lock = project / "poetry.lock"
    lock.write_text(lock.read_text().replace('version = "1.0', 'version = "1.1'))
    second = run_cli(["report", str(project), "--snapshot-time", "2024-01-09", *common])
    assert second.code == 0, second.err
    return root / "site"


def site_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


@functools.cache
def _handler(directory: str) -> type[http.server.SimpleHTTPRequestHandler]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=directory, **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            return

    return Quiet


@pytest.fixture(scope="module")
def served(saleor_site: ReplayedSite, hostile_site: Path) -> Iterator[dict[Path, str]]:
    """Both sites over HTTP on 127.0.0.1 (one server each), as GitHub Pages would serve them."""
    servers = {}
    for site in (saleor_site.site, hostile_site):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers[site] = server
    try:
        yield {site: f"http://127.0.0.1:{s.server_address[1]}/" for site, s in servers.items()}
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()


def check_clean(chromium: Browser, url: str, origin: str) -> None:
    report = chromium.load(url)
    assert [] == report.problems, url
    foreign = [r for r in report.requests if not r.startswith(origin)]
    assert [] == foreign, url


def test_every_page_loads_cleanly_from_file(chromium: Browser, saleor_site: ReplayedSite) -> None:
    """file://: every page of the replayed site, no error and no outside request."""
    pages = site_pages(saleor_site.site)
    assert len(pages) > 20
    for page in pages:
        url = (saleor_site.site / page).as_uri()
        check_clean(chromium, url, saleor_site.site.as_uri())


def test_every_page_loads_cleanly_over_http(
    chromium: Browser, saleor_site: ReplayedSite, served: dict[Path, str]
) -> None:
    """http://127.0.0.1: the same pages, served as a static site."""
    base = served[saleor_site.site]
    for page in site_pages(saleor_site.site):
        check_clean(chromium, base + page, base)


@pytest.mark.parametrize("transport", ["file", "http"])
def test_hostile_content_never_runs(
    chromium: Browser, hostile_site: Path, served: dict[Path, str], transport: str
) -> None:
    """No payload of the hostile fixture runs or loads anything, on any page; the hostile
    text is shown as text."""
    pages = site_pages(hostile_site)
    names = {Path(p).name for p in pages}
    assert len(pages) >= 8  # the index, project, lists, snapshots and hostile packages
    assert all(n == "index.html" or n[0].isalnum() for n in names)
    base = hostile_site.as_uri() + "/" if transport == "file" else served[hostile_site]
    shown = ""
    for page in pages:
        check_clean(chromium, base + page, base)
        assert "undefined" == chromium.evaluate("typeof window.pwned"), page
        shown += chromium.evaluate("document.body.innerText")
    assert "<script>self['pwned']=1</script>" in shown
    assert "<script>self['pwned']=5</script> a summary" in shown
    assert "1.1<img src=x onerror=\"self['pwned']=2\">" in shown


def test_advisory_links_are_only_http(chromium: Browser, hostile_site: Path) -> None:
    """In the rendered advisory, every link is http(s) with rel=noopener noreferrer
    nofollow; javascript:, data:, relative and protocol-relative links lost their href."""
    page = hostile_site / paths.package_page(
        "<script>self['pwned']=20</script><img src=x onerror=alert(21)>", "PyPI", "evil-pkg"
    )
    chromium.load(page.as_uri())
    links = chromium.evaluate(
        "Array.from(document.querySelectorAll('.advisory a[href]')).map(a => [a.href, a.rel])"
    )
    assert links
    for href, rel in links:
        assert href.startswith(("https://", "http://")), href
        assert "noopener noreferrer nofollow" == rel
    assert 0 == chromium.evaluate(
        "document.querySelectorAll('img, iframe, style:not(head style), svg script').length"
    )


def test_tables_sort_with_javascript_and_read_without(
    chromium: Browser, saleor_site: ReplayedSite
) -> None:
    """Clicking a header sorts the table; with JavaScript off the page is all there."""
    page = (saleor_site.site / paths.packages_page("saleor", 1)).as_uri()
    chromium.load(page)
    first = "document.querySelector('#package-table tbody tr th').innerText"
    before = chromium.evaluate(first)
    chromium.evaluate(
        "document.querySelectorAll('#package-table thead th button')[0].click();"
        "document.querySelectorAll('#package-table thead th button')[0].click()"
    )
    assert "descending" == chromium.evaluate(
        "document.querySelector('#package-table thead th').getAttribute('aria-sort')"
    )
    assert before != chromium.evaluate(first)
    chromium.call("Emulation.setScriptExecutionDisabled", value=True)
    try:
        chromium.load(page)
        rows = chromium.evaluate("document.querySelectorAll('#package-table tbody tr').length")
        assert rows > 100
        assert 0 == chromium.evaluate("document.querySelectorAll('button.sort').length")
    finally:
        chromium.call("Emulation.setScriptExecutionDisabled", value=False)


def test_phone_width_needs_no_horizontal_scrolling(
    chromium: Browser, saleor_site: ReplayedSite, tmp_path: Path
) -> None:
    """At 390 CSS pixels the project and snapshot pages fit; wide tables and charts
    scroll inside their own box. A screenshot of the project page is taken."""
    for page in (paths.project_page("saleor"), "index.html"):
        chromium.load((saleor_site.site / page).as_uri())
        chromium.screenshot(tmp_path / "phone.png", width=390, max_height=2000)
        chromium.call(
            "Emulation.setDeviceMetricsOverride",
            width=390,
            height=800,
            deviceScaleFactor=1,
            mobile=True,
        )
        assert chromium.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        chromium.call("Emulation.clearDeviceMetricsOverride")
    chromium.load((saleor_site.site / paths.project_page("saleor")).as_uri())
    shot = tmp_path / "project.png"
    chromium.screenshot(shot, width=1280)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000


def test_the_harness_sees_what_it_guards_against(chromium: Browser, tmp_path: Path) -> None:
    """Controls: an unescaped script does set ``pwned``, an alert is caught, a script the
    CSP forbids and a missing image are reported, so a clean page above means clean."""
    ran = tmp_path / "ran.html"
    ran.write_text("<!DOCTYPE html><title>t</title><script>self['pwned']=1;alert(1)</script>")
    report = chromium.load(ran.as_uri())
    assert "number" == chromium.evaluate("typeof window.pwned")
    assert ["alert: 1"] == report.dialogs
    blocked = tmp_path / "blocked.html"
    blocked.write_text(
        '<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
        "<title>t</title><script>self['pwned']=1</script><p>x</p>"
    )
    report = chromium.load(blocked.as_uri())
    assert "undefined" == chromium.evaluate("typeof window.pwned")
    assert report.problems  # the CSP violation is an error on the console
    missing = tmp_path / "missing.html"
    missing.write_text('<!DOCTYPE html><title>t</title><img src="nothing-here.png" alt="">')
    assert chromium.load(missing.as_uri()).failed


# name -> open findings (each high, direct: 6 points); "alpha <b>" tests escaping
PORTFOLIO = {"zulu": 0, "alpha <b>": 1, "mike": 2, "echo": 3, "kilo": 4, "bravo": 5, "x-ray": 6}


@pytest.fixture(scope="module")
def portfolio_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seven projects, three to a page of the index; all but mike have pages here."""
    root = tmp_path_factory.mktemp("portfolio")
    engine = open_store(f"sqlite:///{root / 'store.db'}")
    try:
        packages = [pypi(f"p{i}") for i in range(6)]
        for number, (name, count) in enumerate(PORTFOLIO.items()):
            found = [finding(packages[i], f"GHSA-{i}") for i in range(count)]
            save(engine, small_graph(*packages), project=name, findings=found, taken_at=day(number))
        names = [n for n in PORTFOLIO if n != "mike"]
        render_site(engine, root / "site", SiteOptions(page_size=3), projects=names)
    finally:
        engine.dispose()
    return root / "site"


ROWS = "Array.from(document.querySelectorAll('#projects tbody tr'))"


def shown(chromium: Browser) -> list[str]:
    return list(chromium.evaluate(f"{ROWS}.map(r => r.cells[0].innerText)"))


def click(chromium: Browser, selector: str) -> None:
    chromium.evaluate(f"document.querySelector({selector!r}).click()")


def search(chromium: Browser, text: str) -> None:
    """Type ``text`` into the search box (as an input event, like a keystroke)."""
    chromium.evaluate(
        f"(function (box) {{ box.value = {json.dumps(text)}; "
        "box.dispatchEvent(new Event('input')); })(document.getElementById('project-search'))"
    )


def test_index_search_paging_and_sorting(chromium: Browser, portfolio_site: Path) -> None:
    """The first page's script pages through all seven projects, sorts every project (not
    only the page) by a column, and searches names offline; no error, nothing loaded."""
    url = (portfolio_site / "index.html").as_uri()
    check_clean(chromium, url, portfolio_site.as_uri())
    assert "7 projects" == chromium.evaluate("document.getElementById('project-status').innerText")
    assert ["alpha <b>", "bravo", "echo"] == shown(chromium)
    assert "page 1 of 3" in chromium.evaluate("document.getElementById('project-pager').innerText")
    static_pagers = "document.querySelectorAll('nav.pager:not(#project-pager)')"
    assert chromium.evaluate(f"Array.from({static_pagers}).every(n => n.hidden)")
    click(chromium, "#project-pager button:last-child")
    assert ["kilo", "mike", "x-ray"] == shown(chromium)
    click(chromium, "#project-pager button:last-child")
    assert ["zulu"] == shown(chromium)
    assert chromium.evaluate("document.querySelector('#project-pager button:last-child').disabled")
    click(chromium, "#projects thead th:nth-child(2) button")  # Risk: highest first
    assert ["x-ray", "bravo", "kilo"] == shown(chromium)
    assert "descending" == chromium.evaluate(
        "document.querySelector('#projects thead th:nth-child(2)').getAttribute('aria-sort')"
    )
    click(chromium, "#projects thead th:nth-child(2) button")
    assert ["zulu", "alpha <b>", "mike"] == shown(chromium)
    search(chromium, "ALPHA")
    assert ["alpha <b>"] == shown(chromium)
    assert "1 of 7 projects match" == chromium.evaluate(
        "document.getElementById('project-status').innerText"
    )
    assert 0 == chromium.evaluate("document.querySelectorAll('#projects tbody b').length")
    search(chromium, "mike")
    assert ["mike"] == shown(chromium)
    assert 0 == chromium.evaluate(f"{ROWS}[0].cells[0].querySelectorAll('a').length")
    assert "undefined" == chromium.evaluate("typeof window.pwned")


def test_index_rows_drawn_by_the_script_match_the_page(
    chromium: Browser, portfolio_site: Path
) -> None:
    """The rows the script draws read exactly like the rows the page was rendered with
    (text, links, sparklines): the page without JavaScript shows the same first page."""
    url = (portfolio_site / "index.html").as_uri()
    rows = (
        f"{ROWS}.map(r => [r.innerText,"
        " Array.from(r.querySelectorAll('a')).map(a => a.href),"
        " Array.from(r.querySelectorAll('polyline')).map(p => p.getAttribute('points'))])"
    )
    chromium.load(url)
    scripted = chromium.evaluate(rows)
    chromium.call("Emulation.setScriptExecutionDisabled", value=True)
    try:
        chromium.load(url)
        static = chromium.evaluate(rows)
        assert 0 == chromium.evaluate("document.querySelectorAll('#project-search').length")
        links = chromium.evaluate(
            "Array.from(document.querySelectorAll('nav.pager a')).map(a => a.href)"
        )
        assert (portfolio_site / "index-2.html").as_uri() in links
    finally:
        chromium.call("Emulation.setScriptExecutionDisabled", value=False)
    assert 3 == len(static)
    assert static == scripted
    for _, hrefs, _ in static:
        for href in hrefs:
            assert Path(href.removeprefix("file://")).is_file(), href
