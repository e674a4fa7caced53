"""The target environment that PEP 508 markers are evaluated for.

``--python-version 3.11 --platform linux`` names one environment. Without them a marker
"holds" when it holds in any environment of a grid (CPython and PyPy, Linux, macOS and
Windows, Python 2.7 and 3.4 to 3.15): auditor then reports what can happen somewhere, and
drops only what can happen nowhere. A marker that cannot be evaluated (a comparison
packaging refuses) is taken to hold, so nothing is lost on a quirk.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName

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

    @property
    def specific(self) -> bool:
        return self.python_version is not None or self.platform is not None

    def describe(self) -> str:
        if not self.specific:
            return "any environment"
        python = f"Python {self.python_version}" if self.python_version else "any Python"
        return f"{python} on {self.platform}" if self.platform else python

    def pythons(self) -> tuple[str, ...]:
        return (self.python_version,) if self.python_version else SAMPLE_PYTHONS

    def holds(
        self, marker: Marker | None, *, python: str | None = None, extras: Iterable[str] = ()
    ) -> bool:
        """Whether ``marker`` can hold in this environment (for ``python`` only, if given),
        with any of ``extras`` requested (and with none)."""
        if marker is None:
            return True
        return _holds(
            str(marker),
            python or self.python_version,
            self.platform,
            tuple(sorted({"", *extras})),
        )

    def holds_for_some_extra(self, marker: Marker | None, *, python: str | None = None) -> bool:
        """Like ``holds``, with every extra the marker itself names requested: for an edge a
        lockfile recorded, whose extras were evidently asked for."""
        if marker is None:
            return True
        return self.holds(marker, python=python, extras=marker_extras(marker))


def marker_extras(marker: Marker) -> tuple[str, ...]:
    return tuple(sorted({a or b for a, b in _EXTRA.findall(str(marker))}))


def _environments(python: str | None, platform: str | None) -> list[dict[str, str]]:
    pythons = (python,) if python else SAMPLE_PYTHONS
    platforms = (platform,) if platform else tuple(PLATFORMS)
    implementations = IMPLEMENTATIONS[:1] if python and platform else IMPLEMENTATIONS
    found = []
    for version in pythons:
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


@functools.lru_cache(maxsize=16384)
def _holds(marker: str, python: str | None, platform: str | None, extras: tuple[str, ...]) -> bool:
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
