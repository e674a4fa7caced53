"""Options and steps the commands that touch the snapshot store share.

The store's libraries (SQLAlchemy, Alembic) are imported only when a command uses the
store, so ``auditor graph`` and ``auditor why`` start without them.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.core.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from auditor.cli.base import Console
    from auditor.core.model import AuditResult, IgnoreRule
    from auditor.pipeline.audit import Collection
    from auditor.store.records import SuppressionRule

DB_HELP = (
    "snapshot store: a database URL (sqlite:///PATH, postgresql+psycopg://...) or an SQLite "
    "file path (default: $AUDITOR_DB, else .auditor/auditor.db in the project folder)"
)


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help=DB_HELP)


def add_project_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--project", metavar="NAME", help=help_text)


def add_store_options(parser: argparse.ArgumentParser) -> None:
    """``report``'s store options: where to save the run and under which project."""
    add_db_option(parser)
    add_project_option(
        parser,
        "project name the snapshot is saved under (default: the origin remote's repository "
        "name when scanning a checkout's top folder, else the scanned folder's name)",
    )
    parser.add_argument(
        "--no-store", action="store_true", help="do not save this run as a snapshot"
    )


def save_report_snapshot(
    args: argparse.Namespace,
    collection: Collection,
    result: AuditResult,
    console: Console,
    ignores: tuple[IgnoreRule, ...] = (),
) -> int | None:
    """Save the run unless ``--no-store``; return the snapshot id."""
    if args.no_store:
        return None
    from auditor.collectors.discovery import find_targets
    from auditor.pipeline.run import default_project_name, git_state, input_records, project_root
    from auditor.store import SnapshotMeta, open_store, resolve_url, save_snapshot, shown_url

    # Discovery again (a directory walk): pairing each result with the tree it was read
    # from gives every input file's path on disk, to hash it.
    targets = find_targets(args.paths, force=args.force_format)
    root = project_root(args.paths)
    git = git_state(root)
    project = args.project or default_project_name(root, git)
    advisory_db, updated = advisory_identity(result)
    # ``report --snapshot-time`` files a replayed run under its historical time.
    when = getattr(args, "snapshot_time", None)
    meta = SnapshotMeta(
        **({"taken_at": when} if when is not None else {}),
        git_commit=git.commit,
        git_branch=git.branch,
        inputs=input_records(targets, collection),
        advisory_db=advisory_db,
        advisory_db_updated_at=updated,
        suppressions=suppression_rules(ignores),
    )
    engine = open_store(resolve_url(args.db, project_root=root))
    try:
        snapshot_id = save_snapshot(engine, project, result, meta)
        if not args.quiet:
            console.print(f"snapshot {snapshot_id} of {project} saved to {shown_url(engine)}")
    finally:
        engine.dispose()
    return snapshot_id


def advisory_identity(result: AuditResult) -> tuple[str | None, dt.datetime | None]:
    """The advisory data a run used, as the store keeps it: ``name:location`` of each source
    (sorted, joined) and the oldest of their update times."""
    if not result.sources:
        return None, None
    identity = ", ".join(sorted(f"{s.name}:{s.location}" for s in result.sources))
    times = [dt.datetime.fromisoformat(s.updated) for s in result.sources if s.updated]
    return identity, min(times) if times else None


def suppression_rules(ignores: tuple[IgnoreRule, ...]) -> tuple[SuppressionRule, ...]:
    """The configured ignores in the store's shape (expiry as a date)."""
    from auditor.store.records import SuppressionRule

    return tuple(
        SuppressionRule(
            id=rule.id,
            reason=rule.reason,
            expires=dt.date.fromisoformat(rule.expires) if rule.expires else None,
        )
        for rule in ignores
    )


def open_for_reading(args: argparse.Namespace) -> Engine:
    """The store ``history``/``diff`` read: ``--db``, ``$AUDITOR_DB`` or ./.auditor/."""
    from auditor.store import open_store, resolve_url

    return open_store(resolve_url(args.db, project_root=Path.cwd()), create_missing=False)


def choose_project(engine: Engine, requested: str | None) -> str:
    """``--project``, else the current folder's project if stored, else the only one."""
    from auditor.pipeline.run import default_project_name, git_state
    from auditor.store import projects

    known = projects(engine)
    if requested is not None:
        if requested not in known:
            raise UsageError(f"--project {requested}: no such project in the store")
        return requested
    if not known:
        raise UsageError("the store has no snapshots yet")
    here = Path.cwd()
    guess = default_project_name(here, git_state(here))
    if guess in known:
        return guess
    if len(known) == 1:
        return known[0]
    raise UsageError(
        "the store holds several projects; choose one with --project: " + ", ".join(known)
    )
