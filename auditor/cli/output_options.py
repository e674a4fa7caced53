"""Choosing output formats and where they go (``--format``, ``-o``, ``--output-dir``), and
the document options every format shares (``--timestamp``, ``--project-name``,
``--spec-version``). Formats come from ``auditor.outputs.plugins``; rendering and writing
them is ``auditor.outputs.files``.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.cli.base import Console
from auditor.core.errors import UsageError
from auditor.outputs import plugins
from auditor.outputs.duplicates import SHOW_CHOICES
from auditor.outputs.sbom import SPEC_VERSIONS

if TYPE_CHECKING:
    from auditor.outputs.base import RenderOptions
    from auditor.outputs.files import Rendered
    from auditor.outputs.plugins import OutputFormat
    from auditor.pipeline.documents import DocumentRequest


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
    add_force_option(parser)


def add_force_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace files in the output folder that auditor did not write (refused otherwise)",
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


def render_options(
    args: argparse.Namespace,
    *,
    environ: Mapping[str, str] | None = None,
    fail_on: str | None = None,
) -> RenderOptions:
    from auditor.pipeline.documents import render_options as pipeline_render_options

    return pipeline_render_options(
        document_request(args), args.paths, fail_on=fail_on, environ=environ
    )


def document_request(args: argparse.Namespace) -> DocumentRequest:
    """The document options of ``add_document_options`` (absent on some commands)."""
    from auditor.pipeline.documents import DocumentRequest

    return DocumentRequest(
        project_name=getattr(args, "project_name", None),
        project_version=getattr(args, "project_version", None),
        timestamp=getattr(args, "timestamp", None),
        spec_version=getattr(args, "spec_version", None),
        show=tuple(item for group in getattr(args, "show", None) or () for item in group),
    )


def check_destination(
    formats: Sequence[OutputFormat], output: str | None, folder: str | None
) -> None:
    if output and folder:
        raise UsageError("-o/--output and --output-dir exclude each other")
    if len(formats) > 1 and not folder:
        names = ",".join(f.name for f in formats)
        raise UsageError(f"--format {names}: several formats need --output-dir DIR")


def deliver(
    outputs: Sequence[Rendered],
    console: Console,
    *,
    output: str | None,
    folder: str | None,
    force: bool = False,
) -> list[Path]:
    """Write each output to its file (or the single one to standard output)."""
    from auditor.core.fsutil import atomic_write
    from auditor.outputs.files import write_files

    if folder:
        return write_files(outputs, Path(folder), force=force)
    if output:
        atomic_write(Path(output), outputs[0].text)
        return [Path(output)]
    for item in outputs:
        console.out.write(item.text)
    return []
