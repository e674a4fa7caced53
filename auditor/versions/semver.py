"""npm's SemVer 2.0: ``1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-beta < 1.0.0``.

Parsing follows node-semver in loose mode, which is what npm itself accepts in lockfiles
and manifests: leading ``v``/``=``/spaces, leading zeros, and a pre-release without its
hyphen (``1.2.3beta``). Build metadata (``+build``) is kept in the text and ignored in
ordering. Pre-release identifiers that are all digits compare numerically and sort before
alphanumeric ones; a shorter identifier list sorts first when it is a prefix.
"""

from __future__ import annotations

import re
from typing import ClassVar

from auditor.versions.base import InvalidVersion, VersionScheme

MAX_SAFE_INTEGER = 2**53 - 1  # JavaScript's: node-semver refuses larger components

# One pre-release identifier as a sortable tuple: digits sort first and numerically.
PreId = tuple[int, int, str]
SemverKey = tuple[int, int, int, int, tuple[PreId, ...]]

_NON_NUMERIC = r"\d*[a-zA-Z-][a-zA-Z0-9-]*"
_PRE_ID_LOOSE = rf"(?:\d+|{_NON_NUMERIC})"
_BUILD_ID = r"[0-9A-Za-z-]+"
_LOOSE = re.compile(
    rf"^[v=\s]*(\d+)\.(\d+)\.(\d+)"
    rf"(?:-?({_PRE_ID_LOOSE}(?:\.{_PRE_ID_LOOSE})*))?"
    rf"(?:\+({_BUILD_ID}(?:\.{_BUILD_ID})*))?$"
)


def pre_id(identifier: str) -> PreId:
    if identifier.isdigit() and int(identifier) <= MAX_SAFE_INTEGER:
        return (0, int(identifier), "")
    return (1, 0, identifier)


def semver_key(scheme: str, text: str, parts: tuple[str, str, str], pre: str | None) -> SemverKey:
    """The ordering key of MAJOR.MINOR.PATCH[-PRE] (build metadata is not part of it)."""
    numbers = []
    for part in parts:
        value = int(part)
        if value > MAX_SAFE_INTEGER:
            raise InvalidVersion(scheme, text, f"component {part} is too large")
        numbers.append(value)
    if pre is None:
        return (numbers[0], numbers[1], numbers[2], 1, ())
    ids = tuple(pre_id(part) for part in pre.split("."))
    return (numbers[0], numbers[1], numbers[2], 0, ids)


class SemverScheme(VersionScheme[SemverKey]):
    name: ClassVar[str] = "SemVer"

    def parse(self, text: str) -> SemverKey:
        text = self.check_length(text)
        match = _LOOSE.match(text)
        if match is None:
            raise InvalidVersion(self.name, text, "not MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]")
        major, minor, patch, pre, _build = match.groups()
        return semver_key(self.name, text, (major, minor, patch), pre)

    def canonical(self, text: str) -> str:
        major, minor, patch, _, pre = self.parse(text)
        base = f"{major}.{minor}.{patch}"
        if not pre:
            return base
        return base + "-" + ".".join(str(n) if kind == 0 else s for kind, n, s in pre)
