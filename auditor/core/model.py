"""What collectors find: packages, their sources and locations, roots, edges, skipped
dependencies and per-file errors (``CollectResult``), plus package URLs.

Everything here is a frozen, keyword-only dataclass so that each stage can be tested alone
and outputs can be sorted deterministically. The values a lockfile supplies are redacted as
these types are built (``auditor.core.redact``): the one place credentials are taken out on
the way in, so that nothing downstream (graph, outputs, site, store) can see them.
Identity of a package is its ``id``, a package URL (purl) built from ecosystem, name,
version and (for non-registry sources) the source.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote

from auditor.core.errors import LockfileError, render_place
from auditor.core.ordering import NoneFirst
from auditor.core.redact import redact_text, redact_url


class Ecosystem(str, enum.Enum):
    """A package ecosystem; the value is the OSV ecosystem name."""

    PYPI = "PyPI"
    NPM = "npm"
    GO = "Go"
    CRATES_IO = "crates.io"
    RUBYGEMS = "RubyGems"
    PACKAGIST = "Packagist"

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
        if self is Ecosystem.PACKAGIST:
            # Composer lower-cases every package name it resolves (vendor/package)
            return name.lower()
        return name


_PURL_TYPES = {
    Ecosystem.PYPI: "pypi",
    Ecosystem.NPM: "npm",
    Ecosystem.GO: "golang",
    Ecosystem.CRATES_IO: "cargo",
    Ecosystem.RUBYGEMS: "gem",
    Ecosystem.PACKAGIST: "composer",
}
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


@dataclass(frozen=True, kw_only=True)
class Source(NoneFirst):
    """The origin of a package. ``url`` never carries credentials (collectors redact)."""

    kind: SourceKind = SourceKind.REGISTRY
    url: str | None = None
    reference: str | None = None  # git commit or ref, tarball integrity, ...
    subdirectory: str | None = None

    def __post_init__(self) -> None:
        if self.url is not None:
            object.__setattr__(self, "url", redact_url(self.url))
        if self.reference is not None:
            object.__setattr__(self, "reference", redact_text(self.reference))

    @property
    def is_registry(self) -> bool:
        return self.kind is SourceKind.REGISTRY

    def describe(self) -> str:
        """Where the package comes from, in a few words: ``git URL@commit``, ``url URL``."""
        text = self.kind.value
        if self.url:
            text += f" {self.url}"
        if self.reference:
            text += f"@{self.reference}" if self.url else f" {self.reference}"
        if self.subdirectory:
            text += f"#{self.subdirectory}"
        return text


REGISTRY = Source()


@dataclass(frozen=True, kw_only=True)
class Location(NoneFirst):
    """Where something was found: a file (as displayed) and a line or a key path."""

    path: str
    line: int | None = None
    key: str | None = None  # a key path or entry key of the file (yarn keys hold specs)

    def __post_init__(self) -> None:
        if self.key is not None:
            object.__setattr__(self, "key", redact_text(self.key))

    def render(self) -> str:
        text = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{text} ({self.key})" if self.key else text


def location_key(location: Location) -> tuple[str, int, str]:
    """Sort locations without comparing a missing line or key with a present one."""
    return (location.path, -1 if location.line is None else location.line, location.key or "")


@dataclass(frozen=True, kw_only=True)
class Hash(NoneFirst):
    """A content hash as ``algorithm`` (lowercase, e.g. ``sha256``) and lowercase hex value."""

    algorithm: str
    value: str

    def render(self) -> str:
        return f"{self.algorithm}:{self.value}"


@dataclass(frozen=True, kw_only=True)
class License(NoneFirst):
    """The licence a package declares: ``text`` as its source said it (third-party text,
    redacted and clipped), ``expression`` the SPDX expression it normalises to, None when it
    does not (``auditor.licenses``). ``source`` says where it was read: ``lockfile``,
    ``registry`` or ``environment`` (an installed distribution's metadata). A package
    without a ``License`` has an unknown licence."""

    text: str
    expression: str | None = None
    source: str = "lockfile"

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", redact_text(self.text))

    @property
    def shown(self) -> str:
        """The SPDX expression where there is one, else the text as declared."""
        return self.expression or self.text


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
    # what the lockfile (or, after the registry stage, the registry) declares; None: unknown
    license: License | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", self.ecosystem.normalize_name(self.name))
        object.__setattr__(self, "version", redact_text(self.version))

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
            license=self.license or other.license,
        )


@dataclass(frozen=True, kw_only=True)
class Root(NoneFirst):
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


@dataclass(frozen=True, kw_only=True)
class Edge(NoneFirst):
    """``parent`` depends on ``child`` (package or root ids), because of ``requirement``."""

    parent: str
    child: str
    requirement: str | None = None
    scope: str | None = None  # "dev", "optional", "peer", a group name; None = normal
    # True when the parent lists the child only to fix its version, not because it uses it
    # (Go's ``// indirect`` requirements): such an edge from a root does not make the child
    # a direct dependency.
    indirect: bool = False

    def __post_init__(self) -> None:
        if self.requirement is not None:
            object.__setattr__(self, "requirement", redact_text(self.requirement))


@dataclass(frozen=True, kw_only=True)
class SkippedPackage(NoneFirst):
    """A dependency seen in a file that cannot become a locked package, with the reason."""

    ecosystem: Ecosystem
    name: str
    requirement: str
    reason: str
    location: Location

    def __post_init__(self) -> None:
        for name in ("name", "requirement", "reason"):
            object.__setattr__(self, name, redact_text(getattr(self, name)))


@dataclass(frozen=True, kw_only=True)
class FileError(NoneFirst):
    """A file that could not be collected; the run goes on and is marked partial."""

    path: str
    message: str
    line: int | None = None
    key: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", redact_text(self.message))
        if self.key is not None:
            object.__setattr__(self, "key", redact_text(self.key))

    @classmethod
    def of(cls, error: LockfileError) -> FileError:
        """The error a collector raised, kept as data of the run."""
        return cls(path=error.path, message=error.message, line=error.line, key=error.key)

    def render(self) -> str:
        return render_place(self.path, self.message, line=self.line, key=self.key)


@dataclass(frozen=True, kw_only=True, order=True)
class UnsupportedFile:
    """A file that declares dependencies auditor did not read: a lockfile of a format it
    has no collector for (``kind`` "lockfile"), or a manifest without a lockfile
    ("manifest"). Nothing of it was audited; the run is partial."""

    path: str
    kind: str
    reason: str


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "registries", tuple(redact_url(r) for r in self.registries))


GO_TOOLCHAIN_NAMES = frozenset({"stdlib", "toolchain"})


def make_purl(ecosystem: Ecosystem, name: str, version: str, source: Source = REGISTRY) -> str:
    """Build a package URL (purl spec) with percent-encoded parts and sorted qualifiers."""
    if ecosystem is Ecosystem.NPM and name.startswith("@") and "/" in name:
        scope, _, base = name.partition("/")
        path = f"{_purl_quote(scope)}/{_purl_quote(base)}"
    elif ecosystem is Ecosystem.PACKAGIST and "/" in name:
        # pkg:composer/<vendor>/<package>: the vendor is the purl namespace
        vendor, _, base = name.partition("/")
        path = f"{_purl_quote(vendor)}/{_purl_quote(base)}"
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
