"""auditor's package-lock.json collector next to ``npm ls --all --json --package-lock-only``.

Usage: python bench/npm.py [LOCKFILE ...] [--runs N]

Without arguments it measures the largest real package-lock fixture. For each file it
reports, as the median of ``--runs`` runs:

- auditor in process: the collector alone (parse + resolve + build), installed entries/s;
- auditor end to end: ``auditor graph --json FILE`` in a fresh interpreter (start-up,
  imports, collect, graph, JSON output), with its peak resident memory;
- npm end to end: ``npm ls --all --json --package-lock-only --offline`` in a folder holding
  the lock and the package.json files reconstructed from its folder entries, with its
  peak resident memory;

and the ratio npm time / auditor time. Peak memory is the child's maximum resident set
size as the kernel reports it (``wait4``).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.collectors.inputs import TreeReader  # noqa: E402
from auditor.collectors.npm.package_lock import NpmPackageLockCollector  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "npm-package-lock" / "real"
MANIFEST_FIELDS = (
    "name",
    "version",
    "workspaces",
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
    "peerDependenciesMeta",
    "bundleDependencies",
)


def entries(lock: dict[str, object]) -> int:
    """Installed copies the lock describes (what both tools have to walk)."""
    packages = lock.get("packages")
    if isinstance(packages, dict):
        return sum(1 for k, v in packages.items() if k and not v.get("link"))
    count, stack = 0, [lock.get("dependencies", {})]
    while stack:
        for entry in stack.pop().values():  # type: ignore[attr-defined]
            count += 1
            stack.append(entry.get("dependencies", {}))
    return count


def write_project(lock_path: Path, folder: Path) -> None:
    """The lock plus package.json files rebuilt from its project folder entries (v2/v3),
    or, for v1, a root manifest listing the top-level entries nothing requires."""
    shutil.copy(lock_path, folder / "package-lock.json")
    lock = json.loads(lock_path.read_text())
    packages = lock.get("packages")
    if isinstance(packages, dict):
        for key, entry in packages.items():
            if key.startswith("node_modules/") or "/node_modules/" in key or entry.get("link"):
                continue
            (folder / key).mkdir(parents=True, exist_ok=True)
            manifest = {k: v for k, v in entry.items() if k in MANIFEST_FIELDS}
            (folder / key / "package.json").write_text(json.dumps(manifest))
        return
    required: set[str] = set()
    stack = [lock["dependencies"]]
    while stack:
        for entry in stack.pop().values():
            required.update(entry.get("requires", {}))
            stack.append(entry.get("dependencies", {}))
    top = {n: e["version"] for n, e in lock["dependencies"].items() if n not in required}
    (folder / "package.json").write_text(json.dumps({"name": "root", "dependencies": top}))


def run_child(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    """(wall seconds, peak RSS in KiB) of one child process; its output is discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # npm ls exits 1 when it reports problems
        raise SystemExit(f"{command[0]} failed with exit code {process.returncode}")
    return elapsed, usage.ru_maxrss


def bench(lock_path: Path, runs: int) -> dict[str, float]:
    lock = json.loads(lock_path.read_text())
    count = entries(lock)
    collector = NpmPackageLockCollector()
    reader = TreeReader(lock_path.parent)
    in_process = []
    for _ in range(runs):
        start = time.perf_counter()
        result = collector.collect(reader.read_path(lock_path), reader)
        in_process.append(time.perf_counter() - start)
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_project(lock_path, folder)
        env = {
            **os.environ,
            "npm_config_registry": "https://npm-registry.invalid/",
            "npm_config_update_notifier": "false",
            "npm_config_cache": str(folder / ".npm-cache"),
        }
        npm_command = [npm, "ls", "--all", "--json", "--package-lock-only", "--offline"]
        auditor_command = [sys.executable, "-m", "auditor", "graph", "--json", "package-lock.json"]
        npm_runs = [run_child(npm_command, folder, env) for _ in range(runs)]
        auditor_runs = [run_child(auditor_command, folder, env) for _ in range(runs)]
    auditor_time = statistics.median(t for t, _ in auditor_runs)
    npm_time = statistics.median(t for t, _ in npm_runs)
    collect_time = statistics.median(in_process)
    return {
        "entries": count,
        "packages": len(result.packages),
        "edges": len(result.edges),
        "collect_s": collect_time,
        "collect_entries_per_s": count / collect_time,
        "auditor_s": auditor_time,
        "auditor_entries_per_s": count / auditor_time,
        "auditor_peak_mib": max(m for _, m in auditor_runs) / 1024,
        "npm_s": npm_time,
        "npm_entries_per_s": count / npm_time,
        "npm_peak_mib": max(m for _, m in npm_runs) / 1024,
        "ratio_end_to_end": npm_time / auditor_time,
        "ratio_collect": npm_time / collect_time,
    }


def largest_fixture() -> Path:
    return max(FIXTURES.rglob("package-lock.json"), key=lambda p: p.stat().st_size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lockfiles", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for path in args.lockfiles or [largest_fixture()]:
        figures = bench(path.resolve(), args.runs)
        full = path.resolve()
        shown = full.relative_to(ROOT) if full.is_relative_to(ROOT) else full
        print(
            f"{shown}: {figures['entries']} installed entries, {figures['packages']} packages, "
            f"{figures['edges']} edges"
        )
        print(
            f"  auditor collect      {figures['collect_s']:.3f} s  "
            f"{figures['collect_entries_per_s']:,.0f} entries/s"
        )
        print(
            f"  auditor graph --json {figures['auditor_s']:.3f} s  "
            f"{figures['auditor_entries_per_s']:,.0f} entries/s  "
            f"peak {figures['auditor_peak_mib']:.0f} MiB"
        )
        print(
            f"  npm ls               {figures['npm_s']:.3f} s  "
            f"{figures['npm_entries_per_s']:,.0f} entries/s  "
            f"peak {figures['npm_peak_mib']:.0f} MiB"
        )
        print(
            f"  npm / auditor time   {figures['ratio_end_to_end']:.2f}x end to end, "
            f"{figures['ratio_collect']:.2f}x against the collector alone"
        )


if __name__ == "__main__":
    main()
