"""Benchmark: auditor on the largest pnpm lockfile, next to pnpm reading the same file.

    .venv/bin/python bench/pnpm.py [--lockfile PATH] [--repeat N] [--pnpm PATH]

Measures, on the same lockfile and machine, in the same run:

- auditor in-process: the collector alone (parse + graph), median of N runs, packages/s;
- auditor end to end: ``auditor graph --json FILE`` as a process (start-up, collect, graph,
  JSON), median wall time and peak RSS;
- pnpm: ``pnpm list --lockfile-only --recursive --depth Infinity --json`` (pnpm >= 10.23
  reads the lockfile without node_modules) in a scratch workspace whose package.json files
  are rebuilt from the lockfile's importers; median wall time and peak RSS.

pnpm is looked up on PATH (or ``--pnpm``); without it the pnpm row says why. Install it
with ``npm install --prefix /tmp/pnpm-bench pnpm@10`` and pass
``--pnpm /tmp/pnpm-bench/node_modules/.bin/pnpm``. Nothing here is a timed test: the figures
go into bench/README.md by hand.

``--record-edges FILE`` writes the edges of pnpm's tree instead (the oracle that
tests/collectors/npm/test_pnpm.py compares auditor's edges with; see
tests/fixtures/pnpm-lock/pnpm-list/README.md).
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
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LOCKFILE = ROOT / "tests/fixtures/pnpm-lock/real/vitejs__vite/pnpm-lock.yaml"
SECTIONS = ("dependencies", "devDependencies", "optionalDependencies")
PNPM_LIST = ["list", "--lockfile-only", "--recursive", "--depth", "Infinity", "--json"]


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mb: float
    output: bytes = b""


def run_process(argv: list[str], cwd: Path) -> Run:
    """Run ``argv`` to completion; its wall time and peak resident memory (from wait4)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
        if code != 0:
            err.seek(0)
            raise SystemExit(f"{argv[0]} failed ({code}): {err.read().decode()[:500]}")
        out.seek(0)
        output = out.read()
    return Run(seconds=seconds, peak_rss_mb=usage.ru_maxrss / 1024, output=output)


def median_run(runs: list[Run]) -> Run:
    return Run(
        seconds=statistics.median(r.seconds for r in runs),
        peak_rss_mb=max(r.peak_rss_mb for r in runs),
        output=runs[-1].output,
    )


def pnpm_packages(output: bytes) -> set[tuple[str, str]]:
    """Distinct registry name@version in ``pnpm list --json`` trees (links left out)."""
    found: set[tuple[str, str]] = set()
    stack = list(json.loads(output))
    while stack:
        node = stack.pop()
        for section in SECTIONS:
            for name, dep in (node.get(section) or {}).items():
                version = str(dep.get("version", ""))
                if version and not version.startswith("link:") and "file:" not in version:
                    found.add((dep.get("from", name), version))
                stack.append(dep)
    return found


def auditor_in_process(lockfile: Path, repeat: int) -> tuple[float, int, int]:
    """Median seconds of collect + graph, and the package and edge counts."""
    from auditor.collectors.npm.pnpm import PnpmLockCollector
    from auditor.core.graph import DependencyGraph
    from tests.support import collect_file

    collector = PnpmLockCollector()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = collect_file(collector, lockfile)
        graph = DependencyGraph.from_results([result])
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(graph), len(graph.edges)


def scratch_workspace(lockfile: Path, into: Path) -> int:
    """A workspace pnpm accepts for ``list --lockfile-only``: the lockfile plus one
    package.json per importer with its specifiers; returns the number of projects."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(lockfile.read_text(), Loader=loader)  # noqa: S506 - a safe loader
    importers = data.get("importers") or {".": data}
    members = []
    for member, body in importers.items():
        folder = into / member
        folder.mkdir(parents=True, exist_ok=True)
        manifest: dict[str, object] = {"name": f"bench-{len(members)}", "version": "0.0.0"}
        for section in SECTIONS:
            deps = (body or {}).get(section) or {}
            manifest[section] = {
                name: spec["specifier"] if isinstance(spec, dict) else spec
                for name, spec in deps.items()
            }
        (folder / "package.json").write_text(json.dumps(manifest))
        members.append(member)
    (into / "pnpm-workspace.yaml").write_text(
        "packages:\n" + "".join(f"  - '{m}'\n" for m in members if m != ".")
    )
    shutil.copy(lockfile, into / "pnpm-lock.yaml")
    return len(members)


def pnpm_edges(output: bytes, workspace: Path) -> list[str]:
    """pnpm's tree as sorted ``parent -> child`` lines. Projects are ``project:<dir>``,
    packages ``name@version``; a local ``file:`` directory is not a package, so an edge to it
    stands for edges to its dependencies (as auditor reads it)."""
    children: dict[str, set[str]] = {}
    projects: list[str] = []

    def key(dep: dict[str, object]) -> str:
        version = str(dep.get("version", ""))
        if version.startswith("link:"):
            target = Path(str(dep["path"])).resolve().relative_to(workspace.resolve())
            return f"project:{target.as_posix() or '.'}"
        if "file:" in version:
            return "file:" + version.split("file:", 1)[1]
        return f"{dep.get('from')}@{version}"

    def visit(node: dict[str, object], me: str) -> None:
        mine = children.setdefault(me, set())
        for section in SECTIONS:
            deps = node.get(section) or {}
            assert isinstance(deps, dict)
            for dep in deps.values():
                child = key(dep)
                mine.add(child)
                if not dep.get("deduped"):
                    # a linked project's subtree is printed under the link: the first, and
                    # then only, expansion of some packages can be there
                    visit(dep, child)

    for project in json.loads(output):
        me = Path(project["path"]).resolve().relative_to(workspace.resolve()).as_posix()
        projects.append(f"project:{me or '.'}")
        visit(project, projects[-1])

    def expand(child: str, seen: set[str]) -> set[str]:
        if not child.startswith("file:"):
            return {child}
        if child in seen:
            return set()
        seen.add(child)
        return set().union(*(expand(c, seen) for c in children.get(child, ())))

    lines = set()
    for parent, kids in children.items():
        if parent.startswith("file:"):
            continue
        for kid in kids:
            lines.update(f"{parent} -> {target}" for target in expand(kid, set()))
    return sorted(lines)


def record_edges(lockfile: Path, pnpm: str, out: Path) -> None:
    version = subprocess.run(
        [pnpm, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as scratch:
        scratch_workspace(lockfile, Path(scratch))
        run = run_process([pnpm, *PNPM_LIST], Path(scratch))
        lines = pnpm_edges(run.output, Path(scratch))
    header = f"# pnpm {version} {' '.join(PNPM_LIST)}, as parent -> child edges\n"
    out.write_text(header + "".join(line + "\n" for line in lines))
    print(f"{out}: {len(lines)} edges")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lockfile", type=Path, default=DEFAULT_LOCKFILE)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pnpm", default=shutil.which("pnpm"))
    parser.add_argument("--record-edges", type=Path, help="write pnpm's edges to this file")
    args = parser.parse_args(argv)
    lockfile: Path = args.lockfile.resolve()
    if args.record_edges:
        if not args.pnpm:
            raise SystemExit("--record-edges needs pnpm (see --help)")
        record_edges(lockfile, args.pnpm, args.record_edges)
        return 0
    size_kb = lockfile.stat().st_size / 1024
    print(f"lockfile: {lockfile.relative_to(ROOT) if lockfile.is_relative_to(ROOT) else lockfile}")
    print(f"size: {size_kb:.0f} KiB, runs: {args.repeat} (median time, max peak RSS)")

    seconds, packages, edges = auditor_in_process(lockfile, args.repeat)
    print(f"\n{'tool':<44} {'time (s)':>9} {'packages/s':>11} {'peak RSS (MiB)':>15}")
    label = "auditor collector + graph, in process"
    print(f"{label:<44} {seconds:>9.3f} {packages / seconds:>11.0f} {'-':>15}")

    auditor_cli = [sys.executable, "-m", "auditor", "graph", "--json", str(lockfile)]
    auditor = median_run([run_process(auditor_cli, ROOT) for _ in range(args.repeat)])
    print(
        f"{'auditor graph --json (process)':<44} {auditor.seconds:>9.3f}"
        f" {packages / auditor.seconds:>11.0f} {auditor.peak_rss_mb:>15.0f}"
    )
    if not args.pnpm:
        print(f"{'pnpm list --lockfile-only':<44} not run: pnpm is not installed (see --help)")
    else:
        version = subprocess.run(
            [args.pnpm, "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
        with tempfile.TemporaryDirectory() as scratch:
            projects = scratch_workspace(lockfile, Path(scratch))
            pnpm_cli = [args.pnpm, *PNPM_LIST]
            pnpm = median_run([run_process(pnpm_cli, Path(scratch)) for _ in range(args.repeat)])
        label = f"pnpm {version} list --lockfile-only -r ({projects} projects)"
        print(
            f"{label:<44} {pnpm.seconds:>9.3f} {packages / pnpm.seconds:>11.0f}"
            f" {pnpm.peak_rss_mb:>15.0f}"
        )
        print(f"\nratio pnpm / auditor (process, wall time): {pnpm.seconds / auditor.seconds:.2f}")
        print(f"pnpm lists {len(pnpm_packages(pnpm.output))} distinct registry name@version")
    print(f"\npackages: {packages}, edges: {edges}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
