"""``auditor registries``: which package registries auditor would ask, and why."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from auditor.cli.base import EXIT_ERROR, EXIT_OK, Command, Console
from auditor.cli.net_options import add_registry_options
from auditor.outputs.text import safe
from auditor.registries.config import (
    ConfigContext,
    ConfiguredUrl,
    GoProxy,
    NpmRegistries,
    PythonIndexes,
    RegistryConfigError,
    resolve_go,
    resolve_npm,
    resolve_python,
)
from auditor.registries.npmrc import tree_notes

Row = tuple[str, str, str]  # (what, value, where it was configured)


class RegistriesCommand(Command):
    name = "registries"
    description = (
        "Resolve the registry of each ecosystem from your own configuration (flags, "
        "environment, pip/uv settings, .npmrc files in PATH and your home, GOPROXY) and show "
        "each URL with where it was configured. Credentials are never shown."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            default=".",
            metavar="PATH",
            help="project root whose .npmrc applies (default: .)",
        )
        add_registry_options(parser)
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")

    def run(self, args: argparse.Namespace, console: Console) -> int:
        context = ConfigContext.current(project=Path(args.path))
        resolvers: list[tuple[str, Callable[[], list[Row]]]] = [
            ("PyPI", lambda: _python_rows(resolve_python(context, flag=args.pypi_url))),
            ("npm", lambda: _npm_rows(resolve_npm(context, flag=args.npm_registry))),
            ("Go", lambda: _go_rows(resolve_go(context))),
        ]
        sections: dict[str, list[Row]] = {}
        errors: list[str] = []
        for ecosystem, resolve in resolvers:
            try:
                sections[ecosystem] = resolve()
            except RegistryConfigError as exc:
                errors.append(f"{ecosystem}: {exc}")
        notes = list(tree_notes(context, named=False))  # the rows mark the rest
        if args.json:
            console.print(json.dumps(_document(sections, errors, notes), indent=2))
        else:
            for ecosystem, rows in sections.items():
                for what, value, origin in rows:
                    where = f"  ({origin})" if origin else ""
                    console.print(f"{ecosystem:<5} {what:<9} {value}{where}")
            for note in notes:
                console.err.write(safe(f"auditor: note: {note}") + "\n")
        for error in errors:
            console.error(error)
        return EXIT_ERROR if errors else EXIT_OK


def _row(what: str, url: ConfiguredUrl) -> Row:
    return (what, url.shown, f"{url.origin}, scanned tree" if url.tree else url.origin)


def _python_rows(indexes: PythonIndexes) -> list[Row]:
    rows = [_row("index", indexes.index)]
    rows += [_row("extra", url) for url in indexes.extra]
    json_api = indexes.json_api or "none (not the default index: the JSON simple API is used)"
    rows.append(("json-api", json_api, ""))
    return rows


def _npm_rows(registries: NpmRegistries) -> list[Row]:
    rows = [_row("registry", registries.default)]
    rows += [_row(scope, url) for scope, url in registries.scopes]
    rows += [("auth", f"{a.prefix} ({a.kind})", a.origin) for a in registries.auth]
    return rows


def _go_rows(proxy: GoProxy) -> list[Row]:
    rows = [_row("proxy", url) for url in proxy.proxies]
    if proxy.fallback:
        rows.append(("fallback", proxy.fallback, proxy.origin))
    rows += [("private", pattern, "GONOPROXY/GOPRIVATE") for pattern in proxy.private]
    return rows


def _document(
    sections: dict[str, list[Row]], errors: list[str], notes: list[str]
) -> dict[str, Any]:
    return {
        "registries": {
            eco: [{"kind": what, "value": value, "origin": origin} for what, value, origin in rows]
            for eco, rows in sections.items()
        },
        "errors": errors,
        "notes": notes,
    }
