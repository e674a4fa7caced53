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
