"""``auditor report``: the main job — collect, build the graph, write the outputs."""

from __future__ import annotations

import argparse

from auditor.cli.audit_setup import add_audit_options, exit_code, prepare, report_problems
from auditor.cli.base import Command, Console
from auditor.cli.options import add_input_options
from auditor.cli.output_options import (
    add_document_options,
    add_format_option,
    chosen_formats,
    deliver,
    render_all,
    render_options,
)
from auditor.cli.site_options import (
    Stage,
    add_site_options,
    check_out_folder,
    progress,
    publish_site,
)
from auditor.cli.store_options import add_store_options, save_report_snapshot
from auditor.outputs.plugins import REPORT_DEFAULT, OutputFormat
from auditor.outputs.summary import render_summary
from auditor.pipeline.audit import audit, collect_paths


class ReportCommand(Command):
    name = "report"
    help = "run the whole audit and write the report files"
    description = (
        "Collect every lockfile below each PATH, build the dependency graph, check it "
        "against advisories, save the run as a snapshot and write the report files "
        "(graph.json, findings.json, sbom.cdx.json, results.sarif, summary.md, summary.txt; "
        "--format chooses) and the HTML site (index.html) into the output directory. "
        "Findings fail the run only with --fail-on; an incomplete check exits 3."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_input_options(parser)
        parser.add_argument(
            "--out",
            "--output-dir",
            dest="out",
            metavar="DIR",
            default="auditor-report",
            help="directory for the report files (default: auditor-report)",
        )
        add_format_option(parser, default=",".join(REPORT_DEFAULT), sbom_only=False)
        add_document_options(parser)
        parser.add_argument("--quiet", action="store_true", help="print only errors")
        add_audit_options(parser, fail_on_default="findings do not fail the report")
        add_store_options(parser)
        add_site_options(parser)

    def run(self, args: argparse.Namespace, console: Console) -> int:
        check_out_folder(args)
        formats = chosen_formats(args.formats, REPORT_DEFAULT)
        with progress(console, quiet=args.quiet) as stage:
            return self._run(args, console, stage, formats)

    def _run(
        self, args: argparse.Namespace, console: Console, stage: Stage, formats: list[OutputFormat]
    ) -> int:
        setup = prepare(args)
        try:
            options = render_options(args, fail_on=setup.settings.fail_on)
            stage("collecting lockfiles")
            collection = collect_paths(args.paths, force=args.force_format)
            stage(f"auditing {len(collection.results)} lockfile(s)")
            result = audit(collection, setup.options)
        finally:
            setup.close()
        stage("writing the report files")
        outputs = render_all(formats, result, options)
        written = deliver(outputs, console, output=None, folder=args.out)
        if not args.quiet:
            # the summary file's text when it was written, else rendered for the terminal
            summary = next((o.text for o in outputs if o.format.name == "summary"), None)
            console.out.write(summary if summary is not None else render_summary(result))
            names = ", ".join(p.name for p in written)
            console.print(f"report written to {args.out}/ ({names})")
        report_problems(result, console, warnings=not args.quiet)
        stage("saving the snapshot")
        ignores = setup.settings.ignores
        snapshot_id = save_report_snapshot(args, collection, result, console, ignores)
        publish_site(args, snapshot_id, (collection, result, ignores), console, stage)
        fail_on, unknown = setup.settings.fail_on, setup.settings.unknown_severity
        return exit_code(result, fail_on, gate=fail_on is not None, unknown=unknown)
