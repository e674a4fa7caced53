"""Reading a package URL (``pkg:pypi/django@3.0.6``) back into what auditor compares:
the ecosystem, the name as that ecosystem normalises it, and the version if one is given.

Other documents name packages by purl (VEX statements, ignores written as purls); a purl of a
type auditor does not audit (``pkg:maven/...``) or that is not a purl at all reads as None.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from auditor.core.model import Ecosystem, Package

MAX_PURL = 2048


@dataclass(frozen=True, kw_only=True)
class PurlRef:
    """The package a purl names; ``version`` None when the purl gives none."""

    ecosystem: Ecosystem
    name: str
    version: str | None = None

    @classmethod
    def of(cls, package: Package) -> PurlRef:
        return cls(ecosystem=package.ecosystem, name=package.name, version=package.version)

    def covers(self, other: PurlRef) -> bool:
        """The same ecosystem and name, and the same version when this one gives one (the
        version compared as written, Go's ``v`` prefix aside)."""
        if other.ecosystem is not self.ecosystem or other.name != self.name:
            return False
        return self.version is None or _bare(self.version) == _bare(other.version or "")


def parse_purl(text: str) -> PurlRef | None:
    """The package ``text`` names, or None when it is not a purl of an audited ecosystem."""
    value = text.strip()
    if not value.lower().startswith("pkg:") or len(value) > MAX_PURL:
        return None
    body = value[4:].lstrip("/").split("#", 1)[0].split("?", 1)[0]
    kind, _, path = body.partition("/")
    try:
        ecosystem = Ecosystem.parse(kind)
    except ValueError:
        return None
    version: str | None = None
    head, at, tail = path.rpartition("@")
    if at and head and not head.endswith("/"):  # "@scope/name" has no version
        path, version = head, unquote(tail) or None
    name = "/".join(unquote(part) for part in path.split("/") if part)
    if not name:
        return None
    return PurlRef(ecosystem=ecosystem, name=ecosystem.normalize_name(name), version=version)


def check_package(text: str) -> str | None:
    """Why ``text`` cannot name a package (None when it can)."""
    value = text.strip()
    if not value:
        return "is empty"
    if value.lower().startswith("pkg:") and parse_purl(value) is None:
        return f"{value[:200]!r} is not a package URL of an audited ecosystem"
    return None


def _bare(version: str) -> str:
    return version[1:] if version[:1] == "v" and version[1:2].isdigit() else version
