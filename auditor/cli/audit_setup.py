"""Options shared by the commands that audit (``scan``, ``report``): sources, database,
config, ignores, the network flags shared with ``db sync``, the ``--fail-on`` gate, and
turning a result into an exit code."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from auditor.advisories import registry as sources
from auditor.advisories.base import SourceOptions
from auditor.audit import AuditOptions
from auditor.checks.base import CheckSettings
from auditor.checks.typosquat.allowlist import EMPTY, load_allow_list
from auditor.cli.base import EXIT_ERROR, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, Console
from auditor.cli.net_options import add_cache_option, add_network_options, cache_root, net_config
from auditor.config import FAIL_ON_CHOICES, Settings, read_config, resolve
from auditor.formats.table import safe
from auditor.model import AuditResult, Status
from auditor.net import HttpClient
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
        "(default: what auditor db sync downloaded into the cache, else the bundled "
        "snapshot; env AUDITOR_ADVISORY_DB)",
    )
    parser.add_argument(
        "--osv-url",
        metavar="URL",
        help="base URL of the OSV API for osv-api, e.g. a mirror (default: OSV's public "
        "API; env AUDITOR_OSV_URL)",
    )
    # --offline (only local sources; a live one is a usage error), --timeout,
    # --retry-budget, --rate-limit and --cache-dir, as for `db sync`
    add_network_options(parser)
    add_cache_option(parser)
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
    client: HttpClient | None = None  # the run's HTTP client, when a live source is chosen

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


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
        osv_url=getattr(args, "osv_url", None),
    )
    net = net_config(args, environ)
    if settings.offline:
        net = replace(net, offline=True)
    live = any(sources.SOURCES[n].live for n in settings.sources if n in sources.SOURCES)
    client = HttpClient(net) if live else None
    source_options = SourceOptions(
        advisory_db=settings.advisory_db,
        offline=settings.offline,
        stale_days=settings.stale_days,
        now=now,
        osv_url=settings.osv_url,
        http=client,
        cache_dir=cache_root(args, environ),
        environ=environ,
    )
    chosen = sources.create(settings.sources, source_options)
    allow_path = settings.typosquat_allow_list
    check_settings = CheckSettings(
        typosquat_allow=EMPTY if allow_path is None else load_allow_list(allow_path)
    )
    options = AuditOptions(
        sources=chosen,
        ignores=settings.ignores,
        today=now.date(),
        check_settings=check_settings,
    )
    return AuditSetup(settings=settings, options=options, client=client)


def report_sources(result: AuditResult, console: Console) -> None:
    """Which advisory data was used, on stderr (the table on stdout names sources only)."""
    for info in result.sources:
        when = f", updated {info.updated[:10]}" if info.updated else ""
        console.err.write(safe(f"auditor: advisories: {info.name}: {info.location}{when}") + "\n")


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
