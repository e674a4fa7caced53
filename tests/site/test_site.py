"""The site as files: determinism, the Content-Security-Policy, escaping in every
template, which pages exist, pagination, and what the snapshot page shows."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy.engine import Engine

from auditor.core.findings import Finding, FindingKind, IgnoreRule, Severity, Suppression
from auditor.core.result import AuditResult, Status
from auditor.site import SiteOptions, paths, render_site
from auditor.site.jinja import assets, environment
from auditor.store import SnapshotMeta, SuppressionRule, open_store, save_snapshot
from tests.site.htmltables import read_page
from tests.store.helpers import day, finding, old_duplicate, pypi, save, small_graph


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield engine
    engine.dispose()


def story(engine: Engine, project: str = "demo") -> list[int]:
    """Four runs: a finding appears, a typosquat appears, an upgrade fixes the first."""
    a1, a2, b, c = pypi("a", "1.0"), pypi("a", "1.1"), pypi("b", "1.0"), pypi("c", "1.0")
    squat = Finding(
        package_id=c.id,
        kind=FindingKind.TYPOSQUAT,
        id="typosquat:b",
        severity=Severity.HIGH,
        summary="c imitates b",
        evidence=(("imitates", "b"), ("rule", "one edit")),
    )
    return [
        save(engine, small_graph(a1, b), project=project, taken_at=day(0)),
        save(
            engine,
            small_graph(a1, b),
            project=project,
            findings=[finding(a1, "GHSA-1")],
            taken_at=day(1),
        ),
        save(
            engine,
            small_graph(a1, b, c),
            project=project,
            findings=[finding(a1, "GHSA-1"), squat],
            taken_at=day(8),
        ),
        save(engine, small_graph(a2, b, c), project=project, findings=[squat], taken_at=day(9)),
    ]


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_same_store_gives_the_same_bytes(engine: Engine, tmp_path: Path) -> None:
    """Rendering twice, into two folders, writes identical files (no clock, sorted)."""
    story(engine)
    story(engine, project="other")
    first, second = tmp_path / "one", tmp_path / "two"
    summary = render_site(engine, first)
    render_site(engine, second)
    assert files(first) == files(second)
    assert summary.pages == len([n for n in files(first) if n.endswith(".html")])
    assert 2 == summary.projects


def test_every_page_allows_exactly_its_own_style_and_script(engine: Engine, tmp_path: Path) -> None:
    """One <style> and one <script>, both hashed in the CSP; no style or event attribute,
    no remote URL loaded by any tag."""
    story(engine)
    render_site(engine, tmp_path)
    css, script, csp = assets()
    for name, digest in (("style", css), ("script", script)):
        hashed = base64.b64encode(hashlib.sha256(str(digest).encode()).digest()).decode()
        assert f"{name}-src 'sha256-{hashed}'" in csp
    assert "default-src 'none'" in csp
    for page in tmp_path.rglob("*.html"):
        html = page.read_text()
        assert 1 == html.count("<script>"), page
        assert 1 == html.count("<style>"), page
        assert f'content="{escape(csp)}"' in html
        assert not re.search(r"\sstyle=|\son[a-z]+=|<img|<iframe|<link|src=", html), page


def test_autoescape_is_on_for_every_template() -> None:
    """Every template escapes what it prints, whatever its file name."""
    env = environment()
    names = env.list_templates(filter_func=lambda n: n.endswith(".html"))
    assert {"index.html", "project.html", "snapshot.html", "package.html"} <= set(names)
    for name in names:
        assert env.is_async is False
        template = env.get_template(name)
        assert template.environment.autoescape is True


def test_pages_exist_for_the_latest_snapshots_and_interesting_packages(
    engine: Engine, tmp_path: Path
) -> None:
    """--site-snapshots N pages; packages that had a finding or changed get pages, others
    do not; links go only to pages that exist."""
    ids = story(engine)
    render_site(engine, tmp_path, SiteOptions(snapshot_pages=2))
    snapshot_files = sorted(p.name for p in (tmp_path / paths.project_dir("demo") / "s").iterdir())
    assert [f"{ids[2]}.html", f"{ids[3]}.html"] == snapshot_files
    pkg = {p.name for p in (tmp_path / paths.project_dir("demo") / "pkg").iterdir()}
    expected = {Path(paths.package_page("demo", "PyPI", n)).name for n in ("a", "c")}
    assert expected == pkg  # a: finding and upgrade; c: added and a finding; b: neither
    for page in tmp_path.rglob("*.html"):
        for link in read_page(page).links:
            if not link.startswith(("#", "http")):
                target = (page.parent / link.split("#")[0]).resolve()
                assert target.is_file(), (page, link)


def test_long_lists_are_paginated(engine: Engine, tmp_path: Path) -> None:
    """Snapshot and package lists split into linked pages of page_size rows."""
    packages = [pypi(f"p{i:02d}", "1.0") for i in range(7)]
    for n in range(5):
        save(engine, small_graph(*packages), taken_at=day(n))
    render_site(engine, tmp_path, SiteOptions(page_size=3))
    first = read_page(tmp_path / paths.snapshots_page("demo", 1))
    assert 3 == len(first.table("snapshot-table").rows)
    assert "snapshots-2.html" in first.links
    last = read_page(tmp_path / paths.snapshots_page("demo", 2))
    assert 2 == len(last.table("snapshot-table").rows)
    names = [
        row[0]
        for n in (1, 2, 3)
        for row in read_page(tmp_path / paths.packages_page("demo", n)).table("package-table").rows
    ]
    assert [p.name for p in packages] == names


def test_snapshot_page_shows_kinds_suppressions_diff_and_gaps(
    engine: Engine, tmp_path: Path
) -> None:
    """Other kinds with their evidence, suppressed findings with reason and expiry, the
    configured rules, what changed and the libyear placeholder."""
    ids = story(engine)
    a2, b, c = pypi("a", "1.1"), pypi("b", "1.0"), pypi("c", "1.0")
    hidden = finding(b, "GHSA-9", Severity.CRITICAL)
    rule = IgnoreRule(id="GHSA-9", reason="not reachable <b>here</b>", expires="2030-01-01")
    result = AuditResult(
        graph=small_graph(a2, b, c),
        findings=(),
        suppressed=(Suppression(finding=hidden, rule=rule),),
        status=Status.INCOMPLETE,
        unchecked=((c.id, "the advisory source failed"),),
    )
    meta = SnapshotMeta(
        taken_at=day(10),
        suppressions=(
            SuppressionRule(id="GHSA-9", reason="not reachable", expires=dt.date(2030, 1, 1)),
        ),
        advisory_db="osv-local:x",
        advisory_db_updated_at=day(20),
    )
    last = save_snapshot(engine, "demo", result, meta)
    render_site(engine, tmp_path)
    typo = read_page(tmp_path / paths.snapshot_page("demo", ids[3]))
    assert "Typosquat findings" in typo.text
    evidence = typo.table("kind-typosquat-table").records()
    assert ["imitates b rule one edit"] == [" ".join(r["Evidence"].split()) for r in evidence]
    assert "Changes since snapshot" in typo.text
    resolved = typo.table("diff-resolved").records()
    assert ["GHSA-1"] == [r["Finding"] for r in resolved]
    assert ["a"] == [r["Package"].split()[0] for r in typo.table("diff-changed").records()]
    page = read_page(tmp_path / paths.snapshot_page("demo", last))
    assert "not reachable <b>here</b>" in page.text
    assert "2030-01-01" in page.text
    assert "Replayed snapshot" in page.text
    assert "This run is incomplete" in page.text
    assert "the advisory source failed" in page.text
    assert "not measured" in page.text
    assert "<b>here</b>" not in (tmp_path / paths.snapshot_page("demo", last)).read_text()


def test_empty_store_renders_an_index(engine: Engine, tmp_path: Path) -> None:
    """No project yet: an index that says so."""
    summary = render_site(engine, tmp_path)
    assert 1 == summary.pages
    assert "no snapshot yet" in read_page(tmp_path / "index.html").text


def test_index_lists_projects_with_trends(engine: Engine, tmp_path: Path) -> None:
    """Each project once, by name, with its score and the change since its last run."""
    story(engine)
    save(engine, small_graph(pypi("z")), project="alone", taken_at=day(3))
    render_site(engine, tmp_path)
    rows = read_page(tmp_path / "index.html").table("projects").records()
    assert ["alone", "demo"] == [r["Project"] for r in rows]
    demo = rows[1]
    assert "6" == demo["Risk"]  # the typosquat: high (6) on a direct package
    assert "▼ -6 better than the previous snapshot" == demo["vs previous snapshot"]
    assert "no previous snapshot" in rows[0]["vs previous snapshot"]


def test_duplicates_are_information_and_old_duplicate_findings_count_nowhere(
    engine: Engine, tmp_path: Path
) -> None:
    """A snapshot stored by an earlier auditor holds a CONFLICT-DUPLICATE finding; the next
    one, by today's, none. Neither page counts it (risk 0, nothing open, nothing new or
    resolved); the latest snapshot lists the duplicated name as information and the
    project page counts it."""
    a1, a2 = pypi("a", "1.0"), pypi("a", "2.0")
    first = save(engine, small_graph(a1, a2), findings=[old_duplicate(a1)], taken_at=day(0))
    last = save(engine, small_graph(a1, a2), taken_at=day(1))
    render_site(engine, tmp_path)
    project = read_page(tmp_path / paths.project_page("demo"))
    weeks = project.table("week-table").records()
    assert [("0", "0", "0")] == [(w["low"], w["Resolved"], w["Risk"]) for w in weeks]
    assert "No finding is open." in project.text
    assert "Duplicate versions 1 package names locked at several versions" in " ".join(
        project.text.split()
    )
    for sid in (first, last):
        page = read_page(tmp_path / paths.snapshot_page("demo", sid))
        assert "No open finding." in page.text
        assert "CONFLICT-DUPLICATE" not in page.text
        (row,) = page.table("duplicates-table").records()
        assert ("a", "2", "1.0, 2.0") == (
            row["Package"],
            row["Versions"],
            row["Locked at, oldest first"],
        )


def test_vulnerabilities_come_first_and_health_is_its_own_section(
    engine: Engine, tmp_path: Path
) -> None:
    """A health finding open since day 0 and an unrated vulnerability since day 2: the
    project page's oldest open finding is the vulnerability, the open-findings table holds
    it and the health one has its own table; the snapshot page ranks the vulnerability and
    lists the health finding only in its own section."""
    a, b = pypi("a", "1.0"), pypi("b", "1.0")
    unmaintained = Finding(
        package_id=a.id,
        kind=FindingKind.HEALTH,
        id="HEALTH-UNMAINTAINED",
        severity=Severity.LOW,
        summary="no release for 3 years",
    )
    vuln = finding(b, "PYSEC-2021-98", Severity.UNKNOWN)
    save(engine, small_graph(a, b), findings=[unmaintained], taken_at=day(0))
    save(engine, small_graph(a, b), findings=[unmaintained, vuln], taken_at=day(2))
    last = save(engine, small_graph(a, b), findings=[unmaintained, vuln], taken_at=day(5))
    render_site(engine, tmp_path)
    project = read_page(tmp_path / paths.project_page("demo"))
    text = " ".join(project.text.split())
    assert "Oldest open finding 3 days PYSEC-2021-98 (vulnerability) in b" in text
    assert ["PYSEC-2021-98"] == project.table("open-table").column("Finding")
    assert ["HEALTH-UNMAINTAINED"] == project.table("health-table").column("Finding")
    page = read_page(tmp_path / paths.snapshot_page("demo", last))
    ranked = page.table("findings-table").column("Finding")
    assert 1 == len(ranked)
    assert ranked[0].startswith("PYSEC-2021-98")
    assert ["a"] == [r["Package"].split()[0] for r in page.table("kind-health-table").records()]
