"""The values that flow between stages: packages, edges, roots, findings, results.

Everything here is a frozen, keyword-only dataclass so that each stage can be tested alone
and outputs can be sorted deterministically. Identity of a package is its ``id``, a package
URL (purl) built from ecosystem, name, version and (for non-registry sources) the source.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from auditor.core.graph import DependencyGraph


class Ecosystem(str, enum.Enum):
    """A package ecosystem; the value is the OSV ecosystem name."""

    PYPI = "PyPI"
    NPM = "npm"
    GO = "Go"

    @property
    def purl_type(self) -> str:
        return _PURL_TYPES[self]

    @classmethod
    def parse(cls, text: str) -> Ecosystem:
        """Accept the OSV name, the purl type or a lowercase spelling (``pypi``, ``golang``)."""
        key = text.strip().lower()
        for eco in cls:
            if key in (eco.value.lower(), eco.purl_type, eco.name.lower()):
                return eco
        names = ", ".join(e.value for e in cls)
        raise ValueError(f"unknown ecosystem {text!r} (expected one of {names})")

    def normalize_name(self, name: str) -> str:
        """The canonical spelling used for identity and matching."""
        if self is Ecosystem.PYPI:
            return canonical_pypi_name(name)
        return name


_PURL_TYPES = {Ecosystem.PYPI: "pypi", Ecosystem.NPM: "npm", Ecosystem.GO: "golang"}
_PYPI_SEPARATORS = re.compile(r"[-_.]+")


def canonical_pypi_name(name: str) -> str:
    """PEP 503 normalisation: lowercase, runs of ``-_.`` become one ``-``."""
    return _PYPI_SEPARATORS.sub("-", name).lower()


class SourceKind(str, enum.Enum):
    """Where a locked package comes from."""

    REGISTRY = "registry"
    GIT = "git"
    URL = "url"
    PATH = "path"
    EDITABLE = "editable"
    WORKSPACE = "workspace"


@dataclass(frozen=True, kw_only=True, order=True)
class Source:
    """The origin of a package. ``url`` never carries credentials (collectors redact)."""

    kind: SourceKind = SourceKind.REGISTRY
    url: str | None = None
    reference: str | None = None  # git commit or ref, tarball integrity, ...
    subdirectory: str | None = None

    @property
    def is_registry(self) -> bool:
        return self.kind is SourceKind.REGISTRY


REGISTRY = Source()


@dataclass(frozen=True, kw_only=True, order=True)
class Location:
    """Where something was found: a file (as displayed) and a line or a key path."""

    path: str
    line: int | None = None
    key: str | None = None

    def render(self) -> str:
        text = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{text} ({self.key})" if self.key else text


def location_key(location: Location) -> tuple[str, int, str]:
    """Sort locations without comparing a missing line or key with a present one."""
    return (location.path, -1 if location.line is None else location.line, location.key or "")


@dataclass(frozen=True, kw_only=True, order=True)
class Hash:
    """A content hash as ``algorithm`` (lowercase, e.g. ``sha256``) and lowercase hex value."""

    algorithm: str
    value: str

    def render(self) -> str:
        return f"{self.algorithm}:{self.value}"


@dataclass(frozen=True, kw_only=True)
class Package:
    """One locked package (name + version + source) in one ecosystem.

    ``scopes`` holds ``main``, ``dev``, ``optional``, ``peer`` or group names such as
    ``group:docs``; an empty set means the collector did not know (the graph derives it).
    """

    ecosystem: Ecosystem
    name: str
    version: str
    source: Source = REGISTRY
    hashes: frozenset[Hash] = frozenset()
    scopes: frozenset[str] = frozenset()
    found_in: tuple[Location, ...] = ()
    # the Python versions the locked release supports, where the lockfile records it
    # (poetry ``python-versions``, pdm ``requires_python``, pylock ``requires-python``)
    requires_python: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", self.ecosystem.normalize_name(self.name))

    @cached_property
    def purl(self) -> str:
        # computed once: the id keys every graph lookup, and quoting is not free
        return make_purl(self.ecosystem, self.name, self.version, self.source)

    @property
    def id(self) -> str:
        return self.purl

    @property
    def display(self) -> str:
        return f"{self.name}@{self.version}" if self.version else self.name

    def merged_with(self, other: Package) -> Package:
        """Combine two sightings of the same package (same id) from different places."""
        return Package(
            ecosystem=self.ecosystem,
            name=self.name,
            version=self.version,
            source=self.source,
            hashes=self.hashes | other.hashes,
            scopes=self.scopes | other.scopes,
            found_in=tuple(sorted(set(self.found_in) | set(other.found_in), key=location_key)),
            requires_python=self.requires_python or other.requires_python,
        )


@dataclass(frozen=True, kw_only=True, order=True)
class Root:
    """A project a lockfile describes (one per file, or one per workspace member).

    Roots are the starting points of "why is this here" paths; edges from a root lead to
    the project's direct dependencies.
    """

    id: str
    name: str
    ecosystem: Ecosystem
    path: str  # the lockfile that defines this root
    # the project's supported Python versions where the files say (pyproject's
    # ``requires-python``, poetry's ``python-versions``, uv's and pylock's ``requires-python``)
    requires_python: str | None = None


def root_id(path: str, member: str | None = None) -> str:
    """The id of a lockfile's root, or of one workspace member in it."""
    return f"root:{path}" if member is None else f"root:{path}#{member}"


@dataclass(frozen=True, kw_only=True, order=True)
class Edge:
    """``parent`` depends on ``child`` (package or root ids), because of ``requirement``."""

    parent: str
    child: str
    requirement: str | None = None
    scope: str | None = None  # "dev", "optional", "peer", a group name; None = normal
    # True when the parent lists the child only to fix its version, not because it uses it
    # (Go's ``// indirect`` requirements): such an edge from a root does not make the child
    # a direct dependency.
    indirect: bool = False


@dataclass(frozen=True, kw_only=True, order=True)
class SkippedPackage:
    """A dependency seen in a file that cannot become a locked package, with the reason."""

    ecosystem: Ecosystem
    name: str
    requirement: str
    reason: str
    location: Location


@dataclass(frozen=True, kw_only=True, order=True)
class FileError:
    """A file that could not be collected; the run goes on and is marked partial."""

    path: str
    message: str
    line: int | None = None
    key: str | None = None

    def render(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message} in {self.key}" if self.key else f"{where}: {self.message}"


@dataclass(frozen=True, kw_only=True)
class CollectResult:
    """What one collector found in one file (and the files it includes)."""

    path: str
    collector: str
    ecosystem: Ecosystem
    roots: tuple[Root, ...] = ()
    packages: tuple[Package, ...] = ()
    edges: tuple[Edge, ...] = ()
    skipped: tuple[SkippedPackage, ...] = ()
    registries: tuple[str, ...] = ()  # index/registry URLs the file names, credentials redacted
    files: tuple[str, ...] = ()  # every file read, the main one first (includes, companions)


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

    @property
    def group(self) -> int:
        """Where the kind's findings come in every ranked list: malicious packages, then
        vulnerabilities, then the other supply-chain risks (typosquats, confusion), then
        conflicts, and health (advice about maintenance, in a section of its own) last."""
        return _KIND_GROUP[self]


# The risks of running someone else's code: what fails a run without --fail-on and what
# becomes a security alert. Health and conflict findings are advice.
SECURITY_KINDS = frozenset(
    {
        FindingKind.VULNERABILITY,
        FindingKind.MALICIOUS,
        FindingKind.TYPOSQUAT,
        FindingKind.CONFUSION,
    }
)
_KIND_GROUP = {
    FindingKind.MALICIOUS: 0,
    FindingKind.VULNERABILITY: 1,
    FindingKind.TYPOSQUAT: 2,
    FindingKind.CONFUSION: 2,
    FindingKind.CONFLICT: 3,
    FindingKind.HEALTH: 4,
}


@dataclass(frozen=True, kw_only=True, order=True)
class Finding:
    """One risk about one package: a vulnerability, a malicious record, a typosquat, ..."""

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


def finding_priority(finding: Finding) -> tuple[int, int]:
    """Sort key putting the findings that matter most first: by kind group
    (``FindingKind.group``), then by severity with unrated findings among the mediums
    (``SEVERITY_ORDER``). Every ranked output uses it, then its own tie-breakers."""
    return finding.kind.group, _SEVERITY_POSITION[finding.severity]


@dataclass(frozen=True, kw_only=True, order=True)
class IgnoreRule:
    """A user's decision to accept a finding: by advisory id (covering its aliases), with
    the reason they can defend and an optional last day (ISO date) it holds."""

    id: str
    reason: str
    expires: str | None = None
    origin: str = ""  # where it was configured, e.g. "auditor.toml: ignore[0]"


@dataclass(frozen=True, kw_only=True, order=True)
class Suppression:
    """A finding an ignore rule hides from the verdict; every output still lists it."""

    finding: Finding
    rule: IgnoreRule


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


class Status(str, enum.Enum):
    """How much of the audit could be done."""

    COMPLETE = "complete"
    PARTIAL = "partial"  # some files could not be read; the rest were audited
    INCOMPLETE = "incomplete"  # some packages could not be checked against advisories


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

    def health_of(self, package_id: str) -> PackageHealth | None:
        for item in self.health:
            if item.package_id == package_id:
                return item
        return None

    def fix_plan(self, package_id: str) -> FixPlan | None:
        for plan in self.fix_plans:
            if plan.package_id == package_id:
                return plan
        return None


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
class FixPlan:
    """How to get a vulnerable package to a version that fixes its findings.

    ``target`` is the smallest version that fixes every finding that has a fix (None when
    none has); ``compatible`` says whether every parent's recorded requirement admits it;
    ``blockers`` name those that do not. ``unfixed`` lists findings no version fixes yet.
    """

    package_id: str
    target: str | None
    findings: tuple[str, ...] = ()
    compatible: bool = True
    blockers: tuple[Blocker, ...] = ()
    unfixed: tuple[str, ...] = ()


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


@dataclass(frozen=True, kw_only=True, order=True)
class Unverified:
    """A package a check could not judge (registry unreachable, no registry source, ...).

    Unlike advisory ``unchecked`` packages, these do not make the audit incomplete: they
    are listed so that nobody reads their absence from the findings as a clean bill.
    """

    check: str
    package_id: str
    reason: str


GO_TOOLCHAIN_NAMES = frozenset({"stdlib", "toolchain"})


def make_purl(ecosystem: Ecosystem, name: str, version: str, source: Source = REGISTRY) -> str:
    """Build a package URL (purl spec) with percent-encoded parts and sorted qualifiers."""
    if ecosystem is Ecosystem.NPM and name.startswith("@") and "/" in name:
        scope, _, base = name.partition("/")
        path = f"{_purl_quote(scope)}/{_purl_quote(base)}"
    elif ecosystem is Ecosystem.GO:
        path = "/".join(_purl_quote(part) for part in name.split("/"))
    else:
        path = _purl_quote(name)
    purl = f"pkg:{ecosystem.purl_type}/{path}"
    if ecosystem is Ecosystem.GO and version[:1].isdigit() and name not in GO_TOOLCHAIN_NAMES:
        # Go versions are kept without the "v" (OSV's convention); module purls carry it,
        # as Go tooling and SBOM consumers expect (pkg:golang/golang.org/x/net@v0.1.0).
        version = f"v{version}"
    if version:
        purl += f"@{_purl_quote(version)}"
    qualifiers = _source_qualifiers(source)
    if qualifiers:
        purl += "?" + "&".join(f"{k}={_purl_quote(v, safe=':/')}" for k, v in qualifiers)
    return purl


def _purl_quote(text: str, safe: str = "") -> str:
    return quote(text, safe=safe + "~._-")


def _source_qualifiers(source: Source) -> list[tuple[str, str]]:
    if source.kind is SourceKind.REGISTRY:
        return []
    if source.kind is SourceKind.GIT and source.url:
        url = source.url if source.url.startswith("git+") else f"git+{source.url}"
        if source.reference:
            url += f"@{source.reference}"
        return [("vcs_url", url)]
    if source.kind is SourceKind.URL and source.url:
        return [("download_url", source.url)]
    # local path, editable, workspace: not resolvable outside the project
    location = source.url or ""
    return [("source", f"{source.kind.value}:{location}")]
