"""Options several commands share, declared once."""

from __future__ import annotations

import argparse

from auditor.collectors import plugins


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


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
