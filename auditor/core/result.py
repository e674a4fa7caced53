"""The result of one audit (``AuditResult``): the dependency graph, the findings and
everything a reader must know about how complete the run was. Every output format and the
store consume it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from auditor.core.findings import (
    Carried,
    CheckGap,
    Finding,
    FixPlan,
    IgnoreRule,
    PackageHealth,
    Suppression,
    Unaudited,
    Unverified,
)
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, FileError, SkippedPackage, UnsupportedFile


@dataclass(frozen=True, kw_only=True)
class SourceInfo:
    """The identity of an advisory source as used in one run (kept with the snapshot)."""

    name: str
    location: str
    updated: str | None = None  # ISO 8601 UTC: when the data was last current
    age_days: float | None = None
    stale: bool = False
    records: int | None = None
    ecosystems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    error: str | None = None  # the source failed entirely: every package is unchecked
    sample: bool = False  # the bundled sample: a few dated records, not an advisory database

    @property
    def label(self) -> str:
        """The source's name as the verdict line says it: a sample says it is one."""
        if not self.sample:
            return self.name
        when = f" from {self.updated[:10]}" if self.updated else ""
        records = f"{self.records} records" if self.records is not None else "records"
        return f"{self.name} (a bundled SAMPLE of {records}{when}, not an advisory database)"


class Status(str, enum.Enum):
    """How much of the audit could be done."""

    COMPLETE = "complete"
    PARTIAL = "partial"  # some files could not be read, or are of formats auditor does not
    # read (lockfiles it has no collector for, manifests without a lockfile); the rest were
    # audited
    INCOMPLETE = "incomplete"  # some packages could not be checked against advisories


@dataclass(frozen=True, kw_only=True, order=True)
class DuplicateVersions:
    """One package name locked at several versions in the project's graph.

    Information, not a finding: npm nests a copy of a package wherever two dependents need
    incompatible versions, and Python lockfiles split a package by markers. ``versions`` is in
    the ecosystem's version order, oldest first; ``packages`` holds the id of each locked
    package of that name (a version locked from two sources counts twice), in the same order.
    """

    ecosystem: Ecosystem
    name: str
    versions: tuple[str, ...]
    packages: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class AuditResult:
    """The output of the pipeline, consumed by every output format and by the store."""

    graph: DependencyGraph
    findings: tuple[Finding, ...] = ()
    skipped: tuple[SkippedPackage, ...] = ()
    errors: tuple[FileError, ...] = ()
    unchecked: tuple[tuple[str, str], ...] = ()  # (package id, reason)
    registries: tuple[str, ...] = ()
    status: Status = field(default=Status.COMPLETE)
    suppressed: tuple[Suppression, ...] = ()
    expired_ignores: tuple[IgnoreRule, ...] = ()
    # (package id, reason): packages no advisory can describe (the project's own code)
    excluded: tuple[tuple[str, str], ...] = ()
    sources: tuple[SourceInfo, ...] = ()  # the advisory sources asked, in order
    warnings: tuple[str, ...] = ()  # for the user's terminal: stale data, expired ignores
    # registry facts per package, sorted by package id (empty when registries were not asked)
    health: tuple[PackageHealth, ...] = ()
    libyears: float | None = None  # total drift of the packages whose release dates are known
    fix_plans: tuple[FixPlan, ...] = ()  # one per vulnerable package
    unverified: tuple[Unverified, ...] = ()  # what a check could not establish, and why
    notes: tuple[str, ...] = ()  # informational lines: lookups skipped, edges completed
    # names locked at several versions: information, not findings (npm nests copies)
    duplicates: tuple[DuplicateVersions, ...] = ()
    # (config file, settings): what the scanned tree's own config chose, named in the verdict
    tree_settings: tuple[str, tuple[str, ...]] | None = None
    # --omit: the scopes left out (dev, optional, peer) and the findings of their packages
    omit: tuple[str, ...] = ()
    omitted: tuple[Finding, ...] = ()
    omitted_unchecked: tuple[tuple[str, str], ...] = ()  # (package id, reason), not counted
    # the rules of --vex statements that matched no finding (one per product they name)
    vex_unmatched: tuple[IgnoreRule, ...] = ()
    # the exploitation data the findings were ranked with: CISA KEV, FIRST EPSS
    exploit_data: tuple[SourceInfo, ...] = ()
    # files that declare dependencies auditor did not read (the run is partial)
    unsupported: tuple[UnsupportedFile, ...] = ()
    excluded_files: tuple[str, ...] = ()  # lockfiles the user's exclude patterns left out
    # packages no advisory describes by version (git, URL, no version), with their source
    unaudited: tuple[Unaudited, ...] = ()
    not_run: tuple[CheckGap, ...] = ()  # checks that could not judge any package, and why
    # findings of the previous snapshot this run could not check, kept unverified (they are
    # among ``findings`` too): set by the store's writer, never by the audit itself
    carried: tuple[Carried, ...] = ()

    @property
    def unacknowledged(self) -> tuple[Unaudited, ...]:
        """The unaudited packages no ignore rule acknowledges (what ``--strict`` fails on)."""
        return tuple(u for u in self.unaudited if u.ignore is None)

    def fix_plan(self, package_id: str) -> FixPlan | None:
        for plan in self.fix_plans:
            if plan.package_id == package_id:
                return plan
        return None
