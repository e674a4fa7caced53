"""``auditor site build``: render the whole portfolio's site from a store, once.

Each repository's ``auditor report`` renders its own project's pages and the index; a
scheduled job runs ``site build`` to publish every project in one site (docs/scaling.md).
Projects whose pages in ``--out`` are already current are skipped, so a build that was
interrupted resumes where it stopped, and a nightly build renders only what changed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from auditor.cli.base import EXIT_OK, Command, Console
from auditor.cli.output_options import add_force_option
from auditor.cli.site_options import (
    add_site_snapshots_option,
    add_site_weeks_option,
    progress,
    site_line,
)
from auditor.cli.store_options import add_db_option, open_for_reading

EXIT_INTERRUPTED = 130  # as the command line answers any interrupted command


class SiteCommand(Command):
    name = "site"
    help = "render the HTML site of every project in a store"
    description = (
        "Render the static HTML site of a snapshot store: `site build` renders every "
        "project's pages and the index of all projects, in bounded memory, skipping the "
        "projects whose pages are already current (so an interrupted build resumes)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="site_command", metavar="SUBCOMMAND", help="build")
        sub.required = True
        build = sub.add_parser(
            "build",
            help="render every project's pages and the index",
            description="Render the site of every project in the store into --out: each "
            "project whose pages there are missing or were rendered from other inputs (new "
            "snapshots, another auditor, other options), then the index. Pages of projects "
            "the store no longer holds are removed; other files in the folder are kept.",
        )
        add_db_option(build)
        build.add_argument(
            "--out",
            metavar="DIR",
            default="auditor-site",
            help="folder of the site (default: auditor-site)",
        )
        add_site_snapshots_option(build)
        add_site_weeks_option(build)
        build.add_argument(
            "--full",
            action="store_true",
            help="render every project's pages even where they are current",
        )
        add_force_option(build)
        build.add_argument("--quiet", action="store_true", help="print only errors")

    def run(self, args: argparse.Namespace, console: Console) -> int:
        from auditor.site import SiteOptions, render_site
        from auditor.site.manifest import check_folder

        out = Path(args.out)
        check_folder(out, force=args.force)  # before the store is opened
        engine = open_for_reading(args)
        try:
            with progress(console, quiet=args.quiet) as stage:
                summary = render_site(
                    engine,
                    out,
                    SiteOptions(snapshot_pages=args.site_snapshots, weeks=args.site_weeks),
                    full=args.full,
                    progress=stage,
                    force=args.force,
                )
        except KeyboardInterrupt:
            console.error(
                "interrupted: the projects rendered so far are kept; run it again to resume"
            )
            return EXIT_INTERRUPTED
        finally:
            engine.dispose()
        if not args.quiet:
            console.print(site_line(summary))
        return EXIT_OK
