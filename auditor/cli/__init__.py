"""The ``auditor`` command line: a thin shell that wires the stages.

Every ``AuditorError`` becomes one line on stderr and exit code 2; an unexpected exception
is reported as an internal error in one line too (``--debug`` shows the traceback). A reader
that stops reading (``auditor graph | head -1``) ends the run quietly with exit code 141,
what a shell reports for any program its pipe's reader left.

Only the command being run is imported: ``main`` finds its name in the arguments and builds
that command's options alone, so ``auditor --version`` loads no command and ``auditor scan``
loads neither the store nor the site (``tests/cli/test_startup.py``).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from collections.abc import Sequence

from auditor import __version__
from auditor.cli.base import EXIT_ERROR, Console
from auditor.cli.plugins import COMMANDS
from auditor.core.errors import MAX_MESSAGE, AuditorError, excerpt

ALL = "*"  # build_parser(): every command's options
EXIT_PIPE = 141  # 128 + SIGPIPE


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line, prefixed once (with the command's name
    when the error is about one of its flags), and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        command = self.prog.removeprefix("auditor").strip()
        where = f"{command}: " if command else ""
        self.exit(EXIT_ERROR, f"auditor: error: {where}{message}\n")


def build_parser(only: str | None = ALL) -> argparse.ArgumentParser:
    """The parser: with ``only`` a command's name, only that command's options are declared
    (and only its module imported); with None, no command's (``--version``, ``--help``)."""
    parser = _Parser(
        prog="auditor",
        description="Dependency and supply-chain audit of a repository's lockfiles.",
    )
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for entry in COMMANDS.values():
        if only in (ALL, entry.name):
            command = entry.load()
            child = sub.add_parser(
                entry.name, help=entry.help, description=command.description or entry.help
            )
            command.add_arguments(child)
        else:
            sub.add_parser(entry.name, help=entry.help, description=entry.help)
    return parser


def command_named(argv: Sequence[str]) -> str | None:
    """The command the arguments ask for: the first that is not a top-level option."""
    for arg in argv:
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None, console: Console | None = None) -> int:
    console = console or Console()
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(command_named(argv))
    args = parser.parse_args(argv)
    command = COMMANDS[args.command].load()
    try:
        return command.run(args, console)
    except AuditorError as exc:
        console.error(excerpt(str(exc), 4 * MAX_MESSAGE))
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_PIPE  # the reader left: nothing to say, and nowhere to say it
    except KeyboardInterrupt:
        console.error("interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a raw traceback
        if args.debug:
            traceback.print_exc(file=console.err)
        console.error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        return EXIT_ERROR


def run() -> None:
    # a terminated run unwinds like an interrupted one: files being written are removed,
    # never left behind half written
    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        code = EXIT_PIPE
    if code == EXIT_PIPE:
        _discard_output()
    sys.exit(code)


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _discard_output() -> None:
    """Point stdout and stderr at /dev/null, so that flushing them at exit does not raise
    (and print) BrokenPipeError once more."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):  # not a real file (a test's buffer): nothing to do
            continue
