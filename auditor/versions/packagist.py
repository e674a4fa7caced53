"""Composer/Packagist versions, ordered as OSV evaluates the Packagist ecosystem.

osv.dev and osv-scalibr compare Packagist versions with PHP's ``version_compare``, after
dropping a leading ``v`` (Composer does the same when it normalises a tag): ``-``, ``_`` and
``+`` become ``.``, a ``.`` goes between every run of digits and run of other characters
(``4.3.2RC1`` → ``4.3.2.RC.1``), and the parts are compared left to right: numbers as
numbers; words by PHP's special forms, each matched as a prefix (``dev`` < ``alpha`` = ``a`` <
``beta`` = ``b`` < ``RC`` = ``rc`` < a number < ``pl`` = ``p``), any other word below them all.
When one version runs out of parts, a number in the other's next part makes the other
newer (``1.0 < 1.0.0``), a word is compared with the number position
(``1.0-beta < 1.0 < 1.0-p1``).

Any string is a version here, as in PHP; ``dev-master`` (a branch) sorts below every
release, which is how OSV ranges treat it too.
"""

from __future__ import annotations

import re
from functools import total_ordering
from typing import ClassVar

from auditor.versions.base import InvalidVersion, VersionScheme

# PHP's special forms in the order php_version_compare looks for them (prefix match)
_SPECIAL_FORMS = (
    ("dev", 0),
    ("alpha", 1),
    ("a", 1),
    ("beta", 2),
    ("b", 2),
    ("RC", 3),
    ("rc", 3),
    ("#", 4),
    ("pl", 5),
    ("p", 5),
)
_NUMBER_WEIGHT = 4  # a number stands for "#" when compared with a word


def _weight(part: str) -> int:
    for form, order in _SPECIAL_FORMS:
        if part.startswith(form):
            return order
    return -1


def canonical_parts(text: str) -> tuple[str, ...]:
    """PHP's canonical form split at the dots (after a leading ``v``/``V`` is dropped)."""
    text = text[1:] if text[:1] in ("v", "V") else text
    text = re.sub(r"[-_+]", ".", text)
    text = re.sub(r"([^\d.])(\d)", r"\1.\2", text)
    text = re.sub(r"(\d)([^\d.])", r"\1.\2", text)
    return tuple(text.split("."))


def _compare_parts(a: str, b: str) -> int:
    if a.isdigit() and b.isdigit():
        x, y = int(a), int(b)
    else:
        x = _NUMBER_WEIGHT if a.isdigit() else _weight(a)
        y = _NUMBER_WEIGHT if b.isdigit() else _weight(b)
    return (x > y) - (x < y)


def compare_components(left: tuple[str, ...], right: tuple[str, ...]) -> int:
    for a, b in zip(left, right, strict=False):
        found = _compare_parts(a, b)
        if found:
            return found
    if len(left) > len(right):
        rest = left[len(right) :]
        return 1 if rest[0].isdigit() else compare_components(rest, ("#",))
    if len(left) < len(right):
        rest = right[len(left) :]
        return -1 if rest[0].isdigit() else compare_components(("#",), rest)
    return 0


@total_ordering
class PackagistKey:
    """A version's canonical parts, compared as PHP's ``version_compare`` does."""

    __slots__ = ("parts",)

    def __init__(self, parts: tuple[str, ...]) -> None:
        self.parts = parts

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PackagistKey):
            return NotImplemented
        return compare_components(self.parts, other.parts) == 0

    def __lt__(self, other: PackagistKey) -> bool:
        return compare_components(self.parts, other.parts) < 0

    def __hash__(self) -> int:
        # equal keys have equal weights part by part (numbers by value)
        return hash(tuple(int(p) if p.isdigit() else -10 - _weight(p) for p in self.parts))

    def __repr__(self) -> str:
        return f"PackagistKey({'.'.join(self.parts)!r})"


class PackagistScheme(VersionScheme[PackagistKey]):
    name: ClassVar[str] = "Packagist"

    def parse(self, text: str) -> PackagistKey:
        text = self.check_length(text)
        if not text:
            raise InvalidVersion(self.name, text, "empty")
        return PackagistKey(canonical_parts(text))
