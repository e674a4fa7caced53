"""``auditor db sync`` and ``auditor db status``: the local OSV databases."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from auditor.advisories.dbstatus import DbStatus, read_status
from auditor.advisories.exploits import EPSS_URL_ENV, EXPLOIT_PARTS, KEV_URL_ENV, ExploitPart
from auditor.advisories.sync import (
    DEFAULT_EXPORT_URL,
    EXPORT_URL_ENV,
    SyncLimits,
    SyncResult,
    import_file,
    keep_current,
    sync_ecosystem,
    utc_now,
)
from auditor.cli.base import EXIT_ERROR, EXIT_OK, Command, Console
from auditor.cli.net_options import (
    add_cache_option,
    add_network_options,
    cache_root,
    net_config,
    non_negative_int,
    positive_float,
)
from auditor.core.errors import SourceError, UsageError
from auditor.core.model import Ecosystem
from auditor.core.redact import redact_url
from auditor.net.client import HttpClient
from auditor.settings import stale_days


class DbCommand(Command):
    name = "db"
    description = (
        "Manage the OSV databases the osv-local source reads: `db sync` downloads OSV's "
        "per-ecosystem exports into the cache directory, `db status` shows their age and size."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="db_command", metavar="SUBCOMMAND", help="sync or status")
        sub.required = True
        sync = sub.add_parser(
            "sync",
            help="download OSV's exports (only what changed)",
            description="Download <export URL>/<Ecosystem>/all.zip for each ecosystem into "
            "<cache>/osv/<Ecosystem>/, verify it and replace the old database atomically.",
        )
        _add_ecosystems(sync)
        add_cache_option(sync)
        sync.add_argument(
            "--osv-export-url",
            metavar="URL",
            help=f"base URL of the OSV exports (default: ${EXPORT_URL_ENV}, else OSV's "
            "public export bucket)",
        )
        sync.add_argument(
            "--min-records",
            type=non_negative_int,
            default=1,
            metavar="N",
            help="refuse an export with fewer than N records (default: 1)",
        )
        sync.add_argument(
            "--allow-shrink",
            action="store_true",
            help="accept an export with less than half the records of the current database",
        )
        _add_exploit_options(sync)
        add_network_options(sync, offline=False, rate_limit=False)
        status = sub.add_parser(
            "status",
            help="show records, size, age and source of each database",
            description="Show each local OSV database and warn when one is older than "
            "the staleness threshold.",
        )
        _add_ecosystems(status)
        add_cache_option(status)
        status.add_argument(
            "--stale-days",
            "--max-age-days",  # the earlier name, kept as an alias
            dest="stale_days",
            type=positive_float,
            metavar="DAYS",
            help="warn about databases older than this (default: $AUDITOR_STALE_DAYS, else 7; "
            "--max-age-days is the deprecated spelling)",
        )
        status.add_argument("--json", action="store_true", help="print JSON instead of text")

    def run(self, args: argparse.Namespace, console: Console) -> int:
        if args.db_command == "sync":
            return _sync(args, console)
        return _status(args, console)


def _add_exploit_options(parser: argparse.ArgumentParser) -> None:
    """Where CISA's KEV catalog and FIRST's EPSS scores come from (or that they do not)."""
    for name, what, env in (
        ("kev", "CISA's Known Exploited Vulnerabilities JSON", KEV_URL_ENV),
        ("epss", "FIRST's EPSS scores (CSV, gzip)", EPSS_URL_ENV),
    ):
        parser.add_argument(
            f"--{name}-url",
            metavar="URL",
            help=f"where to download {what} (default: ${env}, else the publisher's URL)",
        )
        parser.add_argument(
            f"--{name}",
            metavar="FILE",
            help=f"a copy of {what} you have: checked and put in the cache instead of downloading",
        )
        parser.add_argument(
            f"--no-{name}",
            action="store_true",
            help=f"do not update {what} (--ecosystem alone does not either)",
        )


def _add_ecosystems(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ecosystem",
        nargs="+",
        metavar="ECO",
        help=f"only these ecosystems: {', '.join(e.value for e in Ecosystem)} (default: all)",
    )


def _ecosystems(args: argparse.Namespace) -> list[Ecosystem]:
    if not args.ecosystem:
        return list(Ecosystem)
    chosen: list[Ecosystem] = []
    for text in args.ecosystem:
        try:
            eco = Ecosystem.parse(text)
        except ValueError as exc:
            raise UsageError(f"--ecosystem: {exc}") from None
        if eco not in chosen:
            chosen.append(eco)
    return chosen


def _sync(args: argparse.Namespace, console: Console) -> int:
    base = args.osv_export_url or os.environ.get(EXPORT_URL_ENV) or DEFAULT_EXPORT_URL
    limits = SyncLimits(min_records=args.min_records, min_ratio=0.0 if args.allow_shrink else 0.5)
    root = cache_root(args)
    failed = 0
    with HttpClient(net_config(args)) as client:
        for eco in _ecosystems(args):
            try:
                result = sync_ecosystem(client, root, eco, base_url=base, limits=limits)
            except SourceError as exc:
                console.error(f"{eco.value}: {exc}")
                failed += 1
                continue
            console.print(_sync_line(result))
        for part in EXPLOIT_PARTS:
            if not _wanted(part, args):
                continue
            try:
                console.print(_sync_exploit(client, root, part, args))
            except SourceError as exc:
                console.error(f"{part.label}: {exc}")
                failed += 1
    return EXIT_ERROR if failed else EXIT_OK


def _wanted(part: ExploitPart, args: argparse.Namespace) -> bool:
    """KEV and EPSS are synced by a whole sync; ``--ecosystem`` narrows it to those OSV
    databases unless the part is named (``--kev FILE``, ``--kev-url URL``)."""
    if getattr(args, f"no_{part.name}"):
        return False
    named = getattr(args, part.name) or getattr(args, f"{part.name}_url")
    return not args.ecosystem or bool(named)


def _sync_exploit(
    client: HttpClient, root: Path, part: ExploitPart, args: argparse.Namespace
) -> str:
    """One line: the KEV catalog or the EPSS scores, downloaded, unchanged or imported."""
    given = getattr(args, part.name)
    folder = root / part.folder
    if given:
        meta = import_file(
            Path(given), folder, part.file, verify=part.verify, label=f"the {part.label} data"
        )
        return f"{part.label}: imported: {meta.records} {part.unit}, {_size(meta.size)} ({given})"
    url = getattr(args, f"{part.name}_url") or os.environ.get(part.env) or part.default_url
    updated, meta = keep_current(
        client, folder, part.file, url, verify=part.verify, label=f"the {part.label} data"
    )
    if not updated:
        return f"{part.label}: unchanged: {meta.records} {part.unit} ({meta.source_url})"
    return (
        f"{part.label}: updated: {meta.records} {part.unit}, {_size(meta.size)}, "
        f"sha256 {meta.sha256[:12]} ({meta.source_url})"
    )


def _sync_line(result: SyncResult) -> str:
    meta = result.meta
    if not result.updated:
        return f"{result.ecosystem.value}: unchanged: {meta.records} records ({meta.source_url})"
    return (
        f"{result.ecosystem.value}: updated: {meta.records} records, {_size(meta.size)}, "
        f"sha256 {meta.sha256[:12]} ({meta.source_url})"
    )


def _status(args: argparse.Namespace, console: Console) -> int:
    threshold = stale_days(args.stale_days, os.environ)
    root = cache_root(args)
    now = utc_now()
    statuses = [read_status(root, eco, now=now, max_age=threshold) for eco in _ecosystems(args)]
    statuses.sort(key=lambda s: s.ecosystem.value)
    if args.json:
        console.print(json.dumps(_status_document(root, threshold, statuses), indent=2))
    else:
        console.print(f"databases in {root / 'osv'}")
        console.out.write(_status_table(statuses))
    for item in statuses:
        if item.state == "stale" and item.age_days is not None:
            console.warn(
                f"{item.ecosystem.value} advisory database is {item.age_days:.1f} days old "
                f"(more than {threshold:g}); run auditor db sync"
            )
        elif item.state == "broken":
            console.error(f"{item.ecosystem.value}: {item.problem}")
    return EXIT_ERROR if any(s.state == "broken" for s in statuses) else EXIT_OK


def _status_table(statuses: list[DbStatus]) -> str:
    rows = [("ecosystem", "state", "records", "size", "age", "source")]
    for item in statuses:
        meta = item.meta
        age = f"{item.age_days:.1f} d" if item.age_days is not None else "-"
        if item.state == "missing":
            rows.append((item.ecosystem.value, "missing", "-", "-", "-", "run auditor db sync"))
            continue
        rows.append(
            (
                item.ecosystem.value,
                item.state,
                str(meta.records) if meta else "-",
                _size(meta.size) if meta else "-",
                age,
                redact_url(meta.source_url) if meta else "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"


def _status_document(root: Path, threshold: float, statuses: list[DbStatus]) -> dict[str, object]:
    databases = []
    for item in statuses:
        meta = item.meta.to_json() if item.meta else {}
        if meta:
            meta["source_url"] = redact_url(meta["source_url"])
        databases.append(
            {
                "ecosystem": item.ecosystem.value,
                "state": item.state,
                "age_days": round(item.age_days, 3) if item.age_days is not None else None,
                "problem": item.problem,
                **{key: meta.get(key) for key in _META_FIELDS},
            }
        )
    return {
        "schema": "auditor.db-status/1",
        "cache_dir": str(root),
        "stale_days": threshold,
        "databases": databases,
    }


_META_FIELDS = ("records", "size", "downloaded", "source_url", "sha256", "etag", "last_modified")


def _size(size: int) -> str:
    if size < 1000:
        return f"{size} B"
    value = size / 1000
    for unit in ("kB", "MB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"
