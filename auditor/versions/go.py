"""Go module versions: ``v``-prefixed SemVer, ``+incompatible``, pseudo-versions.

Go orders module versions by SemVer precedence (golang.org/x/mod/semver), strict: no
leading zeros, ``v1`` and ``v1.2`` as shorthands for ``v1.0.0`` and ``v1.2.0``. OSV's Go
records write versions without the ``v``, so it is optional here. ``+incompatible`` is
build metadata and does not affect ordering. Pseudo-versions need no special rule: they
are SemVer pre-releases by construction, e.g. ``v0.0.0-20191109021931-daa7c04131f5`` (no
tag yet) sorts below ``v0.0.0``, and ``v1.2.4-0.20191109021931-daa7c04131f5`` (a commit
after ``v1.2.3``) sorts above ``v1.2.3`` and below ``v1.2.4``. Toolchain spellings of the
standard library (``go1.21.3``, ``go1.21rc2``) map to ``1.21.3`` and ``1.21.0-rc.2``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from auditor.versions.base import InvalidVersion, VersionScheme
from auditor.versions.semver import SemverKey, semver_key

_NUM = r"0|[1-9]\d*"
_PRE_ID = r"(?:0|[1-9]\d*|\d*[a-zA-Z-][a-zA-Z0-9-]*)"
_BUILD_ID = r"[0-9A-Za-z-]+"
_SEMVER = re.compile(
    rf"^v?({_NUM})(?:\.({_NUM})(?:\.({_NUM})"
    rf"(?:-({_PRE_ID}(?:\.{_PRE_ID})*))?"
    rf"(?:\+({_BUILD_ID}(?:\.{_BUILD_ID})*))?)?)?$"
)
_TOOLCHAIN = re.compile(r"^go(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(rc|beta)(\d+))?$")
_PSEUDO = re.compile(
    r"^v?(\d+)\.(\d+)\.(\d+)-(?:(.*)\.)?(\d{14})-([0-9a-zA-Z]+)(?:\+incompatible)?$"
)


@dataclass(frozen=True, kw_only=True)
class PseudoVersion:
    """The parts of a pseudo-version: the tag it builds on, commit time and revision."""

    base: str  # the version the pseudo-version sorts just above ("" when there was none)
    timestamp: str  # yyyymmddhhmmss, UTC
    revision: str  # abbreviated commit hash


def parse_pseudo(text: str) -> PseudoVersion | None:
    """The pseudo-version parts of ``text``, or ``None`` for a regular version.

    The three forms (x/mod/module): ``vX.0.0-ts-rev`` (no earlier tag),
    ``vX.Y.(Z+1)-0.ts-rev`` (after release ``vX.Y.Z``) and ``vX.Y.Z-pre.0.ts-rev``
    (after pre-release ``vX.Y.Z-pre``).
    """
    match = _PSEUDO.match(text.strip())
    if match is None:
        return None
    major, minor, patch, pre, timestamp, revision = match.groups()
    if pre is None:
        if minor != "0" or patch != "0":
            return None
        base = ""
    elif pre == "0":
        if patch == "0":
            return None
        base = f"v{major}.{minor}.{int(patch) - 1}"
    elif pre.endswith(".0"):
        base = f"v{major}.{minor}.{patch}-{pre[:-2]}"
    else:
        return None
    return PseudoVersion(base=base, timestamp=timestamp, revision=revision)


class GoScheme(VersionScheme[SemverKey]):
    name: ClassVar[str] = "Go module"

    def parse(self, text: str) -> SemverKey:
        text = self.check_length(text)
        match = _SEMVER.match(text)
        if match is not None:
            major, minor, patch, pre, _build = match.groups()
            return semver_key(self.name, text, (major, minor or "0", patch or "0"), pre)
        toolchain = _TOOLCHAIN.match(text)
        if toolchain is not None:
            major, minor, patch, kind, number = toolchain.groups()
            pre = f"{kind}.{number}" if kind else None
            return semver_key(self.name, text, (major, minor or "0", patch or "0"), pre)
        raise InvalidVersion(self.name, text, "not vMAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]")

    def canonical(self, text: str) -> str:
        major, minor, patch, _, pre = self.parse(text)
        base = f"v{major}.{minor}.{patch}"
        if not pre:
            return base
        return base + "-" + ".".join(str(n) if kind == 0 else s for kind, n, s in pre)
