"""The advisory-source plug-in interface.

A source answers one question for a batch of packages: which OSV records might concern
each of them. It may return more than the records that affect the exact version (a local
database returns every record naming the package); the matcher decides, so every source
gives the same findings for the same records. What a source could not check is data, with
the reason, never an empty answer.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from auditor.advisories import DEFAULT_OSV_URL, DEFAULT_STALE_DAYS
from auditor.advisories.osv import OsvRecord
from auditor.core.model import Ecosystem, Package, SourceKind
from auditor.core.result import SourceInfo

if TYPE_CHECKING:
    from auditor.net.client import HttpClient


# Sources that describe the project's own code rather than a published release.
LOCAL_KINDS = frozenset({SourceKind.PATH, SourceKind.EDITABLE, SourceKind.WORKSPACE})


@dataclass(frozen=True, kw_only=True)
class SourceOptions:
    """Everything a source may be configured with (flags, environment, config file).

    ``http`` is the run's shared client (live sources build a default one without it);
    ``cache_dir`` is the cache root (``--cache-dir``): the ``db sync`` databases live in
    ``<cache_dir>/osv``, the osv-api record cache in ``<cache_dir>/osv-api``; None means no
    cache at all. ``environ`` is where registry configuration is read (None: the process's).
    """

    advisory_db: Path | None = None
    offline: bool = False
    stale_days: float = DEFAULT_STALE_DAYS
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    osv_url: str = DEFAULT_OSV_URL
    http: HttpClient | None = None
    cache_dir: Path | None = None
    environ: Mapping[str, str] | None = None


@dataclass(frozen=True, kw_only=True)
class SourceAnswer:
    """A source's answer for a batch: candidate records per package id; the packages it
    could not check although it should have (failures: the run is incomplete); the
    packages it cannot describe at all (``unaudited``: from git or a URL, or without a
    version: advisories name registry releases); and the records it says affect a package
    whatever its version (``confirmed``: the OSV API asked by git commit)."""

    records: Mapping[str, tuple[OsvRecord, ...]]
    unchecked: tuple[tuple[str, str], ...]
    info: SourceInfo
    unaudited: tuple[tuple[str, str], ...] = ()
    confirmed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


class AdvisorySource(ABC):
    """One place advisories come from. ``live`` sources need the network."""

    name: ClassVar[str]
    live: ClassVar[bool] = False
    description: ClassVar[str]
    # the ecosystems the source can speak for; None: any (what the data holds decides).
    # An instance may narrow it (``auto`` gives each ecosystem to one source).
    ecosystems: frozenset[Ecosystem] | None = None
    # said with every failure of a source that was chosen for the user (``auto``): how to
    # give the run advisory data that does not depend on this source
    hint: str = ""

    def covers(self, package: Package) -> bool:
        """Whether packages of this ecosystem are asked of this source at all."""
        return self.ecosystems is None or package.ecosystem in self.ecosystems

    def only(self, ecosystems: frozenset[Ecosystem], hint: str = "") -> AdvisorySource:
        """This source, asked only about ``ecosystems`` (``auto`` splits the work)."""
        self.ecosystems = ecosystems
        self.hint = hint
        return self

    @classmethod
    @abstractmethod
    def from_options(cls, options: SourceOptions) -> AdvisorySource:
        """Build the source; raise ``UsageError`` for a bad option (nothing is read yet)."""

    @abstractmethod
    def describe(self) -> SourceInfo:
        """Name and location, without any I/O (used when the source fails)."""

    @abstractmethod
    def query_all(self, packages: Sequence[Package]) -> SourceAnswer:
        """Candidate records for every package; raise ``SourceError`` if nothing works."""


def precheck(package: Package) -> str | None:
    """Why no advisory describes ``package`` by version, or None when one can: advisories
    name registry releases, not git checkouts, archives at a URL or versionless packages."""
    if not package.version:
        return "no version recorded: advisories describe versions"
    if not package.source.is_registry:
        return (
            f"from {package.source.kind.value}, not a registry: advisories describe "
            "registry releases"
        )
    return None


def git_commit(package: Package) -> str | None:
    """The full commit a git package is locked at, if the lockfile records one."""
    if package.source.kind is not SourceKind.GIT:
        return None
    reference = (package.source.reference or "").strip().lower()
    return reference if _COMMIT.fullmatch(reference) else None


_COMMIT = re.compile(r"[0-9a-f]{40}")


def is_local(package: Package) -> bool:
    """The project's own code (a path, editable or workspace member): nothing to look up."""
    return package.source.kind in LOCAL_KINDS


def age_in_days(updated: datetime | None, now: datetime) -> float | None:
    if updated is None:
        return None
    return round(max((now - updated).total_seconds(), 0.0) / 86400, 1)
