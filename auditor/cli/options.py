"""Options several commands share, declared once."""

from __future__ import annotations

import argparse
from pathlib import Path

from auditor.collectors import plugins
from auditor.settings import read_config


def add_input_options(parser: argparse.ArgumentParser, *, paths_help: str | None = None) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help=paths_help
        or "lockfiles or directories to scan (directories are searched; default: .)",
    )
    parser.add_argument(
        "--as",
        dest="force_format",
        metavar="FORMAT",
        choices=plugins.names(),
        help="parse the named files as FORMAT instead of detecting it: "
        + ", ".join(plugins.names()),
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave out files below the scanned folders whose path matches GLOB (a name "
        "such as fixtures, or a path such as tests/fixtures or vendor/*), repeatable; adds "
        "to the config's exclude list",
    )


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def input_excludes(args: argparse.Namespace, cwd: Path | None = None) -> tuple[str, ...]:
    """--exclude, then the exclude list of the config file (``--config``, else the one in
    the first PATH), for the commands that read lockfiles without auditing them."""
    config = read_config(getattr(args, "config", None), list(args.paths), cwd or Path.cwd())
    return (*args.exclude, *config.exclude)
