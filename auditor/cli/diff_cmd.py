"""``auditor diff``: what changed between two snapshots."""

from __future__ import annotations

import argparse

from auditor.cli.base import EXIT_OK, Command, Console
from auditor.cli.options import add_json_option
from auditor.cli.store_options import (
    add_db_option,
    add_project_option,
    choose_project,
    open_for_reading,
)
from auditor.core.errors import UsageError
from auditor.outputs.graph_json import dumps


class DiffCommand(Command):
    name = "diff"
    description = (
        "Compare two stored snapshots: packages added, removed, upgraded and downgraded, "
        "findings new and resolved, suppressions added, removed and changed. With no ids, "
        "the project's last two snapshots; with one id, that snapshot and the one before it."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "args",
            nargs="*",
            metavar="ID|PATH",
            help="up to two snapshot ids (see auditor history), and the project PATH as given "
            "to auditor report (default: .); a number is an id (write ./3 for a folder named 3)",
        )
        add_json_option(parser)
        add_project_option(
            parser,
            "the project whose snapshots are compared by default (default: the current "
            "folder's project, or the only one)",
        )
        add_db_option(parser)

    def run(self, args: argparse.Namespace, console: Console) -> int:
        from auditor.outputs.diff import diff_document, render_diff
        from auditor.store import SnapshotInfo, snapshots
        from auditor.store.diff import default_pair, diff_snapshots

        ids, args.path = _ids_and_path(args.args)
        engine = open_for_reading(args)
        try:
            infos: tuple[SnapshotInfo, ...] = ()
            if len(ids) < 2:
                infos = snapshots(engine, choose_project(engine, args.project, args.path))
            before, after = default_pair(infos, ids)
            diff = diff_snapshots(engine, before, after)
        finally:
            engine.dispose()
        if args.json:
            console.print(dumps(diff_document(diff)).rstrip("\n"))
        else:
            console.out.write(render_diff(diff))
        return EXIT_OK


def _ids_and_path(values: list[str]) -> tuple[list[int], str]:
    """Snapshot ids (numbers) and at most one PATH from ``diff``'s arguments."""
    ids = [int(v) for v in values if v.isdigit()]
    paths = [v for v in values if not v.isdigit()]
    if len(ids) > 2:
        raise UsageError(f"at most two snapshot ids, got {len(ids)}")
    if len(paths) > 1:
        raise UsageError(f"at most one PATH, got {len(paths)}: {', '.join(paths)}")
    return ids, paths[0] if paths else "."
