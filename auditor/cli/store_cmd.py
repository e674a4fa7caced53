"""``auditor store merge`` and ``auditor store prune``: maintaining snapshot stores."""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.cli.base import EXIT_OK, Command, Console
from auditor.cli.net_options import positive_float
from auditor.cli.store_options import DB_HELP, add_db_option, open_for_reading
from auditor.core.errors import StoreError, UsageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class StoreCommand(Command):
    name = "store"
    description = (
        "Maintain snapshot stores: `store merge` copies the snapshots of one store that "
        "another lacks (moving a project's SQLite history into a shared PostgreSQL store, "
        "or joining two copies that diverged); `store prune` deletes old snapshots and "
        "the content only they used."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(
            dest="store_command", metavar="SUBCOMMAND", help="merge or prune"
        )
        sub.required = True
        merge = sub.add_parser(
            "merge",
            help="copy the snapshots of SOURCE that the store lacks",
            description="Copy every snapshot of SOURCE that the target store (--db) does "
            "not hold, oldest first, with its original time and metadata. A snapshot is "
            "already there when its project, time, commit and status match, so merging "
            "twice copies nothing the second time.",
        )
        merge.add_argument("source", metavar="SOURCE", help="the store to copy from (" + _URL)
        merge.add_argument(
            "--db",
            metavar="URL",
            help="the store to copy into, created if missing (" + DB_HELP.split(": ", 1)[1],
        )
        merge.add_argument(
            "--project",
            metavar="NAME",
            action="append",
            help="copy only this project's snapshots (repeatable; default: every project)",
        )
        prune = sub.add_parser(
            "prune",
            help="delete old snapshots and the content only they used",
            description="Delete the snapshots taken before a date (of one project or all), "
            "always keeping each project's newest ones, then every graph, finding and blob "
            "no remaining snapshot uses. One transaction: a failure deletes nothing.",
        )
        when = prune.add_mutually_exclusive_group(required=True)
        when.add_argument(
            "--older-than",
            type=positive_float,
            metavar="DAYS",
            help="delete snapshots taken more than DAYS days ago",
        )
        when.add_argument(
            "--before",
            type=_moment,
            metavar="WHEN",
            help="delete snapshots taken before WHEN (an ISO date or time, UTC unless it "
            "names a zone)",
        )
        prune.add_argument(
            "--keep-last",
            type=_at_least_one,
            default=1,
            metavar="N",
            help="always keep each project's N newest snapshots (default: 1)",
        )
        prune.add_argument(
            "--project", metavar="NAME", help="prune only this project (default: every project)"
        )
        prune.add_argument(
            "--vacuum",
            action="store_true",
            help="SQLite: compact the file afterwards, giving the freed space back",
        )
        add_db_option(prune)

    def run(self, args: argparse.Namespace, console: Console) -> int:
        if args.store_command == "merge":
            return _merge(args, console)
        return _prune(args, console)


_URL = "a database URL or an SQLite file path; it must exist)"


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date or time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _merge(args: argparse.Namespace, console: Console) -> int:
    from auditor.store import open_store, resolve_url, shown_url
    from auditor.store.merge import merge_snapshots

    source = open_store(args.source, create_missing=False)
    try:
        target = open_store(resolve_url(args.db, project_root=Path.cwd()))
        try:
            if shown_url(source) == shown_url(target):
                raise UsageError("SOURCE and --db name the same store")
            report = merge_snapshots(source, target, projects=args.project)
            console.print(
                f"copied {len(report.copied)} snapshots from {shown_url(source)} to "
                f"{shown_url(target)} ({report.present} already there)"
            )
        finally:
            target.dispose()
    finally:
        source.dispose()
    return EXIT_OK


def _prune(args: argparse.Namespace, console: Console) -> int:
    from auditor.store import projects, shown_url
    from auditor.store.retention import prune

    if args.before is not None:
        before: dt.datetime = args.before
    else:
        before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=args.older_than)
    engine = open_for_reading(args)
    try:
        if args.project is not None and args.project not in projects(engine):
            raise UsageError(f"--project {args.project}: no such project in the store")
        report = prune(engine, before=before, project=args.project, keep_last=args.keep_last)
        rows = sum(report.rows.values())
        console.print(
            f"deleted {report.snapshots} snapshots taken before "
            f"{before.astimezone(dt.timezone.utc).isoformat(timespec='seconds')} and "
            f"{rows} content rows no other snapshot used, from {shown_url(engine)}"
        )
        if args.vacuum:
            _vacuum(engine, console)
    finally:
        engine.dispose()
    return EXIT_OK


def _vacuum(engine: Engine, console: Console) -> None:
    from auditor.store import shown_url

    if engine.dialect.name != "sqlite":
        console.warn("--vacuum applies to SQLite only; on PostgreSQL autovacuum reclaims space")
        return
    # VACUUM cannot run inside a transaction: use the driver connection, which the store
    # keeps in autocommit mode (it issues its own BEGIN otherwise).
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("VACUUM")  # type: ignore[union-attr]
    except sqlite3.Error as exc:
        raise StoreError(f"{shown_url(engine)}: VACUUM failed: {exc}") from None
    finally:
        raw.close()
