"""Version schemes: ordering tables, invalid input, and the total-order properties."""

from __future__ import annotations

import functools
import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.core.errors import AuditorError
from auditor.core.model import Ecosystem
from auditor.versions.base import InvalidVersion, VersionScheme
from auditor.versions.go import GoScheme, parse_pseudo
from auditor.versions.pep440 import Pep440Scheme
from auditor.versions.plugins import SCHEMES, scheme_for, semver_scheme_for
from auditor.versions.semver import SemverScheme
from tests.support import FIXTURES

TABLES = FIXTURES / "versions"
SCHEME_TABLES: dict[str, VersionScheme[Any]] = {
    "pep440": Pep440Scheme(),
    "semver": SemverScheme(),
    "go": GoScheme(),
}


def _token(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def read_table(name: str) -> tuple[list[list[tuple[str, str]]], list[str]]:
    """Chains as [(relation, version), ...] (the first relation is "") and invalid strings."""
    chains: list[list[tuple[str, str]]] = []
    invalid: list[str] = []
    for line in (TABLES / f"{name}.txt").read_text().splitlines():
        if line.startswith("#") or (not line.strip() and not line.startswith("!")):
            continue
        if line.startswith("!"):
            invalid.append(_token(line[1:]) if line[1:].strip() else line[1:].strip())
            continue
        parts = re.split(r"\s(<|==)\s", line)
        chain = [("", _token(parts[0]))]
        chain.extend((parts[i], _token(parts[i + 1])) for i in range(1, len(parts), 2))
        chains.append(chain)
    return chains, invalid


def table_cases() -> list[tuple[str, str, str, str]]:
    cases = []
    for name in SCHEME_TABLES:
        for chain in read_table(name)[0]:
            flat = [v for _, v in chain]
            # every pair in a chain: equal when only == separate them, else ordered
            for i in range(len(chain)):
                for j in range(i + 1, len(chain)):
                    relation = "==" if all(r == "==" for r, _ in chain[i + 1 : j + 1]) else "<"
                    cases.append((name, flat[i], relation, flat[j]))
    return cases


@pytest.mark.parametrize(("table", "a", "relation", "b"), table_cases())
def test_ordering_table(table: str, a: str, relation: str, b: str) -> None:
    """Each pair in the tables compares as written, in both directions."""
    scheme = SCHEME_TABLES[table]
    expected = 0 if relation == "==" else -1
    assert expected == scheme.compare(a, b)
    assert -expected == scheme.compare(b, a)
    assert (relation == "==") == scheme.equal(a, b)


@pytest.mark.parametrize(
    ("table", "text"), [(n, t) for n in SCHEME_TABLES for t in read_table(n)[1]]
)
def test_invalid_versions_raise_a_clear_error(table: str, text: str) -> None:
    """Strings that are not versions raise InvalidVersion (an AuditorError) naming both."""
    scheme = SCHEME_TABLES[table]
    with pytest.raises(InvalidVersion) as info:
        scheme.parse(text)
    assert isinstance(info.value, AuditorError)
    assert str(info.value).startswith(f"invalid {scheme.name} version {text.strip()!r}")
    assert not scheme.is_valid(text)


@pytest.mark.parametrize("scheme", list(SCHEME_TABLES.values()), ids=list(SCHEME_TABLES))
def test_oversized_input_is_rejected_before_parsing(scheme: VersionScheme[Any]) -> None:
    """A 100 kB "version" fails fast with a length message (no regex backtracking)."""
    with pytest.raises(InvalidVersion, match="longer than 256 characters"):
        scheme.parse("1." * 50_000)


def test_ascending_deduplicates_equal_spellings_and_keeps_invalid_last() -> None:
    """ascending() sorts by the scheme, keeps one spelling per version, invalid at the end."""
    scheme = Pep440Scheme()
    assert ["1.0a1", "1.0", "1.0.post1", "2019-09-12"] == scheme.ascending(
        ["1.0.post1", "1.0.0", "2019-09-12", "1.0", "1.0a1"]
    )


def test_canonical_spellings() -> None:
    """canonical() normalises per scheme (PEP 440 form, SemVer without prefix/build, Go v)."""
    assert "1.0a1" == Pep440Scheme().canonical("1.0.0-alpha.1".replace(".0-", "-"))
    assert "1.2.3-beta" == SemverScheme().canonical("=v1.2.3beta+build")
    assert "v2.0.0" == GoScheme().canonical("2.0.0+incompatible")


def test_registry_by_ecosystem() -> None:
    """Each ecosystem has a scheme; SEMVER ranges use Go's scheme for Go, npm's elsewhere."""
    assert set(Ecosystem) == set(SCHEMES)
    assert isinstance(scheme_for(Ecosystem.PYPI), Pep440Scheme)
    assert isinstance(scheme_for(Ecosystem.NPM), SemverScheme)
    assert isinstance(scheme_for(Ecosystem.GO), GoScheme)
    assert isinstance(semver_scheme_for(Ecosystem.GO), GoScheme)
    assert isinstance(semver_scheme_for(Ecosystem.PYPI), SemverScheme)


def test_pseudo_version_parts() -> None:
    """The three pseudo-version forms give the version they build on; tags are not pseudo."""
    assert "" == parse_pseudo("v0.0.0-20191109021931-daa7c04131f5").base
    after_release = parse_pseudo("v1.2.4-0.20191109021931-daa7c04131f5")
    assert after_release is not None
    assert ("v1.2.3", "20191109021931", "daa7c04131f5") == (
        after_release.base,
        after_release.timestamp,
        after_release.revision,
    )
    after_pre = parse_pseudo("v1.2.4-pre.0.20191109021931-daa7c04131f5+incompatible")
    assert after_pre is not None
    assert "v1.2.4-pre" == after_pre.base
    assert parse_pseudo("v1.2.3") is None
    assert parse_pseudo("v1.2.0-0.20191109021931-daa7c04131f5") is None  # no v1.1.-1


# -- properties --------------------------------------------------------------------------------

_NUM = st.integers(min_value=0, max_value=30)
_PRE_ID = st.one_of(
    st.integers(min_value=0, max_value=30).map(str),
    st.sampled_from(["alpha", "beta", "rc", "a", "b", "x-1", "0a", "pre"]),
)


@st.composite
def semver_texts(draw: st.DrawFn, prefix: str = "") -> str:
    text = f"{prefix}{draw(_NUM)}.{draw(_NUM)}.{draw(_NUM)}"
    pre = draw(st.lists(_PRE_ID, max_size=3))
    if pre:
        text += "-" + ".".join(pre)
    if draw(st.booleans()):
        text += "+" + draw(st.sampled_from(["build", "incompatible", "sha.5"]))
    return text


@st.composite
def pep440_texts(draw: st.DrawFn) -> str:
    text = ".".join(str(n) for n in draw(st.lists(_NUM, min_size=1, max_size=4)))
    if draw(st.booleans()):
        text = f"{draw(st.integers(0, 2))}!{text}"
    pre = draw(st.sampled_from(["", "a", "b", "rc"]))
    if pre:
        text += f"{pre}{draw(_NUM)}"
    if draw(st.booleans()):
        text += f".post{draw(_NUM)}"
    if draw(st.booleans()):
        text += f".dev{draw(_NUM)}"
    if draw(st.booleans()):
        text += "+" + draw(st.sampled_from(["local", "ubuntu.1", "0"]))
    return text


@st.composite
def go_texts(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        stamp = draw(st.integers(20100101000000, 20291231235959))
        major, minor, patch = draw(_NUM), draw(_NUM), draw(st.integers(1, 30))
        return f"v{major}.{minor}.{patch}-0.{stamp}-abcdef012345"
    return draw(semver_texts(prefix="v"))


STRATEGIES = {"pep440": pep440_texts(), "semver": semver_texts(), "go": go_texts()}


@pytest.mark.parametrize("name", list(SCHEME_TABLES))
def test_ordering_is_a_total_order(name: str) -> None:
    """compare() is antisymmetric, transitive and consistent with equal() and the keys."""
    scheme = SCHEME_TABLES[name]

    @given(st.lists(STRATEGIES[name], min_size=3, max_size=3))
    def check(texts: list[str]) -> None:
        a, b, c = texts
        for x, y in ((a, b), (b, c), (a, c)):
            assert scheme.compare(x, y) == -scheme.compare(y, x)
            assert (scheme.compare(x, y) == 0) == scheme.equal(x, y)
            assert (scheme.compare(x, y) == 0) == (scheme.parse(x) == scheme.parse(y))
        if scheme.compare(a, b) <= 0 and scheme.compare(b, c) <= 0:
            assert scheme.compare(a, c) <= 0
        ordered = sorted(texts, key=functools.cmp_to_key(scheme.compare))
        assert all(scheme.compare(x, y) <= 0 for x, y in itertools.pairwise(ordered))

    check()


def _spec_compare(a: str, b: str) -> int:
    """SemVer 2.0 section 11 written out directly: an independent reference."""

    def split(text: str) -> tuple[list[int], list[str]]:
        core, _, pre = text.split("+", maxsplit=1)[0].partition("-")
        return [int(p) for p in core.split(".")], pre.split(".") if pre else []

    (ca, pa), (cb, pb) = split(a), split(b)
    if ca != cb:
        return -1 if ca < cb else 1
    if not pa or not pb:
        return (not pa) - (not pb)
    for x, y in zip(pa, pb, strict=False):
        if x == y:
            continue
        if x.isdigit() and y.isdigit():
            return -1 if int(x) < int(y) else 1
        if x.isdigit() != y.isdigit():
            return -1 if x.isdigit() else 1
        return -1 if x < y else 1
    return (len(pa) > len(pb)) - (len(pa) < len(pb))


@given(semver_texts(), semver_texts())
def test_semver_agrees_with_the_specification(a: str, b: str) -> None:
    """SemverScheme orders like a literal reading of SemVer 2.0 precedence."""
    assert _spec_compare(a, b) == SemverScheme().compare(a, b)


@given(
    st.integers(0, 20),
    st.integers(0, 20),
    st.integers(0, 20),
    st.integers(20100101000000, 20291231235959),
)
def test_pseudo_version_sits_between_its_base_and_the_next_patch(
    major: int, minor: int, patch: int, stamp: int
) -> None:
    """vX.Y.(Z+1)-0.ts-rev sorts above vX.Y.Z and below vX.Y.(Z+1)."""
    go = GoScheme()
    pseudo = f"v{major}.{minor}.{patch + 1}-0.{stamp}-abcdefabcdef"
    assert go.compare(f"v{major}.{minor}.{patch}", pseudo) == -1
    assert go.compare(pseudo, f"v{major}.{minor}.{patch + 1}") == -1
    assert parse_pseudo(pseudo) is not None


def _node_semver() -> Path | None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return None
    root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, check=False)
    module = Path(root.stdout.strip()) / "npm" / "node_modules" / "semver"
    return module if module.is_dir() else None


@pytest.mark.network_peer
def test_semver_table_agrees_with_node_semver() -> None:
    """npm's own semver module (loose mode) sorts the table's valid versions the same way."""
    module = _node_semver()
    if module is None:
        pytest.skip("node and npm's bundled semver are not installed")
    versions = sorted({v for chain in read_table("semver")[0] for _, v in chain})
    script = (
        f"const s=require({json.dumps(str(module))});"
        "const v=JSON.parse(process.argv[1]);"
        "console.log(JSON.stringify(v.map(a=>v.map(b=>s.compare(a,b,true)))))"
    )
    proc = subprocess.run(
        ["node", "-e", script, json.dumps(versions)], capture_output=True, text=True, check=True
    )
    expected = json.loads(proc.stdout)
    scheme = SemverScheme()
    assert expected == [[scheme.compare(a, b) for b in versions] for a in versions]
