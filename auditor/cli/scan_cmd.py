"""``auditor scan``: audit the lockfiles against advisories and print the findings."""

from __future__ import annotations

import argparse

from auditor.audit import audit, collect_paths
from auditor.cli.audit_setup import (
    add_audit_options,
    exit_code,
    prepare,
    report_problems,
    report_sources,
)
from auditor.cli.base import Command, Console
from auditor.cli.options import add_input_options, add_json_option
from auditor.formats.findings_json import findings_document
from auditor.formats.graph_json import dumps
from auditor.formats.table import render_findings


class ScanCommand(Command):
    name = "scan"
    help = "check every locked package against advisories (vulnerable or malicious releases)"
    description = (
        "Collect every lockfile below each PATH, check each locked package against OSV "
        "advisories and print the findings as a table or JSON. Exit codes: 0 clean, 1 "
        "findings at or above --fail-on (default: any finding), 2 usage error or unreadable "
        "file, 3 incomplete (some packages could not be checked; they are listed)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_input_options(parser)
        add_json_option(parser)
        add_audit_options(parser, fail_on_default="any finding fails")

    def run(self, args: argparse.Namespace, console: Console) -> int:
        setup = prepare(args)
        try:
            collection = collect_paths(args.paths, force=args.force_format)
            result = audit(collection, setup.options)
        finally:
            setup.close()
        if args.json:
            console.print(dumps(findings_document(result)).rstrip("\n"))
        else:
            console.out.write(render_findings(result))
            report_sources(result, console)
        report_problems(result, console)
        return exit_code(result, setup.settings.fail_on)
