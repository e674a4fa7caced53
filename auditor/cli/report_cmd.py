"""``auditor report``: the main job. The flags become a ``ReportRequest``, the job runs in
``auditor.pipeline.report``, and this module prints what it did."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.cli.audit_setup import add_audit_options, audit_request, report_problems
from auditor.cli.base import Command, Console
from auditor.cli.options import add_input_options
from auditor.cli.output_options import (
    add_document_options,
    add_force_option,
    add_format_option,
    document_request,
)
from auditor.cli.site_options import add_site_options, progress, site_line
from auditor.cli.store_options import add_store_options
from auditor.core.errors import UsageError
from auditor.outputs.plugins import REPORT_DEFAULT
from auditor.pipeline.periods import PERIODS, Backfill, since_time

if TYPE_CHECKING:
    from auditor.pipeline.backfill import BackfillSummary
    from auditor.pipeline.report import ReportRequest, ReportResult


class ReportCommand(Command):
    name = "report"
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
        add_force_option(parser)
        add_format_option(parser, default=",".join(REPORT_DEFAULT), sbom_only=False)
        add_document_options(parser)
        parser.add_argument("--quiet", action="store_true", help="print only errors")
        add_audit_options(parser, fail_on_default="findings do not fail the report")
        parser.add_argument(
            "--notify",
            action="append",
            metavar="URL",
            help="POST a message about the findings new since the project's previous snapshot "
            "to this webhook (Slack, Teams or any JSON endpoint); repeatable (env "
            "AUDITOR_NOTIFY; config notify). The URL is never printed",
        )
        add_store_options(parser)
        add_site_options(parser)
        add_backfill_options(parser)

    def run(self, args: argparse.Namespace, console: Console) -> int:
        from auditor.pipeline.report import run_report

        request = report_request(args)
        with progress(console, quiet=args.quiet) as stage:
            done = run_report(request, progress=stage)
        show_report(done, console, out=args.out, quiet=args.quiet)
        return done.exit_code


def report_request(args: argparse.Namespace) -> ReportRequest:
    """The job the flags ask for."""
    from auditor.outputs.files import choose_formats
    from auditor.pipeline.report import ReportRequest

    return ReportRequest(
        audit=audit_request(args),
        out=Path(args.out),
        formats=tuple(choose_formats(args.formats, REPORT_DEFAULT)),
        document=document_request(args),
        db=args.db,
        project=args.project,
        store=not args.no_store,
        site=not args.no_site,
        site_snapshots=args.site_snapshots,
        site_weeks=args.site_weeks,
        site_full=args.full_site,
        snapshot_time=args.snapshot_time,
        force=args.force,
        commit=args.commit,
        backfill=_backfill(args),
    )


def _backfill(args: argparse.Namespace) -> Backfill | None:
    if args.backfill is None:
        if args.backfill_every is not None:
            raise UsageError("--backfill-every needs --backfill SINCE")
        return None
    return Backfill(since=args.backfill, every=args.backfill_every or "month")


def add_backfill_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backfill",
        metavar="SINCE",
        type=_since,
        help="first fill the project's history from git: for each month (or week) since "
        "SINCE (24m, 5y, 8w, 90d or a date) whose commits changed a lockfile, audit the "
        "last such commit's files (read from git, nothing checked out) and save it as a "
        "snapshot filed under its commit date; periods already in the store are skipped",
    )
    parser.add_argument(
        "--backfill-every",
        choices=PERIODS,
        help="the period of --backfill: one snapshot per month (default) or per ISO week",
    )


def _since(text: str) -> str:
    try:
        since_time(text, dt.datetime.now(dt.timezone.utc))
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix(f"--backfill {text}: ")) from None
    return text


def show_report(done: ReportResult, console: Console, *, out: str, quiet: bool) -> None:
    """What ``auditor report`` prints (the Action shows the same in its log): the summary,
    the files, the problems on stderr, the snapshot and the site."""
    if not quiet:
        console.out.write(done.summary)
        names = ", ".join(p.name for p in done.files)
        console.print(f"report written to {out}/ ({names})")
    report_problems(done.result, console, warnings=not quiet)
    if quiet:
        return
    if done.backfill is not None:
        console.print(backfill_line(done.backfill))
    for delivery in done.deliveries:
        if not delivery.ok:
            console.warn(delivery.warning)
    sent = [d.shown for d in done.deliveries if d.ok]
    if sent:
        plural = "s" if done.new != 1 else ""
        console.print(f"notified {', '.join(sent)} of {done.new} new finding{plural}")
    if done.snapshot is not None:
        saved = done.snapshot
        carried = ""
        if saved.carried:
            carried = (
                f" ({saved.carried} earlier finding{'s' if saved.carried != 1 else ''} kept "
                "unverified: their checks could not run)"
            )
        console.print(f"snapshot {saved.id} of {saved.project} saved to {saved.store}{carried}")
        for change in saved.relicensed:
            console.warn(f"licence changed since snapshot {saved.previous}: {change.describe()}")
    if done.site is not None:
        console.print(site_line(done.site))


def backfill_line(done: BackfillSummary) -> str:
    """One line saying what ``--backfill`` added."""
    plural = "s" if len(done.saved) != 1 else ""
    text = f"backfill: {len(done.saved)} snapshot{plural} saved from the git history"
    details = []
    if done.present:
        details.append(f"{done.present} period(s) already in the store")
    if done.partial:
        details.append(f"{done.partial} with files that did not parse")
    if done.empty:
        details.append(f"{done.empty} commit(s) without a lockfile")
    if done.shallow:
        details.append(
            "the clone is shallow: older history was not read; fetch it "
            "(git fetch --unshallow, or actions/checkout with fetch-depth: 0)"
        )
    return text + (f" ({'; '.join(details)})" if details else "")
