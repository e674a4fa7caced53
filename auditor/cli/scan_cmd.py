"""``auditor scan``: audit the lockfiles against advisories and print the findings."""

from __future__ import annotations

import argparse

from auditor.cli.audit_setup import (
    add_audit_options,
    prepare,
    report_problems,
    report_sources,
)
from auditor.cli.base import Command, Console
from auditor.cli.options import add_input_options, add_json_option
from auditor.cli.output_options import (
    add_destination_options,
    add_document_options,
    add_format_option,
    add_show_option,
    check_destination,
    deliver,
    render_options,
)


class ScanCommand(Command):
    name = "scan"
    description = (
        "Collect every lockfile below each PATH, check each locked package against OSV "
        "advisories and print the findings as a table or JSON, or write any output format. "
        "Exit codes: 0 clean, 1 findings at or above --fail-on (default: any finding), 2 "
        "usage error, nothing to audit or an unreadable file, 3 incomplete (a check that "
        "should have run for a package could not; they are listed; with --strict also what "
        "could not be audited at all)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_input_options(parser)
        add_json_option(parser)
        add_format_option(parser, default="table", sbom_only=False)
        add_show_option(parser)
        add_destination_options(parser)
        add_document_options(parser)
        add_audit_options(parser, fail_on_default="any finding fails")

    def run(self, args: argparse.Namespace, console: Console) -> int:
        from auditor.outputs.files import choose_formats, render_all
        from auditor.outputs.table import verdict
        from auditor.pipeline.audit import audit, collect_paths
        from auditor.pipeline.exits import exit_code

        default = ["json"] if args.json else ["table"]
        formats = choose_formats(args.formats, default)
        check_destination(formats, args.output, args.output_dir)
        setup = prepare(args)
        try:
            options = render_options(args, fail_on=setup.settings.fail_on)
            collection = collect_paths(
                args.paths, force=args.force_format, exclude=setup.settings.exclude
            )
            result = audit(collection, setup.options)
        finally:
            setup.close()
        outputs = render_all(formats, result, options)
        written = deliver(
            outputs, console, output=args.output, folder=args.output_dir, force=args.force
        )
        if written:
            console.print(verdict(result))
            console.print("wrote " + ", ".join(str(p) for p in written))
        if not args.json:
            report_sources(result, console)
        report_problems(result, console)
        return exit_code(
            result,
            setup.settings.fail_on,
            unknown=setup.settings.unknown_severity,
            strict=setup.settings.strict,
        )
