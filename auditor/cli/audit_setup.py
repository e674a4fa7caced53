"""Options shared by the commands that audit (``scan``, ``report``): sources, database,
config, ignores and the ``--fail-on`` gate, and turning a result into an exit code."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from auditor.advisories import registry as sources
from auditor.advisories.base import SourceOptions
from auditor.audit import AuditOptions
from auditor.cli.base import EXIT_ERROR, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, Console
from auditor.config import FAIL_ON_CHOICES, Settings, read_config, resolve
from auditor.model import AuditResult, Status
from auditor.policy import blocking

UNCHECKED_LINES = 50  # on the terminal; --json lists every one


def add_audit_options(parser: argparse.ArgumentParser, *, fail_on_default: str) -> None:
    parser.add_argument(
        "--source",
        dest="sources",
        action="append",
        metavar="NAME",
        help="advisory source to use, repeatable or comma-separated: "
        + ", ".join(sources.names())
        + " (default: osv-local; env AUDITOR_SOURCE)",
    )
    parser.add_argument(
        "--advisory-db",
        metavar="PATH",
        help="OSV records for osv-local: a directory, an all.zip export or the sync cache "
        "(default: the bundled snapshot; env AUDITOR_ADVISORY_DB)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="use only local advisory sources; selecting a live one is an error "
        "(env AUDITOR_OFFLINE)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="config file (default: auditor.toml or [tool.auditor] in pyproject.toml of the "
        "first PATH)",
    )
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        metavar="LEVEL",
        help="exit 1 for findings at or above LEVEL ("
        + ", ".join(FAIL_ON_CHOICES)
        + f"; malicious: only malicious packages; default: {fail_on_default})",
    )


@dataclass(frozen=True, kw_only=True)
class AuditSetup:
    settings: Settings
    options: AuditOptions


def prepare(
    args: argparse.Namespace,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    now: datetime | None = None,
) -> AuditSetup:
    """Read the config, resolve flags > environment > config, and build the sources
    (raising ``UsageError`` for anything wrong before any lockfile is read)."""
    environ = os.environ if environ is None else environ
    cwd = cwd or Path.cwd()
    now = now or datetime.now(timezone.utc)
    config = read_config(args.config, args.paths, cwd)
    settings = resolve(
        config=config,
        environ=environ,
        sources=args.sources,
        advisory_db=args.advisory_db,
        offline=args.offline,
        fail_on=args.fail_on,
    )
    source_options = SourceOptions(
        advisory_db=settings.advisory_db,
        offline=settings.offline,
        stale_days=settings.stale_days,
        now=now,
    )
    chosen = sources.create(settings.sources, source_options)
    options = AuditOptions(sources=chosen, ignores=settings.ignores, today=now.date())
    return AuditSetup(settings=settings, options=options)


def report_problems(result: AuditResult, console: Console, *, warnings: bool = True) -> None:
    """Warnings, broken files and unchecked packages, on stderr."""
    for warning in result.warnings if warnings else ():
        console.warn(warning)
    for error in result.errors:
        console.error(error.render())
    for package_id, reason in result.unchecked[:UNCHECKED_LINES]:
        package = result.graph.package(package_id)
        console.err.write(
            f"auditor: not checked: {package.display} ({package.ecosystem.value}): {reason}\n"
        )
    hidden = len(result.unchecked) - UNCHECKED_LINES
    if hidden > 0:
        console.err.write(f"auditor: not checked: {hidden} more (--json lists them all)\n")


def exit_code(result: AuditResult, fail_on: str | None, *, gate: bool = True) -> int:
    """2 for unreadable files, 1 for blocking findings, 3 when incomplete, else 0."""
    if result.errors:
        return EXIT_ERROR
    if gate and blocking(result.findings, fail_on):
        return EXIT_FINDINGS
    if result.status is Status.INCOMPLETE:
        return EXIT_INCOMPLETE
    return EXIT_OK
