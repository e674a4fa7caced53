"""``auditor why``: every path from a root to a package."""

from __future__ import annotations

import argparse

from auditor.cli.base import EXIT_ERROR, EXIT_FINDINGS, Command, Console
from auditor.cli.graph_cmd import report_errors
from auditor.cli.options import add_input_options, add_json_option, input_excludes
from auditor.core.errors import UsageError
from auditor.core.model import Ecosystem


class WhyCommand(Command):
    name = "why"
    description = (
        "Explain why PACKAGE is installed: each path from a project root (a lockfile, or a "
        "workspace member) through direct and transitive dependencies to it, shortest first. "
        "PACKAGE is a name, name@version or a package URL. Exits 1 when it is not in the graph."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("package", metavar="PACKAGE", help="name, name@version or purl")
        add_input_options(parser)
        add_json_option(parser)
        parser.add_argument(
            "--ecosystem",
            metavar="ECO",
            help=f"only packages of this ecosystem ({', '.join(e.value for e in Ecosystem)})",
        )
        parser.add_argument(
            "--limit", type=int, default=20, metavar="N", help="at most N paths per package"
        )

    def run(self, args: argparse.Namespace, console: Console) -> int:
        from auditor.outputs.graph_json import dumps, package_json
        from auditor.outputs.text import safe
        from auditor.outputs.tree import render_paths
        from auditor.pipeline.audit import collect_paths

        ecosystem = None
        if args.ecosystem:
            try:
                ecosystem = Ecosystem.parse(args.ecosystem)
            except ValueError as exc:
                raise UsageError(f"--ecosystem: {exc}") from None
        if args.limit < 1:
            raise UsageError("--limit must be at least 1")
        collection = collect_paths(
            args.paths, force=args.force_format, exclude=input_excludes(args)
        )
        graph = collection.graph
        matches = graph.find(args.package, ecosystem)
        status = report_errors(collection, console)
        if args.json:
            document = {
                "query": args.package,
                "matches": [
                    {
                        "package": package_json(graph.view(p.id)),
                        "paths": [list(path) for path in graph.paths_to(p.id, limit=args.limit)],
                    }
                    for p in matches
                ],
            }
            console.print(dumps(document).rstrip("\n"))
        for pkg in matches if not args.json else ():
            paths = graph.paths_to(pkg.id, limit=args.limit)
            view = graph.view(pkg.id)
            kind = "direct" if view.direct else "transitive"
            where = ", ".join(loc.render() for loc in pkg.found_in)
            console.print(
                safe(f"{pkg.display} ({pkg.ecosystem.value}, {kind}, {view.scope}) in {where}")
            )
            if paths:
                console.out.write(render_paths(graph, paths))
            else:
                console.print("  no path from a root: the lockfile records no edge to it")
        if not matches:
            console.err.write(
                safe(f"auditor: {args.package} is not in the dependency graph") + "\n"
            )
            return status if status == EXIT_ERROR else EXIT_FINDINGS
        return status
