"""The version scheme of each ecosystem, and the one OSV ``SEMVER`` ranges use there."""

from __future__ import annotations

from typing import Any

from auditor.core.model import Ecosystem
from auditor.versions.base import VersionScheme
from auditor.versions.go import GoScheme
from auditor.versions.packagist import PackagistScheme
from auditor.versions.pep440 import Pep440Scheme
from auditor.versions.rubygems import RubyGemsScheme
from auditor.versions.semver import SemverScheme

SCHEMES: dict[Ecosystem, VersionScheme[Any]] = {
    Ecosystem.PYPI: Pep440Scheme(),
    Ecosystem.NPM: SemverScheme(),
    Ecosystem.GO: GoScheme(),
    # Cargo versions are SemVer 2.0; OSV's crates.io ranges are SEMVER ranges
    Ecosystem.CRATES_IO: SemverScheme(),
    Ecosystem.RUBYGEMS: RubyGemsScheme(),
    Ecosystem.PACKAGIST: PackagistScheme(),
}


def scheme_for(ecosystem: Ecosystem) -> VersionScheme[Any]:
    """The ordering of ``ecosystem``'s own versions (OSV ``ECOSYSTEM`` ranges)."""
    return SCHEMES[ecosystem]


def semver_scheme_for(ecosystem: Ecosystem) -> VersionScheme[Any]:
    """The ordering for OSV ``SEMVER`` ranges: SemVer 2.0, spelled the ecosystem's way.

    Go versions are SemVer with a ``v`` prefix, so Go keeps its own (strict) scheme;
    everywhere else SemVer precedence is npm's.
    """
    if ecosystem is Ecosystem.GO:
        return SCHEMES[Ecosystem.GO]
    return SCHEMES[Ecosystem.NPM]
