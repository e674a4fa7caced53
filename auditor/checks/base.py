"""The check plug-in interface and registry.

A check reads the dependency graph plus what the audit gathered for it (advisory records
from the selected sources, registry metadata, the user's settings) and returns findings of
its own kind, and the packages it could not check with the reason. Checks do no I/O:
whatever they need is fetched before them and handed over in the ``CheckContext``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from auditor.advisories.osv import OsvRecord
from auditor.checks import DEFAULT_UNMAINTAINED_DAYS
from auditor.checks.typosquat.allowlist import EMPTY, AllowList
from auditor.core.findings import CheckGap, Finding, FindingKind, Unverified
from auditor.core.graph import DependencyGraph
from auditor.enrich.edges import MissingRequirement
from auditor.enrich.stage import RegistryData
from auditor.licenses.policy import LicensePolicy
from auditor.registries.internal import InternalNames
from auditor.versions.markers import TargetEnvironment


@dataclass(frozen=True, kw_only=True)
class AdvisoryData:
    """What the advisory sources answered, merged: candidate records per package id."""

    records: Mapping[str, tuple[OsvRecord, ...]] = field(default_factory=dict)
    unchecked: tuple[tuple[str, str], ...] = ()
    # (package id, reason): packages no selected source could describe (git, URL, no version)
    unaudited: tuple[tuple[str, str], ...] = ()
    # package id → ids of records a source says affect it whatever its version (by commit)
    confirmed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class CheckSettings:
    """What the configuration tells the checks (read before the run, no I/O in checks)."""

    typosquat_allow: AllowList = EMPTY  # names never reported as typosquats
    internal: InternalNames = field(default_factory=InternalNames)
    unmaintained_days: int = DEFAULT_UNMAINTAINED_DAYS
    environment: TargetEnvironment = field(default_factory=TargetEnvironment)
    now: datetime | None = None  # the moment ages are measured at (None: not measured)
    licenses: LicensePolicy = field(default_factory=LicensePolicy)  # [licenses] allow/deny


@dataclass(frozen=True, kw_only=True)
class CheckContext:
    graph: DependencyGraph
    advisories: AdvisoryData | None = None  # None: no advisory source was selected
    settings: CheckSettings = field(default_factory=CheckSettings)
    registry: RegistryData | None = None  # None: registries were not asked (offline, off)
    registry_note: str = ""  # why ``registry`` is None
    missing: tuple[MissingRequirement, ...] = ()  # from completing flat lockfiles
    # lockfile path → the registry URLs it names (for packages whose own source has none)
    file_registries: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    findings: tuple[Finding, ...] = ()
    unchecked: tuple[tuple[str, str], ...] = ()  # (package id, reason): the audit is incomplete
    unverified: tuple[Unverified, ...] = ()  # could not be judged; the audit is not incomplete


class Check(ABC):
    """One kind of risk. ``kinds`` are the finding kinds it may produce."""

    name: ClassVar[str]
    kinds: ClassVar[frozenset[FindingKind]]
    description: ClassVar[str]

    def applies(self, context: CheckContext) -> bool:
        """False when the data this check needs was not gathered (it is then not run)."""
        return True

    def gaps(self, context: CheckContext) -> tuple[CheckGap, ...]:
        """What this check cannot judge for any package in this context (its data was not
        gathered), so that earlier findings it made are kept unverified, not resolved."""
        return ()

    @abstractmethod
    def run(self, context: CheckContext) -> CheckResult:
        """Return findings (and unchecked packages); never raise for bad third-party data."""
