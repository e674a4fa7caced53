"""Shared npm helpers: specifiers, aliases, git detection, resolved URLs, dependencies."""

from __future__ import annotations

import pytest

from auditor.collectors.npm.common import (
    Dep,
    alias_target,
    classify,
    clip,
    declared_deps,
    integrity_hashes,
    is_git_spec,
    registry_base,
    split_spec,
)
from auditor.core.documents import Doc
from auditor.core.model import Hash, Source, SourceKind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lodash@^4.17.0", ("lodash", "^4.17.0")),
        ("@babel/core@^7.0.0", ("@babel/core", "^7.0.0")),
        ("lodash", ("lodash", "")),
        ("@babel/core", ("@babel/core", "")),
        ("a@npm:b@1.0.0", ("a", "npm:b@1.0.0")),
    ],
)
def test_split_spec(text: str, expected: tuple[str, str]) -> None:
    """The first ``@`` after the name separates it from the range; scopes keep theirs."""
    assert expected == split_spec(text)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("npm:string-width@^4.2.0", ("string-width", "^4.2.0")),
        ("npm:@typescript/typescript6@6.0.2", ("@typescript/typescript6", "6.0.2")),
        ("npm:lodash", ("lodash", "")),
        ("^4.2.0", None),
        ("npm:", None),
        ("npm:not a name@1", None),
    ],
)
def test_alias_target(spec: str, expected: tuple[str, str] | None) -> None:
    """``npm:real@range`` names the real package; anything else is not an alias."""
    assert expected == alias_target(spec)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("github:user/repo#abc", True),
        ("user/repo", True),
        ("git+ssh://git@host.invalid/u/r.git#sha", True),
        ("https://host.invalid/u/r.git", True),
        ("https://host.invalid/u/r#main", True),
        ("https://host.invalid/pkg-1.0.0.tgz#deadbeef", False),
        ("^1.2.3", False),
        ("file:../x", False),
        ("./x/y", False),
    ],
)
def test_is_git_spec(spec: str, expected: bool) -> None:
    """Hosted-git shorthands, git URLs and URLs with a ref are git; tarballs are not."""
    assert expected == is_git_spec(spec)


SHA = "3754568bfd43a841d2d72d7fb54598635aea8fa4"


@pytest.mark.parametrize(
    ("resolved", "name", "source", "registry"),
    [
        (
            "https://reg.invalid/lodash/-/lodash-1.0.0.tgz",
            "lodash",
            Source(),
            "https://reg.invalid/",
        ),
        (
            "https://reg.invalid/@babel/core/-/core-7.0.0.tgz",
            "@babel/core",
            Source(),
            "https://reg.invalid/",
        ),
        (
            "https://u:secret@mirror.invalid/api/npm/@s%2fx/-/x-1.0.0.tgz",
            "@s/x",
            Source(),
            "https://****:****@mirror.invalid/api/npm/",
        ),
        (
            "https://files.invalid/lodash-1.0.0.tgz",
            "lodash",
            Source(kind=SourceKind.URL, url="https://files.invalid/lodash-1.0.0.tgz"),
            None,
        ),
        (
            f"git+ssh://git@host.invalid/u/r.git#{SHA}",
            "r",
            Source(kind=SourceKind.GIT, url="git+ssh://****@host.invalid/u/r.git", reference=SHA),
            None,
        ),
        (
            f"https://codeload.host.invalid/u/r/tar.gz/{SHA}",
            "r",
            Source(kind=SourceKind.GIT, url="https://host.invalid/u/r", reference=SHA),
            None,
        ),
        (
            f"https://lab.invalid/u/r/repository/archive.tar.gz?ref={SHA}",
            "r",
            Source(kind=SourceKind.GIT, url="https://lab.invalid/u/r", reference=SHA),
            None,
        ),
        (
            f"github:u/r#{SHA}",
            "r",
            Source(kind=SourceKind.GIT, url="github:u/r", reference=SHA),
            None,
        ),
        ("file:deps/x", "x", Source(kind=SourceKind.PATH, url="deps/x"), None),
        ("packages/foo", "foo", Source(kind=SourceKind.PATH, url="packages/foo"), None),
    ],
)
def test_classify(resolved: str, name: str, source: Source, registry: str | None) -> None:
    """Each kind of ``resolved`` string gives its source kind; registry bases are redacted."""
    result = classify(resolved, name)
    assert (source, registry) == (result.source, result.registry)


def test_classify_keeps_the_sha1_of_a_yarn_registry_url() -> None:
    """yarn classic appends the tarball's sha1 to registry URLs."""
    url = f"https://reg.invalid/a/-/a-1.0.0.tgz#{SHA}"
    assert frozenset({Hash(algorithm="sha1", value=SHA)}) == classify(url, "a").hashes


def test_registry_base_needs_the_registry_layout() -> None:
    """Only ``<base>/<name>/-/<file>.tgz`` URLs of the same package name are registries."""
    assert registry_base("https://r.invalid/a/-/a-1.0.0.tgz", "b") is None
    assert registry_base("https://r.invalid/a/-/README.md", "a") is None
    assert registry_base("ftp://r.invalid/a/-/a-1.0.0.tgz", "a") is None


def test_integrity_hashes_reads_every_listed_algorithm() -> None:
    """An SRI string may list several hashes; unknown ones are ignored."""
    text = "sha512-AAAA sha1-AAAA= md4-xx"
    assert {"sha512", "sha1"} == {h.algorithm for h in integrity_hashes(text)}
    assert frozenset() == integrity_hashes(None)


def test_declared_deps_later_kinds_override_earlier_ones() -> None:
    """peer < normal < optional < dev, as npm's arborist loads them."""
    doc = Doc(
        "package.json",
        {
            "peerDependencies": {"a": "1", "b": "1"},
            "dependencies": {"b": "2", "c": "2"},
            "optionalDependencies": {"c": "3"},
            "devDependencies": {"d": "4"},
        },
    )
    assert [
        Dep(name="a", spec="1", scope="peer"),
        Dep(name="b", spec="2"),
        Dep(name="c", spec="3", scope="optional"),
        Dep(name="d", spec="4", scope="dev"),
    ] == declared_deps(doc, dev=True)
    assert "d" not in {d.name for d in declared_deps(doc, dev=False)}


def test_clip_bounds_quoted_text() -> None:
    """Quoted user text in an error message is cut at 60 characters."""
    assert "'abc'" == clip("abc")
    assert "'" + "x" * 60 + "…'" == clip("x" * 500)


def test_classify_survives_urls_urllib_rejects() -> None:
    """A ``resolved`` value urllib cannot split is a plain URL source, not a crash."""
    result = classify("http://[::1/a/-/a-1.0.0.tgz", "a")
    assert (SourceKind.URL, None) == (result.source.kind, result.registry)
    assert registry_base("http://[::1/a/-/a-1.0.0.tgz", "a") is None


def test_a_registry_tarball_with_a_query_is_not_git() -> None:
    """A private registry's tarball URL with a token in its query and yarn's sha1 fragment
    is a registry package (audited), not a git checkout."""
    url = f"https://reg.invalid/a/-/a-1.0.0.tgz?access_token=t0k#{SHA}"
    assert not is_git_spec(url)
    resolved = classify(url, "a")
    assert (SourceKind.REGISTRY, "https://reg.invalid/") == (
        resolved.source.kind,
        resolved.registry,
    )
