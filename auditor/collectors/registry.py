"""The collector registry: one line per supported format.

Order matters only for content sniffing of explicitly named files with unusual names:
the first collector whose ``sniff`` accepts the text wins.
"""

from __future__ import annotations

from auditor.collectors.base import Collector
from auditor.collectors.pypi_pdm import PdmLockCollector
from auditor.collectors.pypi_pipfile import PipfileLockCollector
from auditor.collectors.pypi_poetry import PoetryLockCollector
from auditor.collectors.pypi_pylock import PylockCollector
from auditor.collectors.pypi_uv import UvLockCollector

COLLECTORS: dict[str, Collector] = {
    c.name: c
    for c in (
        PipfileLockCollector(),
        PoetryLockCollector(),
        UvLockCollector(),
        PdmLockCollector(),
        PylockCollector(),
    )
}


def get(name: str) -> Collector:
    """The collector registered as ``name``; ``KeyError`` if none."""
    return COLLECTORS[name]


def names() -> list[str]:
    return sorted(COLLECTORS)
