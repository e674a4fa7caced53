"""``auditor history``: the snapshots of a project, oldest first."""

from __future__ import annotations

import argparse

from auditor.cli.base import EXIT_OK, Command, Console
from auditor.cli.options import add_json_option
from auditor.cli.store_options import (
    add_db_option,
    add_path_argument,
    add_project_option,
    choose_project,
    open_for_reading,
)
from auditor.outputs.graph_json import dumps


class HistoryCommand(Command):
    name = "history"
    description = (
        "List every stored snapshot of a project, oldest first: when it was taken, the git "
        "commit, its status, package counts, findings by severity, new and resolved findings "
        "and the package churn against the previous complete snapshot."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_path_argument(parser)
        add_project_option(
            parser,
            "the project to list (default: the current folder's project, or the only one)",
        )
        add_json_option(parser)
        add_db_option(parser)

    def run(self, args: argparse.Namespace, console: Console) -> int:
        from auditor.outputs.history import history_document, render_history
        from auditor.store import snapshots
        from auditor.store.known import knowledge

        engine = open_for_reading(args)
        try:
            project = choose_project(engine, args.project, args.path)
            infos = snapshots(engine, project)
            known = knowledge(engine, project) if args.json else None
        finally:
            engine.dispose()
        if args.json:
            console.print(dumps(history_document(project, infos, known)).rstrip("\n"))
        else:
            console.out.write(render_history(project, infos))
        return EXIT_OK
