"""SBOM benchmarks: auditor against cyclonedx-py on real lockfiles, and rendering time.

Usage:
  .venv/bin/python bench/sbom.py peer [FILE...]   auditor vs cyclonedx-py (default files:
                                                  BENCH_FILES of tests/outputs/sbom/test_peer.py)
  .venv/bin/python bench/sbom.py render [--skip-library]
                                                  every format on a generated 2,000-package
                                                  project and the largest real fixture

peer: components (versioned) and dependency edges in each SBOM, and the wall time of each
tool as a separate process (median of 3 runs, interpreter start-up included), cyclonedx-py
offline and without its own output validation (see tests/outputs/sbom/peer.py).

render: in-process time of each registered format (best of 3, the audit not included),
and CycloneDX JSON and XML also as cyclonedx-python-lib's model and outputters render the
same result (tests/outputs/sbom/library_reference.py: how auditor rendered them before; one run,
it takes tens of seconds).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.core.result import AuditResult  # noqa: E402
from auditor.outputs import plugins  # noqa: E402
from auditor.outputs.base import RenderOptions  # noqa: E402
from tests.outputs.cases import OPTIONS, audited, generated_result, in_repo  # noqa: E402
from tests.outputs.sbom import library_reference  # noqa: E402
from tests.outputs.sbom.peer import (  # noqa: E402
    components,
    edges,
    offline_command,
    offline_env,
    peer_command,
)
from tests.outputs.sbom.test_peer import BENCH_FILES  # noqa: E402

AUDITOR = Path(sys.executable).with_name("auditor")
RUNS = 3
LARGEST = "tests/fixtures/yarn-lock/real/babel__babel/yarn.lock"
GENERATED = 2000


def timed(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[float, dict[str, object]]:
    times, out = [], ""
    for _ in range(RUNS):
        start = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, check=True, cwd=cwd, env=env)
        times.append(time.perf_counter() - start)
        out = proc.stdout
    return statistics.median(times), json.loads(out)


def peer(paths: list[str]) -> None:
    print(
        "| file | auditor components | cyclonedx-py components | auditor edges "
        "| cyclonedx-py edges | auditor s | cyclonedx-py s | ratio |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in paths:
        path = (ROOT / name).resolve()
        ours_s, ours = timed([str(AUDITOR), "sbom", str(path), "--timestamp", "0"], ROOT)
        peer_s, theirs = timed(offline_command(peer_command(path)), path.parent, offline_env())
        print(
            f"| {name.removeprefix('tests/fixtures/')} | {len(components(ours))} "  # type: ignore[arg-type]
            f"| {len(components(theirs))} | {edges(ours)} | {edges(theirs)} "  # type: ignore[arg-type]
            f"| {ours_s:.2f} | {peer_s:.2f} | {peer_s / ours_s:.1f}x |"
        )


Renderer = Callable[[AuditResult, RenderOptions], str]


def best(render: Renderer, result: AuditResult, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render(result, OPTIONS)
        times.append(time.perf_counter() - start)
    return min(times)


def render(skip_library: bool) -> None:
    with in_repo():
        cases: list[tuple[str, AuditResult]] = [
            (f"generated, {GENERATED} packages", generated_result(GENERATED)),
            (LARGEST.removeprefix("tests/fixtures/"), audited(LARGEST)),
        ]
    for label, result in cases:
        print(f"\n{label}: {len(result.graph)} packages, {len(result.graph.edges)} edges\n")
        print("| format | auditor s | cyclonedx-python-lib s |")
        print("|---|---:|---:|")
        library: dict[str, Renderer] = {
            "cyclonedx-json": library_reference.render_cyclonedx_json,
            "cyclonedx-xml": library_reference.render_cyclonedx_xml,
        }
        for name in plugins.names():
            ours = best(plugins.get(name).render, result)
            theirs = "-"
            if name in library and not skip_library:
                theirs = f"{best(library[name], result, runs=1):.2f}"
            print(f"| {name} | {ours:.3f} | {theirs} |")


def main(args: list[str]) -> None:
    mode = args[0] if args and args[0] in ("peer", "render") else "peer"
    rest = args[1:] if args and args[0] in ("peer", "render") else args
    if mode == "render":
        render(skip_library="--skip-library" in rest)
    else:
        peer(rest or BENCH_FILES)


if __name__ == "__main__":
    main(sys.argv[1:])
