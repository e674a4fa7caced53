"""What the checks say about packages: findings, their severities and kinds, the ignores
that hide them, registry health, fix plans, and what a check could not judge.

Frozen, keyword-only, orderable dataclasses: outputs sort them for byte-stable documents.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass


class Severity(str, enum.Enum):
    """Severity of a finding, ordered ``unknown < low < medium < high < critical``."""

    UNKNOWN = "unknown"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}
# Where a severity stands when findings are ranked and counted: a finding without a rating
# ranks with medium ones (most PyPA and every Go advisory have none; unrated is not
# minor), after the rated mediums.
SEVERITY_ORDER = (
    Severity.CRITICAL,
    Severity.HIGH,
    Severity.MEDIUM,
    Severity.UNKNOWN,
    Severity.LOW,
)
_SEVERITY_POSITION = {s: i for i, s in enumerate(SEVERITY_ORDER)}


class FindingKind(str, enum.Enum):
    """What kind of risk a finding reports; each check produces its own kind."""

    VULNERABILITY = "vulnerability"
    MALICIOUS = "malicious"
    TYPOSQUAT = "typosquat"
    CONFUSION = "confusion"
    HEALTH = "health"
    CONFLICT = "conflict"
    LICENSE = "license"

    @property
    def group(self) -> int:
        """Where the kind's findings come in every ranked list: malicious packages, then
        vulnerabilities, then the other supply-chain risks (typosquats, confusion), then
        conflicts, and health (advice about maintenance, in a section of its own) last."""
        return _KIND_GROUP[self]


# The risks of running someone else's code: what fails a run without --fail-on and what
# becomes a security alert. Health, conflict and licence findings are advice (a licence
# policy gates with --fail-on license).
SECURITY_KINDS = frozenset(
    {
        FindingKind.VULNERABILITY,
        FindingKind.MALICIOUS,
        FindingKind.TYPOSQUAT,
        FindingKind.CONFUSION,
    }
)
# Findings an advisory record backs (their id is one a database knows: GHSA-..., MAL-...);
# the other kinds are auditor's own verdicts on one package (``typosquat``, ``HEALTH-*``).
ADVISORY_KINDS = frozenset({FindingKind.VULNERABILITY, FindingKind.MALICIOUS})
_KIND_GROUP = {
    FindingKind.MALICIOUS: 0,
    FindingKind.VULNERABILITY: 1,
    FindingKind.TYPOSQUAT: 2,
    FindingKind.CONFUSION: 2,
    FindingKind.CONFLICT: 3,
    FindingKind.LICENSE: 3,
    FindingKind.HEALTH: 4,
}


@dataclass(frozen=True, kw_only=True, order=True)
class Epss:
    """FIRST's Exploit Prediction Scoring System for a vulnerability: the probability
    (0 to 1) of exploitation activity in the next 30 days, and its percentile among every
    scored CVE."""

    score: float
    percentile: float


@dataclass(frozen=True, kw_only=True, order=True)
class Finding:
    """One risk about one package: a vulnerability, a malicious record, a typosquat, ...

    ``kev`` and ``epss`` say how likely exploitation is, through the finding's CVE ids:
    listed in CISA's Known Exploited Vulnerabilities catalog, and FIRST's EPSS score (the
    highest of its CVEs). Both are filled in after the checks, from data of their own.
    """

    package_id: str
    kind: FindingKind
    id: str
    severity: Severity = Severity.UNKNOWN
    aliases: tuple[str, ...] = ()
    summary: str = ""
    details: str = ""
    score: float | None = None
    fixed_versions: tuple[str, ...] = ()
    fix_version: str | None = None
    references: tuple[str, ...] = ()
    cwes: tuple[str, ...] = ()
    published: str | None = None
    modified: str | None = None
    evidence: tuple[
        tuple[str, str], ...
    ] = ()  # check-specific facts, e.g. ("imitates", "requests")
    kev: bool = False  # a CVE of it is in CISA's Known Exploited Vulnerabilities catalog
    epss: Epss | None = None  # FIRST's EPSS score of its CVEs (the highest), when known

    @property
    def cves(self) -> tuple[str, ...]:
        """The CVE ids among the finding's id and aliases, sorted."""
        return tuple(sorted({i.upper() for i in (self.id, *self.aliases) if _is_cve(i)}))


def _is_cve(text: str) -> bool:
    return text[:4].upper() == "CVE-"


Priority = tuple[int, int, int, float]


def finding_priority(finding: Finding) -> Priority:
    """Sort key putting the findings that matter most first: by kind group
    (``FindingKind.group``), then known-exploited ones (CISA KEV), then by severity with
    unrated findings among the mediums (``SEVERITY_ORDER``), then by EPSS probability,
    highest first. Every ranked output uses it, then its own tie-breakers."""
    epss = finding.epss.score if finding.epss is not None else 0.0
    return (
        finding.kind.group,
        0 if finding.kev else 1,
        _SEVERITY_POSITION[finding.severity],
        -epss,
    )


@functools.total_ordering
@dataclass(frozen=True, kw_only=True)
class IgnoreRule:
    """A user's decision to accept a finding: by advisory id (covering its aliases), with
    the reason they can defend and an optional last day (ISO date) it holds.

    The scope narrows it: ``package`` (a name, or a package URL with or without version),
    ``versions`` (comparisons such as ``<3.1, >=3.0`` in the ecosystem's version order) and
    ``path`` (a glob of the lockfiles: the rule holds only when every place the package is
    locked matches). ``until_fixed`` keeps it only while no version fixes the finding.

    A VEX statement (``--vex``) is a rule too: ``status`` is ``not_affected`` or ``fixed``,
    ``justification`` its justification (OpenVEX's or CycloneDX's word), ``aliases`` the
    other names of its vulnerability, and ``origin`` names the file and the statement.
    """

    id: str
    reason: str
    expires: str | None = None
    origin: str = ""  # where it was configured, e.g. "auditor.toml: ignore[0]"
    package: str | None = None
    versions: str | None = None
    path: str | None = None
    until_fixed: bool = False
    aliases: tuple[str, ...] = ()
    status: str | None = None  # VEX: not_affected or fixed; None for a configured ignore
    justification: str | None = None

    @property
    def names(self) -> frozenset[str]:
        """The advisory ids the rule names, upper case (ids compare without case)."""
        return frozenset(i.upper() for i in (self.id, *self.aliases))

    @property
    def is_vex(self) -> bool:
        return self.status is not None

    @property
    def scoped(self) -> bool:
        return self.package is not None or self.versions is not None or self.path is not None

    def sort_key(self) -> tuple[object, ...]:
        """A total order (a missing field sorts first): configured ignores before VEX
        statements, then by id, scope and origin."""
        return (
            self.is_vex,
            self.id.upper(),
            self.id,
            self.package or "",
            self.versions or "",
            self.path or "",
            self.origin,
            self.reason,
            self.expires or "",
            self.until_fixed,
            self.aliases,
            self.status or "",
            self.justification or "",
        )

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, IgnoreRule):
            return NotImplemented
        return self.sort_key() < other.sort_key()


@dataclass(frozen=True, kw_only=True, order=True)
class Suppression:
    """A finding an ignore rule hides from the verdict; every output still lists it."""

    finding: Finding
    rule: IgnoreRule


@dataclass(frozen=True, kw_only=True, order=True)
class PackageHealth:
    """What a package's registry says about its locked release and its project.

    Times are ISO 8601 UTC. ``libyears`` is how far the locked release lags the latest one
    (the time between their publications, in years of 365.25 days; 0 when it is the
    latest). ``error`` set means the health is unknown, and says why.
    """

    package_id: str
    registry: str = ""
    published: str | None = None
    latest: str | None = None
    latest_published: str | None = None
    last_release: str | None = None  # the newest publication of any version
    first_release: str | None = None  # the project's first publication (its age)
    newer_releases: int | None = None  # stable releases above the locked one
    libyears: float | None = None
    yanked: bool = False
    yanked_reason: str | None = None
    deprecated: str | None = None
    maintainers: int | None = None
    requires_python: str | None = None
    error: str | None = None


@dataclass(frozen=True, kw_only=True, order=True)
class Blocker:
    """A parent whose recorded requirement does not admit a fix version.

    ``upgrade`` is the smallest release of the parent whose own requirement admits it, when
    the registry could say; otherwise ``reason`` explains why none is named.
    """

    parent_id: str
    requirement: str
    upgrade: str | None = None
    reason: str = ""


@dataclass(frozen=True, kw_only=True, order=True)
class UnknownRequirement:
    """A parent whose requirement on the package is known neither from the lockfile nor
    from the registry (``parent_id`` None: which packages require it is itself unknown, as
    for a flat lockfile without registry lookups)."""

    parent_id: str | None
    reason: str


@dataclass(frozen=True, kw_only=True, order=True)
class FixPlan:
    """How to get a vulnerable package to a version that fixes its findings.

    ``target`` is the smallest version that fixes every finding that has a fix (None when
    none has); ``compatible`` says whether every parent's requirement admits it: True,
    False (``blockers`` name those that do not), or None when some parent's requirement is
    unknown (``unknown`` names them): the plan is then unverified, never called safe.
    ``unfixed`` lists findings no version fixes yet.
    """

    package_id: str
    target: str | None
    findings: tuple[str, ...] = ()
    compatible: bool | None = True
    blockers: tuple[Blocker, ...] = ()
    unfixed: tuple[str, ...] = ()
    unknown: tuple[UnknownRequirement, ...] = ()


@dataclass(frozen=True, kw_only=True, order=True)
class Unverified:
    """A package a check could not judge (registry unreachable, no registry source, ...).

    Unlike advisory ``unchecked`` packages, these do not make the audit incomplete: they
    are listed so that nobody reads their absence from the findings as a clean bill.
    """

    check: str
    package_id: str
    reason: str


@dataclass(frozen=True, kw_only=True, order=True)
class Unaudited:
    """A package no advisory describes by version: from git or a URL, or locked without a
    version (advisories name registry releases). Listed with where it comes from, never
    counted as clean; it fails a run only with ``--strict``, unless ``ignore`` (a rule
    ``UNAUDITED:<package name>`` with its reason) acknowledges it."""

    package_id: str
    source: str  # "git https://...@<commit>", "url https://...", "registry, no version"
    reason: str
    ignore: IgnoreRule | None = None


@dataclass(frozen=True, kw_only=True, order=True)
class CheckGap:
    """A check that could not judge any package in a run, because the data it needs was
    not gathered (registries off, offline, unreachable): findings of ``kinds`` (of ``ids``,
    when given; else of every id) found before cannot be confirmed or refuted by this run.
    What could not be judged for single packages is in ``unchecked`` and ``unverified``."""

    check: str
    kinds: tuple[FindingKind, ...]
    reason: str
    ids: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, order=True)
class Carried:
    """A finding of an earlier snapshot that this run could not check (its source or
    registry failed, or its check did not run): the store keeps it, unverified, so it is
    neither resolved now nor new next time. ``snapshot`` is the snapshot it was last seen in."""

    package_id: str
    kind: FindingKind
    id: str
    snapshot: int
    reason: str
