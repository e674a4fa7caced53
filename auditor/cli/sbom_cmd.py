"""``auditor sbom``: the project's software bill of materials (CycloneDX or SPDX)."""

from __future__ import annotations

import argparse
from dataclasses import replace

from auditor.cli.audit_setup import add_audit_options, prepare, report_problems
from auditor.cli.base import Command, Console
from auditor.cli.options import add_input_options
from auditor.cli.output_options import (
    add_destination_options,
    add_document_options,
    add_format_option,
    check_destination,
    deliver,
    render_options,
)
from auditor.core.errors import UsageError

DEFAULT_FORMAT = "cyclonedx-json"
# the options that only mean something when the packages are checked (the registry
# options, and the config, also serve the licence lookups of every SBOM)
_AUDIT_FLAGS = (
    "sources",
    "advisory_db",
    "osv_url",
    "fail_on",
    "unknown_severity",
    "python_version",
    "platform",
    "strict",
    "vex",
    "omit",
    "kev",
    "epss",
)


class SbomCommand(Command):
    name = "sbom"
    description = (
        "Collect every lockfile below each PATH and write the dependency graph as an SBOM: "
        "every locked package as a component with its purl, version, scope, hashes and "
        "declared licence, and every dependency edge. Licences come from the lockfile, else "
        "from the registries (not with --offline or --no-registry). With "
        "--with-vulnerabilities the packages are also checked against advisories and the "
        "findings go into the SBOM (CycloneDX vulnerabilities). "
        "Exit codes: 0 written, 2 usage error or an unreadable lockfile (the SBOM of the "
        "other files is still written and marked partial), 3 incomplete advisory check."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_input_options(parser)
        add_format_option(parser, default=DEFAULT_FORMAT, sbom_only=True)
        add_destination_options(parser)
        add_document_options(parser)
        parser.add_argument(
            "--with-vulnerabilities",
            action="store_true",
            help="check the packages against advisories and include the findings (VEX)",
        )
        add_audit_options(parser, fail_on_default="findings do not fail the SBOM")

    def run(self, args: argparse.Namespace, console: Console) -> int:
        from auditor.outputs.files import choose_formats, render_all
        from auditor.pipeline.audit import audit, collect_paths
        from auditor.pipeline.exits import exit_code
        from auditor.settings import DEFAULT_UNKNOWN_SEVERITY

        formats = choose_formats(args.formats, [DEFAULT_FORMAT], sbom_only=True)
        check_destination(formats, args.output, args.output_dir)
        given = [f for f in _AUDIT_FLAGS if getattr(args, f, None)]
        if given and not args.with_vulnerabilities:
            flag = "--source" if given[0] == "sources" else "--" + given[0].replace("_", "-")
            raise UsageError(f"{flag} applies only with --with-vulnerabilities")
        fail_on, unknown = None, DEFAULT_UNKNOWN_SEVERITY
        setup = prepare(args, advisories=args.with_vulnerabilities)
        try:
            audit_options = setup.options
            if args.with_vulnerabilities:
                fail_on, unknown = setup.settings.fail_on, setup.settings.unknown_severity
            else:
                audit_options = replace(audit_options, checks=(), ignores=())
            options = render_options(args, fail_on=fail_on)
            exclude = setup.settings.exclude
            collection = collect_paths(args.paths, force=args.force_format, exclude=exclude)
            result = audit(collection, audit_options)
        finally:
            setup.close()
        outputs = render_all(formats, result, options)
        written = deliver(
            outputs, console, output=args.output, folder=args.output_dir, force=args.force
        )
        if written:
            console.err.write("auditor: wrote " + ", ".join(str(p) for p in written) + "\n")
        report_problems(result, console)
        strict = args.with_vulnerabilities and setup.settings.strict
        return exit_code(result, fail_on, gate=fail_on is not None, unknown=unknown, strict=strict)
