"""The command registry: one line per ``auditor`` sub-command.

Each entry names the command, its one-line help and the class that implements it; the
class's module is imported only when that command runs (or its options are shown), so
``auditor --version``, ``auditor --help`` and ``auditor scan --help`` start without
loading the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.core.lazy import load

if TYPE_CHECKING:
    from auditor.cli.base import Command


@dataclass(frozen=True)
class CommandEntry:
    name: str
    help: str
    target: str  # "module:Class"

    def load(self) -> Command:
        command: Command = load(self.target)()
        if command.name != self.name:
            raise TypeError(f"{self.target} is registered as {self.name!r}")
        return command


_E = CommandEntry
COMMANDS: dict[str, CommandEntry] = {
    e.name: e
    for e in (
        _E("graph", "print the dependency graph of the lockfiles found", "auditor.cli.graph_cmd:GraphCommand"),  # noqa: E501
        _E("why", "show why a package is in the graph: every path from a root to it", "auditor.cli.why_cmd:WhyCommand"),  # noqa: E501
        _E("report", "run the whole audit and write the report files", "auditor.cli.report_cmd:ReportCommand"),  # noqa: E501
        _E("scan", "check every locked package against advisories (vulnerable or malicious releases)", "auditor.cli.scan_cmd:ScanCommand"),  # noqa: E501
        _E("sbom", "write a software bill of materials (CycloneDX JSON/XML, SPDX JSON)", "auditor.cli.sbom_cmd:SbomCommand"),  # noqa: E501
        _E("db", "download and inspect the local OSV advisory databases", "auditor.cli.db_cmd:DbCommand"),  # noqa: E501
        _E("registries", "show the package registries configured for PyPI, npm and Go", "auditor.cli.registries_cmd:RegistriesCommand"),  # noqa: E501
        _E("check-name", "check package names before installing them (typosquats, dependency confusion)", "auditor.cli.check_name_cmd:CheckNameCommand"),  # noqa: E501
        _E("history", "list the stored snapshots of a project", "auditor.cli.history_cmd:HistoryCommand"),  # noqa: E501
        _E("diff", "show what changed between two snapshots", "auditor.cli.diff_cmd:DiffCommand"),
        _E("query", "which projects of the store hold a package, or are affected by an advisory", "auditor.cli.query_cmd:QueryCommand"),  # noqa: E501
        _E("store", "copy snapshots between stores and delete old ones", "auditor.cli.store_cmd:StoreCommand"),  # noqa: E501
    )
}  # fmt: skip
