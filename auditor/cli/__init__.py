"""The ``auditor`` command line: a thin shell that wires the stages.

Every ``AuditorError`` becomes one line on stderr and exit code 2; an unexpected exception
is reported as an internal error in one line too (``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from auditor import __version__
from auditor.cli.base import EXIT_ERROR, Console
from auditor.cli.plugins import COMMANDS
from auditor.core.errors import MAX_MESSAGE, AuditorError, excerpt


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line with the program name and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_ERROR, f"auditor: error: {self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="auditor",
        description="Dependency and supply-chain audit of a repository's lockfiles.",
    )
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for command in COMMANDS.values():
        child = sub.add_parser(
            command.name,
            help=command.help,
            description=command.description or command.help,
        )
        command.add_arguments(child)
    return parser


def main(argv: Sequence[str] | None = None, console: Console | None = None) -> int:
    console = console or Console()
    parser = build_parser()
    args = parser.parse_args(argv)
    command = COMMANDS[args.command]
    try:
        return command.run(args, console)
    except AuditorError as exc:
        console.error(excerpt(str(exc), 4 * MAX_MESSAGE))
        return EXIT_ERROR
    except KeyboardInterrupt:
        console.error("interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a raw traceback
        if args.debug:
            traceback.print_exc(file=console.err)
        console.error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        return EXIT_ERROR


def run() -> None:
    sys.exit(main())
