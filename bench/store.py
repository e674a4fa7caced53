"""Benchmark of the snapshot store: a year of nightly runs of a large project.

    python bench/store.py [--days 365] [--packages 2000] [--churn 0.01] [--postgres URL]

Builds a synthetic project of PACKAGES packages (a DAG of about 2.5 edges per package,
two hashes each, locations with line numbers as in a requirements file) and replays DAYS
nightly runs in which about CHURN of the packages change (mostly upgrades, some additions
and removals, findings appearing and being fixed). Every run is saved as a snapshot.
Reported: database size, bytes per changed night, bytes added by an unchanged night,
time to save one snapshot, to load one, to diff two and to compute the whole time series.
See bench/README.md for the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from auditor.core.findings import Finding, FindingKind, Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Edge, Hash, Location, Package, Root, root_id
from auditor.core.result import AuditResult
from auditor.store import SnapshotMeta, load_snapshot, open_store, save_snapshot
from auditor.store.diff import diff_snapshots
from auditor.store.series import project_series
from auditor.store.tables import METADATA

START = dt.datetime(2024, 1, 1, 2, tzinfo=dt.timezone.utc)
ROOT = Root(
    id=root_id("requirements.txt"), name="bench", ecosystem=Ecosystem.PYPI, path="requirements.txt"
)


@dataclass
class Project:
    """The evolving state: name -> version, name -> parents, open findings."""

    rng: random.Random
    versions: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    parents: dict[str, list[str]] = field(default_factory=dict)
    findings: dict[tuple[str, str], Severity] = field(default_factory=dict)
    counter: int = 0

    def add(self, direct: bool = False) -> str:
        name = f"pkg-{self.counter:05d}"
        self.counter += 1
        self.versions[name] = (self.rng.randint(0, 5), self.rng.randint(0, 30), 0)
        names = [n for n in self.versions if n != name]
        if direct or not names:
            self.parents[name] = [ROOT.id]
        else:
            self.parents[name] = self.rng.sample(
                names, k=min(len(names), self.rng.choice([1, 2, 2, 3, 4]))
            )
        return name

    def day(self, changes: int) -> None:
        names = sorted(self.versions)
        for _ in range(changes):
            roll = self.rng.random()
            if roll < 0.8:  # upgrade
                name = self.rng.choice(names)
                major, minor, patch = self.versions[name]
                self.versions[name] = (
                    (major, minor, patch + 1) if self.rng.random() < 0.7 else (major, minor + 1, 0)
                )
                # the fix for an open finding on it arrives with some upgrades
                for key in [k for k in self.findings if k[0] == name]:
                    if self.rng.random() < 0.5:
                        del self.findings[key]
            elif roll < 0.9:
                self.add()
            else:  # remove a package nobody depends on
                leaves = set(self.versions) - {p for ps in self.parents.values() for p in ps}
                if leaves:
                    gone = self.rng.choice(sorted(leaves))
                    del self.versions[gone], self.parents[gone]
                    self.findings = {k: v for k, v in self.findings.items() if k[0] != gone}
        if self.rng.random() < 0.3:  # a new advisory about something installed
            name = self.rng.choice(sorted(self.versions))
            self.findings[(name, f"PYSEC-{self.rng.randint(1000, 9999)}")] = self.rng.choice(
                list(Severity)
            )

    def package(self, name: str, line: int) -> Package:
        version = ".".join(map(str, self.versions[name]))
        seed = f"{name}=={version}".encode()
        return Package(
            ecosystem=Ecosystem.PYPI,
            name=name,
            version=version,
            hashes=frozenset(
                Hash(algorithm="sha256", value=hashlib.sha256(seed + bytes([i])).hexdigest())
                for i in range(2)
            ),
            found_in=(Location(path="requirements.txt", line=line, key=name),),
        )

    def result(self) -> AuditResult:
        names = sorted(self.versions)
        packages = {n: self.package(n, 3 * i + 1) for i, n in enumerate(names)}
        edges = [
            Edge(
                parent=parent if parent == ROOT.id else packages[parent].id,
                child=packages[name].id,
                requirement=f"{name}>={self.versions[name][0]}",
            )
            for name in names
            for parent in self.parents[name]
            if parent == ROOT.id or parent in packages
        ]
        findings = tuple(
            Finding(
                package_id=packages[name].id,
                kind=FindingKind.VULNERABILITY,
                id=advisory,
                severity=severity,
                summary=f"{advisory}: a flaw in {name}",
                details="Long advisory text. " * 20,
                fixed_versions=(".".join(map(str, self.versions[name])) + "1",),
            )
            for (name, advisory), severity in sorted(self.findings.items())
        )
        graph = DependencyGraph(packages=packages.values(), edges=edges, roots=[ROOT])
        return AuditResult(graph=graph, findings=findings)


CPU: list[float] = []  # process CPU seconds of the last timed() calls


def timed(work: Callable[[], object]) -> tuple[float, object]:
    """Wall-clock seconds of ``work`` (its CPU seconds go to ``CPU``: on a busy machine the
    CPU time is the steadier figure)."""
    start, cpu = time.perf_counter(), time.process_time()
    value = work()
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - start, value


def sqlite_size(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("VACUUM")
        return int(db.execute("PRAGMA page_count").fetchone()[0]) * int(
            db.execute("PRAGMA page_size").fetchone()[0]
        )
    finally:
        db.close()


def postgres_size(url: str) -> int:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM FULL")
            return int(
                conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one()
            )
    finally:
        engine.dispose()


def row_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
                for t in METADATA.sorted_tables
            }
    finally:
        engine.dispose()


def run(url: str, size: Callable[[], int], args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    project = Project(rng=rng)
    for i in range(args.packages):
        project.add(direct=i < args.packages // 20)
    for _ in range(40):
        project.day(0)
    changes = max(1, round(args.packages * args.churn))
    engine = open_store(url)
    engine.dispose()
    empty = size()  # the schema alone (PostgreSQL: plus its catalogs)
    saves: list[float] = []
    save_cpu: list[float] = []
    ids: list[int] = []
    try:
        for day in range(args.days):
            if day:
                project.day(changes)
            result = project.result()
            meta = SnapshotMeta(taken_at=START + dt.timedelta(days=day), git_commit=f"{day:040x}")
            seconds, snapshot_id = timed(
                lambda r=result, m=meta: save_snapshot(engine, "bench", r, m)
            )
            saves.append(seconds)
            save_cpu.append(CPU[-1])
            ids.append(int(snapshot_id))  # type: ignore[call-overload]
            if day == 0:
                engine.dispose()
                first = size()
        engine.dispose()
        year = size()
        counts = row_counts(url)
        result = project.result()
        for extra in range(args.unchanged):
            meta = SnapshotMeta(
                taken_at=START + dt.timedelta(days=args.days + extra), git_commit="f" * 40
            )
            save_snapshot(engine, "bench", result, meta)
        engine.dispose()
        unchanged = (size() - year) / max(1, args.unchanged)
        series_cold, series = timed(lambda: project_series(engine, "bench"))
        series_cold_cpu = CPU[-1]
        series_warm = min(timed(lambda: project_series(engine, "bench"))[0] for _ in range(5))
        series_warm_cpu = min(CPU[-5:])
        load_time = min(timed(lambda: load_snapshot(engine, ids[-1]))[0] for _ in range(3))
        diff_time = min(timed(lambda: diff_snapshots(engine, ids[0], ids[-1]))[0] for _ in range(3))
    finally:
        engine.dispose()
    graph = project.result().graph
    points = series.snapshots  # type: ignore[attr-defined]
    weeks = len(series.weeks)  # type: ignore[attr-defined]
    churn = statistics.mean(p.added + p.removed + p.upgraded for p in points[1 : args.days])
    ms = 1000
    lines = [
        f"final graph: {len(graph)} packages, {len(graph.edges)} edges, "
        f"{len(project.findings)} open findings",
        f"snapshots: {len(points)} ({args.days} nights, then {args.unchanged} unchanged)",
        f"churn per night: {churn:.1f} packages (added + removed + upgraded)",
        f"empty store: {empty / 1e6:.2f} MB; the first night adds {(first - empty) / 1e6:.2f} MB",
        f"after {args.days} nights: {year / 1e6:.1f} MB, "
        f"{(year - first) / max(1, args.days - 1) / 1024:.1f} KB per changed night "
        f"(a copy of the first night every night: {(first - empty) * args.days / 1e6:.0f} MB)",
        f"member rows: {counts['member']:,} (a copy per night: {args.days * len(graph):,})",
        f"edge rows: {counts['edge']:,} (a copy per night: {args.days * len(graph.edges):,})",
        f"unchanged night adds: {unchanged:.0f} bytes",
        f"save one snapshot: median {statistics.median(saves) * ms:.0f} ms, "
        f"p95 {sorted(saves)[int(len(saves) * 0.95)] * ms:.0f} ms, first {saves[0] * ms:.0f} ms "
        f"(CPU of this process: median {statistics.median(save_cpu) * ms:.0f} ms)",
        f"load one snapshot: {load_time * ms:.0f} ms; diff first/last: {diff_time * ms:.0f} ms",
        f"full time series ({len(points)} snapshots, {weeks} weeks): "
        f"{series_cold * ms:.0f} ms cold, {series_warm * ms:.0f} ms warm "
        f"(CPU {series_cold_cpu * ms:.0f} / {series_warm_cpu * ms:.0f} ms)",
    ]
    for line in lines:
        print(f"  {line}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--packages", type=int, default=2000)
    parser.add_argument(
        "--churn", type=float, default=0.01, help="share of packages changing per night"
    )
    parser.add_argument(
        "--unchanged", type=int, default=50, help="unchanged nights measured at the end"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--postgres", metavar="URL", help="also run on this (empty) PostgreSQL database"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        print(f"SQLite {sqlite3.sqlite_version}:")
        run(f"sqlite:///{path}", lambda: sqlite_size(path), args)
    if args.postgres:
        print("PostgreSQL:")
        run(args.postgres, lambda: postgres_size(args.postgres), args)


if __name__ == "__main__":
    main()
