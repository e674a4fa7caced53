"""The package model: purls, names, merging, ecosystems."""

from __future__ import annotations

import pytest

from auditor.core.findings import Severity
from auditor.core.model import (
    Ecosystem,
    Hash,
    Location,
    Package,
    Source,
    SourceKind,
    canonical_pypi_name,
    make_purl,
)


@pytest.mark.parametrize(
    ("expected", "ecosystem", "name", "version"),
    [
        ("pkg:pypi/zope-interface@5.4.0", Ecosystem.PYPI, "Zope.Interface", "5.4.0"),
        ("pkg:npm/%40babel/core@7.22.0", Ecosystem.NPM, "@babel/core", "7.22.0"),
        ("pkg:npm/lodash@4.17.21", Ecosystem.NPM, "lodash", "4.17.21"),
        ("pkg:golang/golang.org/x/net@v0.1.0", Ecosystem.GO, "golang.org/x/net", "0.1.0"),
        ("pkg:golang/stdlib@1.22.0", Ecosystem.GO, "stdlib", "1.22.0"),
        (
            "pkg:golang/github.com/pkg/errors@v0.9.1",
            Ecosystem.GO,
            "github.com/pkg/errors",
            "v0.9.1",
        ),
        ("pkg:pypi/torch@2.0.0%2Bcpu", Ecosystem.PYPI, "torch", "2.0.0+cpu"),
        ("pkg:cargo/rand@0.7.2", Ecosystem.CRATES_IO, "rand", "0.7.2"),
        (
            "pkg:cargo/wasi@0.10.2%2Bwasi-snapshot-preview1",
            Ecosystem.CRATES_IO,
            "wasi",
            "0.10.2+wasi-snapshot-preview1",
        ),
        (
            "pkg:gem/ruby-advisory-db-check@0.12.4",
            Ecosystem.RUBYGEMS,
            "ruby-advisory-db-check",
            "0.12.4",
        ),
        ("pkg:gem/Ascii85@1.0.3", Ecosystem.RUBYGEMS, "Ascii85", "1.0.3"),
        ("pkg:composer/laravel/laravel@5.5.0", Ecosystem.PACKAGIST, "laravel/laravel", "5.5.0"),
        ("pkg:composer/symfony/yaml@v6.4.0", Ecosystem.PACKAGIST, "Symfony/Yaml", "v6.4.0"),
    ],
)
def test_purl(expected: str, ecosystem: Ecosystem, name: str, version: str) -> None:
    """purls follow the spec: normalised PyPI names, encoded npm scopes, Go paths."""
    assert expected == Package(ecosystem=ecosystem, name=name, version=version).purl


def test_purl_of_git_source_carries_vcs_url() -> None:
    """Non-registry packages are told apart from registry ones by a qualifier."""
    source = Source(kind=SourceKind.GIT, url="https://x.invalid/a.git", reference="abc123")
    assert (
        make_purl(Ecosystem.PYPI, "a", "1.0", source)
        == "pkg:pypi/a@1.0?vcs_url=git%2Bhttps://x.invalid/a.git%40abc123"
    )


def test_canonical_pypi_name() -> None:
    """PEP 503: runs of -_. become one dash, lowercase."""
    assert canonical_pypi_name("Foo__Bar.-Baz") == "foo-bar-baz"


def test_merged_with_unions_scopes_hashes_and_locations() -> None:
    """Two sightings of one package combine what each file said."""
    a = Package(
        ecosystem=Ecosystem.PYPI,
        name="a",
        version="1",
        scopes=frozenset({"main"}),
        hashes=frozenset({Hash(algorithm="sha256", value="aa")}),
        found_in=(Location(path="b.txt", line=2),),
    )
    b = Package(
        ecosystem=Ecosystem.PYPI,
        name="A",
        version="1",
        scopes=frozenset({"dev"}),
        found_in=(Location(path="a.txt", line=1),),
    )
    merged = a.merged_with(b)
    assert merged.scopes == frozenset({"main", "dev"})
    assert merged.found_in == (Location(path="a.txt", line=1), Location(path="b.txt", line=2))
    assert len(merged.hashes) == 1


@pytest.mark.parametrize("text", ["pypi", "PyPI", "PYPI"])
def test_ecosystem_parse(text: str) -> None:
    """Ecosystems are accepted in OSV, purl and lowercase spellings."""
    assert Ecosystem.PYPI is Ecosystem.parse(text)
    assert Ecosystem.GO is Ecosystem.parse("golang")


@pytest.mark.parametrize(
    ("ecosystem", "spellings"),
    [
        (Ecosystem.CRATES_IO, ["crates.io", "cargo", "CRATES_IO"]),
        (Ecosystem.RUBYGEMS, ["RubyGems", "gem", "rubygems"]),
        (Ecosystem.PACKAGIST, ["Packagist", "composer", "packagist"]),
    ],
)
def test_new_ecosystems_parse_from_osv_and_purl_names(
    ecosystem: Ecosystem, spellings: list[str]
) -> None:
    """crates.io, RubyGems and Packagist accept their OSV name and their purl type."""
    assert [ecosystem] * len(spellings) == [Ecosystem.parse(s) for s in spellings]


def test_ecosystem_parse_rejects_unknown() -> None:
    """An unknown ecosystem names the accepted ones."""
    with pytest.raises(ValueError, match=r"expected one of PyPI, npm, Go, crates\.io"):
        Ecosystem.parse("maven")


def test_severity_order() -> None:
    """Severities rank from unknown to critical."""
    ranks = [s.rank for s in (Severity.UNKNOWN, Severity.LOW, Severity.MEDIUM, Severity.HIGH)]
    assert ranks == sorted(ranks)
    assert Severity.CRITICAL.rank > Severity.HIGH.rank


def test_merging_locations_with_and_without_a_line() -> None:
    """Sightings in one file with and without a line number merge without error, sorted by
    path, then line (none first), then key."""
    where = [
        Location(path="poetry.lock", line=7, key="package[1]"),
        Location(path="poetry.lock", key="package[0]"),
    ]
    a = Package(ecosystem=Ecosystem.PYPI, name="a", version="1", found_in=(where[0],))
    b = Package(ecosystem=Ecosystem.PYPI, name="a", version="1", found_in=(where[1],))
    assert (where[1], where[0]) == a.merged_with(b).found_in


def test_values_from_lockfiles_are_redacted_as_they_are_built() -> None:
    """The one place credentials are taken out: building the model's types. Whatever a
    collector passes in, no field keeps the secret (and a package's purl is built from the
    redacted source)."""
    from auditor.core.model import CollectResult, Edge, FileError, SkippedPackage

    url = "https://t0ken@h.invalid/x.tgz?X-Amz-Credential=AKIA&sig=s1g"
    source = Source(kind=SourceKind.URL, url=url, reference=f"{url}#x")
    package = Package(ecosystem=Ecosystem.NPM, name="x", version=url, source=source)
    where = Location(path="yarn.lock", line=3, key=f"x@{url}")
    values = [
        source.url,
        source.reference,
        package.version,
        package.id,
        where.key,
        Edge(parent="root:a", child=package.id, requirement=f"x@{url}").requirement,
        SkippedPackage(
            ecosystem=Ecosystem.NPM, name="x", requirement=url, reason=url, location=where
        ).reason,
        FileError(path="p", message=f"bad {url}", key=url).render(),
        *CollectResult(
            path="p", collector="c", ecosystem=Ecosystem.NPM, registries=(url,)
        ).registries,
    ]
    assert [] == [v for v in values if v and ("t0ken" in v or "AKIA" in v or "s1g" in v)]
    assert "https://****@h.invalid/x.tgz?X-Amz-Credential=****&sig=****" == source.url
