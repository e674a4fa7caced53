"""Requirements as lockfiles and registries write them: the name, and what they admit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.core.model import Ecosystem
from auditor.versions.requirement import parse_requirement, poetry_constraint


@pytest.mark.parametrize(
    ("text", "name", "admits", "rejects"),
    [
        ("urllib3<1.24,>=1.21.1", "urllib3", "1.23", "1.24.2"),
        ("urllib3 (<1.24,>=1.21.1)", "urllib3", "1.23", "1.24"),  # METADATA 1.x style
        ('chardet<3.1.0,>=3.0.2; python_version >= "3.6"', "chardet", "3.0.4", "4.0.0"),
        ("Django (^3.0)", "django", "3.2.20", "4.0"),
        ("pytz (~2020.1)", "pytz", "2020.1", "2020.5"),
        ("six~1.15", "six", "1.15.0", "1.16.0"),  # poetry ~ written without parentheses
        ("attrs (19.3.0)", "attrs", "19.3.0", "19.3.1"),  # poetry exact
        ("numpy>=1,<2 || >=3", "numpy", "3.1", "2.5"),
        ("zope.interface[docs]>=5.0", "zope-interface", "5.1", "4.7"),
        ("rc-pkg>=1.0", "rc-pkg", "2.0b1", "0.9"),  # a locked pre-release was asked for
    ],
)
def test_pypi(text: str, name: str, admits: str, rejects: str) -> None:
    """PEP 508 and Poetry forms: the normalised name and the versions they admit."""
    parsed = parse_requirement(Ecosystem.PYPI, text)
    assert parsed is not None
    assert name == parsed.name
    assert (True, False) == (parsed.admits(admits), parsed.admits(rejects))


def test_pypi_unknowables() -> None:
    """A URL requirement admits nothing knowable; no specifier admits every version."""
    url = parse_requirement(Ecosystem.PYPI, "demo @ https://files.invalid/demo-1.0.tar.gz")
    assert url is not None
    assert url.admits("1.0") is None
    bare = parse_requirement(Ecosystem.PYPI, "demo")
    assert bare is not None
    assert (True, True) == (bare.admits("1.0"), bare.admits("not-a-version"))
    assert parse_requirement(Ecosystem.PYPI, "???") is None


@pytest.mark.parametrize(
    ("text", "version", "expected"),
    [
        ("lodash@^4.17.0", "4.17.21", True),
        ("lodash@^4.17.0", "5.0.0", False),
        ("@types/node@>=14 <20", "18.1.0", True),
        ("string-width-cjs@npm:string-width@^4.2.0", "4.2.3", True),  # an alias
        ("x@latest", "1.0.0", None),  # a dist-tag
        ("x@git+https://host.invalid/x.git#v1", "1.0.0", None),
        ("x@file:../x", "1.0.0", None),
        ("x@workspace:^1.0.0", "1.0.0", None),
        ("x@https://host.invalid/x.tgz", "1.0.0", None),
        ("x@*", "0.0.1", True),
    ],
)
def test_npm(text: str, version: str, expected: bool | None) -> None:
    """npm specifiers: ranges with npm's rules; everything else cannot be checked."""
    parsed = parse_requirement(Ecosystem.NPM, text)
    assert parsed is not None
    assert expected == parsed.admits(version)


def test_go_minimum() -> None:
    """Go: the selected version must be at or above the required one."""
    parsed = parse_requirement(Ecosystem.GO, "golang.org/x/text v0.3.7")
    assert parsed is not None
    assert ("golang.org/x/text", True, True, False) == (
        parsed.name,
        parsed.admits("v0.3.7"),
        parsed.admits("v0.4.0"),
        parsed.admits("v0.3.6"),
    )


def test_go_replacement_is_not_checked() -> None:
    """A requirement go.mod replaced by another module (or version) names the required
    module but admits nothing or everything: the replacement was the module's decision."""
    parsed = parse_requirement(
        Ecosystem.GO, "k8s.io/klog v1.0.0 => github.com/simonpasquier/klog-gokit v0.3.0"
    )
    assert parsed is not None
    assert ("k8s.io/klog", None, False) == (
        parsed.name,
        parsed.admits("0.3.0"),
        parsed.checkable,
    )


def test_poetry_constraints() -> None:
    """Carets and tildes on 0.x versions, the empty constraint, and nonsense."""
    assert "<0.3,>=0.2.3" == str(poetry_constraint("^0.2.3")[0])  # type: ignore[index]
    assert "<0.0.4,>=0.0.3" == str(poetry_constraint("^0.0.3")[0])  # type: ignore[index]
    assert () == poetry_constraint("*")
    assert poetry_constraint("^banana") is None


@given(st.text(max_size=80))
def test_never_raises(text: str) -> None:
    """Hostile lockfile text: parsing and admitting never raise."""
    for ecosystem in Ecosystem:
        parsed = parse_requirement(ecosystem, text)
        if parsed is not None:
            parsed.admits("1.0.0")


@pytest.mark.parametrize(
    ("text", "version", "expected"),
    [
        ("gensync@npm:^1.0.0-beta.2", "1.0.0-beta.2", True),  # yarn berry's npm: protocol
        ("@babel/preset-modules@npm:0.1.6-no-external-plugins", "0.1.6-no-external-plugins", True),
        ("resolve@npm:^2.0.0-next.6", "2.0.0-next.7", True),
        ("x@npm:@scope/real@^2.0.0", "2.1.0", True),  # an alias to a scoped package
        ("x@npm:@scope/real@^2.0.0", "1.0.0", False),
    ],
)
def test_npm_protocol_and_aliases(text: str, version: str, expected: bool) -> None:
    """``npm:`` is an alias (``npm:real@range``) for npm, a protocol (``npm:range``) for berry."""
    parsed = parse_requirement(Ecosystem.NPM, text)
    assert parsed is not None
    assert expected == parsed.admits(version)
