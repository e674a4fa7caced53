"""Which "affected projects" pages a run renders: a report renders only the pages of the
advisories its project has open now or had open in its snapshot before (only its rows of
those pages changed), so its cost does not grow with the portfolio; the other advisory
pages keep their bytes, inode and mtime. A page of an advisory the project just closed is
updated, or removed when no project has it open; ``site build`` renders every page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from auditor.core.findings import Severity
from auditor.site import manifest, paths, render_site
from auditor.store import open_store
from tests.site.htmltables import read_page
from tests.site.stories import files, stamps
from tests.store.helpers import day, finding, pypi, save, small_graph


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield engine
    engine.dispose()


def run(engine: Engine, project: str, when: int, *advisories: str) -> None:
    """A snapshot of ``project`` with ``advisories`` open (on package b)."""
    a, b = pypi("a", "1.0"), pypi("b", "1.0")
    found = [finding(b, advisory, Severity.HIGH) for advisory in advisories]
    save(engine, small_graph(a, b), project=project, findings=found, taken_at=day(when))


def affected(out: Path, advisory: str) -> list[str]:
    return read_page(out / paths.advisory_page(advisory)).table("affected-table").column("Project")


def advisory_stamps(out: Path) -> dict[str, tuple[int, int]]:
    return {p: s for p, s in stamps(out).items() if p.startswith(paths.ADVISORIES + "/")}


def test_a_report_touches_only_its_own_projects_advisory_pages(
    engine: Engine, tmp_path: Path
) -> None:
    """A new project's report (the store now counts one more project, which every page
    shows) renders its own advisory's page and leaves every other advisory page exactly as
    it was, not rewritten; a site build then brings the count on them up to date."""
    run(engine, "alpha", 0, "GHSA-ALPHA", "GHSA-SHARED")
    run(engine, "bravo", 1, "GHSA-BRAVO", "GHSA-SHARED")
    out = tmp_path / "site"
    render_site(engine, out)
    before = files(out)
    stamped = advisory_stamps(out)
    time.sleep(0.01)
    run(engine, "charlie", 2, "GHSA-CHARLIE")
    render_site(engine, out, projects=("charlie",))
    after = advisory_stamps(out)
    others = [paths.advisory_page(i) for i in ("GHSA-ALPHA", "GHSA-BRAVO", "GHSA-SHARED")]
    for page in others:
        assert (before[page], stamped[page]) == ((out / page).read_bytes(), after[page]), page
    mine = paths.advisory_page("GHSA-CHARLIE")
    assert ["charlie"] == affected(out, "GHSA-CHARLIE")
    assert "of the 3 projects" in (out / mine).read_text()
    assert "of the 2 projects" in (out / others[0]).read_text()  # left for the site build
    assert tuple(sorted([*others, mine])) == manifest.read_index(out).advisories
    render_site(engine, out)
    full = tmp_path / "full"
    render_site(engine, full)
    assert files(full) == files(out)


def test_a_report_updates_the_pages_of_advisories_its_project_closed(
    engine: Engine, tmp_path: Path
) -> None:
    """A snapshot that fixes two advisories: the page of the one another project still has
    open loses this project's row, the page of the one open nowhere now goes (and leaves
    the manifest); the page of an advisory only another project has is not rewritten. The
    folder then has the bytes of a full render of the same store."""
    run(engine, "alpha", 0, "GHSA-GONE", "GHSA-SHARED", "GHSA-KEPT")
    run(engine, "bravo", 1, "GHSA-SHARED", "GHSA-BRAVO")
    out = tmp_path / "site"
    render_site(engine, out, projects=("alpha",))
    render_site(engine, out, projects=("bravo",))
    assert ["alpha", "bravo"] == affected(out, "GHSA-SHARED")
    stamped = advisory_stamps(out)
    time.sleep(0.01)
    run(engine, "alpha", 2, "GHSA-KEPT")
    render_site(engine, out, projects=("alpha",))
    after = advisory_stamps(out)
    gone, bravo = paths.advisory_page("GHSA-GONE"), paths.advisory_page("GHSA-BRAVO")
    assert not (out / gone).exists()
    assert gone not in manifest.read_index(out).advisories
    assert ["bravo"] == affected(out, "GHSA-SHARED")
    assert stamped[bravo] == after[bravo]
    full = tmp_path / "full"
    render_site(engine, full)
    assert files(full) == files(out)


def test_a_site_build_removes_a_page_no_report_answered_for(engine: Engine, tmp_path: Path) -> None:
    """An advisory closed two snapshots before the next rendered run (a run in between
    without the site) is no longer among that report's advisories: its stale page stays
    until the next ``site build``, which renders every page and removes it."""
    run(engine, "alpha", 0, "GHSA-OLD")
    run(engine, "bravo", 1, "GHSA-BRAVO")
    out = tmp_path / "site"
    render_site(engine, out)
    run(engine, "alpha", 2)  # reported with --no-site
    run(engine, "alpha", 3)
    render_site(engine, out, projects=("alpha",))
    stale = paths.advisory_page("GHSA-OLD")
    assert ["alpha"] == affected(out, "GHSA-OLD")
    render_site(engine, out)
    assert not (out / stale).exists()
    assert (paths.advisory_page("GHSA-BRAVO"),) == manifest.read_index(out).advisories
