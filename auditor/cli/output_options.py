"""Choosing output formats and where they go (``--format``, ``-o``, ``--output-dir``), and
the document options every format shares (``--timestamp``, ``--project-name``,
``--spec-version``). Formats come from ``auditor.outputs.plugins``.

Every chosen format is rendered before anything is written, and each file is written
atomically, so a failure never leaves half an output behind.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.cli.base import Console
from auditor.core.errors import UsageError
from auditor.core.fsutil import atomic_write
from auditor.core.model import AuditResult
from auditor.outputs import plugins
from auditor.outputs.base import Previous, RenderOptions, fixed_timestamp
from auditor.outputs.duplicates import SHOW_CHOICES
from auditor.outputs.plugins import OutputFormat
from auditor.outputs.sbom.cyclonedx import SPEC_VERSIONS


def add_format_option(parser: argparse.ArgumentParser, *, default: str, sbom_only: bool) -> None:
    choices = plugins.names(sbom_only=sbom_only)
    parser.add_argument(
        "--format",
        dest="formats",
        action="append",
        metavar="FORMAT",
        help=f"output format, repeatable or comma-separated: {', '.join(choices)} "
        f"(default: {default})",
    )


def add_show_option(parser: argparse.ArgumentParser) -> None:
    """``--show duplicates``: information the table lists after the findings."""
    parser.add_argument(
        "--show",
        action="append",
        type=_show,
        metavar="WHAT",
        help="also list, after the findings table, repeatable or comma-separated: "
        + ", ".join(SHOW_CHOICES)
        + " (names locked at several versions, each version with who requires it; "
        "information, not findings; findings.json always has them)",
    )


def _show(text: str) -> tuple[str, ...]:
    items = tuple(i.strip() for i in text.split(",") if i.strip())
    for item in items:
        if item not in SHOW_CHOICES:
            raise argparse.ArgumentTypeError(
                f"{item!r} is not something to show (choose from {', '.join(SHOW_CHOICES)})"
            )
    return items


def add_destination_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the (single) chosen format to FILE instead of standard output",
    )
    parser.add_argument(
        "--output-dir",
        metavar="DIR",
        help="write every chosen format into DIR under its standard name (docs/outputs.md)",
    )


def add_document_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project-name",
        metavar="NAME",
        help="the project's name in SBOMs and summaries (default: the first PATH's folder name)",
    )
    parser.add_argument(
        "--project-version",
        metavar="VERSION",
        help="the project's version in SBOMs (default: none recorded)",
    )
    parser.add_argument(
        "--timestamp",
        metavar="WHEN",
        help="document time as ISO 8601 or seconds since 1970 (default: SOURCE_DATE_EPOCH, "
        "else now); a fixed time also makes serial numbers reproducible",
    )
    parser.add_argument(
        "--spec-version",
        metavar="VERSION",
        choices=sorted(SPEC_VERSIONS, reverse=True),
        help="CycloneDX specification version: "
        + ", ".join(sorted(SPEC_VERSIONS, reverse=True))
        + " (default: 1.6)",
    )


def chosen_formats(
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


def project_name(paths: Sequence[str], cwd: Path | None = None) -> str:
    first = Path(paths[0]) if paths else Path(".")
    where = (cwd or Path.cwd()) / first
    where = where.resolve()
    folder = where.parent if where.is_file() else where
    return folder.name or "project"


def source_root(paths: Sequence[str], cwd: Path | None = None) -> str:
    """The prefix that turns displayed paths (relative to the scanned folder, or to the
    current directory for files) into paths relative to the git repository root."""
    here = (cwd or Path.cwd()).resolve()
    first = (here / paths[0]).resolve() if paths else here
    base = first if first.is_dir() else (here if first.is_relative_to(here) else first.parent)
    for candidate in (base, *base.parents):
        if (candidate / ".git").exists():
            relative = base.relative_to(candidate).as_posix()
            return "" if relative == "." else relative
    return ""


def render_options(
    args: argparse.Namespace,
    *,
    environ: Mapping[str, str] | None = None,
    fail_on: str | None = None,
    previous: Previous | None = None,
) -> RenderOptions:
    environ = os.environ if environ is None else environ
    return RenderOptions(
        project_name=getattr(args, "project_name", None) or project_name(args.paths),
        project_version=getattr(args, "project_version", None),
        timestamp=fixed_timestamp(getattr(args, "timestamp", None), environ),
        spec_version=getattr(args, "spec_version", None),
        source_root=source_root(args.paths),
        previous=previous,
        fail_on=fail_on,
        show=frozenset(item for group in getattr(args, "show", None) or () for item in group),
    )


@dataclass(frozen=True, kw_only=True)
class Rendered:
    format: OutputFormat
    text: str


def render_all(
    formats: Sequence[OutputFormat], result: AuditResult, options: RenderOptions
) -> list[Rendered]:
    return [Rendered(format=f, text=f.render(result, options)) for f in formats]


def check_destination(
    formats: Sequence[OutputFormat], output: str | None, folder: str | None
) -> None:
    if output and folder:
        raise UsageError("-o/--output and --output-dir exclude each other")
    if len(formats) > 1 and not folder:
        names = ",".join(f.name for f in formats)
        raise UsageError(f"--format {names}: several formats need --output-dir DIR")


def deliver(
    outputs: Sequence[Rendered], console: Console, *, output: str | None, folder: str | None
) -> list[Path]:
    """Write each output to its file (or the single one to standard output)."""
    if folder:
        written = [Path(folder) / item.format.filename for item in outputs]
        for item, path in zip(outputs, written, strict=True):
            atomic_write(path, item.text)
        return written
    if output:
        atomic_write(Path(output), outputs[0].text)
        return [Path(output)]
    for item in outputs:
        console.out.write(item.text)
    return []
