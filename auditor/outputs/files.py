"""Rendering the chosen formats and writing them under their standard file names.

Every chosen format is rendered before anything is written, and each file is written
atomically into an ``OutFolder`` (``auditor.core.outfolder``), so a failure never leaves
half an output behind and no file auditor did not write is replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.core.errors import UsageError
from auditor.core.outfolder import OutFolder
from auditor.core.result import AuditResult
from auditor.outputs import plugins
from auditor.outputs.base import RenderOptions
from auditor.outputs.plugins import OutputFormat


@dataclass(frozen=True, kw_only=True)
class Rendered:
    format: OutputFormat
    text: str


def choose_formats(
    values: Sequence[str] | None, default: Sequence[str], *, sbom_only: bool = False
) -> list[OutputFormat]:
    """The formats named by repeated/comma-separated ``--format`` (in order, no repeats)."""
    names = [n.strip() for v in values or () for n in v.split(",") if n.strip()] or list(default)
    allowed = plugins.names(sbom_only=sbom_only)
    chosen: list[OutputFormat] = []
    for name in dict.fromkeys(names):
        if name not in allowed:
            raise UsageError(f"--format {name}: unknown format (known: {', '.join(allowed)})")
        chosen.append(plugins.get(name))
    return chosen


def render_all(
    formats: Sequence[OutputFormat], result: AuditResult, options: RenderOptions
) -> list[Rendered]:
    return [Rendered(format=f, text=f.render(result, options)) for f in formats]


def write_files(outputs: Sequence[Rendered], folder: Path, *, force: bool = False) -> list[Path]:
    """Write each output into ``folder`` under its format's file name (an ``OutFolder``:
    never over a file auditor did not write, unless ``force``)."""
    out = OutFolder(folder, force=force, flag="--output-dir")
    out.write({item.format.filename: item.text for item in outputs})
    return [folder / item.format.filename for item in outputs]
