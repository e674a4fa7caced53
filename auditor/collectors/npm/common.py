"""Helpers shared by the npm-family collectors: names, specifiers, aliases, sources.

npm, yarn and pnpm write the same kinds of strings: ``name@range`` specifiers (with scoped
names such as ``@babel/core@^7``), aliases (``npm:real-name@1.2.3``), and ``resolved`` URLs
that say where a package came from: a registry tarball, a git commit, a remote tarball or a
local folder. The functions here turn those strings into model values the same way for
every collector.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from auditor.collectors.common import parse_hash
from auditor.core.documents import Doc
from auditor.core.model import Ecosystem, Hash, Location, SkippedPackage, Source, SourceKind
from auditor.core.redact import redact_url

# Hosted-git shorthands npm and yarn accept in a dependency specifier or a v1 ``version``.
GIT_PREFIXES = ("git+", "git://", "github:", "gitlab:", "bitbucket:", "gist:")
_SHORTHAND_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(#.*)?$")
_CODELOAD = re.compile(r"^/(?P<owner>[^/]+)/(?P<repo>[^/]+)/tar\.gz/(?P<commit>[0-9a-f]{40})$")
_TARBALL = re.compile(r"\.(tgz|tar\.gz|tar)$")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
LOCAL_PROTOCOLS = ("file:", "link:", "portal:")


def clip(text: str, limit: int = 60) -> str:
    """``text`` quoted for an error message, cut so that a hostile file cannot make the
    one-line error huge."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def split_spec(text: str) -> tuple[str, str]:
    """``name@range`` → (name, range); a leading ``@`` belongs to a scoped name.

    ``range`` is empty when the text has no ``@`` after the name.
    """
    at = text.find("@", 1)
    if at < 0:
        return text, ""
    return text[:at], text[at + 1 :]


def alias_target(spec: str) -> tuple[str, str] | None:
    """``npm:real@range`` → (real, range); ``None`` when ``spec`` is not an alias."""
    if not spec.startswith("npm:"):
        return None
    name, rest = split_spec(spec[4:])
    if not name or not valid_name(name):
        return None
    return name, rest


_NAME = re.compile(r"^(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9_.$~-][a-z0-9._~$-]*$", re.IGNORECASE)


def valid_name(name: str) -> bool:
    """A plausible npm package name (old packages may use upper case, so it is allowed)."""
    return len(name) <= 214 and _NAME.match(name) is not None


def is_git_spec(spec: str) -> bool:
    """True for git specifiers: ``git+ssh://``, ``github:u/r``, ``u/r#ref``, ``...git#ref``."""
    if spec.startswith(GIT_PREFIXES):
        return True
    if _SHORTHAND_REPO.match(spec) and not spec.startswith((".", "/")):
        return True
    url = spec.split("#", 1)[0].split("?", 1)[0]  # a tarball's query may carry a token
    return "://" in spec and (url.endswith(".git") or ("#" in spec and not _TARBALL.search(url)))


@dataclass(frozen=True, kw_only=True)
class Resolved:
    """What a ``resolved`` URL (or a v1 ``version`` string) says about a package's origin."""

    source: Source
    registry: str | None = None  # the registry base URL (redacted) for registry tarballs
    hashes: frozenset[Hash] = frozenset()  # a sha1 carried in a yarn ``#<hex>`` fragment


def git_source(spec: str) -> Source:
    """A git source from ``url#commit`` (``#commit=``/``#commit:`` as yarn berry writes)."""
    url, _, fragment = spec.partition("#")
    ref = fragment
    for part in fragment.split("&"):
        key, sep, value = part.partition("=" if "=" in part else ":")
        if sep and key == "commit":
            ref = value
    return Source(kind=SourceKind.GIT, url=redact_url(url), reference=ref or None)


def classify(resolved: str, name: str) -> Resolved:
    """The origin of a package from its ``resolved`` URL (npm, yarn classic) or v1 version."""
    text = resolved.strip()
    for prefix in LOCAL_PROTOCOLS:
        if text.startswith(prefix):
            return Resolved(source=Source(kind=SourceKind.PATH, url=text[len(prefix) :]))
    if _SCHEME.match(text) is None:
        # no scheme: a hosted-git shorthand with a ref, else a folder next to the lockfile
        if "#" in text and _SHORTHAND_REPO.match(text):
            return Resolved(source=git_source(text))
        return Resolved(source=Source(kind=SourceKind.PATH, url=text))
    if is_git_spec(text):
        return Resolved(source=git_source(text))
    parts = _split(text)
    if parts is None:  # not a URL urllib can read (e.g. a broken IPv6 host)
        return Resolved(source=Source(kind=SourceKind.URL, url=redact_url(text)))
    codeload = _CODELOAD.match(parts.path)
    if codeload is not None and (parts.hostname or "").startswith("codeload."):
        host = (parts.hostname or "").removeprefix("codeload.")
        repo = f"https://{host}/{codeload['owner']}/{codeload['repo']}"
        return Resolved(source=Source(kind=SourceKind.GIT, url=repo, reference=codeload["commit"]))
    archive_ref = re.fullmatch(r"(?:.*&)?ref=([0-9a-f]{40})", parts.query)
    if archive_ref is not None and "/repository/archive" in parts.path:
        repo = text.split("/repository/archive", 1)[0]
        source = Source(kind=SourceKind.GIT, url=redact_url(repo), reference=archive_ref[1])
        return Resolved(source=source)
    url = text.split("#", 1)[0]
    hashes: frozenset[Hash] = frozenset()
    if re.fullmatch(r"[0-9a-f]{40}", parts.fragment):
        # yarn classic appends the tarball's sha1 to registry URLs
        hashes = frozenset({Hash(algorithm="sha1", value=parts.fragment)})
    base = registry_base(url, name)
    if base is not None:
        return Resolved(source=Source(), registry=base, hashes=hashes)
    return Resolved(source=Source(kind=SourceKind.URL, url=redact_url(url)), hashes=hashes)


def _split(url: str) -> SplitResult | None:
    try:
        return urlsplit(url)
    except ValueError:
        return None


def registry_base(url: str, name: str) -> str | None:
    """The registry base of a tarball URL laid out as ``<base>/<name>/-/<file>.tgz``.

    Mirrors and private registries keep that layout, so the base is found without knowing
    any registry host. Scoped names may be written ``@scope%2fname``.
    """
    parts = _split(url)
    if parts is None or parts.scheme not in ("http", "https") or "/-/" not in parts.path:
        return None
    prefix, _, filename = parts.path.rpartition("/-/")
    if not _TARBALL.search(filename):
        return None
    base_path = _strip_name(prefix, name)
    if base_path is None:
        return None
    base = f"{parts.scheme}://{parts.netloc}{base_path}"
    return redact_url(base.rstrip("/") + "/")


def _strip_name(prefix: str, name: str) -> str | None:
    """``prefix`` without its trailing package name, written plain or percent-encoded."""
    for written in (name, name.replace("/", "%2f"), name.replace("/", "%2F")):
        if prefix.endswith("/" + written):
            return prefix[: -len(written)]
    return None


def integrity_hashes(text: str | None) -> frozenset[Hash]:
    """Every hash in an SRI ``integrity`` string (it may list several, space separated)."""
    if not text:
        return frozenset()
    return frozenset(h for h in (parse_hash(part) for part in text.split()) if h is not None)


_SRI_BYTES = {"sha1": 20, "sha256": 32, "sha384": 48, "sha512": 64}
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


def integrity_problem(text: str) -> str | None:
    """Why no tarball can match an SRI ``integrity`` string (``sha512-<base64>``), or None.

    yarn and npm check a downloaded tarball against it; a digest that is not the base64 of
    its algorithm's digest size (cut short, run into other text) can never match, and the
    install fails. One well-formed digest among several is enough."""
    parts = text.split()
    for part in parts:
        algorithm, _, rest = part.partition("-")
        digest = rest.split("?", 1)[0]
        size = _SRI_BYTES.get(algorithm)
        if size is not None and _BASE64.fullmatch(digest) and _decoded_size(digest) == size:
            return None
    if not parts:
        return None
    return f"integrity {clip(parts[0])} is not a sha1/sha256/sha384/sha512 digest in base64"


def _decoded_size(digest: str) -> int:
    try:
        return len(base64.b64decode(digest, validate=True))
    except (binascii.Error, ValueError):
        return -1


def fragment_problem(resolved: str) -> str | None:
    """Why no tarball can match the sha1 yarn appends to a tarball URL (``...tgz#<sha1>``):
    yarn checks the download against it, so one that is not 40 hex digits fails it."""
    if is_git_spec(resolved) or "#" not in resolved or _SCHEME.match(resolved) is None:
        return None
    fragment = resolved.rsplit("#", 1)[1]
    if not fragment or re.fullmatch(r"[0-9a-fA-F]{40}", fragment):
        return None
    return f"the sha1 after '#' in {clip(resolved)} is not 40 hex digits"


def unversioned(name: str, requirement: str, source: Source, location: Location) -> SkippedPackage:
    """A locked entry with no version: kept as skipped, saying what kind of source it is."""
    kind = "registry" if source.kind is SourceKind.REGISTRY else source.kind.value
    reason = f"{kind} source without a version"
    if source.kind is SourceKind.GIT and source.reference:
        reason += f" (commit {source.reference})"
    return SkippedPackage(
        ecosystem=Ecosystem.NPM,
        name=name,
        requirement=requirement,
        reason=reason,
        location=location,
    )


@dataclass(frozen=True, kw_only=True)
class Dep:
    """One declared dependency: the name it is installed under, its specifier, its scope."""

    name: str
    spec: str
    scope: str | None = None  # None (normal), "dev", "optional", "peer"

    @property
    def requirement(self) -> str:
        return f"{self.name}@{self.spec}"


def string_map(entry: Doc, field: str) -> list[tuple[str, str]]:
    """A ``{name: string}`` table such as ``dependencies``; absent means empty."""
    table = entry.opt_table(field)
    if table is None:
        return []
    return [(name, value.as_str()) for name, value in table.items()]


def declared_deps(entry: Doc, *, dev: bool) -> list[Dep]:
    """The dependencies a package.json-shaped table declares, one per name.

    Later kinds override earlier ones for the same name, in the order npm's arborist
    loads them: peer, normal, optional, then dev (read only for a project's own folders,
    ``dev=True``; npm does not install the dev dependencies of what it installs).
    """
    kinds: list[tuple[str, str | None]] = [
        ("peerDependencies", "peer"),
        ("dependencies", None),
        ("optionalDependencies", "optional"),
    ]
    if dev:
        kinds.append(("devDependencies", "dev"))
    by_name: dict[str, Dep] = {}
    for field, scope in kinds:
        for name, spec in string_map(entry, field):
            by_name[name] = Dep(name=name, spec=spec, scope=scope)
    return list(by_name.values())
