"""RubyGems and Packagist version orderings against tables that real Ruby and PHP made."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.core.model import Ecosystem
from auditor.versions.base import InvalidVersion, VersionScheme
from auditor.versions.packagist import PackagistScheme
from auditor.versions.plugins import scheme_for
from auditor.versions.rubygems import RubyGemsScheme
from auditor.versions.semver import SemverScheme
from tests.support import FIXTURES

TABLES = FIXTURES / "versions"
RELATIONS = {"<": -1, "=": 0, ">": 1}


def read_pairs(name: str) -> list[tuple[str, str, str]]:
    pairs = []
    for line in (TABLES / name).read_text().splitlines():
        if not line.strip() or line.startswith(("#", "//")):
            continue
        a, relation, b = line.split(" ")
        pairs.append((a, relation, b))
    return pairs


def _check_table(scheme: VersionScheme[Any], name: str) -> None:
    wrong = [
        (a, relation, b)
        for a, relation, b in read_pairs(name)
        if scheme.compare(a, b) != RELATIONS[relation]
        or scheme.compare(b, a) != -RELATIONS[relation]
    ]
    assert [] == wrong


@pytest.mark.parametrize(
    "name", ["osv-scalibr-rubygems-versions.txt", "osv-scalibr-rubygems-versions-generated.txt"]
)
def test_rubygems_order_matches_ruby(name: str) -> None:
    """Every pair Ruby's Gem::Version compared (4,000+ published versions) compares alike."""
    _check_table(RubyGemsScheme(), name)


@pytest.mark.parametrize(
    "name", ["osv-scalibr-packagist-versions.txt", "osv-scalibr-packagist-versions-generated.txt"]
)
def test_packagist_order_matches_php(name: str) -> None:
    """Every pair PHP's version_compare ordered (10,000+ published versions) compares alike."""
    _check_table(PackagistScheme(), name)


def test_rubygems_prerelease_and_padding_rules() -> None:
    """Letters make pre-releases that sort before numbers; trailing zeros do not count;
    a hyphen is RubyGems' ``.pre.``."""
    scheme = RubyGemsScheme()
    assert ["1.0.a", "1.0.b1", "1.0", "1.0.1"] == scheme.ascending(
        ["1.0.1", "1.0", "1.0.b1", "1.0.a"]
    )
    assert scheme.equal("1.0", "1.0.0.0")
    assert scheme.equal("1.0.a.0", "1.0.a")
    assert scheme.equal("1.0.0-rc1", "1.0.0.pre.rc1")
    assert scheme.is_prerelease("8.2.0.alpha")
    assert not scheme.is_prerelease("8.2.0")


@pytest.mark.parametrize("text", ["", "abc", "1.0 beta", "-1", "1.0_1", "v1.0"])
def test_rubygems_rejects_what_gem_version_rejects(text: str) -> None:
    """Strings Gem::Version.correct? refuses are InvalidVersion."""
    with pytest.raises(InvalidVersion, match="invalid RubyGems version"):
        RubyGemsScheme().parse(text)


def test_packagist_drops_the_v_and_orders_branches_first() -> None:
    """``v1.2.6`` is ``1.2.6``; ``dev-master`` sorts below releases; RC, beta, patch forms."""
    scheme = PackagistScheme()
    assert scheme.equal("v1.2.6", "1.2.6")
    # PHP's rule, not SemVer's: 1.0 has fewer parts and the next one is a number
    assert ["dev-master", "1.0-beta", "1.0", "1.0.0-RC1", "1.0.0", "1.0.0-p1"] == scheme.ascending(
        ["1.0.0-p1", "1.0.0", "1.0", "1.0.0-RC1", "1.0-beta", "dev-master"]
    )
    with pytest.raises(InvalidVersion):
        scheme.parse("")


def test_new_ecosystems_have_their_schemes() -> None:
    """crates.io orders by SemVer, RubyGems by Gem::Version, Packagist by version_compare."""
    assert isinstance(scheme_for(Ecosystem.CRATES_IO), SemverScheme)
    assert isinstance(scheme_for(Ecosystem.RUBYGEMS), RubyGemsScheme)
    assert isinstance(scheme_for(Ecosystem.PACKAGIST), PackagistScheme)


_GEM_SEGMENT = st.one_of(
    st.integers(0, 12).map(str), st.sampled_from(["a", "b", "rc", "pre", "beta"])
)


@given(st.lists(st.lists(_GEM_SEGMENT, min_size=1, max_size=5), min_size=3, max_size=3))
def test_rubygems_order_is_total(parts: list[list[str]]) -> None:
    """compare() is antisymmetric and transitive, and equal keys hash alike."""
    scheme = RubyGemsScheme()
    a, b, c = ("1." + ".".join(p) for p in parts)
    for x, y in ((a, b), (b, c), (a, c)):
        assert scheme.compare(x, y) == -scheme.compare(y, x)
        if scheme.equal(x, y):
            assert hash(scheme.parse(x)) == hash(scheme.parse(y))
    if scheme.compare(a, b) <= 0 and scheme.compare(b, c) <= 0:
        assert scheme.compare(a, c) <= 0


_PHP_PART = st.one_of(
    st.integers(0, 12).map(str),
    st.sampled_from(["dev", "alpha", "beta", "RC", "rc", "pl", "p", "x"]),
)


@given(st.lists(st.lists(_PHP_PART, min_size=1, max_size=5), min_size=3, max_size=3))
def test_packagist_order_is_total(parts: list[list[str]]) -> None:
    """compare() is antisymmetric and transitive, and equal keys hash alike."""
    scheme = PackagistScheme()
    a, b, c = ("1." + ".".join(p) for p in parts)
    for x, y in ((a, b), (b, c), (a, c)):
        assert scheme.compare(x, y) == -scheme.compare(y, x)
        if scheme.equal(x, y):
            assert hash(scheme.parse(x)) == hash(scheme.parse(y))
    if scheme.compare(a, b) <= 0 and scheme.compare(b, c) <= 0:
        assert scheme.compare(a, c) <= 0
