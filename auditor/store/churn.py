"""Package churn between two graphs: added, removed, upgraded, downgraded.

Packages are matched by (ecosystem, name). When a name has several versions on one side
(npm duplicates), the versions that left and the versions that arrived are paired in order,
lowest with lowest; a pair is an upgrade or a downgrade, the rest are removals or additions.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cmp_to_key, partial

from auditor.core.model import Ecosystem
from auditor.store.records import Churn
from auditor.versions.base import InvalidVersion
from auditor.versions.plugins import scheme_for

VersionKey = tuple[str, str, str]  # (ecosystem, name, version)


def compare_versions(ecosystem: str, a: str, b: str) -> int:
    """-1, 0 or 1 as version ``a`` sorts before, with or after ``b`` in ``ecosystem``.

    Each ecosystem's own scheme (auditor.versions: PEP 440, npm SemVer, Go). A version the
    scheme rejects falls back to a SemVer-like order: an optional ``v``, numeric
    dot-separated parts, a pre-release after ``-`` sorting before the release, build metadata
    after ``+`` ignored. This is the one place the store orders versions.
    """
    if a == b:
        return 0
    try:
        order = scheme_for(Ecosystem(ecosystem)).compare(a, b)
    except (ValueError, InvalidVersion):
        pass  # not a valid version of the ecosystem (or unknown one): a SemVer-like order
    else:
        # equal precedence but other text (build metadata): still a change, ordered by text
        return order if order else (a > b) - (a < b)
    key_a, key_b = _semver_key(a), _semver_key(b)
    if key_a != key_b:
        return 1 if key_a > key_b else -1
    return (a > b) - (a < b)


_Parts = tuple[tuple[int, int, str], ...]


def _semver_key(text: str) -> tuple[_Parts, int, _Parts]:
    core, _, _build = text.strip().removeprefix("v").partition("+")
    release, dash, pre = core.partition("-")
    return (_parts(release), 0 if dash else 1, _parts(pre))


def _parts(text: str) -> _Parts:
    # Numbers compare as numbers and sort before words, as in SemVer pre-release rules.
    out = []
    for part in re.split(r"[.\-]", text) if text else ():
        if part.isdigit():
            out.append((0, int(part), ""))
        else:
            out.append((1, 0, part))
    return tuple(out)


@dataclass(frozen=True, kw_only=True)
class VersionChange:
    ecosystem: str
    name: str
    old: str
    new: str


@dataclass(frozen=True, kw_only=True)
class ChurnDetail:
    added: tuple[VersionKey, ...] = ()
    removed: tuple[VersionKey, ...] = ()
    upgraded: tuple[VersionChange, ...] = ()
    downgraded: tuple[VersionChange, ...] = ()

    @property
    def counts(self) -> Churn:
        return Churn(
            added=len(self.added),
            removed=len(self.removed),
            upgraded=len(self.upgraded),
            downgraded=len(self.downgraded),
        )


def churn(old: Iterable[VersionKey], new: Iterable[VersionKey]) -> ChurnDetail:
    before, after = _by_name(old), _by_name(new)
    added: list[VersionKey] = []
    removed: list[VersionKey] = []
    upgraded: list[VersionChange] = []
    downgraded: list[VersionChange] = []
    for key in sorted(before.keys() | after.keys()):
        ecosystem, name = key
        order = cmp_to_key(partial(compare_versions, ecosystem))
        gone = sorted(before.get(key, set()) - after.get(key, set()), key=order)
        came = sorted(after.get(key, set()) - before.get(key, set()), key=order)
        for old_version, new_version in zip(gone, came, strict=False):
            change = VersionChange(ecosystem=ecosystem, name=name, old=old_version, new=new_version)
            if compare_versions(ecosystem, new_version, old_version) >= 0:
                upgraded.append(change)
            else:
                downgraded.append(change)
        paired = min(len(gone), len(came))
        removed.extend((ecosystem, name, v) for v in gone[paired:])
        added.extend((ecosystem, name, v) for v in came[paired:])
    return ChurnDetail(
        added=tuple(added),
        removed=tuple(removed),
        upgraded=tuple(upgraded),
        downgraded=tuple(downgraded),
    )


def _by_name(keys: Iterable[VersionKey]) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for ecosystem, name, version in keys:
        out[(ecosystem, name)].add(version)
    return out
