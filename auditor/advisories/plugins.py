"""The advisory-source registry: one line per source, selected by name.

A source's module is imported when the source is first looked up (``auditor.core.lazy``),
so listing the names costs nothing and a run loads only the sources it uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from auditor.core.errors import UsageError
from auditor.core.lazy import LazyPlugins

if TYPE_CHECKING:
    from auditor.advisories.base import AdvisorySource, SourceOptions

SOURCES: LazyPlugins[type[AdvisorySource]] = LazyPlugins(
    {
        "osv-local": "auditor.advisories.osv_local:OsvLocalSource",
        "osv-api": "auditor.advisories.osv_api:OsvApiSource",
        "pypi": "auditor.advisories.pypi:PypiSource",
    }
)
DEFAULT_SOURCES = ("osv-local",)


def names() -> list[str]:
    return SOURCES.names()


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
