"""The advisory-source registry: one line per source, selected by name."""

from __future__ import annotations

from collections.abc import Sequence

from auditor.advisories.base import AdvisorySource, SourceOptions
from auditor.advisories.osv_api import OsvApiSource
from auditor.advisories.osv_local import OsvLocalSource
from auditor.advisories.pypi import PypiSource
from auditor.core.errors import UsageError

SOURCES: dict[str, type[AdvisorySource]] = {
    s.name: s for s in (OsvLocalSource, OsvApiSource, PypiSource)
}
DEFAULT_SOURCES = ("osv-local",)


def names() -> list[str]:
    return sorted(SOURCES)


def create(selected: Sequence[str], options: SourceOptions) -> tuple[AdvisorySource, ...]:
    """Build the named sources in order; unknown names and live sources under
    ``--offline`` are usage errors (nothing has been read yet)."""
    chosen: list[str] = []
    for name in selected or DEFAULT_SOURCES:
        if name not in SOURCES:
            raise UsageError(
                f"unknown advisory source {name!r} (expected one of {', '.join(names())})"
            )
        if name not in chosen:
            chosen.append(name)
    if options.offline:
        live = [n for n in chosen if SOURCES[n].live]
        if live:
            raise UsageError(
                f"--offline allows only local advisory sources, but {', '.join(live)} "
                "needs the network"
            )
    return tuple(SOURCES[name].from_options(options) for name in chosen)
