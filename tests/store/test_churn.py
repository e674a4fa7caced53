"""Version order and churn pairing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.store.churn import churn, compare_versions


@pytest.mark.parametrize(
    ("ecosystem", "low", "high"),
    [
        ("PyPI", "1.0.0.dev1", "1.0.0"),
        ("PyPI", "1.0rc1", "1.0"),
        ("PyPI", "1.9", "1.10"),
        ("PyPI", "2.0", "2.0.post1"),
        ("PyPI", "not-a-version", "zzz"),  # PEP 440 invalid: the fallback order
        ("npm", "1.0.0-alpha", "1.0.0"),
        ("npm", "1.0.0-alpha.1", "1.0.0-alpha.beta"),
        ("npm", "1.0.0-beta.2", "1.0.0-beta.11"),
        ("npm", "1.2.9", "1.10.0"),
        ("Go", "v0.9.1", "v0.10.0"),
        ("Go", "v1.2.3-0.20200101000000-abcdef123456", "v1.2.3"),
        ("Go", "v2.0.0+incompatible", "v2.0.1"),
    ],
)
def test_order(ecosystem: str, low: str, high: str) -> None:
    """Each pair sorts low before high, and the other way round gives the opposite."""
    assert -1 == compare_versions(ecosystem, low, high)
    assert 1 == compare_versions(ecosystem, high, low)


def test_equal_and_build_metadata() -> None:
    """Equal strings are equal; build metadata does not order, but the text still differs."""
    assert 0 == compare_versions("npm", "1.0.0", "1.0.0")
    assert 0 != compare_versions("npm", "1.0.0+a", "1.0.0+b")


VERSIONS = st.from_regex(
    r"v?[0-9]{1,2}(\.[0-9]{1,2}){0,2}(-[a-z0-9]{1,3}(\.[a-z0-9]{1,3})?)?", fullmatch=True
)


@given(st.sampled_from(["PyPI", "npm", "Go"]), VERSIONS, VERSIONS, VERSIONS)
def test_order_is_consistent(ecosystem: str, a: str, b: str, c: str) -> None:
    """Antisymmetric and transitive, so churn pairing is well defined."""
    assert compare_versions(ecosystem, a, b) == -compare_versions(ecosystem, b, a)
    if compare_versions(ecosystem, a, b) <= 0 and compare_versions(ecosystem, b, c) <= 0:
        assert compare_versions(ecosystem, a, c) <= 0


def test_churn_pairs_versions_of_one_name() -> None:
    """Two versions of a name leave, one arrives: the lowest pair, the rest removed."""
    old = {("npm", "x", "1.0.0"), ("npm", "x", "2.0.0"), ("npm", "y", "1.0.0")}
    new = {("npm", "x", "3.0.0"), ("npm", "y", "0.9.0"), ("npm", "z", "1.0.0")}
    detail = churn(old, new)
    assert (("npm", "z", "1.0.0"),) == detail.added
    assert (("npm", "x", "2.0.0"),) == detail.removed
    assert [("x", "1.0.0", "3.0.0")] == [(c.name, c.old, c.new) for c in detail.upgraded]
    assert [("y", "1.0.0", "0.9.0")] == [(c.name, c.old, c.new) for c in detail.downgraded]
    assert 4 == detail.counts.total


def test_same_name_in_two_ecosystems_is_two_packages() -> None:
    """npm's 'x' and PyPI's 'x' never pair."""
    detail = churn({("npm", "x", "1")}, {("PyPI", "x", "2")})
    assert (1, 1, 0) == (len(detail.added), len(detail.removed), len(detail.upgraded))
