"""Benchmark: auditor (osv-api) vs pip-audit vs uv audit against the same local OSV API.

Each tool runs as a subprocess, as a user would run it, against tests/osvserver.py serving
the real records in tests/fixtures/osv-api/records on 127.0.0.1 (no other network). For
each real lockfile it reports the median wall time of ``--runs`` runs, the HTTP requests
the server received per run, and the findings; auditor runs once with an empty cache
("cold") and once more with the record cache the cold run left ("warm").

Target (docs/testing.md): auditor's requests <= ceil(N / 1000) + distinct advisories, where
N is the number of packages and "distinct advisories" the records the API says affect
them; and auditor's wall time at most half of pip-audit's.

Usage: python bench/advisories.py [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.httpserver import HttpTestServer  # noqa: E402
from tests.osvserver import OsvApi, RecordSet  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
RECORDS = FIXTURES / "osv-api" / "records"
REAL = FIXTURES / "requirements" / "real"
BIN = Path(sys.executable).parent
CASES = {
    "warehouse main.txt (2024-10)": REAL / "pypi__warehouse/requirements/main.txt",
    "warehouse main.txt (2019-06)": REAL / "pypi__warehouse__2019-06-21/requirements/main.txt",
    "redash uv.lock (2026-08)": FIXTURES / "osv-api/redash",
}


def pip_audit_command(requirements: Path, osv_url: str, cache: Path) -> list[str]:
    """pip-audit on a pinned requirements file against the OSV API at ``osv_url``, asking no
    package index (``--no-deps --disable-pip``), JSON on stdout."""
    return [
        str(BIN / "pip-audit"),
        "-r",
        str(requirements),
        "--no-deps",
        "--disable-pip",
        "--vulnerability-service",
        "osv",
        "--osv-url",
        f"{osv_url}/v1/query",
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--cache-dir",
        str(cache),
    ]


@dataclass
class Run:
    tool: str
    seconds: float
    cpu_seconds: float
    requests: int
    findings: int


def packages_and_advisories(records: RecordSet, requirements: Path) -> tuple[int, int]:
    """N pinned packages and the distinct records that affect them (the API's answer)."""
    from auditor.pipeline.audit import collect_paths

    graph = collect_paths([str(requirements)]).graph
    ids = {
        r["id"]
        for p in graph.packages
        for r in records.matching(p.ecosystem.value, p.name, p.version, True)
    }
    return len(graph), len(ids)


def timed(command: list[str], cwd: Path | None, env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system, less sensitive to a busy machine), stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu, proc.stdout


def measure(
    server: HttpTestServer,
    tool: str,
    command: list[str],
    runs: int,
    count: Callable[[str], int],
    *,
    env: dict[str, str],
    cwd: Path | None = None,
    prepare: Callable[[], None] | None = None,
) -> Run:
    """Median wall time of ``runs`` runs, the most requests one run sent, the findings."""
    times, cpus, requests, findings = [], [], [], 0
    for _ in range(runs):
        if prepare:
            prepare()
        before = len(server.requests)
        seconds, cpu, out = timed(command, cwd, env)
        times.append(seconds)
        cpus.append(cpu)
        requests.append(len(server.requests) - before)
        findings = count(out)
    return Run(tool, statistics.median(times), statistics.median(cpus), max(requests), findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    records = RecordSet.load(RECORDS)
    report = []
    with HttpTestServer() as server, tempfile.TemporaryDirectory() as scratch:
        OsvApi(records).install(server)
        tmp = Path(scratch)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "PIP_AUDIT"))}
        for label, target in CASES.items():
            # pip-audit reads requirements only: for the uv project, the lock's export
            requirements = target / "requirements.txt" if target.is_dir() else target
            lockfile = target / "uv.lock" if target.is_dir() else target
            n, distinct = packages_and_advisories(records, lockfile)
            cache = tmp / "auditor-cache"
            auditor = [
                str(BIN / "auditor"),
                "scan",
                "--source",
                "osv-api",
                "--osv-url",
                server.url,
                "--cache-dir",
                str(cache),
                # advisories only, like pip-audit --no-deps: no registry lookups (health,
                # confusion, the edges of flat lockfiles), which the peers do not make
                "--no-registry",
                "--json",
                str(lockfile),
            ]
            count_auditor = lambda out: sum(  # noqa: E731
                f["kind"] in ("vulnerability", "malicious") for f in json.loads(out)["findings"]
            )
            runs = [
                measure(
                    server,
                    "auditor (cold cache)",
                    auditor,
                    args.runs,
                    count_auditor,
                    env=env,
                    prepare=lambda: shutil.rmtree(cache, ignore_errors=True),  # noqa: B023 - used at once
                ),
                measure(server, "auditor (warm cache)", auditor, args.runs, count_auditor, env=env),
            ]
            pip_audit = pip_audit_command(requirements, server.url, tmp / "pa")
            runs.append(
                measure(
                    server,
                    "pip-audit",
                    pip_audit,
                    args.runs,
                    lambda out: sum(len(d["vulns"]) for d in json.loads(out)["dependencies"]),
                    env=env,
                    prepare=lambda: shutil.rmtree(tmp / "pa", ignore_errors=True),
                )
            )
            if target.is_dir():
                runs.append(uv_audit(server, target, tmp, args.runs, env))
            report.append(
                {
                    "lockfile": label,
                    "packages": n,
                    "advisories": distinct,
                    "target_requests": math.ceil(n / 1000) + distinct,
                    "runs": [r.__dict__ for r in runs],
                }
            )
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(render(report))


def uv_command(cache: Path) -> list[str]:
    """uv audit of the project in the working folder, JSON out, with its own cache."""
    return [
        str(BIN / "uv"),
        "audit",
        "--frozen",
        "--output-format",
        "json",
        "--no-progress",
        "--preview-features",
        "audit-command,json-output",
        "--cache-dir",
        str(cache),
    ]


def uv_project(work: Path, project: Path, index: str) -> Path:
    """A copy of the uv project whose uv.lock names ``index`` (a local server) as its
    index: uv audit asks the lock's index for each project's status."""
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy2(project / "pyproject.toml", work)
    lock = (project / "uv.lock").read_text(encoding="utf-8")
    (work / "uv.lock").write_text(
        lock.replace("https://pypi-index.invalid/simple", f"{index}/simple")
    )
    return work


def uv_audit(
    server: HttpTestServer, project: Path, tmp: Path, runs: int, env: dict[str, str]
) -> Run:
    work = uv_project(tmp / "uv-project", project, server.url)
    command = [*uv_command(tmp / "uv-cache"), "--service-url", server.url]
    return measure(
        server,
        "uv audit",
        command,
        runs,
        lambda out: len(json.loads(out)["vulnerabilities"]),
        cwd=work,
        env=env,
        prepare=lambda: shutil.rmtree(tmp / "uv-cache", ignore_errors=True),
    )


def render(report: list[dict[str, object]]) -> str:
    lines = []
    for case in report:
        runs = case["runs"]
        assert isinstance(runs, list)
        pip = next(r for r in runs if r["tool"] == "pip-audit")
        lines.append(
            f"{case['lockfile']}: {case['packages']} packages, {case['advisories']} affecting "
            f"advisories, request target <= {case['target_requests']}"
        )
        lines.append(
            f"  {'tool':22} {'wall s':>7} {'vs pip-audit':>12} {'cpu s':>6} {'requests':>9} "
            f"{'findings':>9}"
        )
        for run in runs:
            ratio = run["seconds"] / pip["seconds"]
            over = run["tool"].startswith("auditor") and run["requests"] > case["target_requests"]
            tool = run["tool"] + (" (over target)" if over else "")
            lines.append(
                f"  {tool:22} {run['seconds']:7.2f} {ratio:12.2f} {run['cpu_seconds']:6.2f} "
                f"{run['requests']:9d} {run['findings']:9d}"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
