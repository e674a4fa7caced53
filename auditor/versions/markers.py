"""The target environment that PEP 508 markers are evaluated for.

``--python-version 3.11 --platform linux`` names one environment. Without them, the
project's own supported Pythons (its ``requires-python``) narrow a grid of environments
(CPython and PyPy, Linux, macOS and Windows, Python 2.7 and 3.4 to 3.15), and a marker
"holds" when it holds somewhere in it. A marker that cannot be evaluated (a comparison
packaging refuses) is taken to hold, so nothing is lost on a quirk.

``applies`` is the stricter question the conflict check and the fix planner ask: when
neither a target nor the project's Pythons are known, a requirement under a marker is not
held against a locked version, because nothing says the project runs where it applies
(``rsa<4.1; python_version < "3"`` says nothing about a lockfile made for Python 3).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName

from auditor.core.model import Ecosystem, Root
from auditor.versions.requirement import poetry_constraint

SAMPLE_PYTHONS = ("2.7", *(f"3.{minor}" for minor in range(4, 16)))
PLATFORMS: dict[str, dict[str, str]] = {
    "linux": {
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": "x86_64",
    },
    "darwin": {
        "sys_platform": "darwin",
        "platform_system": "Darwin",
        "os_name": "posix",
        "platform_machine": "arm64",
    },
    "windows": {
        "sys_platform": "win32",
        "platform_system": "Windows",
        "os_name": "nt",
        "platform_machine": "AMD64",
    },
}
IMPLEMENTATIONS = (("cpython", "CPython"), ("pypy", "PyPy"))
_EXTRA = re.compile(r"""\bextra\s*==\s*['"]([^'"]+)['"]|['"]([^'"]+)['"]\s*==\s*extra\b""")


@dataclass(frozen=True, kw_only=True)
class TargetEnvironment:
    python_version: str | None = None  # MAJOR.MINOR; None: every sampled version
    platform: str | None = None  # a key of PLATFORMS; None: all of them
    supported: tuple[str, ...] | None = None  # the project's Pythons, when its files say

    @property
    def specific(self) -> bool:
        return self.python_version is not None or self.platform is not None

    @property
    def known(self) -> bool:
        """Whether anything narrows the environments (a target, or the project's Pythons)."""
        return self.specific or self.supported is not None

    def within(self, supported: tuple[str, ...] | None) -> TargetEnvironment:
        return replace(self, supported=supported)

    def applies(self, marker: Marker | None) -> bool:
        """Whether a requirement under ``marker`` binds this project (see module doc)."""
        if marker is None:
            return True
        return self.known and self.holds_for_some_extra(marker)

    def describe(self) -> str:
        if not self.specific:
            return "any environment"
        python = f"Python {self.python_version}" if self.python_version else "any Python"
        return f"{python} on {self.platform}" if self.platform else python

    def pythons(self) -> tuple[str, ...]:
        if self.python_version:
            return (self.python_version,)
        return self.supported or SAMPLE_PYTHONS

    def holds(
        self, marker: Marker | None, *, python: str | None = None, extras: Iterable[str] = ()
    ) -> bool:
        """Whether ``marker`` can hold in this environment (for ``python`` only, if given),
        with any of ``extras`` requested (and with none)."""
        if marker is None:
            return True
        pythons = (python,) if python else self.pythons()
        everything = tuple(sorted({"", *extras}))
        return any(_holds(str(marker), v, self.platform, everything) for v in pythons)

    def holds_for_some_extra(self, marker: Marker | None, *, python: str | None = None) -> bool:
        """Like ``holds``, with every extra the marker itself names requested: for an edge a
        lockfile recorded, whose extras were evidently asked for."""
        if marker is None:
            return True
        return self.holds(marker, python=python, extras=marker_extras(marker))


def marker_extras(marker: Marker) -> tuple[str, ...]:
    return tuple(sorted({a or b for a, b in _EXTRA.findall(str(marker))}))


def _environments(python: str, platform: str | None) -> list[dict[str, str]]:
    platforms = (platform,) if platform else tuple(PLATFORMS)
    implementations = IMPLEMENTATIONS[:1] if platform else IMPLEMENTATIONS
    found = []
    for version in (python,):
        for name in platforms:
            for implementation, shown in implementations:
                found.append(
                    {
                        **PLATFORMS[name],
                        "python_version": version,
                        "python_full_version": f"{version}.0",
                        "implementation_name": implementation,
                        "platform_python_implementation": shown,
                        "implementation_version": f"{version}.0",
                        "platform_release": "",
                        "platform_version": "",
                    }
                )
    return found


def supported_pythons(requires_python: str) -> tuple[str, ...] | None:
    """The sampled MAJOR.MINOR versions a Requires-Python admits (a minor counts when some
    patch release of it does); None when it cannot be read."""
    alternatives = poetry_constraint(requires_python)
    if alternatives is None:
        return None
    return tuple(
        v
        for v in SAMPLE_PYTHONS
        if not alternatives
        or any(
            a.contains(f"{v}.{patch}", prereleases=True) for a in alternatives for patch in (0, 99)
        )
    )


def for_project(environment: TargetEnvironment, roots: Iterable[Root]) -> TargetEnvironment:
    """``environment`` narrowed to the Pythons the project supports, when every Python root
    says which (a target Python version, if given, wins)."""
    if environment.python_version:
        return environment
    ranges = [r.requires_python for r in roots if r.ecosystem is Ecosystem.PYPI]
    if not ranges or any(not r for r in ranges):
        return environment
    supported: set[str] = set()
    for text in ranges:
        found = supported_pythons(text or "")
        if found is None:
            return environment
        supported.update(found)
    return environment.within(tuple(v for v in SAMPLE_PYTHONS if v in supported))


@functools.lru_cache(maxsize=16384)
def _holds(marker: str, python: str, platform: str | None, extras: tuple[str, ...]) -> bool:
    try:
        parsed = Marker(marker)
    except InvalidMarker:
        return True
    for environment in _environments(python, platform):
        for extra in extras:
            try:
                if parsed.evaluate({**environment, "extra": extra}):
                    return True
            except (UndefinedComparison, UndefinedEnvironmentName, ValueError):
                return True
    return False
