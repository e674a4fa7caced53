"""The advisory-source registry: one line per source, selected by name, and ``auto``
(``auditor/advisories/auto.py``), the default, which stands for the best of them.

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

AUTO = "auto"  # the default: auditor/advisories/auto.py chooses the sources (its NAME)
SOURCES: LazyPlugins[type[AdvisorySource]] = LazyPlugins(
    {
        "osv-local": "auditor.advisories.osv_local:OsvLocalSource",
        "osv-api": "auditor.advisories.osv_api:OsvApiSource",
        "pypi": "auditor.advisories.pypi:PypiSource",
    }
)
DEFAULT_SOURCES = (AUTO,)


def names() -> list[str]:
    """Every name ``--source`` accepts."""
    return sorted([*SOURCES.names(), AUTO])


def is_live(name: str) -> bool:
    """Whether the named source may need the network (``auto`` may ask the OSV API)."""
    return name == AUTO or (name in SOURCES and SOURCES[name].live)


def create(selected: Sequence[str], options: SourceOptions) -> tuple[AdvisorySource, ...]:
    """Build the named sources in order (``auto`` expands to the ones it chooses); unknown
    names and live sources under ``--offline`` are usage errors (nothing has been read yet)."""
    chosen: list[str] = []
    for name in selected or DEFAULT_SOURCES:
        if name not in SOURCES and name != AUTO:
            raise UsageError(
                f"unknown advisory source {name!r} (expected one of {', '.join(names())})"
            )
        if name not in chosen:
            chosen.append(name)
    if options.offline:
        live = [n for n in chosen if n in SOURCES and SOURCES[n].live]
        if live:
            raise UsageError(
                f"--offline allows only local advisory sources, but {', '.join(live)} "
                "needs the network"
            )
    from auditor.advisories.auto import auto_sources  # loads the sources auto chooses from

    built: list[AdvisorySource] = []
    for name in chosen:
        made = auto_sources(options) if name == AUTO else (SOURCES[name].from_options(options),)
        built.extend(s for s in made if not any(type(s) is type(b) for b in built))
    return tuple(built)
