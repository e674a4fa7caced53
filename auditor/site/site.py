"""Render the whole site: the index of every project in the store, and each project's pages.

The output depends only on the store's content and the options: no clock is read, pages
and rows are sorted, and charts are rounded, so the same store gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from auditor.site import paths
from auditor.site.advisory import advisory_index, advisory_pages
from auditor.site.charts import sparkline
from auditor.site.data import ProjectHistory, read_project
from auditor.site.jinja import assets, environment
from auditor.site.package import package_pages, pages_for
from auditor.site.project import (
    package_list_pages,
    project_context,
    snapshot_list_pages,
    trends,
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
from auditor.store import projects

INDEX = paths.INDEX
SPARK_WEEKS = 26

Progress = Callable[[str], None]


@dataclass(frozen=True, kw_only=True)
class SiteOptions:
    snapshot_pages: int = 20  # snapshots of each project that get a page (the latest ones)
    page_size: int = 200  # rows per page of long tables
    weeks: int = 156  # weeks shown on the project page (charts and table)


@dataclass(frozen=True, kw_only=True)
class SiteSummary:
    index: Path
    pages: int
    size: int  # bytes of HTML written
    projects: int


@dataclass(frozen=True, kw_only=True)
class ProjectRow:
    history: ProjectHistory
    url: str
    trends: Any
    spark: Any


def render_site(
    engine: Engine,
    out: Path,
    options: SiteOptions | None = None,
    *,
    progress: Progress | None = None,
    force: bool = False,
) -> SiteSummary:
    """Render every project of the store into ``out`` and return what was written."""
    files, count = build_site(engine, options, progress=progress)
    paths.write_site(out, files, force=force)
    return summarize(out, files, count)


def summarize(out: Path, files: dict[str, str], projects: int) -> SiteSummary:
    """What writing ``files`` (a site of ``projects`` projects) into ``out`` gave."""
    return SiteSummary(
        index=out / INDEX,
        pages=len(files),
        size=sum(len(text.encode("utf-8")) for text in files.values()),
        projects=projects,
    )


def build_site(
    engine: Engine,
    options: SiteOptions | None = None,
    *,
    progress: Progress | None = None,
) -> tuple[dict[str, str], int]:
    """Every page of the site (path → HTML) and the number of projects, in memory."""
    options = options or SiteOptions()
    say = progress or (lambda _text: None)
    files: dict[str, str] = {}
    rows = []
    names = projects(engine)
    say("reading the advisories open in the latest snapshots")
    advisories = advisory_index(engine)
    for number, name in enumerate(names, start=1):
        say(f"reading {name} ({number}/{len(names)})")
        history = read_project(engine, name, snapshot_pages=options.snapshot_pages)
        if history is None:
            continue
        say(f"rendering {name}")
        files.update(project_files(history, options, advisories=frozenset(advisories)))
        weekly = [r.score for r in history.week_risks()[-SPARK_WEEKS:]]
        rows.append(
            ProjectRow(
                history=history,
                url=paths.project_page(name),
                trends=trends(history),
                spark=sparkline(weekly, label=f"risk over the last {len(weekly)} weeks"),
            )
        )
    for path, context in advisory_pages(advisories, len(rows)):
        title = f"{context['advisory_id']}: affected projects"
        files[path] = render("advisory.html", path, title=title, crumbs=[], **context)
    files[INDEX] = render("index.html", INDEX, title="Projects", crumbs=[], projects=rows)
    say(f"writing {len(files)} pages")
    return files, len(rows)


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
    for snapshot_id in history.paged:
        for path, context in snapshot_pages(history, snapshot_id, links, options.page_size):
            title = f"{name}: snapshot {snapshot_id}"
            files[path] = render("snapshot.html", path, title=title, crumbs=crumbs, **context)
    for path, context in package_pages(history, links):
        eco, pkg = context["key"]
        files[path] = render("package.html", path, title=f"{pkg} ({eco})", crumbs=crumbs, **context)
    return files


def render(template: str, path: str, **context: Any) -> str:
    css, script, csp = assets()

    def link(target: str) -> str:
        return paths.relative(path, target)

    return (
        environment()
        .get_template(template)
        .render(
            page=path,
            link=link,
            home=INDEX,
            css=css,
            script=script,
            csp=csp,
            **context,
        )
    )
