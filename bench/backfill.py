"""Benchmark and anchor: ``auditor report --backfill`` over warehouse's 108 monthly
requirements/main.txt versions, against pip-audit run on each month's file, with the same
PyPA records.

The history is ``bench/data/backfill/warehouse.bundle`` (a git bundle of the real monthly
versions, commit dates set; bench/data/backfill/README.md). It is cloned into a scratch
folder; auditor backfills it in one run (``--source osv-local --advisory-db`` the records in
``bench/data/backfill/pypa``, ``--no-registry``); pip-audit runs once per month on that
month's file, exported from git, against ``tests/osvserver.py`` serving the same records on
127.0.0.1 (``--no-deps --disable-pip``: no index is asked, as auditor asks none). Each
month's count is vulnerabilities (auditor: findings of kind vulnerability or malicious;
pip-audit: the vulnerabilities of every dependency); the times are wall seconds per month.

Target (#18): the same count every month, and auditor's time per month at most a quarter
of pip-audit's.

Usage: python bench/backfill.py [--months N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.advisories import pip_audit_command  # noqa: E402
from tests.httpserver import HttpTestServer  # noqa: E402
from tests.osvserver import OsvApi, RecordSet  # noqa: E402

DATA = ROOT / "bench" / "data" / "backfill"
BUNDLE = DATA / "warehouse.bundle"
RECORDS = DATA / "pypa"
FILE = "requirements/main.txt"
BIN = Path(sys.executable).parent
EXPECTED = {"2015-11": 29, "2017-11": 37, "2022-11": 14}  # and 0 from 2024-04 (the issue)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def months(repo: Path) -> list[tuple[str, str]]:
    """(month, commit) of every first-parent commit, oldest first."""
    out = git(repo, "log", "--first-parent", "--reverse", "--format=%H %cI", "main")
    rows = []
    for line in out.splitlines():
        commit, date = line.split()
        rows.append((date[:7], commit))
    return rows


def run_auditor(
    repo: Path, scratch: Path, env: dict[str, str]
) -> tuple[float, dict[str, int], dict[str, list[str]]]:
    """Wall seconds of the backfill, the count per month (from ``history --json``) and the
    (package, id) pairs of each month (from the store)."""
    db = scratch / "auditor.db"
    command = [
        str(BIN / "auditor"),
        "report",
        str(repo),
        "--backfill",
        "2015-01-01",
        "--source",
        "osv-local",
        "--advisory-db",
        str(RECORDS),
        "--no-registry",
        "--no-site",
        "--db",
        str(db),
        "--out",
        str(scratch / "auditor-out"),
        "--quiet",
        "--project",
        "warehouse",
    ]
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"auditor failed ({proc.returncode}): {proc.stderr[-2000:]}")
    listing = subprocess.run(
        [str(BIN / "auditor"), "history", "--db", str(db), "--project", "warehouse", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    counts: dict[str, int] = {}
    snapshots = json.loads(listing.stdout)["snapshots"][:-1]  # the last is the working tree
    for snapshot in snapshots:
        kinds = snapshot["findings"]["by_kind"]
        counts[snapshot["taken_at"][:7]] = kinds.get("vulnerability", 0) + kinds.get("malicious", 0)
    return elapsed, counts, stored_pairs(db)


def stored_pairs(db: Path) -> dict[str, list[str]]:
    """The (package, advisory id) of each backfilled month's advisory findings."""
    from auditor.core.findings import FindingKind
    from auditor.store import load_snapshot, open_store, snapshots

    engine = open_store(f"sqlite:///{db}", create_missing=False)
    try:
        out = {}
        for info in snapshots(engine, "warehouse")[:-1]:
            result = load_snapshot(engine, info.id).result
            out[info.taken_at.strftime("%Y-%m")] = sorted(
                f"{result.graph.package(f.package_id).name} {f.id}"
                for f in result.findings
                if f.kind in (FindingKind.VULNERABILITY, FindingKind.MALICIOUS)
            )
        return out
    finally:
        engine.dispose()


def run_pip_audit(
    repo: Path, rows: list[tuple[str, str]], scratch: Path, url: str, env: dict[str, str]
) -> tuple[float, dict[str, int], dict[str, list[str]]]:
    """Total wall seconds of one pip-audit per month, its count per month and the
    (package, id) pairs it found."""
    total = 0.0
    counts: dict[str, int] = {}
    found: dict[str, list[str]] = {}
    for month, commit in rows:
        requirements = scratch / f"{month}.txt"
        requirements.write_text(git(repo, "show", f"{commit}:{FILE}"))
        command = pip_audit_command(requirements, url, scratch / "pip-audit-cache")
        started = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        total += time.perf_counter() - started
        if proc.returncode not in (0, 1):
            raise SystemExit(f"pip-audit failed on {month} ({proc.returncode}): {proc.stderr}")
        deps = json.loads(proc.stdout)["dependencies"]
        pairs = [f"{d['name']} {v['id']}" for d in deps for v in d.get("vulns", [])]
        counts[month] = len(pairs)
        found[month] = sorted(pairs)
    return total, counts, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--months", type=int, default=0, help="only the first N months")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "PIP_AUDIT"))}
    with tempfile.TemporaryDirectory() as folder, HttpTestServer() as server:
        scratch = Path(folder)
        repo = scratch / "warehouse"
        subprocess.run(
            ["git", "clone", "-q", "-b", "main", str(BUNDLE), str(repo)],
            check=True,
            capture_output=True,
        )
        rows = months(repo)
        if args.months:
            keep = rows[args.months - 1][1]
            git(repo, "reset", "-q", "--hard", keep)
            rows = rows[: args.months]
        OsvApi(RecordSet.load(RECORDS)).install(server)
        env["AUDITOR_CACHE_DIR"] = str(scratch / "auditor-cache")
        auditor_seconds, auditor_counts, auditor_pairs = run_auditor(repo, scratch, env)
        pip_seconds, pip_counts, pip_pairs = run_pip_audit(repo, rows, scratch, server.url, env)
    report = {
        "months": len(rows),
        "auditor_seconds": round(auditor_seconds, 2),
        "pip_audit_seconds": round(pip_seconds, 2),
        "auditor_per_month": round(auditor_seconds / len(rows), 3),
        "pip_audit_per_month": round(pip_seconds / len(rows), 3),
        "ratio": round(auditor_seconds / pip_seconds, 3),
        "rows": [
            {
                "month": month,
                "commit": commit[:8],
                "auditor": auditor_counts.get(month),
                "pip_audit": pip_counts.get(month),
                "same_findings": auditor_pairs.get(month) == pip_pairs.get(month),
                "only_auditor": sorted(
                    set(auditor_pairs.get(month, ())) - set(pip_pairs.get(month, ()))
                ),
                "only_pip_audit": sorted(
                    set(pip_pairs.get(month, ())) - set(auditor_pairs.get(month, ()))
                ),
            }
            for month, commit in rows
        ],
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    rows_out: list[dict[str, object]] = report["rows"]  # type: ignore[assignment]
    print(f"{'month':8} {'commit':9} {'auditor':>8} {'pip-audit':>9}  same findings")
    for row in rows_out:
        extra = ""
        if not row["same_findings"]:
            extra = (
                f"  only auditor: {row['only_auditor']}; only pip-audit: {row['only_pip_audit']}"
            )
        print(
            f"{row['month']:8} {row['commit']:9} {row['auditor']!s:>8} {row['pip_audit']!s:>9}"
            f"  {'yes' if row['same_findings'] else 'NO'}{extra}"
        )
    differ = sum(1 for r in rows_out if not r["same_findings"])
    print(
        f"\n{report['months']} months, {differ} differing; expected {EXPECTED} and 0 from 2024-04\n"
        f"auditor backfill: {report['auditor_seconds']} s ({report['auditor_per_month']} s per "
        f"month, one process)\npip-audit: {report['pip_audit_seconds']} s "
        f"({report['pip_audit_per_month']} s per month, one process per month)\n"
        f"auditor / pip-audit: {report['ratio']} (target <= 0.25)"
    )


if __name__ == "__main__":
    main()
