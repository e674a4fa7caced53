"""Benchmark: the default path against its peers, every row of one table in one run.

Each tool runs as a subprocess, as a user runs it, against servers on 127.0.0.1 started
here (nothing else is reached): the OSV API of ``tests/osvserver.py`` over the real records
of ``tests/fixtures/osv-api/records/``, and the package registry of
``bench/registry_server.py`` (generated documents of real sizes, ``--latency`` seconds per
answer, ETag/304, gzip). Runs are interleaved: each repetition runs every row once, auditor
and its peer back to back (the order alternating), so a busy machine slows both alike.
Figures are medians of ``--runs`` repetitions; peak memory is GNU time's maximum resident
set size of the child; CPU is its user + system time.

Rows (goals of issue 16):

1. ``auditor --version`` / ``pip-audit --version``: at most 0.3 times.
2. warehouse ``requirements/main.txt`` (184 pins) ``scan --no-registry`` (osv-api, empty
   cache) / ``pip-audit -s osv --no-deps`` on the same OSV server: at most 0.5 times.
3. the same, peak memory: at most 1.5 times.
4. redash ``uv.lock`` (238 packages) ``scan --no-registry`` / ``uv audit --frozen``: at
   most 1.0 times the wall time. uv audit also asks the lock's index for each project's
   status; row 44 repeats row 4 with that index answering at ``--latency``, as a remote
   index does (for information).
5. warehouse ``scan`` with registry lookups (health) and a warm cache / pip-audit as in 2:
   at most 1.0 times; also "revalidating" (cache entries past their lifetime, so every
   lookup is a conditional request: a nightly run), for information.
6. ``report`` of excalidraw's three yarn.lock files (2,377 npm packages), cold cache, at
   ``--latency`` (default 50 ms) per registry answer: at most 20 s, and a cache of at most
   5 KB per package.

Usage: python bench/defaults.py [--runs 5] [--rows 1,2,...] [--latency 0.05] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.advisories import uv_command, uv_project  # noqa: E402
from bench.registry_server import BenchRegistry, summary  # noqa: E402
from tests.httpserver import HttpTestServer  # noqa: E402
from tests.osvserver import OsvApi, RecordSet  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
WAREHOUSE = FIXTURES / "requirements/real/pypi__warehouse/requirements/main.txt"
REDASH = FIXTURES / "osv-api/redash"
EXCALIDRAW_ROOT = FIXTURES / "yarn-lock/real/excalidraw__excalidraw"  # the root lockfile
EXCALIDRAW = ROOT / "bench/data/excalidraw"  # the other two
BIN = Path(sys.executable).parent  # the peers (pip-audit, uv) and, by default, auditor
AUDITOR = [str(BIN / "auditor")]
MEASURED = list(AUDITOR)
TIME = "/usr/bin/time"


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mib: float
    stdout: str = ""


@dataclass
class Side:
    """One tool's command in one row, and its samples."""

    label: str
    command: Callable[[], list[str]]
    cwd: Callable[[], Path | None] = lambda: None
    prepare: Callable[[], None] | None = None
    env: dict[str, str] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)
    exe: list[str] | None = None  # the auditor this side runs (None: the one measured)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(s, attribute) for s in self.samples)


@dataclass
class Row:
    number: int
    work: str
    auditor: Side
    peer: Side | None
    metric: str  # "wall" or "rss_mib"
    goal: float  # the ratio (or, without a peer, seconds) not to exceed
    extra: dict[str, Any] = field(default_factory=dict)
    others: list[Side] = field(default_factory=list)  # other auditors (--compare)


def run(side: Side, env: dict[str, str]) -> Sample:
    """One run under GNU time: wall clock from here, CPU and peak RSS from time."""
    AUDITOR[:] = side.exe or MEASURED  # the commands read it when they are built
    if side.prepare:
        side.prepare()
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        command = [TIME, "-f", "%U %S %M", "-o", report.name, *side.command()]
        started = time.perf_counter()
        proc = subprocess.run(
            command,
            capture_output=True,
            text=True,
            cwd=side.cwd(),
            env={**env, **side.env},
            check=False,
        )
        wall = time.perf_counter() - started
        fields = report.read().split()[-3:]
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(
            f"{side.label}: exit {proc.returncode}: {' '.join(command)}\n{proc.stderr[-3000:]}"
        )
    user, system, rss_kib = float(fields[0]), float(fields[1]), int(fields[2])
    return Sample(wall=wall, cpu=user + system, rss_mib=rss_kib / 1024, stdout=proc.stdout)


def compile_bytecode(auditor: str) -> None:
    """Compile the measured auditor's modules, as installing a wheel does (the peers'
    modules were compiled when pip installed them); runs write no bytecode themselves
    when PYTHONDONTWRITEBYTECODE is set, so without this each would compile every module."""
    python = str(Path(auditor).parent / "python")
    where = subprocess.run(
        [python, "-c", "import auditor, os; print(os.path.dirname(auditor.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run([python, "-m", "compileall", "-q", "-j", "0", where], check=True)


def fresh(path: Path) -> Callable[[], None]:
    def clear() -> None:
        shutil.rmtree(path, ignore_errors=True)

    return clear


def pip_audit(requirements: Path, osv: str, cache: Path) -> list[str]:
    return [
        str(BIN / "pip-audit"),
        "-r",
        str(requirements),
        "--no-deps",
        "--disable-pip",
        "-s",
        "osv",
        "--osv-url",
        f"{osv}/v1/query",
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--cache-dir",
        str(cache),
    ]


def auditor_scan(target: Path, osv: str, cache: Path, *more: str) -> list[str]:
    return [
        *AUDITOR,
        "scan",
        "--source",
        "osv-api",
        "--osv-url",
        osv,
        "--cache-dir",
        str(cache),
        "--json",
        *more,
        str(target),
    ]


def excalidraw(tmp: Path) -> Path:
    """A copy of excalidraw's three lockfiles in their folders."""
    project = tmp / "excalidraw"
    shutil.copytree(EXCALIDRAW, project, dirs_exist_ok=True)
    (project / "README.md").unlink(missing_ok=True)
    for name in ("yarn.lock", "package.json"):
        shutil.copy2(EXCALIDRAW_ROOT / name, project / name)
    return project


def npm_packages(project: Path) -> dict[str, dict[str, dict[str, str]]]:
    """name -> locked version -> its dependencies, as the lockfiles record them."""
    from auditor.pipeline.audit import collect_paths

    graph = collect_paths([str(project)]).graph
    found: dict[str, dict[str, dict[str, str]]] = {}
    for package in graph.packages:
        deps = {}
        for edge in graph.children(package.id):
            child = graph.package(edge.child)
            deps[child.name] = edge.requirement or child.version
        found.setdefault(package.name, {})[package.version] = deps
    return found


def pypi_pins(requirements: Path) -> dict[str, str]:
    from auditor.pipeline.audit import collect_paths

    return {p.name: p.version for p in collect_paths([str(requirements)]).graph.packages}


def cache_bytes(folder: Path) -> tuple[int, int]:
    """(bytes of the files, bytes on disk) below ``folder``."""
    size = disk = 0
    for path in folder.rglob("*"):
        if path.is_file():
            stat = path.stat()
            size += stat.st_size
            disk += stat.st_blocks * 512
    return size, disk


def uv_row(number: int, tmp: Path, osv: str, *, index: str, latency: float, cold: Path) -> Row:
    work = uv_project(tmp / f"uv-{number}", REDASH, index)
    cache = tmp / f"uv-cache-{number}"
    work_text = (
        "redash uv.lock (238 pkgs) `scan --no-registry` / `uv audit --frozen`"
        if number == 4
        else f"  the same, uv's index answering in {latency * 1000:.0f} ms (a remote index)"
    )
    return Row(
        number,
        work_text,
        Side(
            "auditor",
            lambda: auditor_scan(work / "uv.lock", osv, cold, "--no-registry"),
            prepare=fresh(cold),
        ),
        Side(
            "uv audit",
            lambda: [*uv_command(cache), "--service-url", osv],
            cwd=lambda: work,
            prepare=fresh(cache),
        ),
        "wall",
        1.0,
    )


def build_rows(tmp: Path, osv: str, registry: BenchRegistry, wanted: set[int]) -> list[Row]:
    rows = []
    pip_cache = tmp / "pip-audit-cache"
    cold = tmp / "cold"
    if 1 in wanted:
        rows.append(
            Row(
                1,
                "`auditor --version` / `pip-audit --version`",
                Side("auditor", lambda: [*AUDITOR, "--version"]),
                Side("pip-audit", lambda: [str(BIN / "pip-audit"), "--version"]),
                "wall",
                0.3,
            )
        )
    if wanted & {2, 3}:
        auditor = Side(
            "auditor",
            lambda: auditor_scan(WAREHOUSE, osv, cold, "--no-registry"),
            prepare=fresh(cold),
        )
        peer = Side("pip-audit", lambda: pip_audit(WAREHOUSE, osv, pip_cache))
        if 2 in wanted:
            work = (
                "warehouse main.txt (184 pins) `scan --no-registry` / `pip-audit -s osv --no-deps`"
            )
            rows.append(Row(2, work, auditor, peer, "wall", 0.5))
        if 3 in wanted:
            rows.append(Row(3, "same, peak memory", auditor, peer, "rss_mib", 1.5))
    if wanted & {4, 44}:
        # uv audit also asks the lock's index for each project's status (PEP 792): in row
        # 4 the OSV server answers those at once, in row 44 the registry at its latency
        for number, index in ((4, osv), (44, registry.server.url)):
            if number in wanted:
                rows.append(
                    uv_row(number, tmp, osv, index=index, latency=registry.latency, cold=cold)
                )
    if 5 in wanted:
        registry.add_pypi(pypi_pins(WAREHOUSE))
        warm = tmp / "warm"
        scan = lambda: auditor_scan(WAREHOUSE, osv, warm, "--pypi-url", registry.pypi_url)  # noqa: E731
        prime = Side("auditor (priming)", scan)
        rows.append(
            Row(
                5,
                "default scan (registry lookups on), warm cache, 184 pins / pip-audit",
                Side("auditor", scan),
                Side("pip-audit", lambda: pip_audit(WAREHOUSE, osv, pip_cache)),
                "wall",
                1.0,
                extra={"prime": prime},
            )
        )
        rows.append(
            Row(
                55,
                "  the same, every cache entry revalidated (a nightly run; for information)",
                Side("auditor", scan, env={"AUDITOR_HTTP_CACHE_TTL": "0"}),
                None,
                "wall",
                0.0,
                extra={"prime": prime},
            )
        )
    if 6 in wanted:
        npm_project = excalidraw(tmp)
        packages = npm_packages(npm_project)
        registry.add_npm(packages)
        cache = tmp / "excalidraw-cache"
        out = tmp / "excalidraw-out"

        def clean() -> None:
            for path in (cache, out, npm_project / ".auditor"):
                shutil.rmtree(path, ignore_errors=True)

        rows.append(
            Row(
                6,
                f"default report, cold, excalidraw ({sum(map(len, packages.values()))} npm "
                f"packages), {registry.latency * 1000:.0f} ms registry latency",
                Side(
                    "auditor",
                    lambda: [
                        *AUDITOR,
                        "report",
                        "--source",
                        "osv-api",
                        "--osv-url",
                        osv,
                        "--npm-registry",
                        registry.npm_url,
                        "--cache-dir",
                        str(cache),
                        "--out",
                        str(out),
                        "--db",
                        f"sqlite:///{tmp / 'excalidraw.db'}",
                        str(npm_project),
                    ],
                    prepare=lambda: (clean(), (tmp / "excalidraw.db").unlink(missing_ok=True)),
                ),
                None,
                "wall",
                20.0,
                extra={"cache": cache, "packages": sum(map(len, packages.values()))},
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", default="1,2,3,4,44,5,6")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--auditor",
        metavar="PATH",
        help="the auditor executable to measure (default: the one beside this Python)",
    )
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="LABEL=PATH",
        help="another auditor executable (another checkout's: the code before a change) "
        "measured in the same interleaved runs; repeatable",
    )
    args = parser.parse_args()
    if args.auditor:
        MEASURED[:] = [args.auditor]
    others = [tuple(item.split("=", 1)) for item in args.compare]
    wanted = {int(r) for r in args.rows.split(",")}
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AUDITOR_", "PIP_", "UV_")) and not k.lower().startswith("npm_config")
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for executable in [MEASURED[0], *(path for _, path in others)]:
        compile_bytecode(executable)
    loads = [os.getloadavg()[0]]
    records = RecordSet.load(FIXTURES / "osv-api" / "records")
    with (
        HttpTestServer() as osv_server,
        HttpTestServer() as registry_server,
        tempfile.TemporaryDirectory() as scratch,
    ):
        OsvApi(records).install(osv_server)
        registry = BenchRegistry(registry_server, latency=args.latency)
        tmp = Path(scratch)
        env["HOME"] = str(tmp / "home")
        env["PIP_CONFIG_FILE"] = os.devnull
        rows = build_rows(tmp, osv_server.url, registry, wanted)
        shared: dict[tuple[int, str], Side] = {}  # rows 2 and 3 share runs, and so clones
        for row in rows:
            for label, path in others:
                key = (id(row.auditor), label)
                if key not in shared:
                    shared[key] = replace(row.auditor, label=label, exe=[path], samples=[])
                row.others.append(shared[key])
        primed: set[tuple[int, str]] = set()
        for repetition in range(args.runs):
            ran: set[int] = set()  # rows 2 and 3 are the same runs
            for row in rows:
                prime = row.extra.get("prime")
                for exe in [None, *([path] for _, path in others)]:
                    if prime is not None and (id(prime), str(exe)) not in primed:
                        run(replace(prime, exe=exe), env)
                        primed.add((id(prime), str(exe)))
                sides = [row.auditor, *row.others, *([row.peer] if row.peer else [])]
                if repetition % 2:
                    sides.reverse()
                for side in sides:
                    if id(side) in ran:
                        continue
                    ran.add(id(side))
                    side.samples.append(run(side, env))
                    if row.number == 6:  # what the run left in its cache
                        sizes_by = row.extra.setdefault("cache_sizes", {})
                        sizes_by[side.label] = cache_bytes(row.extra["cache"])
                loads.append(os.getloadavg()[0])
        sizes = registry.sizes() if 6 in wanted or 5 in wanted else {}
        served = summary(registry)
    report = render(rows, loads, sizes, served, args)
    print(json.dumps(report, indent=2) if args.json else report["text"])


def render(
    rows: list[Row],
    loads: list[float],
    sizes: dict[str, int],
    served: dict[str, Any],
    args: argparse.Namespace,
) -> dict[str, Any]:
    lines = [
        f"{args.runs} interleaved runs each, medians; load average (1 min) "
        f"{min(loads):.1f} to {max(loads):.1f}; registry latency {args.latency * 1000:.0f} ms",
        "",
        "| # | work | auditor | peer | ratio | goal | holds |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    out: list[dict[str, Any]] = []
    for row in rows:
        for side in [*row.others, row.auditor]:
            line, entry = render_side(row, side)
            lines.append(line)
            out.append(entry)
    if sizes:
        lines += [
            "",
            "documents served: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()),
        ]
    lines += ["registry answers: " + ", ".join(f"{k}: {v}" for k, v in served.items())]
    return {"rows": out, "loads": loads, "sizes": sizes, "served": served, "text": "\n".join(lines)}


def render_side(row: Row, side: Side) -> tuple[str, dict[str, Any]]:
    """One table line: this auditor's median against the row's peer or goal."""
    unit = "MiB" if row.metric == "rss_mib" else "s"
    mine = side.median(row.metric)
    cpu, rss = side.median("cpu"), side.median("rss_mib")
    detail = f"{mine:.2f} {unit}" + (f" ({cpu:.2f} s CPU)" if unit == "s" else "")
    work = row.work if side.exe is None else f"{row.work} [{side.label}]"
    entry: dict[str, Any] = {
        "row": row.number,
        "work": row.work,
        "auditor": side.label,
        "value": mine,
        "cpu": cpu,
        "rss_mib": rss,
        "runs": [getattr(s, row.metric) for s in side.samples],
    }
    if row.peer is not None:
        theirs = row.peer.median(row.metric)
        ratio = mine / theirs
        entry.update(peer=theirs, peer_cpu=row.peer.median("cpu"), ratio=ratio)
        holds = "yes" if ratio <= row.goal else "**no**"
        peer_cpu = f", {row.peer.median('cpu'):.2f} s CPU" if unit == "s" else ""
        peer = f"{theirs:.2f} {unit} ({row.peer.label}{peer_cpu})"
        goal = f"<= {row.goal}x"
        line = f"| {row.number} | {work} | {detail} | {peer} | {ratio:.2f}x | {goal} | {holds} |"
        return line, entry
    if row.number == 6:
        size, disk = row.extra.get("cache_sizes", {}).get(side.label, (0, 0))
        per = size / row.extra["packages"] / 1024
        per_disk = disk / row.extra["packages"] / 1024
        entry.update(cache_bytes=size, cache_disk=disk, per_package_kib=per)
        holds = "yes" if mine <= row.goal and per <= 5 else "**no**"
        line = (
            f"| {row.number} | {work} | {detail}, peak {rss:.0f} MiB; cache "
            f"{size / 1e6:.1f} MB = {per:.1f} KiB a package ({per_disk:.1f} KiB on disk) "
            f"| | | <= {row.goal:.0f} s, <= 5 KB | {holds} |"
        )
        return line, entry
    return f"| {row.number} | {work} | {detail} | | | | |", entry


if __name__ == "__main__":
    main()
