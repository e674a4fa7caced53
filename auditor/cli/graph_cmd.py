"""``auditor graph``: collect lockfiles and print the dependency tree or its JSON."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from auditor.cli.base import EXIT_ERROR, EXIT_OK, Command, Console
from auditor.cli.options import add_input_options, add_json_option, input_excludes

if TYPE_CHECKING:
    from auditor.pipeline.audit import Collection


def report_errors(collection: Collection, console: Console) -> int:
    """Print each broken file as one line, then what was not read and what the exclude
    patterns left out (stderr); return the exit code the errors imply."""
    from auditor.outputs.text import safe
    from auditor.pipeline.gaps import excluded_note

    for error in collection.errors:
        console.error(safe(error.render()))
    for item in collection.unsupported:
        console.err.write(safe(f"auditor: not read: {item.path}: {item.reason}") + "\n")
    for note in excluded_note(collection.excluded):
        console.err.write(safe(f"auditor: note: {note}") + "\n")
    return EXIT_ERROR if collection.errors else EXIT_OK


class GraphCommand(Command):
    name = "graph"
    description = (
        "Find every supported lockfile below each PATH (or parse the files named), merge "
        "them into one dependency graph and print it as a tree or as JSON."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_input_options(parser)
        add_json_option(parser)
        parser.add_argument(
            "--depth", type=int, metavar="N", help="print the tree at most N levels deep"
        )

    def run(self, args: argparse.Namespace, console: Console) -> int:
        from auditor.outputs.graph_json import dumps, graph_document
        from auditor.outputs.tree import render_problems, render_tree
        from auditor.pipeline.audit import collect_paths

        collection = collect_paths(
            args.paths, force=args.force_format, exclude=input_excludes(args)
        )
        graph = collection.graph
        if args.json:
            document = graph_document(
                graph,
                skipped=collection.skipped,
                errors=collection.errors,
                registries=collection.registries,
                status=collection.status,
            )
            console.print(dumps(document).rstrip("\n"))
        else:
            console.out.write(render_tree(graph, max_depth=args.depth))
            console.out.write(render_problems(collection.skipped, collection.errors))
        return report_errors(collection, console)
