"""The command registry: one line per ``auditor`` sub-command."""

from __future__ import annotations

from auditor.cli.base import Command
from auditor.cli.check_name_cmd import CheckNameCommand
from auditor.cli.db_cmd import DbCommand
from auditor.cli.diff_cmd import DiffCommand
from auditor.cli.graph_cmd import GraphCommand
from auditor.cli.history_cmd import HistoryCommand
from auditor.cli.query_cmd import QueryCommand
from auditor.cli.registries_cmd import RegistriesCommand
from auditor.cli.report_cmd import ReportCommand
from auditor.cli.sbom_cmd import SbomCommand
from auditor.cli.scan_cmd import ScanCommand
from auditor.cli.store_cmd import StoreCommand
from auditor.cli.why_cmd import WhyCommand

COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        GraphCommand(),
        WhyCommand(),
        ReportCommand(),
        ScanCommand(),
        SbomCommand(),
        DbCommand(),
        RegistriesCommand(),
        CheckNameCommand(),
        HistoryCommand(),
        DiffCommand(),
        QueryCommand(),
        StoreCommand(),
    )
}
