"""Internal package names: patterns, ecosystem prefixes and each ecosystem's name rules."""

from __future__ import annotations

import pytest

from auditor.core.model import Ecosystem
from auditor.registries.internal import InternalNames, PatternError, parse_pattern


@pytest.mark.parametrize(
    ("pattern", "ecosystem", "name", "expected"),
    [
        ("acme-*", Ecosystem.PYPI, "acme-tools", True),
        ("acme-*", Ecosystem.PYPI, "Acme_Tools", True),  # PEP 503 normalisation
        ("acme_tools", Ecosystem.PYPI, "acme.tools", True),
        ("acme-*", Ecosystem.NPM, "acme-ui", True),  # no prefix: every ecosystem
        ("acme-*", Ecosystem.PYPI, "notacme-tools", False),
        ("npm:@acme/*", Ecosystem.NPM, "@acme/ui", True),
        ("npm:@acme/*", Ecosystem.NPM, "@ACME/UI", True),
        ("npm:@acme/*", Ecosystem.PYPI, "acme", False),
        ("npm:@acme/*", Ecosystem.NPM, "@other/ui", False),
        ("pypi:acme-?", Ecosystem.PYPI, "acme-x", True),
        ("go:git.acme.invalid/*", Ecosystem.GO, "git.acme.invalid/lib", True),
    ],
)
def test_matching(pattern: str, ecosystem: Ecosystem, name: str, expected: bool) -> None:
    """Globs match names as the ecosystem compares them; a prefix limits the ecosystem."""
    assert expected == parse_pattern(pattern).matches(ecosystem, name)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "an empty pattern would match nothing"),
        ("npm:", "an empty pattern would match nothing"),
        ("*", "'*' would match every package"),
        ("a b", "'a b' is not a package name or glob pattern"),
        ("x" * 300, "is not a package name or glob pattern"),
    ],
)
def test_bad_patterns(text: str, message: str) -> None:
    """What cannot be an internal name is refused with the reason."""
    with pytest.raises(PatternError, match=message.replace("*", r"\*")):
        parse_pattern(text)


def test_prefix_inside_an_ecosystem_list_is_refused() -> None:
    """A table list is already one ecosystem's: an extra prefix is a mistake."""
    with pytest.raises(PatternError, match="names an ecosystem inside"):
        parse_pattern("npm:@acme/*", ecosystem=Ecosystem.PYPI)


def test_first_matching_pattern_wins() -> None:
    """match() returns the pattern that matched, for the evidence; empty names are falsy."""
    names = InternalNames(patterns=(parse_pattern("npm:@acme/*"), parse_pattern("acme-*")))
    found = names.match(Ecosystem.NPM, "@acme/ui")
    assert found is not None
    assert "npm:@acme/*" == found.shown
    assert names.match(Ecosystem.PYPI, "requests") is None
    assert not InternalNames()
