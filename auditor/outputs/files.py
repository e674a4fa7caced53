"""Rendering the chosen formats and writing them under their standard file names.

Every chosen format is rendered before anything is written, and each file is written
atomically, so a failure never leaves half an output behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.core.errors import UsageError
from auditor.core.fsutil import atomic_write
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


def write_files(outputs: Sequence[Rendered], folder: Path) -> list[Path]:
    """Write each output into ``folder`` under its format's file name."""
    written = [folder / item.format.filename for item in outputs]
    for item, path in zip(outputs, written, strict=True):
        atomic_write(path, item.text)
    return written
