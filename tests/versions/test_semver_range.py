"""npm ranges: documented desugarings, npm's pre-release rule, and agreement with npm's own
``semver`` module on thousands of generated ranges (recorded, and live when node is here)."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.versions.base import InvalidVersion
from auditor.versions.semver_range import (
    InvalidRange,
    parse_range,
    parse_version,
    satisfies,
    valid_range,
)
from tests.support import FIXTURES
from tests.versions.range_cases import cases, node_answers, node_semver

RECORDED = FIXTURES / "versions" / "npm-ranges.json"
RECORDED_SEED, RECORDED_COUNT = 7, 3000
LIVE_SEED, LIVE_COUNT = 11, 2000


@pytest.mark.parametrize(
    ("text", "desugared"),
    [
        ("^1.2.3", ">=1.2.3 <2.0.0-0"),
        ("^0.2.3", ">=0.2.3 <0.3.0-0"),
        ("^0.0.3", ">=0.0.3 <0.0.4-0"),
        ("^1.2.x", ">=1.2.0 <2.0.0-0"),
        ("^0.0", "<0.1.0-0"),  # >=0.0.0 is dropped as "any"
        ("~1.2.3", ">=1.2.3 <1.3.0-0"),
        ("~1", ">=1.0.0 <2.0.0-0"),
        ("~> 1.2", ">=1.2.0 <1.3.0-0"),
        ("1.x", ">=1.0.0 <2.0.0-0"),
        ("1.2.*", ">=1.2.0 <1.3.0-0"),
        ("*", "*"),
        ("", "*"),
        (">=0.0.0", "*"),
        ("1.2.3 - 2.3.4", ">=1.2.3 <=2.3.4"),
        ("1.2 - 2.3", ">=1.2.0 <2.4.0-0"),
        ("> 1.2", ">=1.3.0"),
        ("<=1.2", "<1.3.0-0"),
        ("=v1.2.3", "1.2.3"),
        ("1.2.3+build", "1.2.3"),
        ("<1.0.0 || >=2 <3", "<1.0.0||>=2.0.0 <3.0.0-0"),
        (">1.x || *", "*"),
    ],
)
def test_desugaring(text: str, desugared: str) -> None:
    """Each form becomes the comparators npm documents for it."""
    assert desugared == valid_range(text)


@pytest.mark.parametrize(
    ("version", "text", "expected"),
    [
        ("1.3.0-beta", "^1.2.0", False),  # a pre-release of another tuple is excluded
        ("1.2.3-beta.2", "^1.2.3-beta.1", True),  # ... unless the range names its tuple
        ("1.2.4-beta.2", "^1.2.3-beta.1", False),
        ("2.0.0-rc.1", "<2.0.0", False),
        ("1.2.3", "1.2.3 - 1.2.5", True),
        ("1.2.6", "1.2.3 - 1.2.5", False),
        ("1.2.3", "latest", False),  # a dist-tag is not a range
        ("not-a-version", "*", False),
        ("v1.2.3", "1.2.3", True),  # loose versions, as npm reads lockfiles
    ],
)
def test_satisfies(version: str, text: str, expected: bool) -> None:
    """satisfies() gives npm's answer, pre-release rule included."""
    assert expected == satisfies(version, text)


def test_include_prerelease_admits_pre_releases_in_range() -> None:
    """With include_prerelease, any pre-release inside the bounds satisfies."""
    assert satisfies("1.3.0-beta", "^1.2.0", include_prerelease=True)
    assert not satisfies("2.0.0-beta", "^1.2.0", include_prerelease=True)


def test_invalid_ranges_raise() -> None:
    """Text npm rejects raises InvalidRange (an InvalidVersion) with the reason."""
    for text in ("latest", "1.2.3.4", "**", "git+https://host.invalid/x.git"):
        with pytest.raises(InvalidRange):
            parse_range(text)
    with pytest.raises(InvalidRange, match="longer than 4096"):
        parse_range("1" * 5000)


def test_strict_versions_reject_loose_spellings() -> None:
    """Strict parsing (not npm's lockfile mode) refuses a pre-release without its hyphen."""
    assert (1, 2, 3, ("rc1",)) == _parts(parse_version("1.2.3rc1"))
    with pytest.raises(InvalidVersion):
        parse_version("1.2.3rc1", loose=False)


def _parts(version: object) -> tuple[object, ...]:
    return tuple(getattr(version, k) for k in ("major", "minor", "patch", "prerelease"))


def test_recorded_npm_answers() -> None:
    """Every recorded case agrees with npm's semver 7 (validRange, satisfies loose, and
    satisfies with includePrerelease); AUDITOR_UPDATE_GOLDEN=1 re-records with node."""
    pairs = cases(RECORDED_SEED, RECORDED_COUNT)
    if os.environ.get("AUDITOR_UPDATE_GOLDEN") == "1":
        module = node_semver()
        assert module is not None, "node and npm are needed to record"
        answers = node_answers(module, pairs)
        rows = [[v, r, *a] for (v, r), a in zip(pairs, answers, strict=True)]
        RECORDED.write_text(json.dumps(rows, indent=0, ensure_ascii=False) + "\n")
    rows = json.loads(RECORDED.read_text())
    assert len(rows) == RECORDED_COUNT
    assert [(r[0], r[1]) for r in rows] == pairs  # the generator is still the recorded one
    answers = [(v, r, tuple(expected), _ours(v, r)) for v, r, *expected in rows]
    mismatches = [a for a in answers if a[2] != a[3]]
    assert [] == mismatches[:10]


def _ours(version: str, text: str) -> tuple[str | None, bool, bool]:
    return (
        valid_range(text),
        satisfies(version, text),
        satisfies(version, text, include_prerelease=True),
    )


@pytest.mark.network_peer
def test_live_npm_semver_agrees() -> None:
    """A fresh batch of generated ranges, answered by npm's semver module right now."""
    module = node_semver()
    if module is None:
        pytest.skip("node and npm's bundled semver are not installed")
    pairs = cases(LIVE_SEED, LIVE_COUNT)
    answers = node_answers(module, pairs)
    ours = [_ours(v, r) for v, r in pairs]
    mismatches = [(v, r, a, o) for (v, r), a, o in zip(pairs, answers, ours, strict=True) if a != o]
    assert [] == mismatches[:10]


@given(st.text(max_size=60), st.text(max_size=20))
def test_never_raises_on_arbitrary_text(text: str, version: str) -> None:
    """Hostile lockfile text: satisfies() and valid_range() answer, they never raise."""
    satisfies(version, text)
    valid_range(text)
