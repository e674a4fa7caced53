"""``auditor query NAME|ADVISORY-ID``: which projects of the store hold a package, or are
affected by an advisory."""

from __future__ import annotations

import argparse
import re

from auditor.cli.base import EXIT_FINDINGS, EXIT_OK, Command, Console
from auditor.cli.options import add_json_option
from auditor.cli.store_options import add_db_option, open_for_reading
from auditor.core.errors import UsageError
from auditor.core.model import Ecosystem
from auditor.core.purl import parse_purl
from auditor.outputs.graph_json import dumps

# advisory databases whose ids read as such in any case; any other id with an upper-case
# prefix (``RUSTSEC-2021-0001``, ``DSA-5000-1``) reads as one as written
_KNOWN = ("CVE", "GHSA", "PYSEC", "GO", "MAL", "OSV", "RUSTSEC", "GMS", "GSD", "NSWG")
_ADVISORY = re.compile(
    rf"^(?:(?i:{'|'.join(_KNOWN)})-[A-Za-z0-9]|[A-Z][A-Z0-9]+-[A-Za-z0-9])[A-Za-z0-9._:-]*$"
)


def is_advisory_id(text: str) -> bool:
    return bool(_ADVISORY.match(text.strip()))


class QueryCommand(Command):
    name = "query"
    help = "which projects of the store hold a package, or are affected by an advisory"
    description = (
        "Answer across every project in the snapshot store: for a package NAME (name, "
        "name@version or a purl), which projects and snapshots lock it, at which versions, "
        "in which files and through which dependencies; for an ADVISORY-ID (any id or alias: "
        "CVE-..., GHSA-..., PYSEC-...), which projects have it as an open finding and on "
        "which packages. Each project's latest snapshot is asked unless --all-snapshots. "
        "Exit code 0 when something was found, 1 when nothing was."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("target", metavar="NAME|ADVISORY-ID", help="a package or an advisory")
        kind = parser.add_mutually_exclusive_group()
        kind.add_argument(
            "--package", action="store_true", help="read the argument as a package name"
        )
        kind.add_argument(
            "--advisory", action="store_true", help="read the argument as an advisory id"
        )
        parser.add_argument(
            "--ecosystem",
            metavar="ECO",
            help="only packages of this ecosystem (PyPI, npm, Go, ...; purl types work too)",
        )
        parser.add_argument(
            "--all-snapshots",
            action="store_true",
            help="ask every snapshot of each project, not only its latest",
        )
        add_json_option(parser)
        add_db_option(parser)

    def run(self, args: argparse.Namespace, console: Console) -> int:
        from auditor.outputs import inventory as out
        from auditor.store import inventory

        text = args.target.strip()
        if not text:
            raise UsageError("query: give a package name or an advisory id")
        advisory = args.advisory or (not args.package and is_advisory_id(text))
        engine = open_for_reading(args)
        try:
            if advisory:
                query = {"kind": "advisory", "id": text, "all_snapshots": args.all_snapshots}
                affected = inventory.affected_by(engine, text, every_snapshot=args.all_snapshots)
                found = bool(affected)
                document = out.affected_document(query, affected)
                shown = out.render_affected(text, affected)
            else:
                name, ecosystem, version = _package(text, args.ecosystem)
                query = {
                    "kind": "package",
                    "name": name,
                    "ecosystem": ecosystem.value if ecosystem else None,
                    "version": version,
                    "all_snapshots": args.all_snapshots,
                }
                held = inventory.holding(
                    engine,
                    name,
                    ecosystem=ecosystem,
                    version=version,
                    every_snapshot=args.all_snapshots,
                )
                found = bool(held)
                document = out.holding_document(query, held)
                shown = out.render_holding(text, held)
        finally:
            engine.dispose()
        if args.json:
            console.print(dumps(document).rstrip("\n"))
        else:
            console.out.write(shown)
        return EXIT_OK if found else EXIT_FINDINGS


def _package(text: str, ecosystem: str | None) -> tuple[str, Ecosystem | None, str | None]:
    """(name, ecosystem, version) of ``name``, ``name@version`` or a purl."""
    chosen = None
    if ecosystem:
        try:
            chosen = Ecosystem.parse(ecosystem)
        except ValueError as exc:
            raise UsageError(f"--ecosystem: {exc}") from None
    if text.lower().startswith("pkg:"):
        ref = parse_purl(text)
        if ref is None:
            raise UsageError(f"query: {text[:200]!r} is not a package URL of an audited ecosystem")
        if chosen is not None and chosen is not ref.ecosystem:
            raise UsageError(f"query: {text[:200]} is not a package of {chosen.value}")
        return ref.name, ref.ecosystem, ref.version
    head, at, tail = text.rpartition("@")
    if at and head and tail:
        return head, chosen, tail
    return text, chosen, None
