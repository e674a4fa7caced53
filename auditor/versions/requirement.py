"""Requirements as lockfiles and registries write them, for any ecosystem: which package a
requirement names and whether a version satisfies it.

- PyPI: PEP 508 (``urllib3<1.24,>=1.21.1; python_version >= "3.6"``, ``chardet (<3.1.0)``),
  and the Poetry forms lockfiles record (``name (^1.2)``, ``name~1.2``, ``name (1.2.3)``,
  ``>=1,<2 || >=3``). Pre-releases are admitted: a lockfile that pinned one asked for it.
- npm: ``name@range`` with npm's range rules (``auditor.versions.semver_range``), aliases
  (``name@npm:real@range``); git, URL, file, workspace and tag specifiers cannot be checked.
- Go: ``path version``: minimal version selection needs the selected version at or above it;
  ``path version => other version`` (go.mod's ``replace``): the module decided what to use
  instead, which is not checked against the requirement.

``admits`` answers True/False, or None when the requirement says nothing checkable about
versions (a URL, a dist-tag, a version the scheme cannot parse).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from auditor.core.model import Ecosystem, canonical_pypi_name
from auditor.versions.base import InvalidVersion as SchemeInvalidVersion
from auditor.versions.go import GoScheme

if TYPE_CHECKING:
    from auditor.versions.semver_range import NpmRange

MAX_REQUIREMENT = 4096
_POETRY = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*"
    r"(?:\[(?P<extras>[^\]]*)\])?\s*"
    r"(?:\((?P<paren>[^)]*)\)|(?P<bare>[^;(]*))\s*(?:;\s*(?P<marker>.*))?$",
    re.S,
)
_OPERATOR = re.compile(r"^(===|==|!=|<=|>=|~=|<|>)\s*(.+)$")
_GO = GoScheme()
_NPM_NAME = re.compile(r"^(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9_.$~-][a-z0-9._~$-]*$", re.I)


@dataclass(frozen=True, kw_only=True)
class ParsedRequirement:
    ecosystem: Ecosystem
    name: str  # the package it names, normalised as the ecosystem compares names
    text: str
    constraint: str = ""  # the version part as written ("" = any version)
    marker: Marker | None = None
    extras: frozenset[str] = frozenset()
    alternatives: tuple[SpecifierSet, ...] | None = None  # PyPI; None = not checkable
    npm_range: NpmRange | None = None
    go_minimum: str | None = None

    def admits(self, version: str) -> bool | None:
        if self.ecosystem is Ecosystem.PYPI:
            return _pypi_admits(self.alternatives, version)
        if self.ecosystem is Ecosystem.NPM:
            return None if self.npm_range is None else self.npm_range.test(version)
        if self.go_minimum is None:
            return None
        try:
            return _GO.compare(version, self.go_minimum) >= 0
        except SchemeInvalidVersion:
            return None

    @property
    def checkable(self) -> bool:
        return (
            self.alternatives is not None
            or self.npm_range is not None
            or self.go_minimum is not None
        )


def _pypi_admits(alternatives: tuple[SpecifierSet, ...] | None, version: str) -> bool | None:
    if alternatives is None:
        return None
    if not alternatives:
        return True
    try:
        parsed = Version(version)
    except InvalidVersion:
        return None
    return any(spec.contains(parsed, prereleases=True) for spec in alternatives)


@functools.lru_cache(maxsize=16384)
def parse_requirement(ecosystem: Ecosystem, text: str) -> ParsedRequirement | None:
    """The requirement ``text`` names, or None when it cannot be read at all."""
    if not text or len(text) > MAX_REQUIREMENT:
        return None
    if ecosystem is Ecosystem.PYPI:
        return _pypi(text)
    if ecosystem is Ecosystem.NPM:
        return _npm(text)
    return _go(text)


# -- PyPI ---------------------------------------------------------------------------------------


def _pypi(text: str) -> ParsedRequirement | None:
    try:
        requirement = Requirement(text)
    except (InvalidRequirement, RecursionError):
        return _pypi_loose(text)
    if requirement.url:
        alternatives = None  # a direct URL: no version range to check
    else:
        alternatives = (requirement.specifier,) if str(requirement.specifier) else ()
    return ParsedRequirement(
        ecosystem=Ecosystem.PYPI,
        name=canonical_pypi_name(requirement.name),
        text=text,
        constraint=str(requirement.specifier),
        marker=requirement.marker,
        extras=frozenset(canonical_pypi_name(e) for e in requirement.extras),
        alternatives=alternatives,
    )


def _pypi_loose(text: str) -> ParsedRequirement | None:
    match = _POETRY.match(text)
    if match is None:
        return None
    constraint = (match["paren"] if match["paren"] is not None else match["bare"] or "").strip()
    marker = None
    if match["marker"]:
        try:
            marker = Marker(match["marker"])
        except InvalidMarker:
            return None
    extras = frozenset(
        canonical_pypi_name(e) for e in (match["extras"] or "").split(",") if e.strip()
    )
    return ParsedRequirement(
        ecosystem=Ecosystem.PYPI,
        name=canonical_pypi_name(match["name"]),
        text=text,
        constraint=constraint,
        marker=marker,
        extras=extras,
        alternatives=poetry_constraint(constraint),
    )


def poetry_constraint(text: str) -> tuple[SpecifierSet, ...] | None:
    """A PEP 440 or Poetry constraint as alternatives (``||``); None when it is neither."""
    alternatives = []
    for alternative in re.split(r"\s*\|\|?\s*", text.strip()):
        pieces = [p for p in re.split(r"\s*,\s*|\s+(?=[<>=!~^\d*])", alternative.strip()) if p]
        converted: list[str] = []
        for piece in pieces:
            spec = _poetry_piece(re.sub(r"(===|==|!=|<=|>=|~=|<|>|\^|~)\s+", r"\1", piece))
            if spec is None:
                return None
            converted.extend(spec)
        try:
            alternatives.append(SpecifierSet(",".join(converted)))
        except InvalidSpecifier:
            return None
    if all(not str(a) for a in alternatives):
        return ()
    return tuple(alternatives)


def _poetry_piece(piece: str) -> list[str] | None:
    if piece in ("*", ""):
        return []
    if piece.startswith("^"):
        return _bounded(piece[1:], caret=True)
    if piece.startswith("~") and not piece.startswith("~="):
        return _bounded(piece[1:].strip(), caret=False)
    match = _OPERATOR.match(piece)
    if match:
        return [f"{match.group(1)}{match.group(2).strip()}"]
    if re.fullmatch(r"[0-9][0-9A-Za-z.+!*-]*", piece):
        return [f"=={piece}"]
    return None


def _bounded(text: str, *, caret: bool) -> list[str] | None:
    """``^1.2.3`` → ``>=1.2.3,<2``; ``^0.2`` → ``<0.3``; ``~1.2.3`` → ``>=1.2.3,<1.3``."""
    try:
        release = list(Version(text).release)
    except InvalidVersion:
        return None
    if caret:
        significant = next((i for i, n in enumerate(release) if n != 0), len(release) - 1)
        upper = release[: significant + 1]
    else:
        upper = release[:2] if len(release) > 1 else release[:1]
    upper[-1] += 1
    return [f">={text}", f"<{'.'.join(map(str, upper))}"]


# -- npm and Go -----------------------------------------------------------------------------------


def split_npm(text: str) -> tuple[str, str]:
    """``name@spec`` → (name, spec); a leading ``@`` belongs to a scoped name."""
    at = text.find("@", 1)
    return (text, "") if at < 0 else (text[:at], text[at + 1 :])


def _npm(text: str) -> ParsedRequirement | None:
    name, spec = split_npm(text.strip())
    if not name:
        return None
    if spec.startswith("npm:"):
        # npm's alias "npm:real@range", or yarn berry's protocol "npm:range"
        real, rest = split_npm(spec[4:])
        spec = rest if _NPM_NAME.match(real) and rest else spec[4:]
    # the npm range grammar (large compiled patterns) is loaded with the first npm range
    from auditor.versions.semver_range import InvalidRange, parse_range

    npm_range = None
    if not re.match(r"^[a-z][a-z0-9+.-]*:", spec, re.I) and "/" not in spec:
        try:
            npm_range = parse_range(spec)
        except InvalidRange:
            npm_range = None  # a dist-tag such as "latest"
    return ParsedRequirement(
        ecosystem=Ecosystem.NPM, name=name, text=text, constraint=spec, npm_range=npm_range
    )


def _go(text: str) -> ParsedRequirement | None:
    required, arrow, _replacement = text.partition("=>")
    parts = required.split()
    if not parts:
        return None
    version = parts[1] if len(parts) > 1 else None
    if arrow or (version is not None and not _GO.is_valid(version)):
        version = None
    return ParsedRequirement(
        ecosystem=Ecosystem.GO,
        name=parts[0],
        text=text,
        constraint=parts[1] if len(parts) > 1 else "",
        go_minimum=version,
    )
