"""``auditor report``: the main job — collect, build the graph, write the outputs."""

from __future__ import annotations

import argparse
from pathlib import Path

from auditor.audit import audit, collect_paths
from auditor.cli.audit_setup import add_audit_options, exit_code, prepare, report_problems
from auditor.cli.base import Command, Console
from auditor.cli.options import add_input_options
from auditor.cli.store_options import add_store_options, save_report_snapshot
from auditor.formats.findings_json import findings_document
from auditor.formats.graph_json import dumps, graph_document
from auditor.formats.summary import render_summary
from auditor.fsutil import atomic_write
from auditor.report.command import (
    Stage,
    add_site_options,
    check_out_folder,
    progress,
    publish_site,
)


class ReportCommand(Command):
    name = "report"
    help = "run the whole audit and write the report files"
    description = (
        "Collect every lockfile below each PATH, build the dependency graph, check it "
        "against advisories, save the run as a snapshot and write graph.json, findings.json, "
        "summary.txt and the HTML site (index.html) into the output directory. Findings "
        "fail the run only with --fail-on; an incomplete check exits 3."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_input_options(parser)
        parser.add_argument(
            "--out",
            metavar="DIR",
            default="auditor-report",
            help="directory for the report files (default: auditor-report)",
        )
        parser.add_argument("--quiet", action="store_true", help="print only errors")
        add_audit_options(parser, fail_on_default="findings do not fail the report")
        add_store_options(parser)
        add_site_options(parser)

    def run(self, args: argparse.Namespace, console: Console) -> int:
        check_out_folder(args)
        with progress(console, quiet=args.quiet) as stage:
            return self._run(args, console, stage)

    def _run(self, args: argparse.Namespace, console: Console, stage: Stage) -> int:
        setup = prepare(args)
        try:
            stage("collecting lockfiles")
            collection = collect_paths(args.paths, force=args.force_format)
            stage(f"auditing {len(collection.results)} lockfile(s)")
            result = audit(collection, setup.options)
        finally:
            setup.close()
        out = Path(args.out)
        document = graph_document(
            result.graph,
            skipped=result.skipped,
            errors=result.errors,
            registries=result.registries,
            status=result.status,
        )
        summary = render_summary(result)
        atomic_write(out / "graph.json", dumps(document))
        atomic_write(out / "findings.json", dumps(findings_document(result)))
        atomic_write(out / "summary.txt", summary)
        if not args.quiet:
            console.out.write(summary)
            console.print(f"report written to {out}/ (graph.json, findings.json, summary.txt)")
        report_problems(result, console, warnings=not args.quiet)
        stage("saving the snapshot")
        ignores = setup.settings.ignores
        snapshot_id = save_report_snapshot(args, collection, result, console, ignores)
        publish_site(args, snapshot_id, (collection, result, ignores), console, stage)
        fail_on = setup.settings.fail_on
        return exit_code(result, fail_on, gate=fail_on is not None)
