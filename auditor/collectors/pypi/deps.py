"""What the Python lockfile collectors share: scopes, version constraints, requirement text,
and binding a dependency to the locked package(s) of its name.

Scope convention (docs/formats.md): ``main`` (installed by default), ``dev`` (the group named
``dev``, Poetry's ``category = "dev"``, legacy ``dev-dependencies``), ``group:NAME`` (any other
dependency group), ``extra:NAME`` (an optional-dependency extra), ``optional`` (optional, but
no extra is known to pull it in). Group and extra names are PEP 503-normalised.

Binding: a lock entry's dependency names a package, sometimes with a version constraint and
an environment marker. When one version of that name is locked, that is the answer. When a
name is locked at several versions (``numpy`` for old and new Pythons), the candidates are
narrowed by the exact version when the dependency names one, by the kind of source (a git
declaration binds the git entry), by the constraint, then by whether the dependency's
marker (joined with the depending package's own marker) and the candidate's own marker can
both hold in some environment. That check samples a grid of environments
(Python 2.7 and 3.4 to 3.15, Linux/macOS/Windows, CPython/PyPy); a marker that holds in none
of them (an exotic machine, a typo) is treated as "could hold" so nothing is lost. Whatever
remains is bound, so an ambiguous dependency gets an edge to every version it may select.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from auditor.core.documents import Doc
from auditor.core.model import Package, SourceKind, canonical_pypi_name

MAIN = "main"
DEV = "dev"
OPTIONAL = "optional"


def group_scope(group: str) -> str:
    """The scope of a dependency group: ``main``/``dev`` by name, else ``group:NAME``."""
    name = canonical_pypi_name(group)
    if name in (MAIN, DEV):
        return name
    return f"group:{name}"


def extra_scope(extra: str) -> str:
    return f"extra:{canonical_pypi_name(extra)}"


def merge_packages(packages: Iterable[Package]) -> list[Package]:
    """One package per id, in first-seen order: the same (name, version) written twice
    (pdm's entry per extra, Poetry 1.0's ``ruamel.yaml`` and ``ruamel-yaml``)."""
    merged: dict[str, Package] = {}
    for pkg in packages:
        known = merged.get(pkg.id)
        merged[pkg.id] = pkg if known is None else known.merged_with(pkg)
    return list(merged.values())


def edge_scope(scope: str) -> str | None:
    """Edges leave the main scope implicit (``None``), as the graph expects."""
    return None if scope == MAIN else scope


# -- version constraints ----------------------------------------------------------------------

_GLUE = re.compile(r"(===|==|!=|<=|>=|~=|<|>|\^|~)\s+")
_OPERATOR = re.compile(r"^(===|==|!=|<=|>=|~=|<|>)\s*(.+)$")


class Constraint:
    """A version constraint in PEP 440 or Poetry syntax (``^1.2``, ``~1.2``, ``1.2.3``,
    ``>=1,<2 || >=3``): a union of ``SpecifierSet`` alternatives."""

    def __init__(self, text: str, alternatives: tuple[SpecifierSet, ...]) -> None:
        self.text = text
        self.alternatives = alternatives

    def contains(self, version: str) -> bool:
        """True when ``version`` satisfies the constraint; an unparsable version is kept."""
        if not self.alternatives:
            return True
        try:
            parsed = Version(version)
        except InvalidVersion:
            return True
        return any(spec.contains(parsed, prereleases=True) for spec in self.alternatives)


@functools.lru_cache(maxsize=4096)
def parse_constraint(text: str) -> Constraint | None:
    """Parse a PEP 440 or Poetry constraint; ``None`` when it is neither."""
    alternatives = []
    for alternative in re.split(r"\s*\|\|?\s*", text.strip()):
        part = _GLUE.sub(r"\1", alternative.strip())
        pieces = [p for p in re.split(r"\s*,\s*|\s+(?=[<>=!~^\d*])", part) if p]
        converted: list[str] = []
        for piece in pieces:
            spec = _poetry_piece(piece)
            if spec is None:
                return None
            converted.extend(spec)
        try:
            alternatives.append(SpecifierSet(",".join(converted)))
        except InvalidSpecifier:
            return None
    return Constraint(text, tuple(alternatives))


def _poetry_piece(piece: str) -> list[str] | None:
    if piece in ("*", ""):
        return []
    if piece.startswith("^"):
        return _caret(piece[1:])
    if piece.startswith("~") and not piece.startswith("~="):
        return _tilde(piece[1:].strip())
    match = _OPERATOR.match(piece)
    if match:
        return [f"{match.group(1)}{match.group(2).strip()}"]
    if re.fullmatch(r"[0-9][0-9A-Za-z.+!*-]*", piece):
        return [f"=={piece}"]
    return None


def _release(text: str) -> list[int] | None:
    try:
        return list(Version(text).release)
    except InvalidVersion:
        return None


def _caret(text: str) -> list[str] | None:
    release = _release(text)
    if release is None:
        return None
    # ^1.2.3 → <2; ^0.2.3 → <0.3; ^0.0.3 → <0.0.4; ^0 → <1; ^0.0 → <0.1
    significant = next((i for i, n in enumerate(release) if n != 0), len(release) - 1)
    upper = release[: significant + 1]
    upper[-1] += 1
    return [f">={text}", f"<{'.'.join(map(str, upper))}"]


def _tilde(text: str) -> list[str] | None:
    release = _release(text)
    if release is None:
        return None
    # ~1.2.3 → <1.3; ~1.2 → <1.3; ~1 → <2
    upper = release[:2] if len(release) > 1 else release[:1]
    upper[-1] += 1
    return [f">={text}", f"<{'.'.join(map(str, upper))}"]


# -- requirements ---------------------------------------------------------------------------

_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def parse_requirement(
    item: Doc, text: str | None = None, *, name_only: bool = False
) -> Requirement:
    """A PEP 508 requirement string at ``item``; with ``name_only``, a string packaging
    rejects (pdm writes ``${PROJECT_ROOT}`` URLs) still yields its leading name."""
    text = item.as_str() if text is None else text
    try:
        return Requirement(text)
    except (InvalidRequirement, RecursionError):
        name = _NAME.match(text) if name_only else None
        if name is not None:
            return Requirement(name.group(1))
        # packaging's own explanation spans several lines and changes between releases
        item.fail(f"not a PEP 508 requirement: {text!r}")


# -- requirement text -------------------------------------------------------------------------


def requirement_text(
    name: str,
    constraint: str | None = None,
    *,
    extras: Iterable[str] = (),
    marker: str | None = None,
) -> str:
    """A readable requirement: ``name[extra]>=1.0; marker``, or ``name (^1.0)`` for Poetry
    constraints that are not PEP 440 operators."""
    text = name
    extra_list = sorted(extras)
    if extra_list:
        text += f"[{','.join(extra_list)}]"
    constraint = (constraint or "").strip()
    if constraint and constraint != "*":
        text += constraint if constraint[0] in "<>=!~" else f" ({constraint})"
    if marker:
        text += f"; {marker}"
    return text


# -- environment markers ----------------------------------------------------------------------

_PYTHONS = ("2.7", *(f"3.{minor}" for minor in range(4, 16)))
_PLATFORMS = (
    ("linux", "Linux", "posix"),
    ("darwin", "Darwin", "posix"),
    ("win32", "Windows", "nt"),
)
_IMPLEMENTATIONS = (("cpython", "CPython"), ("pypy", "PyPy"))


def _environment(
    python: str, platform: tuple[str, str, str], impl: tuple[str, str]
) -> dict[str, str]:
    full = f"{python}.0"
    return {
        "python_version": python,
        "python_full_version": full,
        "implementation_version": full,
        "sys_platform": platform[0],
        "platform_system": platform[1],
        "os_name": platform[2],
        "implementation_name": impl[0],
        "platform_python_implementation": impl[1],
        "platform_machine": "x86_64",
        "platform_release": "",
        "platform_version": "",
        "extra": "",
    }


SAMPLE_ENVIRONMENTS = tuple(
    _environment(python, platform, impl)
    for python, platform, impl in itertools.product(_PYTHONS, _PLATFORMS, _IMPLEMENTATIONS)
)
_EXTRA_NAME = re.compile(r"""\bextra\s*==\s*["']([^"']+)["']""")


@functools.lru_cache(maxsize=4096)
def marker_truth(marker: str | None) -> tuple[bool, ...] | None:
    """Which sample environments satisfy ``marker``; ``None`` when that is unknown (no
    marker, an invalid one, or one no sample satisfies)."""
    if not marker or not marker.strip():
        return None
    try:
        parsed = Marker(marker)
    except (InvalidMarker, RecursionError):
        return None
    # An "extra" comparison holds when that extra is requested: try each one named.
    extras = ["", *sorted(set(_EXTRA_NAME.findall(marker)))]
    truth = []
    for env in SAMPLE_ENVIRONMENTS:
        holds = False
        for extra in extras:
            try:
                holds = parsed.evaluate({**env, "extra": extra})
            except (UndefinedComparison, UndefinedEnvironmentName, ValueError, TypeError):
                return None
            if holds:
                break
        truth.append(holds)
    return tuple(truth) if any(truth) else None


def python_marker(constraint: str) -> str | None:
    """A Poetry ``python = "^3.8"`` constraint as a marker on ``python_full_version``."""
    parsed = parse_constraint(constraint)
    if parsed is None or not parsed.alternatives:
        return None
    alternatives = []
    for spec in parsed.alternatives:
        ordered = sorted(spec, key=lambda s: (s.operator.startswith("<"), str(s)))
        parts = [f'python_full_version {s.operator} "{s.version}"' for s in ordered]
        if not parts:
            return None  # one alternative admits every Python
        alternatives.append(" and ".join(parts))
    if len(alternatives) == 1:
        return alternatives[0]
    return " or ".join(f"({a})" for a in alternatives)


def and_markers(*markers: str | None) -> str | None:
    """The conjunction of several markers (``None`` ones are ignored)."""
    parts = [m.strip() for m in markers if m and m.strip()]
    if len(parts) < 2:
        return parts[0] if parts else None
    return " and ".join(f"({p})" for p in parts)


def can_coexist(*truths: tuple[bool, ...] | None) -> bool:
    """True when some sample environment satisfies every known condition."""
    known = [t for t in truths if t is not None]
    if len(known) < 2:
        return True
    return any(all(column) for column in zip(*known, strict=True))


# -- binding ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """When a dependency or a locked package applies, as an environment marker; which
    sample environments satisfy it is worked out only when binding needs it."""

    marker: str | None = None

    @functools.cached_property
    def truth(self) -> tuple[bool, ...] | None:
        return marker_truth(self.marker)

    def both(self, other: Condition) -> Condition:
        if self.marker is None:
            return other
        if other.marker is None:
            return self
        return Condition(and_markers(self.marker, other.marker))


ALWAYS = Condition()


@dataclass(frozen=True, kw_only=True)
class Locked:
    """A locked package and the environments it is locked for."""

    package: Package
    condition: Condition = ALWAYS


class LockIndex:
    """The locked packages of one file by name, to bind dependencies to them."""

    def __init__(self, entries: Iterable[Locked] = ()) -> None:
        self._by_name: dict[str, list[Locked]] = defaultdict(list)
        for entry in entries:
            self.add(entry)

    def add(self, entry: Locked) -> None:
        bucket = self._by_name[entry.package.name]
        if all(known.package.id != entry.package.id for known in bucket):
            bucket.append(entry)

    def __contains__(self, name: str) -> bool:
        return canonical_pypi_name(name) in self._by_name

    def bind(
        self,
        name: str,
        *,
        version: str | None = None,
        constraint: str | None = None,
        condition: Condition = ALWAYS,
        kind: SourceKind | None = None,
    ) -> list[Package]:
        """The locked package(s) a dependency on ``name`` resolves to (see module doc)."""
        candidates = self._by_name.get(canonical_pypi_name(name), [])
        if version is not None:
            exact = [c for c in candidates if c.package.version == version]
            candidates = exact or candidates
        if kind is not None and len(candidates) > 1:
            same = [c for c in candidates if c.package.source.kind is kind]
            candidates = same or candidates
        parsed = parse_constraint(constraint) if len(candidates) > 1 and constraint else None
        if parsed is not None:
            matching = [c for c in candidates if parsed.contains(c.package.version)]
            candidates = matching or candidates
        if len(candidates) > 1 and condition is not ALWAYS:
            possible = [c for c in candidates if can_coexist(condition.truth, c.condition.truth)]
            candidates = possible or candidates
        return [c.package for c in candidates]
