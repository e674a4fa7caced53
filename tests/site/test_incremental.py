"""Rendering what changed: a report run renders its project and the index, other projects'
pages are left exactly as they are (not even rewritten), a changed row re-renders exactly
its index pages, a build resumes after an interruption, and however the folder got there
it ends up with the bytes of a full render of the same store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from auditor.core.errors import AuditorError, UsageError
from auditor.core.findings import Severity
from auditor.core.model import UnsupportedFile
from auditor.core.result import Status
from auditor.site import SiteOptions, index, manifest, paths, render_site
from auditor.site.data import read_project
from auditor.store import open_store
from auditor.store.portfolio import entries, save_cached
from tests.site.htmltables import read_page
from tests.site.stories import fail_writes_from, files, stamps, story
from tests.store.helpers import day, finding, pypi, save, small_graph

NAMES = ("alpha", "bravo", "charlie", "delta", "echo")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield engine
    engine.dispose()


def portfolio(engine: Engine, names: tuple[str, ...] = NAMES) -> None:
    for number, name in enumerate(names):
        story(engine, name, start=number)


def night(engine: Engine, project: str, when: int = 30, *, advisory: str = "GHSA-9") -> int:
    """One more run of ``project``: c is gone, b has a critical finding (risk 10)."""
    a, b = pypi("a", "1.1"), pypi("b", "2.0")
    return save(
        engine,
        small_graph(a, b),
        project=project,
        findings=[finding(b, advisory, Severity.CRITICAL)],
        taken_at=day(when),
    )


def under(name: str, stamped: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    folder = paths.project_dir(name) + "/"
    return {path: stamp for path, stamp in stamped.items() if path.startswith(folder)}


def test_a_report_renders_its_project_and_the_index_and_nothing_else(
    engine: Engine, tmp_path: Path
) -> None:
    """After a new snapshot of one project, rendering it rewrites only its changed pages, the
    index and the page of the advisory it now has open (a page across projects); every page
    of the other projects keeps its inode and mtime; the folder then equals a full render of
    the same store into an empty folder."""
    portfolio(engine)
    out = tmp_path / "site"
    first = render_site(engine, out)
    assert (5, 0) == (first.rendered, first.current)
    before = stamps(out)
    time.sleep(0.01)
    night(engine, "charlie")
    summary = render_site(engine, out, projects=("charlie",))
    after = stamps(out)
    assert (1, 0, 5) == (summary.rendered, summary.current, summary.projects)
    for name in NAMES:
        if name != "charlie":
            assert under(name, before) == under(name, after), name
    changed = {p for p in after if before.get(p) != after[p]}
    assert "index.html" in changed
    charlie = paths.project_dir("charlie") + "/"
    opened = paths.advisory_page("GHSA-9")
    assert opened in changed
    assert changed - {"index.html", manifest.MANIFEST, opened} <= {
        p for p in after if p.startswith(charlie)
    }
    assert paths.snapshot_page("charlie", night_id(engine, "charlie")) in changed
    unchanged_charlie = [p for p in under("charlie", before) if p in under("charlie", after)]
    assert [p for p in unchanged_charlie if p not in changed]  # equal bytes: not rewritten
    full = tmp_path / "full"
    render_site(engine, full)
    assert files(full) == files(out)


def night_id(engine: Engine, project: str) -> int:
    with engine.connect() as conn:
        query = sa.text(
            "SELECT max(s.id) FROM snapshot s JOIN project p ON p.id = s.project_id "
            "WHERE p.name = :name"
        )
        return int(conn.execute(query, {"name": project}).scalar_one())


def test_a_changed_row_rerenders_exactly_its_index_pages(engine: Engine, tmp_path: Path) -> None:
    """Index pages of two projects each: when echo (page 3) gains a snapshot that nobody
    rendered and alpha (page 1) is reported, alpha's pages, index.html (its rows and the
    search data of every row) and index-3.html are rendered; index-2.html and echo's own
    pages are left alone; echo's row is recomputed once and kept in the store."""
    options = SiteOptions(page_size=2)
    portfolio(engine)
    out = tmp_path / "site"
    render_site(engine, out, options)
    assert {"index.html", "index-2.html", "index-3.html"} <= set(files(out))
    before = stamps(out)
    time.sleep(0.01)
    night(engine, "echo")
    night(engine, "alpha", 31)
    summary = render_site(engine, out, options, projects=("alpha",))
    after = stamps(out)
    index_pages = {p for p in after if p.startswith("index")}
    assert {"index.html", "index-3.html"} == {p for p in index_pages if before[p] != after[p]}
    assert under("echo", before) == under("echo", after)
    alpha_pages = [p for p in under("alpha", after) if p.endswith(".html")]
    shared = [p for p in after if p.startswith(f"{paths.ADVISORIES}/")]  # rendered every run
    assert len(alpha_pages) + 2 + len(shared) == summary.pages  # and two of the index
    echo_row = read_page(out / "index-3.html").table("projects").records()[0]
    assert "echo" == echo_row["Project"]
    assert ("10", "1") == (echo_row["Risk"], echo_row["Open findings"])
    cached = {e.name: e for e in entries(engine, index.ROW_KIND)}
    assert index.row_key(cached["echo"].state) == cached["echo"].cached_key
    assert 10 == json.loads(cached["echo"].cached or "")["score"]


def test_rows_are_recomputed_only_when_stale(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A render reads every other project's row from the store; only a project whose
    snapshots changed since its row was kept is summed up again, once."""
    portfolio(engine)
    out = tmp_path / "site"
    render_site(engine, out)
    computed: list[str] = []
    original = index.compute_row

    def counting(engine: Engine, name: str) -> index.IndexRow | None:
        computed.append(name)
        return original(engine, name)

    monkeypatch.setattr(index, "compute_row", counting)
    render_site(engine, out, projects=("alpha",))
    assert [] == computed
    night(engine, "delta")
    render_site(engine, out, projects=("alpha",))
    render_site(engine, out, projects=("alpha",))
    assert ["delta"] == computed


def test_site_build_resumes_after_an_interruption(engine: Engine, tmp_path: Path) -> None:
    """A build stopped while rendering the third project leaves the first two complete;
    the next build skips them (their files untouched) and ends with a full site."""
    portfolio(engine)
    out = tmp_path / "site"

    def stop_at_charlie(text: str) -> None:
        if text == "rendering charlie":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        render_site(engine, out, progress=stop_at_charlie)
    assert manifest.read_project(out, "bravo") is not None
    assert manifest.read_project(out, "charlie") is None
    assert not (out / "index.html").exists()
    done = stamps(out)
    summary = render_site(engine, out)
    assert (3, 2) == (summary.rendered, summary.current)
    after = stamps(out)
    assert {p: done[p] for p in done} == {p: after[p] for p in done}
    full = tmp_path / "full"
    render_site(engine, full)
    assert files(full) == files(out)


def test_a_project_cut_off_in_the_middle_is_rendered_again(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write failing halfway through a project's pages leaves its old manifest, so the
    next build renders that project again rather than trusting a half-written folder."""
    portfolio(engine, NAMES[:2])
    out = tmp_path / "site"
    render_site(engine, out)
    night(engine, "bravo")
    restore = fail_writes_from(monkeypatch, 3)
    with pytest.raises(AuditorError, match="No space left on device"):
        render_site(engine, out)
    restore()
    summary = render_site(engine, out)
    assert (1, 1) == (summary.rendered, summary.current)
    full = tmp_path / "full"
    render_site(engine, full)
    assert files(full) == files(out)


def test_a_killed_site_build_resumes(tmp_path: Path) -> None:
    """`auditor site build` killed with SIGKILL once a project is complete: the next build
    skips what is complete and the folder ends equal to a build from scratch."""
    db = tmp_path / "store.db"
    engine = open_store(f"sqlite:///{db}")
    try:
        portfolio(engine, tuple(f"project-{n:02d}" for n in range(12)))
    finally:
        engine.dispose()
    out = tmp_path / "site"
    command = [sys.executable, "-m", "auditor", "site", "build", "--db", str(db), "--quiet"]
    process = subprocess.Popen([*command, "--out", str(out)])
    deadline = time.monotonic() + 120
    while not list(out.glob(f"p/*/{manifest.PROJECT_MANIFEST}")):
        assert process.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not (out / "index.html").exists()
    resumed = subprocess.run([*command, "--out", str(out)], check=False)
    assert 0 == resumed.returncode
    scratch = subprocess.run([*command, "--out", str(tmp_path / "full")], check=False)
    assert 0 == scratch.returncode
    assert files(tmp_path / "full") == files(out)
    assert not [p for p in files(out) if p.endswith(".tmp")]


def test_a_new_renderer_renders_again_but_writes_only_what_differs(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another auditor (version, templates, libraries) invalidates every page; pages whose
    bytes come out the same are still not rewritten."""
    portfolio(engine, NAMES[:2])
    out = tmp_path / "site"
    render_site(engine, out)
    before = stamps(out)
    monkeypatch.setattr(manifest, "renderer", lambda: "another auditor")
    summary = render_site(engine, out)
    assert (2, 0) == (summary.rendered, summary.current)
    html = {p for p in before if p.endswith(".html")}
    assert {p: before[p] for p in html} == {p: stamps(out)[p] for p in html}
    assert summary.pages == len(html)


def test_full_renders_everything_and_options_count_as_inputs(
    engine: Engine, tmp_path: Path
) -> None:
    """``full`` renders every chosen project; other options make other pages, so they are
    inputs too."""
    portfolio(engine, NAMES[:2])
    out = tmp_path / "site"
    render_site(engine, out)
    assert 0 == render_site(engine, out).rendered
    assert 2 == render_site(engine, out, full=True).rendered
    fewer = render_site(engine, out, SiteOptions(snapshot_pages=1))
    assert 2 == fewer.rendered
    assert 1 == len(list((out / paths.project_dir("alpha") / "s").iterdir()))


def test_projects_no_longer_in_the_store_leave_with_a_build(tmp_path: Path) -> None:
    """A build removes the pages of projects the store does not hold; a report render
    leaves them (they are not its business); other files in the folder always stay."""
    out = tmp_path / "site"
    first = open_store(f"sqlite:///{tmp_path / 'one.db'}")
    second = open_store(f"sqlite:///{tmp_path / 'two.db'}")
    try:
        portfolio(first, ("alpha", "bravo"))
        portfolio(second, ("alpha",))
        render_site(first, out)
        (out / "sbom.cdx.json").write_text("{}")
        render_site(second, out, projects=("alpha",))
        assert (out / paths.project_page("bravo")).is_file()
        render_site(second, out)
        assert not (out / paths.project_dir("bravo")).exists()
        assert (out / paths.project_page("alpha")).is_file()
        assert (out / "sbom.cdx.json").is_file()
        full = tmp_path / "full"
        render_site(second, full)
        assert files(full) == {k: v for k, v in files(out).items() if k != "sbom.cdx.json"}
    finally:
        first.dispose()
        second.dispose()


def test_the_index_links_only_to_projects_with_pages_here(engine: Engine, tmp_path: Path) -> None:
    """A report into an empty folder renders its project and an index of every project:
    the others are listed with their numbers but without a link, and the page says why."""
    portfolio(engine, NAMES[:3])
    out = tmp_path / "site"
    render_site(engine, out, projects=("bravo",))
    page = read_page(out / "index.html")
    assert [paths.project_page("bravo")] == [link for link in page.links if link.startswith("p/")]
    assert list(NAMES[:3]) == page.table("projects").column("Project")
    assert "has no pages in this site" in page.text
    assert [manifest.MANIFEST, "index.html"] == sorted(p for p in files(out) if "/" not in p)


def test_an_older_auditors_folder_is_taken_over(engine: Engine, tmp_path: Path) -> None:
    """A folder an older auditor wrote (one manifest listing every file): a report render
    removes its own project's stale pages and keeps the others' (still linked); a build
    then takes every project over and the folder equals a fresh build."""
    portfolio(engine, NAMES[:2])
    out = tmp_path / "site"
    render_site(engine, out)
    for pages in manifest.project_manifests(out):
        (out / manifest.project_manifest(pages.project)).unlink()
    stale = {
        name: f"{paths.project_dir(name)}/s/999.html" for name in NAMES[:2]
    }  # pages a snapshot pruned since would have left
    for path in stale.values():
        (out / path).write_text("old")
    listed = sorted(p for p in files(out) if p != manifest.MANIFEST)
    (out / manifest.MANIFEST).write_text(json.dumps({"files": [*listed, "../outside.txt"]}))
    (tmp_path / "outside.txt").write_text("keep")
    render_site(engine, out, projects=("alpha",))
    assert not (out / stale["alpha"]).exists()
    assert (out / stale["bravo"]).exists()
    assert paths.project_page("bravo") in read_page(out / "index.html").links
    render_site(engine, out)
    assert not (out / stale["bravo"]).exists()
    assert "keep" == (tmp_path / "outside.txt").read_text()
    full = tmp_path / "full"
    render_site(engine, full)
    assert files(full) == files(out)


def test_tampered_manifests_touch_nothing_outside_their_folder(
    engine: Engine, tmp_path: Path
) -> None:
    """A project manifest naming files outside its project's folder, or copied into
    another project's folder, is ignored: the project is rendered again and nothing else
    is deleted."""
    portfolio(engine, NAMES[:2])
    out = tmp_path / "site"
    render_site(engine, out)
    victim = out / paths.project_page("bravo")
    alpha = out / manifest.project_manifest("alpha")
    data = json.loads(alpha.read_text())
    data["pages"] += [paths.project_page("bravo"), "../victim.txt", "index.html"]
    data["inputs"] = "changed"
    alpha.write_text(json.dumps(data))
    (tmp_path / "victim.txt").write_text("keep")
    summary = render_site(engine, out, projects=("alpha",))
    assert 1 == summary.rendered
    assert victim.is_file()
    assert "keep" == (tmp_path / "victim.txt").read_text()
    bravo = out / manifest.project_manifest("bravo")
    bravo.write_text(alpha.read_text())  # alpha's manifest in bravo's folder
    assert manifest.read_project(out, "bravo") is None
    assert 1 == render_site(engine, out, projects=("bravo",)).rendered
    assert (out / paths.project_page("alpha")).is_file()


def test_reports_of_many_projects_at_once_share_one_store(store_url: str, tmp_path: Path) -> None:
    """Six repositories' nightly runs at the same moment (SQLite and PostgreSQL): each saves
    its snapshot and renders its own folder; all land, and the next render finds every
    row it needs in the store, none stale (the cache ends keyed by each project's state)."""
    names = tuple(f"repo-{n}" for n in range(6))
    setup = open_store(store_url)
    try:
        portfolio(setup, names)
    finally:
        setup.dispose()
    errors: list[BaseException] = []

    def nightly(number: int, name: str) -> None:
        engine = open_store(store_url)
        try:
            night(engine, name, 40 + number)
            render_site(engine, tmp_path / name, projects=(name,))
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=nightly, args=item) for item in enumerate(names)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [] == errors
    engine = open_store(store_url)
    try:
        render_site(engine, tmp_path / "after", projects=(names[0],))
        cached = list(entries(engine, index.ROW_KIND))
        assert all(e.cached_key == index.row_key(e.state) for e in cached)
        risks = read_page(tmp_path / "after" / "index.html").table("projects").column("Risk")
        assert ["10"] * 6 == risks
    finally:
        engine.dispose()


def test_a_cached_row_that_does_not_fit_its_project_is_computed_again(
    engine: Engine, tmp_path: Path
) -> None:
    """The store is not always trusted: a row under the right key that names another
    project, an unknown band or unreadable JSON is summed up again, never shown."""
    portfolio(engine, NAMES[:3])
    render_site(engine, tmp_path / "site")
    states = {e.name: e.state for e in entries(engine, index.ROW_KIND)}
    forged = {"name": "charlie", "score": 99, "band": "none", "before_snapshot": None}
    save_cached(
        engine,
        index.ROW_KIND,
        [
            ("alpha", index.row_key(states["alpha"]), json.dumps(forged)),
            ("bravo", index.row_key(states["bravo"]), "{not json"),
        ],
    )
    render_site(engine, tmp_path / "site", projects=("charlie",))
    rows = read_page(tmp_path / "site" / "index.html").table("projects").records()
    assert ["alpha", "bravo", "charlie"] == [r["Project"] for r in rows]
    assert {"6"} == {r["Risk"] for r in rows}


def test_a_row_read_back_from_the_store_renders_the_same_bytes(
    engine: Engine, tmp_path: Path
) -> None:
    """The index made from rows just computed and from the same rows read back from the
    store is the same page, byte for byte (a project without findings scores 0 either way),
    so a build that changed nothing writes nothing."""
    save(engine, small_graph(pypi("a")), project="quiet", taken_at=day(0))
    story(engine, "loud")
    out = tmp_path / "site"
    render_site(engine, out)
    before = stamps(out)
    summary = render_site(engine, out)
    assert (0, 0) == (summary.written, summary.pages)
    assert before == stamps(out)


def test_a_row_counts_runs_partial_only_through_unsupported_files_as_whole(
    engine: Engine,
) -> None:
    """A week whose run read every supported file (partial only because of a mix.lock)
    shows that run, as the project page does; a run partial through a broken file does
    not replace the complete one before it. The row computed from the snapshot list equals
    the one made from the whole history."""
    a, b = pypi("a", "1.0"), pypi("b", "1.0")
    mix = UnsupportedFile(path="mix.lock", kind="lockfile", reason="lockfile of Elixir (Mix)")
    critical = [finding(b, "GHSA-9", Severity.CRITICAL)]
    save(engine, small_graph(a, b), project="p", findings=critical, taken_at=day(0))
    save(engine, small_graph(a, b), project="p", status=Status.PARTIAL, taken_at=day(7),
         unsupported=[mix])  # fmt: skip
    save(engine, small_graph(a, b), project="p", findings=critical, taken_at=day(14))
    save(engine, small_graph(a, b), project="p", status=Status.PARTIAL, taken_at=day(21))
    history = read_project(engine, "p", snapshot_pages=20)
    assert history is not None
    assert index.history_row(history) == index.compute_row(engine, "p")
    assert (10.0, 0.0, 10.0, 10.0) == index.history_row(history).spark


def test_an_advisorys_page_follows_the_projects_that_have_it_open(
    engine: Engine, tmp_path: Path
) -> None:
    """The "affected projects" page of an advisory appears when a project has it open, is
    rewritten when another project opens it (that project's report renders it), and goes
    when no project has it open; a file of the user's in ``a/`` is refused."""
    portfolio(engine, NAMES[:2])
    out = tmp_path / "site"
    night(engine, "alpha")
    render_site(engine, out, projects=("alpha",))
    page = out / paths.advisory_page("GHSA-9")
    assert ["alpha"] == read_page(page).table("affected-table").column("Project")
    links = [
        link
        for link in read_page(page).links
        if link.startswith("../p/") and link.endswith("/index.html")
    ]
    assert ["../" + paths.project_page("alpha")] == links  # linked: its pages are here
    night(engine, "bravo")
    render_site(engine, out, projects=("bravo",))
    assert ["alpha", "bravo"] == read_page(page).table("affected-table").column("Project")
    links = [
        link
        for link in read_page(page).links
        if link.startswith("../p/") and link.endswith("/index.html")
    ]
    assert ["../" + paths.project_page(n) for n in ("alpha", "bravo")] == links
    other = tmp_path / "bravo-only"  # a folder without alpha's pages: alpha is not linked
    render_site(engine, other, projects=("bravo",))
    shown = read_page(other / paths.advisory_page("GHSA-9"))
    assert ["alpha", "bravo"] == shown.table("affected-table").column("Project")
    assert ["../" + paths.project_page("bravo")] == [
        link for link in shown.links if link.startswith("../p/") and link.endswith("/index.html")
    ]
    for name, when in (("alpha", 40), ("bravo", 41)):
        save(engine, small_graph(pypi("a", "1.1")), project=name, taken_at=day(when))
    render_site(engine, out, projects=("alpha",))
    assert not page.exists()
    assert () == manifest.read_index(out).advisories
    (out / paths.ADVISORIES).mkdir()
    (out / paths.ADVISORIES / "mine.html").write_text("ours")
    with pytest.raises(UsageError, match=r"a/mine\.html exists and auditor did not write it"):
        render_site(engine, out)
