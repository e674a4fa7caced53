"""Helpers for tests: run collectors on fixture files, read peer expectations, run the CLI."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
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
