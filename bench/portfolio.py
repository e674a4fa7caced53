"""Benchmark of a portfolio: one project's nightly report in a store of many projects.

    python bench/portfolio.py [--projects 10,100,1000] [--repeat 3] [--postgres URL]
                              [--keep DIR] [--no-site-build]

Builds a store of PROJECTS synthetic projects with 12 monthly snapshots each, made from real
lockfiles of the test fixtures in several ecosystems (PyPI, npm, pnpm, Go, Cargo, RubyGems,
Packagist): each base lockfile is audited once (offline, the bundled advisory data, no
registry), its twelve monthly states are planned once (real histories where the fixtures
have them; otherwise the lockfile with about 1% of its packages arriving each month), and
every project of that base saves the same plans under its own name through the store API.

Then, for each size, in separate processes (wall time and peak RSS from ``wait4``), one
project's (a saleor one) nightly runs and the portfolio's build:

- ``report --no-site``: the nightly run without the site (the fixed cost);
- ``report`` into an empty folder, before any index row is kept in the store (once after an
  upgrade or a bulk import);
- ``site build``: the whole portfolio rendered once (the scheduled org-wide job);
- ``report`` into an empty folder (a repository's Action on a fresh runner, every night);
- ``site build`` again: one project changed since the last build;
- ``report`` into the folder the site build wrote (a persistent folder).

With ``--no-site-build``, or code that has no ``site build`` (to measure an older auditor),
only the runs ``report --no-site`` and ``report`` into an empty folder are made (and, with
``site build``, the first report before the rows are cached). ``--site-build-max N`` makes
the whole portfolio's builds (and the reports into their folder) only at sizes up to N: a
build of 1,000 projects takes as long as a thousand projects' pages do.

The nightly runs are repeated ``--repeat`` times, interleaved between the sizes so that a
change in the machine's load touches every size alike; the table gives their medians.

The report runs file their snapshots under the months after the stored history
(``--snapshot-time``), so each size measures the same work. See docs/scaling.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).parent))

from pnpm import Run, run_process

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from auditor.core.result import AuditResult
    from auditor.store import SnapshotMeta
    from auditor.store.write import SnapshotPlan

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
MONTHS = 12
START = dt.datetime(2024, 1, 1, 2, tzinfo=dt.timezone.utc)
MONTH = dt.timedelta(days=30)
# the flags every audit of the benchmark runs with: offline, bundled advisories, no registry
AUDIT_FLAGS = ["--offline", "--no-registry", "--source", "osv-local"]


@dataclass(frozen=True)
class Base:
    """A real lockfile (or a real history of one) that projects are made from."""

    name: str
    folders: tuple[str, ...]  # below tests/fixtures, oldest first


BASES = (
    Base(
        "saleor",
        tuple(
            f"history/saleor/{d}"
            for d in (
                "2019-10-17__069b8b82",
                "2019-11-27__1e5ac3f8",
                "2019-12-20__b0a0a04b",
                "2020-02-20__a0418f5a",
                "2020-03-30__a1d8a107",
                "2020-04-28__72cfe264",
                "2020-05-26__ea8e38c6",
                "2020-06-30__30c93eb3",
            )
        ),
    ),
    Base(
        "warehouse",
        tuple(
            f"requirements/real/pypi__warehouse__{d}"
            for d in ("2015-11-27", "2016-06-30", "2019-06-21", "2024-10-10")
        ),
    ),
    Base("redash", ("uv-lock/real/getredash__redash__ca79fe98",)),
    Base("bookstack", ("npm-package-lock/real/BookStackApp__BookStack",)),
    Base("argo-cd", ("pnpm-lock/real/argoproj__argo-cd__ui",)),
    Base("prometheus", ("go-mod/real/prometheus__prometheus",)),
    Base("uv", ("cargo-lock/real/astral-sh__uv__26a9dd4b",)),
    Base("rails", ("gemfile-lock/real/rails__rails__2a2db1e8",)),
    Base("wallabag", ("composer-lock/real/wallabag__wallabag__5afc37df",)),
    Base("poetry", ("poetry-lock/real/python-poetry__poetry__e54f3907",)),
)


def audit_folder(folder: Path, cache: Path) -> tuple[AuditResult, SnapshotMeta]:
    """Audit one lockfile folder as ``auditor report`` would (same flags), in process."""
    from auditor.pipeline.audit import audit, collect_paths
    from auditor.pipeline.setup import AuditRequest, prepare
    from auditor.pipeline.snapshot import advisory_identity, input_records
    from auditor.store import SnapshotMeta

    request = AuditRequest(
        paths=(str(folder),),
        offline=True,
        no_registry=True,
        sources=("osv-local",),
        cache_dir=cache,
    )
    with prepare(request, cwd=folder) as setup:
        collection = collect_paths([str(folder)], cwd=folder)
        result = audit(collection, setup.options)
    identity, updated = advisory_identity(result)
    meta = SnapshotMeta(
        inputs=input_records(collection.targets, collection),
        advisory_db=identity,
        advisory_db_updated_at=updated,
    )
    return result, meta


def _absent(package_id: str, month: int, share: float) -> bool:
    """Whether a package has not arrived yet in ``month`` (about ``share`` of the packages
    per month before the last), decided by its id so that every run agrees."""
    roll = int.from_bytes(hashlib.sha256(package_id.encode()).digest()[:4], "big") / 2**32
    return roll < share * (MONTHS - 1 - month)


def month_result(result: AuditResult, month: int, share: float) -> AuditResult:
    """``result`` as it was ``month`` months into the year: the late packages left out."""
    from auditor.core.graph import DependencyGraph

    if share <= 0:
        return result
    graph = result.graph
    keep = {p.id for p in graph.packages if not _absent(p.id, month, share)}
    smaller = DependencyGraph(
        packages=[graph.package(i) for i in sorted(keep)],
        edges=graph.edges,  # the graph drops the edges of packages left out
        roots=graph.roots,
    )
    return dataclasses.replace(
        result,
        graph=smaller,
        findings=tuple(f for f in result.findings if f.package_id in keep),
        fix_plans=tuple(p for p in result.fix_plans if p.package_id in keep),
        unchecked=tuple(u for u in result.unchecked if u[0] in keep),
    )


def base_plans(base: Base, cache: Path) -> list[SnapshotPlan]:
    """The twelve monthly snapshots of a base, planned once (digests, chunks, sets)."""
    from auditor.store.write import plan_snapshot

    audited = [audit_folder(FIXTURES / f, cache) for f in base.folders]
    share = 0.01 if len(audited) == 1 else 0.0
    plans = []
    for month in range(MONTHS):
        result, meta = audited[month * len(audited) // MONTHS]
        plans.append(plan_snapshot("template", month_result(result, month, share), meta))
    return plans


def project_name(number: int) -> str:
    return f"{BASES[number % len(BASES)].name}-{number:04d}"


def build_store(url: str, projects: int, plans: dict[str, list[SnapshotPlan]]) -> None:
    """Save every project's twelve snapshots, one transaction per project."""
    from auditor.store import open_store
    from auditor.store.engine import transaction
    from auditor.store.queries import shown_url

    engine = open_store(url)
    started = time.perf_counter()
    try:
        for number in range(projects):
            templates = plans[BASES[number % len(BASES)].name]
            work = functools.partial(save_project, number=number, templates=templates)
            transaction(engine, work, write=True, shown=shown_url(engine))
            if (number + 1) % 100 == 0:
                rate = (number + 1) / (time.perf_counter() - started)
                print(f"    stored {number + 1}/{projects} projects ({rate:.1f}/s)", flush=True)
    finally:
        engine.dispose()


def save_project(conn: Connection, *, number: int, templates: list[SnapshotPlan]) -> None:
    """One project's twelve months: the planned snapshots under its name and times."""
    from auditor.store.write import write_plan

    name = project_name(number)
    for month, template in enumerate(templates):
        meta = dataclasses.replace(
            template.meta,
            taken_at=START + month * MONTH + dt.timedelta(minutes=number % 1440),
            git_commit=hashlib.sha256(f"{name}/{month}".encode()).hexdigest()[:40],
        )
        write_plan(conn, dataclasses.replace(template, project=name, meta=meta))


def auditor(*args: str) -> list[str]:
    return [sys.executable, "-m", "auditor", *args]


def has_site_build() -> bool:
    found = subprocess.run(auditor("site", "--help"), capture_output=True, check=False)
    return found.returncode == 0


@dataclass(frozen=True)
class Measured:
    what: str
    run: Run
    pages: int | None = None
    megabytes: float | None = None


def site_size(folder: Path) -> tuple[int, float]:
    pages = list(folder.rglob("*.html"))
    return len(pages), sum(p.stat().st_size for p in pages) / 1e6


@dataclass
class Portfolio:
    """One size's store, the project measured, and the folders its runs write."""

    size: int
    url: str
    folder: Path
    months: Iterator[int] = dataclasses.field(default_factory=lambda: iter(range(MONTHS, 999)))

    def report(self, out: Path, *extra: str) -> Run:
        """The measured project's next nightly report (the next month's snapshot)."""
        checkout = self.folder / "checkout"
        if not checkout.exists():
            shutil.copytree(FIXTURES / BASES[0].folders[-1], checkout)
        moment = (START + next(self.months) * MONTH).isoformat()
        argv = auditor(
            "report", str(checkout), "--project", project_name(0), "--db", self.url,
            "--out", str(out), "--snapshot-time", moment, "--quiet",
            "--cache-dir", str(self.folder / "cache"), *AUDIT_FLAGS, *extra,
        )  # fmt: skip
        return run_process(argv, cwd=checkout)

    def build(self, out: Path) -> Run:
        argv = auditor("site", "build", "--db", self.url, "--out", str(out), "--quiet")
        return run_process(argv, cwd=self.folder)


def once(portfolio: Portfolio, incremental: bool, site_build: bool) -> Iterator[Measured]:
    """What is measured once per size: the first report (no index row kept yet) and the
    whole portfolio's build."""
    if not incremental:
        return
    first = portfolio.folder / "first"
    what = "report, empty folder, rows not cached"
    yield Measured(what, portfolio.report(first), *site_size(first))
    if not site_build:
        return
    site = portfolio.folder / "portfolio"
    yield Measured("site build (whole portfolio)", portfolio.build(site), *site_size(site))


def nightly(portfolio: Portfolio, site_build: bool, number: int) -> Iterator[Measured]:
    """One round of the nightly runs (repeated, interleaved between the sizes)."""
    yield Measured("report --no-site", portfolio.report(portfolio.folder / "bare", "--no-site"))
    fresh = portfolio.folder / f"fresh-{number}"
    yield Measured("report, empty folder", portfolio.report(fresh), *site_size(fresh))
    if not site_build:
        return
    site = portfolio.folder / "portfolio"
    yield Measured("site build again (one project changed)", portfolio.build(site))
    run = portfolio.report(site)
    yield Measured("report, into the portfolio site", run, *site_size(site))


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f}"


def build(url: str, projects: int, scratch: Path) -> None:
    """Plan the bases and save ``projects`` projects into the store at ``url``."""
    print(f"  planning {len(BASES)} bases x {MONTHS} months", flush=True)
    started = time.perf_counter()
    plans = {b.name: base_plans(b, scratch / "audit-cache") for b in BASES}
    for b in BASES:
        packages = [p.graph.packages for p in plans[b.name]]
        findings = [len(p.findings) for p in plans[b.name]]
        print(
            f"    {b.name:10} packages {packages[0]}..{packages[-1]}, "
            f"findings {findings[0]}..{findings[-1]}"
        )
    print(f"  planned in {time.perf_counter() - started:.0f} s; saving", flush=True)
    started = time.perf_counter()
    build_store(url, projects, plans)
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", default="10,100,1000", help="comma-separated sizes")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="a PostgreSQL server (a URL of one of its databases) to use instead of SQLite "
        "files: each size gets a database auditor_bench_nSIZE, dropped first",
    )
    parser.add_argument("--keep", metavar="DIR", help="work in DIR (kept) instead of a temp dir")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of nightly runs (median)")
    parser.add_argument("--no-site-build", action="store_true", help="skip `site build`")
    parser.add_argument(
        "--site-build-max",
        type=int,
        metavar="N",
        help="run `site build` only at sizes up to N projects",
    )
    parser.add_argument("--build-only", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(n) for n in args.projects.split(",")]
    if args.build_only:  # the child that builds a store, so that the measuring parent stays small
        build(args.build_only, sizes[0], Path(args.keep))
        return
    incremental = has_site_build()
    site_build = not args.no_site_build and incremental

    def builds(size: int) -> bool:
        return site_build and (args.site_build_max is None or size <= args.site_build_max)

    results: dict[tuple[int, str], list[Measured]] = {}

    def record(size: int, item: Measured) -> None:
        results.setdefault((size, item.what), []).append(item)
        pages = f"{item.pages:,} pages, {item.megabytes:,.1f} MB" if item.pages else ""
        print(
            f"  {size:5} {item.what:40} {item.run.seconds:7.1f} s "
            f"{item.run.peak_rss_mb:6.0f} MB  {pages}  ({load()})",
            flush=True,
        )

    with tempfile.TemporaryDirectory() as temporary:
        scratch = Path(args.keep or temporary)
        scratch.mkdir(parents=True, exist_ok=True)
        portfolios = []
        for size in sizes:
            folder = scratch / f"n{size}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            url = f"sqlite:///{folder / 'store.db'}"
            if args.postgres:
                url = postgres_database(args.postgres, f"auditor_bench_n{size}")
            print(f"{size} projects: building the store ({load()})", flush=True)
            subprocess.run(
                [sys.executable, __file__, "--projects", str(size), "--keep", str(scratch),
                 "--build-only", url],
                check=True,
            )  # fmt: skip
            portfolios.append(Portfolio(size=size, url=url, folder=folder))
        for portfolio in portfolios:
            for item in once(portfolio, incremental, builds(portfolio.size)):
                record(portfolio.size, item)
        for number in range(args.repeat):  # interleaved, so that load drifts hit every size
            for portfolio in portfolios:
                for item in nightly(portfolio, builds(portfolio.size), number):
                    record(portfolio.size, item)
    print("\n| projects | run | wall (median) | peak RSS (max) | site |")
    print("|---:|---|---:|---:|---|")
    for (size, what), items in sorted(results.items(), key=lambda kv: (kv[0][0], order(kv[1]))):
        last = items[-1]
        pages = f"{last.pages:,} pages, {last.megabytes:,.1f} MB" if last.pages else ""
        seconds = statistics.median(i.run.seconds for i in items)
        peak = max(i.run.peak_rss_mb for i in items)
        runs = f" ({len(items)} runs)" if len(items) > 1 else ""
        print(f"| {size:,} | {what}{runs} | {seconds:.1f} s | {peak:.0f} MB | {pages} |")


ORDER = (
    "report --no-site",
    "report, empty folder, rows not cached",
    "site build (whole portfolio)",
    "report, empty folder",
    "site build again (one project changed)",
    "report, into the portfolio site",
)


def order(items: list[Measured]) -> int:
    return ORDER.index(items[0].what)


def postgres_database(server: str, name: str) -> str:
    """A new, empty database ``name`` on ``server`` (dropped first if it exists)."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


if __name__ == "__main__":
    main()
