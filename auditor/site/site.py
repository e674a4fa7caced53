"""Render the site: each project's pages, and the index of every project in the store.

A run renders what changed. Each project's pages are rendered again only when the digest
of their inputs (the project's state in the store, the renderer, the options) differs
from the one recorded beside them (``auditor.site.manifest``); a page whose bytes come out
the same is not rewritten. The index is rendered from one cached row per project
(``auditor.site.index``), page by page where its rows changed. Memory is bounded by one
project's pages and the index's small rows: no two projects' histories are held at once.

``render_site(engine, out)`` renders every project of the store (``auditor site build``);
``projects=(name,)`` renders that project and the index (``auditor report``); ``full=True``
renders the chosen projects whatever the manifests say. An interrupted render resumes:
projects whose pages are complete and current are skipped the next time.

The output depends only on the store's content, the options and which projects have pages
in the folder: no clock is read, pages and rows are sorted, and charts are rounded, so the
same store gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy.engine import Engine

from auditor.site import index as site_index
from auditor.site import manifest, paths
from auditor.site.advisory import advisory_index, advisory_pages, touched_by
from auditor.site.data import ProjectHistory, read_project
from auditor.site.jinja import INDEX, render
from auditor.site.licenses import licenses_page
from auditor.site.package import package_pages, pages_for
from auditor.site.project import (
    package_list_pages,
    project_context,
    snapshot_list_pages,
)
from auditor.site.risk import (
    DEV_WEIGHT,
    DIRECT_WEIGHT,
    FORMULA,
    KEV_WEIGHT,
    SEVERITY_WEIGHTS,
    TRANSITIVE_WEIGHT,
)
from auditor.site.snapshot import snapshot_pages
from auditor.site.views import Links
from auditor.store.inventory import Affected
from auditor.store.portfolio import all_entries, count_projects, project_state, save_cached

Progress = Callable[[str], None]
SAVE_ROWS_EVERY = 50  # projects rendered before their index rows are written to the store


@dataclass(frozen=True, kw_only=True)
class SiteOptions:
    snapshot_pages: int = 20  # snapshots of each project that get a page (the latest ones)
    page_size: int = 200  # rows per page of long tables (and of the index)
    weeks: int | None = 156  # latest weeks shown on the project page (charts, table); None: all


@dataclass(frozen=True, kw_only=True)
class SiteSummary:
    index: Path
    pages: int  # pages rendered by this run
    size: int  # bytes of HTML rendered by this run
    projects: int  # projects in the index
    rendered: int = 0  # projects whose pages this run rendered
    current: int = 0  # projects whose pages were already current (not rendered)
    written: int = 0  # files written (pages whose bytes changed, and new ones)


@dataclass
class _Tally:
    pages: int = 0
    size: int = 0
    written: int = 0
    rendered: int = 0
    current: int = 0
    rows: dict[str, site_index.IndexRow] = field(default_factory=dict)

    def add(self, files: dict[str, str], written: int) -> None:
        self.pages += len(files)
        self.size += sum(len(text.encode("utf-8")) for text in files.values())
        self.written += written


def render_site(
    engine: Engine,
    out: Path,
    options: SiteOptions | None = None,
    *,
    projects: Sequence[str] | None = None,
    full: bool = False,
    progress: Progress | None = None,
    force: bool = False,
) -> SiteSummary:
    """Render ``projects`` (default: every project of the store) where their inputs changed
    (``full``: whatever the manifests say), then the index; return what was done. Raises
    ``UsageError`` before writing anything when a page would replace a file auditor did not
    write, unless ``force`` (``manifest.check_folder``)."""
    manifest.check_folder(out, force=force)
    options = options or SiteOptions()
    say = progress or (lambda _text: None)
    renderer = manifest.renderer()
    known = manifest.read_index(out)
    whole = projects is None
    names: list[str] = []
    tally = _Tally()
    pending: list[tuple[str, bytes, str]] = []
    total = count_projects(engine) if projects is None else len(projects)
    touched, advisories = _read_advisories(engine, projects, say)
    open_in = _open_in(advisories)
    for number, (name, state) in enumerate(_states(engine, projects), start=1):
        names.append(name)  # the state is read before the history: see manifest.py
        # a project's findings link to the "affected projects" page of the advisories open
        # in its own latest snapshot (each has a page), so its pages depend on it alone
        linked = frozenset(open_in.get(name, ()))
        inputs = manifest.inputs_digest(
            "project", renderer, _options(options), state.hex(), sorted(linked)
        )
        before = manifest.read_project(out, name)
        if not full and before is not None and before.inputs == inputs and before.present(out):
            tally.current += 1
            continue
        say(f"reading {name} ({number}/{total})")
        history = read_project(engine, name, snapshot_pages=options.snapshot_pages)
        if history is None:
            continue
        say(f"rendering {name}")
        files = project_files(history, options, advisories=linked)
        previous = before.pages if before else known.legacy_under(paths.project_dir(name))
        # first a manifest that claims both renders' pages and matches no inputs: a render
        # cut short here leaves pages the next run knows as auditor's and renders again
        claimed = tuple(sorted(set(files) | set(previous)))
        manifest.write_project(out, manifest.ProjectPages(project=name, inputs="", pages=claimed))
        tally.add(files, paths.write_pages(out, files, previous))
        manifest.write_project(
            out, manifest.ProjectPages(project=name, inputs=inputs, pages=tuple(sorted(files)))
        )
        tally.rendered += 1
        row = site_index.history_row(history)
        tally.rows[name] = row
        pending.append((name, site_index.row_key(state), row.to_json()))
        if len(pending) >= SAVE_ROWS_EVERY:
            save_cached(engine, site_index.ROW_KIND, pending)
            pending.clear()
        del history, files
    save_cached(engine, site_index.ROW_KIND, pending)
    say("rendering the index")
    listed = site_index.listing(engine, out, tally.rows, say=say)
    digests = _write_index(out, listed, tally, options, known=known, full=full)
    say("rendering the advisories' pages")
    shared, recorded = _render_advisories(
        out, advisories, len(listed), tally=tally, known=known, touched=touched
    )
    done = {paths.project_dir(name) for name in tally.rows}
    legacy = tuple(
        p for p in known.legacy if "/" in p and _folder(p) not in done and p not in shared
    )
    if whole:
        legacy = _clean_up(out, set(names), legacy)
    manifest.write_index(
        out,
        manifest.IndexPages(pages=digests, advisories=recorded, legacy=legacy),
    )
    return SiteSummary(
        index=out / INDEX,
        pages=tally.pages,
        size=tally.size,
        projects=len(listed),
        rendered=tally.rendered,
        current=tally.current,
        written=tally.written,
    )


def _write_index(
    out: Path,
    listed: list[site_index.Listed],
    tally: _Tally,
    options: SiteOptions,
    *,
    known: manifest.IndexPages,
    full: bool,
) -> dict[str, str]:
    """Render the index's pages whose rows changed (``full``: all), write those whose bytes
    changed, remove pages it no longer has; return every page's input digest."""
    pages = site_index.index_pages(
        listed,
        page_size=options.page_size,
        renderer=manifest.renderer(),
        previous={} if full else known.pages,
        present=lambda path: (out / path).is_file(),
    )
    stale = [p for p in known.pages if p not in pages.digests]
    stale += [p for p in known.legacy if "/" not in p and p not in pages.digests]
    tally.add(pages.files, paths.write_pages(out, pages.files, stale))
    return pages.digests


def _open_in(advisories: Mapping[str, Sequence[Affected]]) -> dict[str, set[str]]:
    """Each project's advisories open in its latest snapshot."""
    found: dict[str, set[str]] = {}
    for advisory_id, affected in advisories.items():
        for item in affected:
            found.setdefault(item.snapshot.project, set()).add(advisory_id)
    return found


def _read_advisories(
    engine: Engine, projects: Sequence[str] | None, say: Progress
) -> tuple[frozenset[str] | None, dict[str, tuple[Affected, ...]]]:
    """The advisories whose pages this run renders (None: all, a whole build; a report:
    those its projects' snapshots can have changed) and the open ones among them."""
    say("reading the advisories open in the latest snapshots")
    touched = None if projects is None else touched_by(engine, projects)
    return touched, advisory_index(engine, only=touched)


def _render_advisories(
    out: Path,
    advisories: dict[str, tuple[Affected, ...]],
    projects: int,
    *,
    tally: _Tally,
    known: manifest.IndexPages,
    touched: frozenset[str] | None,
) -> tuple[dict[str, str], tuple[str, ...]]:
    """Render the pages of ``advisories`` (all of them in a whole build, ``touched`` is
    None; else those of the ``touched`` advisories open somewhere), write those whose bytes
    changed and remove the pages of the folder this run answers for that no project has
    open any longer; the other pages are left as they are. Return the pages rendered and
    every advisory page the folder now has (for the manifest)."""
    if touched is None:
        mine = list(known.advisories)
    else:
        wanted = {paths.advisory_page(advisory_id) for advisory_id in touched}
        mine = [p for p in known.advisories if p in wanted]
    files = _advisory_files(out, advisories, projects)
    tally.add(files, paths.write_pages(out, files, mine))
    kept = {p for p in known.advisories if p not in mine}
    return files, tuple(sorted(kept | files.keys()))


def _advisory_files(
    out: Path, advisories: dict[str, tuple[Affected, ...]], projects: int
) -> dict[str, str]:
    """The "affected projects" page of every advisory open somewhere: pages across
    projects, rendered by every run and written only where their bytes changed. A row links
    to its project's pages only when they are in ``out`` (as the index does)."""
    here: dict[str, bool] = {}
    files = {}
    for path, context in advisory_pages(advisories, projects):
        rows = []
        for row in context["rows"]:
            if row.project not in here:
                here[row.project] = (out / row.project_page).is_file()
            rows.append(
                row if here[row.project] else replace(row, project_page="", snapshot_page="")
            )
        title = f"{context['advisory_id']}: affected projects"
        files[path] = render(
            "advisory.html", path, title=title, crumbs=[], **{**context, "rows": rows}
        )
    return files


def _states(engine: Engine, projects: Sequence[str] | None) -> Iterator[tuple[str, bytes]]:
    """The chosen projects (default: every project, read a page of names at a time) and
    their states; a named project the store does not hold is left out."""
    if projects is None:
        for entry in all_entries(engine, site_index.ROW_KIND):
            yield entry.name, entry.state
        return
    for name in projects:
        state = project_state(engine, name)
        if state is not None:
            yield name, state


def _options(options: SiteOptions) -> list[int]:
    return [options.snapshot_pages, options.page_size, options.weeks or 0]  # 0: every week


def _folder(path: str) -> str:
    """The project folder a site path lies in (``p/<project>``)."""
    return "/".join(path.split("/")[:2])


def _clean_up(out: Path, names: set[str], legacy: tuple[str, ...]) -> tuple[str, ...]:
    """After rendering every project: remove the pages of projects the store no longer
    holds, and the pages an older auditor left that no project claimed."""
    known = {paths.project_dir(name) for name in names}
    for pages in manifest.project_manifests(out, besides=known):
        if pages.project not in names:
            manifest.remove_project(out, pages)
    paths.remove_files(out, legacy)
    return ()


def project_files(
    history: ProjectHistory, options: SiteOptions, *, advisories: frozenset[str] = frozenset()
) -> dict[str, str]:
    name = history.name
    links = Links(
        project=name,
        packages=pages_for(history),
        snapshots=frozenset(history.paged),
        advisories=advisories,
    )
    home = paths.project_page(name)
    crumbs = [(name, home)]
    files = {
        home: render(
            "project.html",
            home,
            title=name,
            crumbs=[],
            **project_context(history, links, weeks_shown=options.weeks),
            formula=FORMULA,
            weights=[(s.value, w) for s, w in SEVERITY_WEIGHTS.items()],
            direct_weight=DIRECT_WEIGHT,
            transitive_weight=TRANSITIVE_WEIGHT,
            dev_weight=DEV_WEIGHT,
            kev_weight=KEV_WEIGHT,
        )
    }
    for path, context in snapshot_list_pages(history, links, options.page_size):
        files[path] = render(
            "snapshots.html", path, title=f"{name}: snapshots", crumbs=crumbs, **context
        )
    for path, context in package_list_pages(history, links, options.page_size):
        files[path] = render(
            "packages.html", path, title=f"{name}: packages", crumbs=crumbs, **context
        )
    path, context = licenses_page(history, links)
    files[path] = render("licenses.html", path, title=f"{name}: licences", crumbs=crumbs, **context)
    for snapshot_id in history.paged:
        for path, context in snapshot_pages(history, snapshot_id, links, options.page_size):
            title = f"{name}: snapshot {snapshot_id}"
            files[path] = render("snapshot.html", path, title=title, crumbs=crumbs, **context)
    for path, context in package_pages(history, links):
        eco, pkg = context["key"]
        files[path] = render("package.html", path, title=f"{pkg} ({eco})", crumbs=crumbs, **context)
    return files
