"""Benchmark of the HTML report: a year of nightly runs of a large project, rendered.

    python bench/report.py [--days 365] [--packages 2000] [--churn 0.01] [--keep DIR]

Builds the store of bench/store.py (a synthetic project of PACKAGES packages replayed over
DAYS nightly runs with about CHURN of the packages changing each night, advisories
appearing and being fixed), then renders the site with the default options and reports
the time to render (reading the store included), the number of pages, the total size, and
the largest pages. See bench/README.md for the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from store import START, Project

from auditor.site import SiteOptions, render_site
from auditor.store import SnapshotMeta, open_store, save_snapshot


def build(url: str, args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    project = Project(rng=rng)
    for i in range(args.packages):
        project.add(direct=i < args.packages // 20)
    for _ in range(40):
        project.day(0)
    changes = max(1, round(args.packages * args.churn))
    engine = open_store(url)
    try:
        for day in range(args.days):
            if day:
                project.day(changes)
            meta = SnapshotMeta(taken_at=START + dt.timedelta(days=day), git_commit=f"{day:040x}")
            save_snapshot(engine, "bench", project.result(), meta)
            if day % 50 == 0:
                print(f"  stored {day + 1}/{args.days} nights", flush=True)
    finally:
        engine.dispose()


def measure(url: str, out: Path, args: argparse.Namespace) -> None:
    engine = open_store(url)
    stages: list[tuple[float, str]] = []
    start = time.perf_counter()
    cpu = time.process_time()
    try:
        summary = render_site(
            engine,
            out,
            SiteOptions(snapshot_pages=args.snapshot_pages),
            progress=lambda text: stages.append((time.perf_counter() - start, text)),
        )
    finally:
        engine.dispose()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    pages = sorted(out.rglob("*.html"), key=lambda p: p.stat().st_size)
    sizes = [p.stat().st_size for p in pages]
    kinds: dict[str, list[int]] = {}
    for page in pages:
        part = page.relative_to(out).parts
        kind = "index" if len(part) == 1 else part[2] if len(part) > 3 else part[-1].split("-")[0]
        kinds.setdefault(kind, []).append(page.stat().st_size)
    print(f"  render: {wall:.1f} s wall, {cpu:.1f} s CPU")
    for moment, text in stages:
        print(f"    {moment:6.1f} s  {text}")
    print(f"  pages: {summary.pages}, total {sum(sizes) / 1e6:.1f} MB")
    print(
        f"  page size: median {statistics.median(sizes) / 1024:.0f} KB, largest "
        f"{sizes[-1] / 1024:.0f} KB ({pages[-1].relative_to(out)})"
    )
    for kind, values in sorted(kinds.items()):
        print(
            f"    {kind:16} {len(values):5} pages, {sum(values) / 1e6:6.2f} MB, "
            f"largest {max(values) / 1024:.0f} KB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--packages", type=int, default=2000)
    parser.add_argument("--churn", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--snapshot-pages", type=int, default=SiteOptions().snapshot_pages)
    parser.add_argument("--keep", metavar="DIR", help="build the store and site in DIR (reused)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "bench.db"
        url = f"sqlite:///{db}"
        if not db.exists():
            print(f"building the store: {args.days} nights of {args.packages} packages")
            build(url, args)
        print(f"store: {db.stat().st_size / 1e6:.1f} MB")
        measure(url, folder / "site", args)


if __name__ == "__main__":
    main()
