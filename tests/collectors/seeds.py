"""Seeds for the collectors' fuzz tests: real lockfiles, grouped by format version.

Every format version a collector reads gets fuzzed on a file of that version: the real
fixtures first (``tests/fixtures/<collector>/real``), and, for a version no real fixture
has, the other tools' fixtures of it (``peer/``) and auditor's own cases (``cases/``). The
version is what the file says of itself (``lockfileVersion``, ``lock-version``, yarn's
``__metadata.version``, ``# yarn lockfile v1``, pnpm's two-document form...).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from auditor.collectors import plugins
from tests.support import FIXTURES

_VERSION = [
    re.compile(r'"lockfileVersion"\s*:\s*"?([\d.]+)'),
    re.compile(r"^lockfileVersion:\s*['\"]?([\d.]+)", re.M),
    re.compile(r'^lock-version\s*=\s*"([\d.]+)"', re.M),
    re.compile(r'^lock_version\s*=\s*"([\d.]+)"', re.M),
    re.compile(r"^__metadata:\s*\n\s+version:\s*(\d+)", re.M),
    re.compile(r"^version\s*=\s*(\d+)\s*$", re.M),
    re.compile(r'"pipfile-spec"\s*:\s*(\d+)'),
]
_NOT_SEEDS = (".expected.json", ".md", ".edges", ".sh")


def format_version(text: str) -> str:
    """The format version a lockfile's text declares ("-" when it declares none)."""
    if text.lstrip("\ufeff").startswith("---\n"):
        return "two-documents"  # pnpm 10's env lockfile before the lockfile
    if "# yarn lockfile v1" in text[:4096]:
        return "classic"
    for pattern in _VERSION:
        match = pattern.search(text)
        if match:
            return match.group(1)
    return "-"


@dataclass(frozen=True)
class SeedGroup:
    collector: str
    version: str
    files: tuple[Path, ...]

    @property
    def id(self) -> str:
        return f"{self.collector}:{self.version}"


def _texts(collector: str, kind: str) -> list[tuple[Path, str]]:
    found = []
    claims = plugins.get(collector).claims
    for path in sorted((FIXTURES / collector / kind).rglob("*")):
        if not path.is_file() or path.name.endswith(_NOT_SEEDS):
            continue
        if kind == "real" and not claims(path.name):
            continue  # a companion file (package.json, pyproject.toml, go.sum)
        try:
            found.append((path, path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, OSError):
            continue
    return found


@functools.cache
def seed_groups() -> tuple[SeedGroup, ...]:
    """One group per (collector, format version): its real files, or, for a version only
    other tools' fixtures or auditor's cases have, those."""
    groups: list[SeedGroup] = []
    for collector in plugins.names():
        by_version: dict[str, list[Path]] = {}
        for path, text in _texts(collector, "real"):
            by_version.setdefault(format_version(text), []).append(path)
        others: dict[str, list[Path]] = {}
        for kind in ("peer", "cases"):
            for path, text in _texts(collector, kind):
                others.setdefault(format_version(text), []).append(path)
        for version, files in others.items():
            if version != "-" and version not in by_version:
                by_version[version] = files  # a version only other tools' fixtures have
        groups.extend(
            SeedGroup(collector=collector, version=v, files=tuple(files))
            for v, files in sorted(by_version.items())
        )
    return tuple(groups)
