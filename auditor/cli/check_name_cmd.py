"""``auditor check-name``: would installing NAME install a typosquat? (before it is locked)"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from auditor.checks.names import (
    NAME_CHECKS,
    NAME_ECOSYSTEMS,
    NameCheckOptions,
    check_names,
    name_package,
    valid_name,
)
from auditor.checks.typosquat.allowlist import EMPTY, load_allow_list
from auditor.checks.typosquat.detector import default_detector
from auditor.checks.typosquat.popular import Popularity
from auditor.cli.base import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Command, Console
from auditor.cli.net_options import add_network_options, net_config
from auditor.cli.options import add_json_option
from auditor.core.errors import UsageError
from auditor.core.findings import Finding
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem
from auditor.net.client import HttpClient
from auditor.outputs.findings_json import finding_json
from auditor.outputs.graph_json import dumps
from auditor.registries.common import ConfigContext
from auditor.registries.internal import InternalNames
from auditor.registries.lookup import public_registries
from auditor.settings import ENV_OFFLINE, read_config

SCHEMA = "auditor.check-name/1"
Allowed = Callable[[Ecosystem, str], bool]


class CheckNameCommand(Command):
    name = "check-name"
    description = (
        "Judge each NAME as if it were about to be installed: report the popular package it "
        "imitates and why, with the same rules the lockfile check uses, and, for a name the "
        "config marks internal, whether the public registry has it. Exits 1 when any name "
        "has a finding."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("names", nargs="+", metavar="NAME", help="package names to check")
        parser.add_argument(
            "--ecosystem",
            required=True,
            metavar="ECO",
            help="the ecosystem the names belong to: pypi or npm",
        )
        parser.add_argument(
            "--allow-list",
            metavar="FILE",
            type=Path,
            help="names never reported as typosquats (format in docs/checks.md)",
        )
        parser.add_argument(
            "--config",
            metavar="FILE",
            help="config file whose internal names and public-registries the confusion check "
            "uses (default: auditor.toml or [tool.auditor] in pyproject.toml of the current "
            "directory)",
        )
        add_network_options(parser, rate_limit=False)
        add_json_option(parser)

    def run(self, args: argparse.Namespace, console: Console) -> int:
        ecosystem = _ecosystem(args.ecosystem)
        # an invalid name is reported on its own; the valid ones are still judged
        invalid = [n for n in dict.fromkeys(args.names) if not valid_name(ecosystem, n)]
        names = [n for n in args.names if valid_name(ecosystem, n)]
        allow = load_allow_list(args.allow_list) if args.allow_list else EMPTY
        config = read_config(args.config, [], Path.cwd())
        internal = InternalNames(patterns=config.internal)
        asks = any(internal.match(ecosystem, n) for n in names)
        offline = args.offline or _env_offline()
        client = HttpClient(net_config(args)) if asks and not offline else None
        if asks and offline:
            console.err.write(
                "auditor: note: internal names were not looked up on the public registry "
                "(offline)\n"
            )
        try:
            public = None
            if client is not None:
                context = ConfigContext.current(project=Path.cwd())
                public = public_registries(client, context, config.public_registries)
            options = NameCheckOptions(allow_list=allow, internal=internal, public=public)
            results = check_names(ecosystem, names, options) if names else {}
        finally:
            if client is not None:
                client.close()
        reasons = dict.fromkeys(invalid, f"not a valid {ecosystem.value} package name")
        for name, reason in reasons.items():
            console.error(f"{name!r}: {reason}")
        if args.json:
            document = _document(ecosystem, results, allow.allows, reasons)
            console.print(dumps(document).rstrip("\n"))
        else:
            _print_text(console, ecosystem, results, allow.allows, invalid=len(invalid))
        if invalid:
            return EXIT_ERROR
        return EXIT_FINDINGS if any(results.values()) else EXIT_OK


def _env_offline() -> bool:
    return os.environ.get(ENV_OFFLINE, "").strip().lower() in ("1", "true", "yes", "on")


def _ecosystem(text: str) -> Ecosystem:
    problem = UsageError(f"--ecosystem: expected pypi or npm, got {text!r}")
    try:
        ecosystem = Ecosystem.parse(text)
    except ValueError:
        raise problem from None
    if ecosystem not in NAME_ECOSYSTEMS:
        raise problem
    return ecosystem


def _popularity(ecosystem: Ecosystem, name: str) -> Popularity | None:
    # the list the prebuilt index carries: no second read of the list file
    return default_detector(ecosystem).popular.popularity(name)


def _print_text(
    console: Console,
    ecosystem: Ecosystem,
    results: dict[str, tuple[Finding, ...]],
    allowed: Allowed,
    *,
    invalid: int = 0,
) -> None:
    for name, findings in results.items():
        if findings:
            for item in findings:
                console.print(f"{name}: {item.severity.value} {item.kind.value}: {item.summary}")
                console.print(f"  {item.details}")
            continue
        popularity = _popularity(ecosystem, name)
        if popularity:
            console.print(f"{name}: ok (popular: {popularity.render()})")
        elif allowed(ecosystem, name):
            console.print(f"{name}: ok (allow-list)")
        else:
            console.print(f"{name}: ok (no finding)")
    flagged = sum(1 for findings in results.values() if findings)
    checks = ", ".join(NAME_CHECKS)
    rejected = f"; {invalid} invalid, not checked" if invalid else ""
    console.print(
        f"{flagged} of {len(results)} names with findings ({ecosystem.value}; {checks}){rejected}"
    )


def _document(
    ecosystem: Ecosystem,
    results: dict[str, tuple[Finding, ...]],
    allowed: Allowed,
    invalid: dict[str, str],
) -> dict[str, Any]:
    # Findings use the same JSON shape as ``scan --json``: their packages form a graph of
    # their own (names only, no version, no root).
    graph = DependencyGraph(packages=[name_package(ecosystem, name) for name in results])
    return {
        "schema": SCHEMA,
        "ecosystem": ecosystem.value,
        "checks": list(NAME_CHECKS),
        "names": [
            {
                "name": name,
                "popularity": None if popular is None else popular.json(),
                "allowed": allowed(ecosystem, name),
                "findings": [finding_json(f, graph) for f in findings],
            }
            for name, findings in results.items()
            for popular in [_popularity(ecosystem, name)]
        ],
        "invalid": [{"name": name, "reason": reason} for name, reason in invalid.items()],
    }
