"""Helpers for tests: run collectors on fixture files, read peer expectations, run the CLI."""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.cli import main
from auditor.cli.base import Console
from auditor.collectors.base import Collector, InputFile
from auditor.collectors.inputs import TreeReader
from auditor.core.model import CollectResult

FIXTURES = Path(__file__).parent / "fixtures"


def collect_file(collector: Collector, path: Path, root: Path | None = None) -> CollectResult:
    """Run ``collector`` on a file on disk, reading companions from its directory."""
    reader = TreeReader(root or path.parent)
    return collector.collect(reader.read_path(path), reader)


def collect_text(
    collector: Collector, text: str, name: str, root: Path | None = None
) -> CollectResult:
    """Run ``collector`` on text; companions (if any) come from ``root``."""
    reader = TreeReader(root or Path("/nonexistent-auditor-test-root"))
    return collector.collect(InputFile(path=name, text=text), reader)


def name_versions(result: CollectResult) -> list[tuple[str, str]]:
    return sorted((p.name, p.version) for p in result.packages)


@dataclass(frozen=True)
class PeerCase:
    fixture: Path
    expected: list[tuple[str, str]]
    source: str

    @property
    def id(self) -> str:
        return f"{self.source}/{self.fixture.name}"


def peer_cases(folder: Path) -> list[PeerCase]:
    """Every ``<fixture>.expected.json`` below ``folder`` (``peer/<source>/...``)."""
    cases = []
    for expected in sorted(folder.rglob("*.expected.json")):
        fixture = expected.with_name(expected.name.removesuffix(".expected.json"))
        data = json.loads(expected.read_text())
        pairs = sorted((str(n), str(v)) for n, v in data["packages"])
        cases.append(PeerCase(fixture=fixture, expected=pairs, source=expected.parent.name))
    return cases


@dataclass(frozen=True)
class CliRun:
    code: int
    out: str
    err: str


def run_cli(args: Sequence[str]) -> CliRun:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), Console(out=out, err=err))
    return CliRun(code=code, out=out.getvalue(), err=err.getvalue())


@dataclass(frozen=True)
class Bounded:
    """What a piece of code cost in a fresh interpreter: wall time, and how far its peak
    memory rose above the interpreter's own at start (a coverage tracer or other start-up
    cost of the test run is not counted)."""

    seconds: float
    peak_mb: float
    out: str


def run_measured(code: str, *, timeout: float = 120.0) -> Bounded:
    """Run ``code`` in a new Python process; its wall time and peak RSS (ru_maxrss), so
    memory bounds hold per case and a blow-up cannot take the test run down with it."""
    import subprocess
    import sys
    import textwrap

    wrapper = (
        "import resource, sys, time\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "started = time.perf_counter()\n"
        + textwrap.dedent(code)
        + "\nsys.stdout.write('\\n@@ %f %f\\n' % (time.perf_counter() - started,"
        " (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", wrapper],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=Path(__file__).parents[1],
    )
    if proc.returncode != 0 or "@@ " not in proc.stdout:
        raise AssertionError(
            f"measured code failed (exit {proc.returncode}): {proc.stderr[-2000:]}"
        )
    out, _, tail = proc.stdout.rpartition("\n@@ ")
    seconds, peak = (float(x) for x in tail.split())
    return Bounded(seconds=seconds, peak_mb=peak, out=out)


# -- per-case bounds of fuzz tests ---------------------------------------------------------------


@dataclass
class CaseCost:
    """What one case cost: CPU seconds of this process, and how far its peak memory rose
    above what the process held when the case began (resident memory where Linux can reset
    the high-water mark, else the peak of Python's own allocations)."""

    seconds: float = 0.0
    peak_mb: float = 0.0


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise OSError(f"/proc/self/status has no {field}")


def _reset_peak_rss() -> bool:
    """Reset the process's resident high-water mark (VmHWM) to its current size."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        _status_kb("VmHWM")
    except OSError:
        return False
    return True


@contextlib.contextmanager
def case_bounds(*, seconds: float, peak_mb: float) -> Iterator[CaseCost]:
    """Assert that the block — one case of a fuzz test — finishes within ``seconds`` of CPU
    time and raises peak memory by less than ``peak_mb``: a hostile input that makes the
    code slow or large fails its own case, not only one that raises.

    CPU time (not wall time) so that other processes on the machine do not count; memory
    by the kernel's high-water mark, which costs nothing per case (tracemalloc, the fallback
    off Linux, slows allocation-heavy parsers three to four times).
    """
    cost = CaseCost()
    rss = _reset_peak_rss()
    if rss:
        before = _status_kb("VmRSS")
    else:
        traced = tracemalloc.is_tracing()
        if not traced:
            tracemalloc.start()
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0] // 1024
    started = time.process_time()
    try:
        yield cost
    finally:
        cost.seconds = time.process_time() - started
        if rss:
            peak = _status_kb("VmHWM")
        else:
            peak = tracemalloc.get_traced_memory()[1] // 1024
            if not traced:
                tracemalloc.stop()
        cost.peak_mb = max(0, peak - before) / 1024
        if os.environ.get("AUDITOR_CASE_COSTS"):  # the figures behind the bounds below
            with open(os.environ["AUDITOR_CASE_COSTS"], "a", encoding="utf-8") as log:
                log.write(f"{cost.seconds:.4f} {cost.peak_mb:.2f}\n")
    assert cost.seconds < seconds, f"case took {cost.seconds:.2f} s of CPU (bound {seconds} s)"
    assert cost.peak_mb < peak_mb, f"case peaked {cost.peak_mb:.0f} MB higher (bound {peak_mb})"


def git(folder: Path, *args: str) -> str:
    """Run git in ``folder``; its output (an error fails the test)."""
    import subprocess

    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def commit_all(folder: Path, *, branch: str = "main") -> str:
    """Make ``folder`` a git repository with everything in it committed; its HEAD."""
    git(folder, "init", "-q", "-b", branch)
    git(folder, "add", "-A")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "x")
    return git(folder, "rev-parse", "HEAD")
