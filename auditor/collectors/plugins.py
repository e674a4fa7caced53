"""The collector registry: one line per supported format.

Order matters only for content sniffing of explicitly named files with unusual names:
the first collector whose ``sniff`` accepts the text wins.
"""

from __future__ import annotations

from auditor.collectors.base import Collector
from auditor.collectors.cargo.lock import CargoLockCollector
from auditor.collectors.go.mod import GoModCollector
from auditor.collectors.npm.bun import BunLockCollector
from auditor.collectors.npm.package_lock import NpmPackageLockCollector
from auditor.collectors.npm.pnpm import PnpmLockCollector
from auditor.collectors.npm.yarn import YarnLockCollector
from auditor.collectors.packagist.composer_lock import ComposerLockCollector
from auditor.collectors.pypi.environment import PythonEnvironmentCollector
from auditor.collectors.pypi.pdm import PdmLockCollector
from auditor.collectors.pypi.pipfile import PipfileLockCollector
from auditor.collectors.pypi.poetry import PoetryLockCollector
from auditor.collectors.pypi.pylock import PylockCollector
from auditor.collectors.pypi.requirements import RequirementsCollector
from auditor.collectors.pypi.uv import UvLockCollector
from auditor.collectors.rubygems.gemfile_lock import GemfileLockCollector

COLLECTORS: dict[str, Collector] = {
    c.name: c
    for c in (
        PipfileLockCollector(),
        RequirementsCollector(),
        PnpmLockCollector(),
        GoModCollector(),
        NpmPackageLockCollector(),
        YarnLockCollector(),
        PoetryLockCollector(),
        UvLockCollector(),
        PdmLockCollector(),
        PylockCollector(),
        CargoLockCollector(),
        GemfileLockCollector(),
        ComposerLockCollector(),
        BunLockCollector(),
        PythonEnvironmentCollector(),
    )
}


def get(name: str) -> Collector:
    """The collector registered as ``name``; ``KeyError`` if none."""
    return COLLECTORS[name]


def names() -> list[str]:
    return sorted(COLLECTORS)
