"""Internal package names: the names a team publishes only to its own registry.

A pattern is a name or a glob (``*`` and ``?``), optionally for one ecosystem only:
``acme-*`` (any ecosystem), ``npm:@acme/*``, ``pypi:acme_tools``. Names are compared the
way each ecosystem compares them: PyPI names PEP 503-normalised (``Acme_Tools`` is
``acme-tools``), npm names and Go module paths in lower case. The dependency-confusion check
and ``auditor check-name`` ask ``InternalNames.match``.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from auditor.core.model import Ecosystem, canonical_pypi_name

MAX_PATTERN = 214  # npm's longest name; nothing legitimate is longer
_PREFIXES = {"pypi": Ecosystem.PYPI, "npm": Ecosystem.NPM, "go": Ecosystem.GO}
_ALLOWED = re.compile(r"^[A-Za-z0-9@/._~*?!+-]+$")


class PatternError(ValueError):
    """A pattern that cannot be an internal name."""


@dataclass(frozen=True, kw_only=True, order=True)
class InternalPattern:
    pattern: str  # as written, without the ecosystem prefix
    ecosystem: Ecosystem | None = None  # None: every ecosystem
    origin: str = ""  # where it was configured

    @property
    def shown(self) -> str:
        prefix = next((k for k, v in _PREFIXES.items() if v is self.ecosystem), None)
        return f"{prefix}:{self.pattern}" if prefix else self.pattern

    def matches(self, ecosystem: Ecosystem, name: str) -> bool:
        if self.ecosystem is not None and self.ecosystem is not ecosystem:
            return False
        return fnmatch.fnmatchcase(_normal(ecosystem, name), _normal(ecosystem, self.pattern))


def _normal(ecosystem: Ecosystem, text: str) -> str:
    if ecosystem is Ecosystem.PYPI:
        return canonical_pypi_name(text)
    return text.lower()


def parse_pattern(
    text: str, *, ecosystem: Ecosystem | None = None, origin: str = ""
) -> InternalPattern:
    """``[eco:]pattern``; a ``PatternError`` says what is wrong with it."""
    value = text.strip()
    head, sep, rest = value.partition(":")
    if sep and head.lower() in _PREFIXES:
        if ecosystem is not None:
            raise PatternError(f"{value!r} names an ecosystem inside an ecosystem's list")
        ecosystem, value = _PREFIXES[head.lower()], rest.strip()
    if not value:
        raise PatternError("an empty pattern would match nothing")
    if len(value) > MAX_PATTERN or not _ALLOWED.match(value):
        raise PatternError(f"{value[:60]!r} is not a package name or glob pattern")
    if value.strip("*?") == "":
        raise PatternError(f"{value!r} would match every package")
    return InternalPattern(pattern=value, ecosystem=ecosystem, origin=origin)


def ecosystem_key(text: str) -> Ecosystem | None:
    """``pypi``/``npm``/``go`` (as config tables spell them), else None."""
    return _PREFIXES.get(text.strip().lower())


@dataclass(frozen=True, kw_only=True)
class InternalNames:
    """The configured patterns; ``match`` gives the first that covers a name."""

    patterns: tuple[InternalPattern, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def match(self, ecosystem: Ecosystem, name: str) -> InternalPattern | None:
        for pattern in self.patterns:
            if pattern.matches(ecosystem, name):
                return pattern
        return None
