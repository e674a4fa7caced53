"""Options shared by the commands that audit (``scan``, ``sbom``, ``report``): sources,
database, config, ignores, the network flags shared with ``db sync``, the ``--fail-on``
gate; turning them into an ``AuditRequest``; and telling the user what the run could not
do."""

from __future__ import annotations

import argparse
import os
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.advisories import plugins as sources
from auditor.cli.base import Console
from auditor.cli.net_options import (
    add_cache_option,
    add_network_options,
    add_registry_options,
    cache_root,
    net_config,
)
from auditor.settings import (
    FAIL_ON_CHOICES,
    UNKNOWN_SEVERITY_CHOICES,
    parse_platform,
    parse_python_version,
)

if TYPE_CHECKING:
    from auditor.core.result import AuditResult
    from auditor.pipeline.setup import AuditRequest, AuditSetup

UNCHECKED_LINES = 50  # on the terminal; --json lists every one


def add_audit_options(parser: argparse.ArgumentParser, *, fail_on_default: str) -> None:
    parser.add_argument(
        "--source",
        dest="sources",
        action="append",
        metavar="NAME",
        help="advisory source to use, repeatable or comma-separated: "
        + ", ".join(sources.names())
        + " (default: auto: the database auditor db sync keeps, when it is current, else "
        "the OSV API; env AUDITOR_SOURCE)",
    )
    parser.add_argument(
        "--advisory-db",
        metavar="PATH",
        help="OSV records for osv-local: a directory, an all.zip export or the sync cache "
        "(default: what auditor db sync downloaded into the cache; with --offline and "
        "nothing synced, the bundled sample; env AUDITOR_ADVISORY_DB)",
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
        + f"; malicious: only malicious packages; kev: only known-exploited vulnerabilities; "
        f"license or licence: only the licence policy's findings; default: {fail_on_default})",
    )
    parser.add_argument(
        "--vex",
        action="append",
        metavar="FILE",
        help="a VEX document (OpenVEX or CycloneDX JSON) whose not_affected (with a "
        "justification) and fixed statements suppress the findings they name; repeatable",
    )
    parser.add_argument(
        "--omit",
        action="append",
        metavar="SCOPE",
        help="leave the findings of packages needed only in these scopes out of the findings "
        "and --fail-on: dev (with dependency groups), optional (with extras), peer; "
        "repeatable or comma-separated (env AUDITOR_OMIT; config omit)",
    )
    parser.add_argument(
        "--kev",
        metavar="FILE",
        help="CISA's Known Exploited Vulnerabilities JSON to mark findings with (default: the "
        "copy auditor db sync keeps in the cache)",
    )
    parser.add_argument(
        "--epss",
        metavar="FILE",
        help="FIRST's EPSS scores (CSV, gzip-compressed or not) to rank findings by "
        "(default: the copy auditor db sync keeps in the cache)",
    )
    parser.add_argument(
        "--unknown-severity",
        choices=UNKNOWN_SEVERITY_CHOICES,
        metavar="RULE",
        help="how --fail-on LEVEL treats findings without a severity (Go advisories carry "
        "none): medium (count them as medium), fail (always fail), ignore (never fail); "
        "default: medium (config unknown-severity)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 3 also for what could not be audited at all: packages from git or a URL "
        "that no advisory describes by version (unless an ignore acknowledges them), "
        "unpinned dependencies, lockfiles of unsupported formats (env AUDITOR_STRICT; "
        "config strict = true)",
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


def audit_request(
    args: argparse.Namespace, environ: Mapping[str, str] | None = None, *, advisories: bool = True
) -> AuditRequest:
    """The audit ``scan``, ``sbom --with-vulnerabilities`` and ``report`` are asked for."""
    from auditor.pipeline.setup import AuditRequest

    return AuditRequest(
        paths=tuple(args.paths),
        force_format=getattr(args, "force_format", None),
        config=args.config,
        sources=tuple(args.sources or ()),
        advisory_db=args.advisory_db,
        osv_url=getattr(args, "osv_url", None),
        offline=args.offline,
        fail_on=args.fail_on,
        unknown_severity=getattr(args, "unknown_severity", None),
        no_registry=getattr(args, "no_registry", False),
        python_version=getattr(args, "python_version", None),
        platform=getattr(args, "platform", None),
        pypi_url=getattr(args, "pypi_url", None),
        npm_registry=getattr(args, "npm_registry", None),
        net=net_config(args, environ),
        cache_dir=cache_root(args, environ),
        vex=tuple(getattr(args, "vex", None) or ()),
        omit=tuple(getattr(args, "omit", None) or ()),
        kev=getattr(args, "kev", None),
        epss=getattr(args, "epss", None),
        notify=tuple(getattr(args, "notify", None) or ()),
        exclude=tuple(getattr(args, "exclude", ())),
        strict=getattr(args, "strict", False),
        advisories=advisories,
    )


def prepare(
    args: argparse.Namespace,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    now: datetime | None = None,
    advisories: bool = True,
) -> AuditSetup:
    """``auditor.pipeline.setup.prepare`` for the parsed flags (``advisories`` False: no
    advisory source is made, as for ``sbom`` without ``--with-vulnerabilities``)."""
    from auditor.pipeline.setup import prepare as prepare_request

    environ = os.environ if environ is None else environ
    request = audit_request(args, environ, advisories=advisories)
    return prepare_request(request, environ=environ, cwd=cwd, now=now)


def report_sources(result: AuditResult, console: Console) -> None:
    """Which advisory data was used, on stderr (the table on stdout names sources only)."""
    from auditor.outputs.text import safe

    for info in result.sources:
        if info.error:
            continue  # said once, with the packages it leaves unchecked
        when = f", updated {info.updated[:10]}" if info.updated else ""
        console.err.write(safe(f"auditor: advisories: {info.name}: {info.location}{when}") + "\n")


def report_problems(result: AuditResult, console: Console, *, warnings: bool = True) -> None:
    """Warnings, notes, broken files and unchecked packages, on stderr."""
    from auditor.outputs.text import safe

    for warning in result.warnings if warnings else ():
        console.warn(warning)
    for note in result.notes if warnings else ():
        console.err.write(safe(f"auditor: note: {note}") + "\n")
    for error in result.errors:
        console.error(safe(error.render()))
    lines = unchecked_lines(result)
    for line in lines[:UNCHECKED_LINES]:
        console.err.write(safe(f"auditor: not checked: {line}") + "\n")
    hidden = len(lines) - UNCHECKED_LINES
    if hidden > 0:
        console.err.write(f"auditor: not checked: {hidden} more (--json lists them all)\n")


def unchecked_lines(result: AuditResult) -> list[str]:
    """One line per reason shared by several packages (a source that failed is one line,
    not one per package), then one per package, in the result's order."""
    by_reason: dict[str, list[str]] = {}
    for package_id, reason in result.unchecked:
        by_reason.setdefault(reason, []).append(package_id)
    shared: list[str] = []
    single: list[str] = []
    for reason, ids in by_reason.items():
        if len(ids) > 1:
            ecosystems = Counter(result.graph.package(i).ecosystem.value for i in ids)
            where = ", ".join(f"{eco} {n}" for eco, n in sorted(ecosystems.items()))
            shared.append(f"{len(ids)} packages ({where}): {reason}")
        else:
            package = result.graph.package(ids[0])
            single.append(f"{package.display} ({package.ecosystem.value}): {reason}")
    return shared + single
