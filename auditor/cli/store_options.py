"""Options and steps the commands that touch the snapshot store share.

The store's libraries (SQLAlchemy, Alembic) are imported only when a command uses the
store, so ``auditor graph`` and ``auditor why`` start without them.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.core.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


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


def add_path_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        default=".",
        metavar="PATH",
        help="the project, as given to auditor report: its store (.auditor/auditor.db there, "
        "unless --db or $AUDITOR_DB) and its project name (default: .)",
    )


def project_folder(path: str) -> Path:
    """The project folder a PATH names, the way ``report`` finds it (a file: its folder)."""
    from auditor.pipeline.project import project_root

    if not Path(path).exists():
        raise UsageError(f"{path}: no such file or directory")
    return project_root([path])


def open_for_reading(args: argparse.Namespace) -> Engine:
    """The store ``history``/``diff`` read: ``--db``, ``$AUDITOR_DB``, or the default store
    of the project PATH names (``PATH/.auditor/auditor.db``), as ``report PATH`` wrote it."""
    from auditor.store import open_store, resolve_url

    root = project_folder(getattr(args, "path", "."))
    return open_store(resolve_url(args.db, project_root=root), create_missing=False)


def choose_project(engine: Engine, requested: str | None, path: str = ".") -> str:
    """``--project``, else PATH's project if stored, else the only one."""
    from auditor.pipeline.project import default_project_name, git_state
    from auditor.store import projects

    known = projects(engine)
    if requested is not None:
        if requested not in known:
            raise UsageError(f"--project {requested}: no such project in the store")
        return requested
    if not known:
        raise UsageError("the store has no snapshots yet")
    here = project_folder(path)
    guess = default_project_name(here, git_state(here))
    if guess in known:
        return guess
    if len(known) == 1:
        return known[0]
    raise UsageError(
        "the store holds several projects; choose one with --project: " + ", ".join(known)
    )
