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

from auditor.advisories import plugins as sources
from auditor.advisories.base import SourceOptions
from auditor.checks.base import CheckSettings
from auditor.checks.typosquat.allowlist import EMPTY, load_allow_list
from auditor.cli.base import EXIT_ERROR, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, Console
from auditor.cli.net_options import (
    add_cache_option,
    add_network_options,
    add_registry_options,
    cache_root,
    net_config,
)
from auditor.core.model import AuditResult, Status
from auditor.enrich.stage import RegistrySetup
from auditor.net.client import HttpClient
from auditor.outputs.table import safe
from auditor.pipeline.audit import AuditOptions
from auditor.pipeline.policy import blocking
from auditor.registries.common import ConfigContext
from auditor.registries.internal import InternalNames
from auditor.registries.lookup import PublicRegistries, configured_registries, public_registries
from auditor.settings import (
    DEFAULT_UNKNOWN_SEVERITY,
    ENV_NO_REGISTRY,
    FAIL_ON_CHOICES,
    UNKNOWN_SEVERITY_CHOICES,
    Settings,
    parse_platform,
    parse_python_version,
    read_config,
    resolve,
    scan_root,
)
from auditor.versions.markers import TargetEnvironment

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
    parser.add_argument(
        "--unknown-severity",
        choices=UNKNOWN_SEVERITY_CHOICES,
        metavar="RULE",
        help="how --fail-on LEVEL treats findings without a severity (Go advisories carry "
        "none): medium (count them as medium), fail (always fail), ignore (never fail); "
        "default: medium (config unknown-severity)",
    )
    add_check_options(parser)


def add_check_options(parser: argparse.ArgumentParser) -> None:
    """The target environment and the registry lookups of the supply-chain checks."""
    parser.add_argument(
        "--no-registry",
        action="store_true",
        help="ask no package registry: no health, no confusion lookups, no edges for flat "
        "lockfiles, no fix-plan upgrades (env AUDITOR_NO_REGISTRY; config registry = false)",
    )
    parser.add_argument(
        "--python-version",
        type=_python_version,
        metavar="X.Y",
        help="evaluate environment markers and Requires-Python for this Python only "
        "(env AUDITOR_PYTHON_VERSION; default: the project's Pythons, else any)",
    )
    parser.add_argument(
        "--platform",
        type=_platform,
        metavar="OS",
        help="evaluate environment markers for linux, darwin or windows only "
        "(env AUDITOR_PLATFORM; default: any)",
    )
    add_registry_options(parser)


def _python_version(text: str) -> str:
    try:
        return parse_python_version(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _platform(text: str) -> str:
    try:
        return parse_platform(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@dataclass(frozen=True, kw_only=True)
class AuditSetup:
    settings: Settings
    options: AuditOptions
    client: HttpClient | None = None  # the run's HTTP client: live sources, registries

    def close(self) -> None:
        if self.client is not None:
            self.client.close()

    def __enter__(self) -> AuditSetup:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


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
        unknown_severity=getattr(args, "unknown_severity", None),
        osv_url=getattr(args, "osv_url", None),
        no_registry=getattr(args, "no_registry", False),
        python_version=getattr(args, "python_version", None),
        platform=getattr(args, "platform", None),
    )
    net = net_config(args, environ)
    if settings.offline:
        net = replace(net, offline=True)
    live = any(sources.SOURCES[n].live for n in settings.sources if n in sources.SOURCES)
    lookups = settings.registry and not settings.offline
    client = HttpClient(net) if live or lookups else None
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
        typosquat_allow=EMPTY if allow_path is None else load_allow_list(allow_path),
        internal=InternalNames(patterns=settings.internal),
        unmaintained_days=settings.unmaintained_days,
        environment=TargetEnvironment(
            python_version=settings.python_version, platform=settings.platform
        ),
        now=now,
    )
    registry = _registry_setup(args, settings, environ, cwd, client, config_path=config.path)
    options = AuditOptions(
        sources=chosen,
        ignores=settings.ignores,
        today=now.date(),
        check_settings=check_settings,
        registry=registry,
    )
    return AuditSetup(settings=settings, options=options, client=client)


def _registry_setup(
    args: argparse.Namespace,
    settings: Settings,
    environ: Mapping[str, str],
    cwd: Path,
    client: HttpClient | None,
    *,
    config_path: str | None,
) -> RegistrySetup:
    """The run's registries, or why there are none."""
    if settings.offline:
        return RegistrySetup(note="offline (--offline or AUDITOR_OFFLINE)")
    if not settings.registry or client is None:
        if getattr(args, "no_registry", False):
            why = "--no-registry"
        elif ENV_NO_REGISTRY in environ:
            why = f"{ENV_NO_REGISTRY} is set"
        else:
            why = f"registry = false in {config_path}"
        return RegistrySetup(note=why)
    context = replace(ConfigContext.current(project=scan_root(args.paths, cwd)), env=dict(environ))
    registries = configured_registries(
        client,
        context,
        pypi_url=getattr(args, "pypi_url", None),
        npm_registry=getattr(args, "npm_registry", None),
    )
    http = client

    def public() -> PublicRegistries:
        return public_registries(http, context, settings.public_registries)

    return RegistrySetup(registries=registries, public=public)


def report_sources(result: AuditResult, console: Console) -> None:
    """Which advisory data was used, on stderr (the table on stdout names sources only)."""
    for info in result.sources:
        when = f", updated {info.updated[:10]}" if info.updated else ""
        console.err.write(safe(f"auditor: advisories: {info.name}: {info.location}{when}") + "\n")


def report_problems(result: AuditResult, console: Console, *, warnings: bool = True) -> None:
    """Warnings, notes, broken files and unchecked packages, on stderr."""
    for warning in result.warnings if warnings else ():
        console.warn(warning)
    for note in result.notes if warnings else ():
        console.err.write(safe(f"auditor: note: {note}") + "\n")
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


def exit_code(
    result: AuditResult,
    fail_on: str | None,
    *,
    gate: bool = True,
    unknown: str = DEFAULT_UNKNOWN_SEVERITY,
) -> int:
    """2 for unreadable files, 1 for blocking findings, 3 when incomplete, else 0."""
    if result.errors:
        return EXIT_ERROR
    if gate and blocking(result.findings, fail_on, unknown=unknown):
        return EXIT_FINDINGS
    if result.status is Status.INCOMPLETE:
        return EXIT_INCOMPLETE
    return EXIT_OK
