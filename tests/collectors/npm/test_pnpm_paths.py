"""pnpm dependency paths: keys of each lockfile version and references to them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.collectors.npm.pnpm_paths import (
    is_semver,
    parse_key,
    reference_key,
    remove_peer_suffix,
)


@pytest.mark.parametrize(
    ("key", "major", "expected"),
    [
        ("/foo/1.0.0", 5, ("foo", "1.0.0", True)),
        ("/@a/b/1.0.0_react@18.2.0+x@1.0.0", 5, ("@a/b", "1.0.0", True)),
        ("registry.invalid/@a/b/1.1.0", 5, ("@a/b", "1.1.0", True)),
        ("github.com/owner/repo/abc123", 5, (None, None, False)),
        ("/foo@1.0.0(react@18.2.0(x@1.0.0))", 6, ("foo", "1.0.0", True)),
        ("/@a/b@1.0.0-rc.1", 6, ("@a/b", "1.0.0-rc.1", True)),
        ("@a/b@1.0.0(patch_hash=abc)", 9, ("@a/b", "1.0.0", True)),
        ("foo@https://x.invalid/foo.tgz", 9, ("foo", None, False)),
        ("file:../x", 9, (None, None, False)),
        ("foo@1.0", 9, ("foo", None, False)),
    ],
)
def test_parse_key(key: str, major: int, expected: tuple[str | None, str | None, bool]) -> None:
    """Keys of each lockfile version give pnpm's name and version."""
    parts = parse_key(key, major)
    assert expected == (parts.name, parts.version, parts.registry)


@pytest.mark.parametrize(
    ("ref", "name", "major", "expected"),
    [
        ("1.0.0", "foo", 5, "/foo/1.0.0"),
        ("/bar/1.0.0", "foo", 5, "/bar/1.0.0"),
        ("1.0.0(@types/node@20.0.0)", "foo", 6, "/foo@1.0.0(@types/node@20.0.0)"),
        ("/bar@1.0.0", "foo", 6, "/bar@1.0.0"),
        ("file:x", "foo", 6, "file:x"),
        ("1.0.0(react@18.2.0)", "foo", 9, "foo@1.0.0(react@18.2.0)"),
        ("bar@1.0.0(react@18.2.0)", "foo", 9, "bar@1.0.0(react@18.2.0)"),
        ("@s/bar@1.0.0", "foo", 9, "@s/bar@1.0.0"),
        ("https://u@x.invalid/a.tgz", "foo", 9, "foo@https://u@x.invalid/a.tgz"),
        ("link:../x", "foo", 9, None),
    ],
)
def test_reference_key(ref: str, name: str, major: int, expected: str | None) -> None:
    """A dependency reference resolves to the key pnpm would look up."""
    assert expected == reference_key(ref, name, major)


def test_remove_peer_suffix_balances_parentheses() -> None:
    """Nested peer groups and patch hashes are removed whole."""
    key = "a@1.0.0(b@2.0.0(c@3.0.0))(d@4.0.0)(patch_hash=ff)"
    assert "a@1.0.0" == remove_peer_suffix(key)
    assert "(a)" == remove_peer_suffix("(a)")


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("1.0.0", True),
        ("1.0.0-rc.1+build.5", True),
        ("18.3.0-canary-ab31a9ed2-20230824", True),
        ("01.0.0", False),
        ("1.0", False),
        ("1.0.0-01", False),
        ("v1.0.0", False),
    ],
)
def test_is_semver(text: str, valid: bool) -> None:
    """Key versions are strict semver, as pnpm's ``semver.valid`` reads them."""
    assert valid is is_semver(text)


_NAMES = st.from_regex(r"(@[a-z][a-z0-9-]{0,8}/)?[a-z][a-z0-9._-]{0,12}", fullmatch=True)
_VERSIONS = st.from_regex(
    r"(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})", fullmatch=True
)
_PEERS = st.lists(st.tuples(_NAMES, _VERSIONS), max_size=3)


@given(name=_NAMES, version=_VERSIONS, peers=_PEERS)
def test_keys_written_by_each_version_read_back(
    name: str, version: str, peers: list[tuple[str, str]]
) -> None:
    """A key as pnpm 5, 6 and 9 write it gives back the name and version whatever its peers,
    and the reference a dependent writes (version + peer suffix) resolves to that key."""
    v5_peers = "+".join(f"{n.replace('/', '+')}@{v}" for n, v in peers)
    suffixes = {5: f"_{v5_peers}" if peers else "", 6: "", 9: ""}
    suffixes[6] = suffixes[9] = "".join(f"({n}@{v})" for n, v in peers)
    keys = {
        5: f"/{name}/{version}{suffixes[5]}",
        6: f"/{name}@{version}{suffixes[6]}",
        9: f"{name}@{version}{suffixes[9]}",
    }
    for major, key in keys.items():
        parts = parse_key(key, major)
        assert (name, version, True) == (parts.name, parts.version, parts.registry)
        assert key == reference_key(f"{version}{suffixes[major]}", name, major)
