"""Parse benchmark: how fast each collector reads the largest real lockfile of its format.

For every registered collector (so formats added later are measured too), the largest file
under ``tests/fixtures/<collector>/real/`` that the collector claims by name is parsed
several times; the table gives the median time, packages per second, the peak of Python
allocations (``tracemalloc``), and the resident size of a fresh interpreter after its
imports and at its peak while collecting the file once (Linux: the ``VmHWM`` high-water
mark, reset through ``/proc/self/clear_refs`` after the imports; elsewhere ``ru_maxrss``).
For uv.lock the same file is also exported by uv itself (``uv export --frozen``, offline):
wall-time ratio and the peak resident size of each process.

    python bench/parse.py [--runs N] [--json]

This is a benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import asdict, dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from auditor.collectors import plugins
from auditor.collectors.base import Collector
from auditor.collectors.inputs import TreeReader
from auditor.core.model import CollectResult

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


@dataclass(frozen=True, kw_only=True)
class Row:
    collector: str
    file: str
    kib: float
    packages: int
    edges: int
    median_ms: float
    packages_per_s: float
    tracemalloc_peak_mib: float
    rss_before_mib: float
    rss_peak_mib: float


@dataclass(frozen=True, kw_only=True)
class PeerRow:
    file: str
    auditor_in_process_ms: float
    auditor_process_ms: float
    uv_export_ms: float
    ratio_in_process: float
    ratio_process: float
    auditor_process_rss_mib: float | None
    uv_export_rss_mib: float | None


def largest_real_file(collector: Collector) -> Path | None:
    folder = FIXTURES / collector.name / "real"
    files = [p for p in folder.rglob("*") if p.is_file() and collector.claims(p.name)]
    return max(files, key=lambda p: p.stat().st_size, default=None)


def collect(collector: Collector, path: Path) -> CollectResult:
    reader = TreeReader(path.parent)
    return collector.collect(reader.read_path(path), reader)


def median_seconds(action: object, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def child_rss(name: str, path: Path) -> tuple[float, float]:
    """Resident size (MiB) of a fresh interpreter after its imports, and its peak while
    collecting the file once."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", name, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    before, peak = json.loads(done.stdout)
    return before, peak


def _status_mib(field: str) -> float | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return None


def _reset_peak_rss() -> bool:
    """Linux: restart the VmHWM high-water mark from the current resident size."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _maxrss_mib() -> float:
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def run_child(name: str, path: str) -> None:
    collector = plugins.get(name)
    if _reset_peak_rss():
        before = _status_mib("VmRSS") or 0.0
        collect(collector, Path(path))
        peak = _status_mib("VmHWM") or 0.0
    else:  # no resettable high-water mark: the process's peak so far
        before = _maxrss_mib()
        collect(collector, Path(path))
        peak = _maxrss_mib()
    print(json.dumps([before, peak]))


def measure(collector: Collector, path: Path, runs: int) -> Row:
    result = collect(collector, path)  # warm up imports and caches
    seconds = median_seconds(lambda: collect(collector, path), runs)
    tracemalloc.start()
    collect(collector, path)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    before, peak = child_rss(collector.name, path)
    return Row(
        collector=collector.name,
        file=str(path.relative_to(FIXTURES)),
        kib=path.stat().st_size / 1024,
        packages=len(result.packages),
        edges=len(result.edges),
        median_ms=seconds * 1000,
        packages_per_s=len(result.packages) / seconds,
        tracemalloc_peak_mib=traced / 2**20,
        rss_before_mib=before,
        rss_peak_mib=peak,
    )


GNU_TIME = "/usr/bin/time"


def process_peak_rss_mib(command: list[str], **options: object) -> float | None:
    """Peak resident size of ``command`` as GNU time reports it (``%M``), or ``None``.

    Measuring with ``wait4`` from here would not do: a child forked from this interpreter
    keeps this interpreter's high-water mark across ``exec``. GNU time forks from itself.
    """
    if not Path(GNU_TIME).is_file():
        return None
    done = subprocess.run(
        [GNU_TIME, "-f", "%M", *command],
        capture_output=True,
        text=True,
        check=True,
        **options,  # type: ignore[call-overload]
    )
    return int(done.stderr.strip().splitlines()[-1]) / 1024


def uv_project(lock: Path, where: Path) -> None:
    """A copy of ``lock`` with the minimal pyproject.toml files uv needs to read it."""
    data = tomllib.loads(lock.read_text())
    shutil.copy(lock, where / "uv.lock")
    members = {}
    for package in data["package"]:
        for kind in ("editable", "virtual"):
            if kind in package["source"]:
                members[package["source"][kind]] = (package["name"], package.get("version"), kind)
    for folder_name, (name, version, kind) in members.items():
        folder = where / folder_name
        folder.mkdir(parents=True, exist_ok=True)
        lines = ["[project]", f'name = "{name}"', f'requires-python = "{data["requires-python"]}"']
        lines.append(f'version = "{version}"' if version else 'dynamic = ["version"]')
        if folder_name == ".":
            others = json.dumps(sorted(m for m in members if m != "."))
            lines += ["[tool.uv.workspace]", f"members = {others}"]
            if kind == "virtual":
                lines += ["[tool.uv]", "package = false"]
        (folder / "pyproject.toml").write_text("\n".join(lines) + "\n")


def uv_binary() -> str | None:
    try:
        from uv import find_uv_bin
    except ImportError:
        return shutil.which("uv")
    return str(find_uv_bin())


def measure_uv(path: Path, runs: int) -> PeerRow | None:
    uv = uv_binary()
    if uv is None:
        return None
    collector = plugins.get("uv-lock")
    in_process = median_seconds(lambda: collect(collector, path), runs)
    cli = [sys.executable, "-m", "auditor", "graph", "--json", str(path)]
    process = median_seconds(lambda: subprocess.run(cli, capture_output=True, check=True), runs)
    auditor_rss = process_peak_rss_mib(cli)
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        uv_project(path, where)
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": tmp,
            "UV_OFFLINE": "1",
            "UV_NO_CONFIG": "1",
            "UV_CACHE_DIR": str(where / "cache"),
            "UV_PYTHON_DOWNLOADS": "never",
        }
        command = [uv, "export", "--frozen", "--format", "requirements-txt", "--all-groups"]
        command += ["--all-extras", "--all-packages", "--quiet"]
        peer = median_seconds(
            lambda: subprocess.run(command, cwd=where, env=env, capture_output=True, check=True),
            runs,
        )
        uv_rss = process_peak_rss_mib(command, cwd=where, env=env)
    return PeerRow(
        file=str(path.relative_to(FIXTURES)),
        auditor_in_process_ms=in_process * 1000,
        auditor_process_ms=process * 1000,
        uv_export_ms=peer * 1000,
        ratio_in_process=in_process / peer,
        ratio_process=process / peer,
        auditor_process_rss_mib=auditor_rss,
        uv_export_rss_mib=uv_rss,
    )


def _mib(value: float | None) -> str:
    return "n/a (no GNU time)" if value is None else f"{value:5.1f} MiB"


def render(rows: list[Row], peer: PeerRow | None, runs: int) -> str:
    head = (
        f"{'collector':<13} {'file (below tests/fixtures)':<58} {'KiB':>6} {'pkgs':>5} "
        f"{'edges':>5} {'median ms':>9} {'pkgs/s':>7} {'tracemalloc MiB':>15} "
        f"{'RSS MiB before/peak':>20}"
    )
    lines = [f"parse benchmark, median of {runs} runs, Python {sys.version.split()[0]}", head]
    for r in rows:
        lines.append(
            f"{r.collector:<13} {r.file:<58} {r.kib:>6.0f} {r.packages:>5} {r.edges:>5} "
            f"{r.median_ms:>9.1f} {r.packages_per_s:>7.0f} {r.tracemalloc_peak_mib:>15.1f} "
            f"{f'{r.rss_before_mib:.1f} / {r.rss_peak_mib:.1f}':>20}"
        )
    if peer is not None:
        lines += [
            "",
            f"uv.lock read by uv itself ({peer.file}):",
            f"  auditor collect (in process)     {peer.auditor_in_process_ms:8.1f} ms",
            f"  auditor graph --json (process)   {peer.auditor_process_ms:8.1f} ms"
            f"   peak RSS {_mib(peer.auditor_process_rss_mib)}",
            f"  uv export --frozen (process)     {peer.uv_export_ms:8.1f} ms"
            f"   peak RSS {_mib(peer.uv_export_rss_mib)}",
            f"  ratio auditor/uv: {peer.ratio_in_process:.2f} in process, "
            f"{peer.ratio_process:.2f} process to process",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement (median)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--child", nargs=2, metavar=("COLLECTOR", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(*args.child)
        return
    rows = []
    uv_lock = None
    for name in plugins.names():
        collector = plugins.get(name)
        path = largest_real_file(collector)
        if path is None:
            continue
        rows.append(measure(collector, path, args.runs))
        if name == "uv-lock":
            uv_lock = path
    peer = measure_uv(uv_lock, args.runs) if uv_lock is not None else None
    if args.json:
        print(
            json.dumps({"rows": [asdict(r) for r in rows], "uv": peer and asdict(peer)}, indent=1)
        )
    else:
        print(render(rows, peer, args.runs))


if __name__ == "__main__":
    main()
