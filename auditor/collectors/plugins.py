"""The collector registry: one line per supported format.

Order matters only for content sniffing of explicitly named files with unusual names:
the first collector whose ``sniff`` accepts the text wins. Each collector's module is
imported when the collector is first looked up (``auditor.core.lazy``): the command line
lists the formats without loading them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.core.lazy import LazyPlugins

if TYPE_CHECKING:
    from auditor.collectors.base import Collector

COLLECTORS: LazyPlugins[Collector] = LazyPlugins(
    {
        "pipfile-lock": "auditor.collectors.pypi.pipfile:PipfileLockCollector",
        "requirements": "auditor.collectors.pypi.requirements:RequirementsCollector",
        "pnpm-lock": "auditor.collectors.npm.pnpm:PnpmLockCollector",
        "go-mod": "auditor.collectors.go.mod:GoModCollector",
        "npm-package-lock": "auditor.collectors.npm.package_lock:NpmPackageLockCollector",
        "yarn-lock": "auditor.collectors.npm.yarn:YarnLockCollector",
        "poetry-lock": "auditor.collectors.pypi.poetry:PoetryLockCollector",
        "uv-lock": "auditor.collectors.pypi.uv:UvLockCollector",
        "pdm-lock": "auditor.collectors.pypi.pdm:PdmLockCollector",
        "pylock": "auditor.collectors.pypi.pylock:PylockCollector",
        "cargo-lock": "auditor.collectors.cargo.lock:CargoLockCollector",
        "gemfile-lock": "auditor.collectors.rubygems.gemfile_lock:GemfileLockCollector",
        "composer-lock": "auditor.collectors.packagist.composer_lock:ComposerLockCollector",
        "bun-lock": "auditor.collectors.npm.bun:BunLockCollector",
        "python-environment": "auditor.collectors.pypi.environment:PythonEnvironmentCollector",
    },
    make=lambda cls: cls(),
)


def get(name: str) -> Collector:
    """The collector registered as ``name``; ``KeyError`` if none."""
    return COLLECTORS[name]


def names() -> list[str]:
    return COLLECTORS.names()
