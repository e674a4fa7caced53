"""Time auditor's CycloneDX SBOM against cyclonedx-py's on the same real lockfiles.

Usage: .venv/bin/python bench/sbom.py [FILE...]   (default: BENCH_FILES of tests/sbom/test_peer.py)

For each file: components (versioned) and dependency edges in each SBOM, and the wall time
of each tool as a separate process (median of 3 runs, including interpreter start-up).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.sbom.peer import components, edges, peer_command  # noqa: E402
from tests.sbom.test_peer import BENCH_FILES  # noqa: E402

AUDITOR = Path(sys.executable).with_name("auditor")
RUNS = 3


def timed(command: list[str], cwd: Path) -> tuple[float, dict[str, object]]:
    times, out = [], ""
    for _ in range(RUNS):
        start = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, check=False, cwd=cwd)
        times.append(time.perf_counter() - start)
        out = proc.stdout
    return statistics.median(times), json.loads(out)


def main(paths: list[str]) -> None:
    print(
        "| file | auditor components | cyclonedx-py components | auditor edges "
        "| cyclonedx-py edges | auditor s | cyclonedx-py s | ratio |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in paths:
        path = (ROOT / name).resolve()
        ours_s, ours = timed([str(AUDITOR), "sbom", str(path), "--timestamp", "0"], ROOT)
        peer_s, peer = timed(peer_command(path), path.parent)
        print(
            f"| {name.removeprefix('tests/fixtures/')} | {len(components(ours))} "  # type: ignore[arg-type]
            f"| {len(components(peer))} | {edges(ours)} | {edges(peer)} "  # type: ignore[arg-type]
            f"| {ours_s:.2f} | {peer_s:.2f} | {peer_s / ours_s:.1f}x |"
        )


if __name__ == "__main__":
    main(sys.argv[1:] or BENCH_FILES)
