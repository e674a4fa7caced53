"""RubyGems versions, ordered as ``Gem::Version#<=>`` orders them.

A version is dot-separated segments of digits and letters (``1.2.3``, ``2.0.0.rc1``,
``1.0.0-beta`` which RubyGems reads as ``1.0.0.pre.beta``). Segments are runs of digits
(compared as numbers) or runs of letters (compared as strings); a letter segment makes a
pre-release, and sorts before any number in the same position, so ``1.0.a < 1.0 < 1.0.1``.
Trailing zeros do not count (``1.0 == 1.0.0``, ``1.0.a.0 == 1.0.a``): the comparison pads
the shorter list with zeros. osv.dev orders the RubyGems ecosystem with a port of this
class, so OSV ranges are evaluated the way the gem command would.
"""

from __future__ import annotations

import re
from functools import total_ordering
from typing import ClassVar

from auditor.versions.base import InvalidVersion, VersionScheme

# Gem::Version::ANCHORED_VERSION_PATTERN asks for a dot before letters ("1.beta"); like
# osv-scalibr, "1beta" is read too (its segments are the same), so a sloppy version in a
# record is still compared rather than dropped.
_VERSION = re.compile(r"^\s*([0-9][0-9A-Za-z.-]*)\s*$")
_SEGMENT = re.compile(r"[0-9]+|[a-zA-Z]+")

Segment = int | str


@total_ordering
class GemKey:
    """The canonical segments of a version, compared as ``Gem::Version#<=>`` does."""

    __slots__ = ("segments",)

    def __init__(self, segments: tuple[Segment, ...]) -> None:
        self.segments = segments

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GemKey):
            return NotImplemented
        return _compare(self.segments, other.segments) == 0

    def __lt__(self, other: GemKey) -> bool:
        return _compare(self.segments, other.segments) < 0

    def __hash__(self) -> int:
        return hash(self.segments)

    def __repr__(self) -> str:
        return f"GemKey({self.segments!r})"


def _compare(left: tuple[Segment, ...], right: tuple[Segment, ...]) -> int:
    for i in range(max(len(left), len(right))):
        a = left[i] if i < len(left) else 0
        b = right[i] if i < len(right) else 0
        if a == b:
            continue
        if isinstance(a, str) and isinstance(b, int):
            return -1
        if isinstance(a, int) and isinstance(b, str):
            return 1
        return -1 if a < b else 1  # type: ignore[operator]  # same type here
    return 0


def _strip_zeros(segments: list[Segment]) -> list[Segment]:
    while segments and segments[-1] == 0:
        segments.pop()
    return segments


def canonical_segments(text: str) -> tuple[Segment, ...]:
    """``Gem::Version#canonical_segments``: the release part and the pre-release part,
    each without trailing zeros."""
    segments: list[Segment] = [
        int(s) if s.isdigit() else s for s in _SEGMENT.findall(text.replace("-", ".pre."))
    ]
    first_letter = next((i for i, s in enumerate(segments) if isinstance(s, str)), len(segments))
    return tuple(_strip_zeros(segments[:first_letter]) + _strip_zeros(segments[first_letter:]))


class RubyGemsScheme(VersionScheme[GemKey]):
    name: ClassVar[str] = "RubyGems"

    def parse(self, text: str) -> GemKey:
        text = self.check_length(text)
        match = _VERSION.match(text)
        if match is None:
            raise InvalidVersion(self.name, text, "not a Gem::Version (digits and letters)")
        return GemKey(canonical_segments(match.group(1)))

    def is_prerelease(self, text: str) -> bool:
        """``Gem::Version#prerelease?``: any letter in the version."""
        return any(isinstance(s, str) for s in self.parse(text).segments)
