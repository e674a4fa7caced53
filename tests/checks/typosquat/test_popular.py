"""Popular-package lists: the file format, the bundled lists, popularity and its floor."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from auditor.checks.typosquat.popular import (
    BUNDLED_ECOSYSTEMS,
    Popularity,
    PopularListError,
    WeightKind,
    bundled,
    merge_weights,
    parse_list,
    render_list,
)
from auditor.core.model import Ecosystem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HEADER = "# auditor.popular/1\n# ecosystem: PyPI\n# weight: rank\n# source: test\n"


def test_render_and_parse_round_trip() -> None:
    """A rendered list parses back to the same names, weights and source."""
    weights = {"requests": 6, "boto3": 1, "urllib3": 3}
    text = render_list(Ecosystem.PYPI, WeightKind.RANK, weights, source="a  ranking\tfile")
    parsed = parse_list(text, "pypi.tsv")
    assert weights == dict(parsed.weights)
    assert ["boto3", "requests", "urllib3"] == list(parsed.weights)
    assert "a ranking file" == parsed.source
    assert Ecosystem.PYPI is parsed.ecosystem


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("requests\n", "pypi.tsv:5: expected 'name<TAB>weight'"),
        ("requests\t0\n", "pypi.tsv:5: weight '0' is not a positive integer"),
        ("requests\tx\n", "pypi.tsv:5: weight 'x' is not a positive integer"),
        ("urllib3\t3\nboto3\t1\n", "pypi.tsv:6: out of order (names are sorted): 'boto3'"),
        ("boto3\t1\nboto3\t2\n", "pypi.tsv:6: duplicate name: 'boto3'"),
        ("Django\t1\n", "pypi.tsv:5: 'Django' is not normalised for PyPI"),
        ("a\tb\tc\n", "pypi.tsv:5: expected 'name<TAB>weight'"),
    ],
)
def test_malformed_lines_name_file_and_line(body: str, message: str) -> None:
    """Each malformed line is one error naming the file and the line."""
    with pytest.raises(PopularListError) as info:
        parse_list(HEADER + body, "pypi.tsv")
    assert message == str(info.value)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("# weight: rank\n", "x.tsv: missing header line '# ecosystem: ...'"),
        ("# ecosystem: PyPI\n", "x.tsv: missing header line '# weight: ...'"),
        ("# ecosystem: cargo\n# weight: rank\n", "x.tsv: bad header: unknown ecosystem"),
        ("# ecosystem: npm\n# weight: stars\n", "x.tsv: bad header: 'stars' is not a valid"),
    ],
)
def test_bad_headers(header: str, message: str) -> None:
    """A list without a usable header is rejected with the file named."""
    with pytest.raises(PopularListError) as info:
        parse_list(header + "a\t1\n", "x.tsv")
    assert str(info.value).startswith(message)


@pytest.mark.parametrize("ecosystem", BUNDLED_ECOSYSTEMS)
def test_bundled_lists_load_from_the_package(ecosystem: Ecosystem) -> None:
    """The lists ship inside the auditor package and parse cleanly."""
    popular = bundled(ecosystem)
    assert ecosystem is popular.ecosystem
    assert len(popular) > 10_000
    assert popular.source


def test_bundled_popularity_of_real_names() -> None:
    """Real names carry their rank or downloads; the floor is just past the list."""
    pypi, npm = bundled(Ecosystem.PYPI), bundled(Ecosystem.NPM)
    assert "rank 6" == pypi.popularity("requests").render()  # type: ignore[union-attr]
    assert pypi.popularity("reqeusts") is None
    assert max(pypi.weights.values()) + 1 == pypi.floor.value
    assert npm.popularity("lodash").kind is WeightKind.DOWNLOADS  # type: ignore[union-attr]
    assert min(npm.weights.values()) == npm.floor.value


def test_scores_make_ranks_and_downloads_comparable() -> None:
    """A better rank and more downloads both mean a bigger score."""
    assert (
        Popularity(kind=WeightKind.RANK, value=1).score
        > Popularity(kind=WeightKind.RANK, value=2).score
    )
    assert (
        Popularity(kind=WeightKind.DOWNLOADS, value=10).score
        > Popularity(kind=WeightKind.DOWNLOADS, value=9).score
    )


def test_merge_weights_keeps_the_best_spelling() -> None:
    """Two spellings of one PyPI project keep the better rank; npm keeps case."""
    merged = merge_weights([("Foo_Bar", 9), ("foo-bar", 4)], Ecosystem.PYPI, WeightKind.RANK)
    assert {"foo-bar": 4} == merged
    npm = merge_weights([("JSONStream", 5), ("jsonstream", 7)], Ecosystem.NPM, WeightKind.DOWNLOADS)
    assert {"JSONStream": 5, "jsonstream": 7} == npm


def test_lists_are_declared_as_package_data() -> None:
    """pyproject.toml ships the lists in the wheel (a non-editable install reads them)."""
    root = Path(__file__).parents[3]
    config = tomllib.loads((root / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["auditor.data"]
    for path in (root / "data" / "popular").iterdir():
        relative = path.relative_to(root / "data")
        assert any(relative.match(p) for p in patterns), relative
