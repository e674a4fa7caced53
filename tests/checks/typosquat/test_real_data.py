"""Real malicious and labeled names against the bundled popular lists (tests/fixtures/typosquat)."""

from __future__ import annotations

import json

import pytest

from auditor.checks.typosquat.detector import default_detector
from auditor.core.model import Ecosystem
from tests.support import FIXTURES

FOLDER = FIXTURES / "typosquat"


def expectations() -> list[tuple[Ecosystem, str, str, str]]:
    rows = []
    for line in (FOLDER / "expected.tsv").read_text().splitlines():
        if line.startswith("#"):
            continue
        ecosystem, name, target, rule, _why = line.split("\t")
        rows.append((Ecosystem.parse(ecosystem), name, target, rule))
    return rows


def record_names(ecosystem: Ecosystem) -> set[str]:
    """The package names the copied MAL- records name (affected[].package.name)."""
    names = set()
    for path in (FOLDER / "malicious" / ecosystem.purl_type).rglob("MAL-*.json"):
        record = json.loads(path.read_text())
        assert record["id"].startswith("MAL-")
        names.update(a["package"]["name"] for a in record["affected"])
    return names


def labeled_names() -> dict[str, str]:
    lines = (FOLDER / "labeled-npm.tsv").read_text().splitlines()[1:]
    return {name: target for name, target, _source in (line.split("\t") for line in lines)}


def test_every_expectation_comes_from_a_fixture() -> None:
    """Each expected name is a copied MAL record or a labeled row, and vice versa."""
    expected = {(e, n) for e, n, _t, _r in expectations()}
    sources = {(Ecosystem.PYPI, n) for n in record_names(Ecosystem.PYPI)}
    sources |= {(Ecosystem.NPM, n) for n in record_names(Ecosystem.NPM)}
    sources |= {(Ecosystem.NPM, n) for n in labeled_names()}
    assert sources == expected


@pytest.mark.parametrize(
    ("ecosystem", "name", "target", "rule"),
    expectations(),
    ids=[f"{e.value}:{n}" for e, n, _t, _r in expectations()],
)
def test_real_name(ecosystem: Ecosystem, name: str, target: str, rule: str) -> None:
    """The check names the imitated package and the rule, or stays silent."""
    matches = default_detector(ecosystem).check(name)
    if target == "-":
        assert () == matches
    else:
        assert (target, rule) == (matches[0].target, matches[0].rule.value)


def test_labeled_targets_agree_with_the_list() -> None:
    """Where a labeled typosquat is reported, the package named is the labeled target."""
    detector = default_detector(Ecosystem.NPM)
    for name, target in labeled_names().items():
        matches = detector.check(name)
        if matches:
            assert target == matches[0].target, name


@pytest.mark.parametrize(
    ("ecosystem", "popular", "neighbour"),
    [
        # real pairs of popular, legitimate neighbours from the bundled lists
        (Ecosystem.PYPI, "requests", "grequests"),
        (Ecosystem.PYPI, "click", "crick"),
        (Ecosystem.PYPI, "pydantic", "pymantic"),
        (Ecosystem.PYPI, "pytest", "ipytest"),
        (Ecosystem.PYPI, "boto3", "boto"),
        (Ecosystem.NPM, "resolve", "resolver"),
        (Ecosystem.NPM, "semver", "server"),
        (Ecosystem.NPM, "tslib", "tslab"),
        (Ecosystem.NPM, "request", "requests"),
        (Ecosystem.NPM, "color-name", "color-namer"),
        (Ecosystem.NPM, "@types/json-schema", "@types/jsonschema"),
    ],
)
def test_popular_neighbours_are_not_flagged(
    ecosystem: Ecosystem, popular: str, neighbour: str
) -> None:
    """Both names are listed, so neither is reported, although the rules connect them."""
    detector = default_detector(ecosystem)
    assert popular in detector.popular
    assert neighbour in detector.popular
    assert popular in [m.target for m in detector.matches(neighbour)]
    assert () == detector.check(neighbour)
    assert () == detector.check(popular)
