"""go.sum, `go mod graph` output and minimal version selection."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from auditor.collectors.base import InputFile
from auditor.collectors.go.graph import parse_go_sum, parse_mod_graph, version_key
from tests.support import FIXTURES

MVS = FIXTURES / "go-mod/cases/mvs"


def test_versions_order_like_semver() -> None:
    """Pre-releases (pseudo-versions included) sort before their release; numeric
    identifiers compare as numbers; +incompatible does not change the order."""
    ordered = [
        "v0.0.0-20180101000000-aaaaaaaaaaaa",
        "v0.0.0-20190101000000-bbbbbbbbbbbb",
        "v0.1.0",
        "v1.0.0-alpha",
        "v1.0.0-alpha.1",
        "v1.0.0-alpha.beta",
        "v1.0.0-beta.2",
        "v1.0.0-beta.11",
        "v1.0.0-rc.1",
        "v1.0.0",
        "v1.2.0",
        "v1.10.0",
        "v2.0.0+incompatible",
    ]
    shuffled = random.Random(7).sample(ordered, len(ordered))
    assert ordered == sorted(shuffled, key=version_key)


_PRE = st.sampled_from(["alpha", "alpha.1", "beta.2", "rc.1", "0.20190101000000-abcdef123456"])


@given(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99), _PRE, st.sampled_from([0, 1, 2]))
def test_version_key_release_rules(major: int, minor: int, patch: int, pre: str, bump: int) -> None:
    """A pre-release sorts before its release, which sorts before any bumped version (and
    that version's pre-releases)."""
    release = f"v{major}.{minor}.{patch}"
    parts = [major, minor, patch]
    parts[bump] += 1
    parts[bump + 1 :] = [0] * (2 - bump)
    bumped = "v{}.{}.{}".format(*parts)
    assert version_key(f"{release}-{pre}") < version_key(release)
    assert version_key(release) < version_key(f"{bumped}-{pre}") < version_key(bumped)


def test_selection_of_the_recorded_go_command_graphs() -> None:
    """On both recorded graphs, selection equals `go list -m all` (the main module aside)."""
    for go in ("go1.16", "go1.17"):
        text = (MVS / go / "go.mod.graph").read_text()
        graph = parse_mod_graph(InputFile(path="go.mod.graph", text=text))
        listed = (MVS / go / "go-list-m-all.txt").read_text().splitlines()
        assert "example.com/app" == graph.main == listed[0]
        expected = dict(line.split(" => ")[0].split() for line in listed[1:])
        assert expected == graph.selected()


def test_go_sum_keeps_h1_hashes_and_ignores_other_algorithms() -> None:
    """Unknown hash algorithms are ignored, as the go command does; blank lines too."""
    text = (
        "example.com/a v1.0.0 h1:dueUQJ1C2q9oE3F7wvmSGAaVtTmUizReu6fjN8uqzbQ=\n\n"
        "example.com/a v1.0.0 h2:whatever\n"
    )
    sums = parse_go_sum(InputFile(path="go.sum", text=text))
    assert {("example.com/a", "v1.0.0")} == set(sums)
    assert ["go-h1"] == [h.algorithm for h in sums[("example.com/a", "v1.0.0")]]
