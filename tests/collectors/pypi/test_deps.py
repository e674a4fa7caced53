"""Helpers of the Python collectors: scopes, constraints, markers, requirement text, binding."""

from __future__ import annotations

import pytest

from auditor.collectors.pypi.deps import (
    ALWAYS,
    Condition,
    Locked,
    LockIndex,
    and_markers,
    can_coexist,
    extra_scope,
    group_scope,
    marker_truth,
    parse_constraint,
    parse_requirement,
    python_marker,
    requirement_text,
)
from auditor.core.documents import Doc
from auditor.core.errors import LockfileError
from auditor.core.model import Ecosystem, Package, Source, SourceKind


def test_scope_names() -> None:
    """Groups and extras are normalised; ``main`` and ``dev`` keep their own names."""
    assert ["main", "dev", "group:docs-build", "extra:socks"] == [
        group_scope("Main"),
        group_scope("dev"),
        group_scope("Docs_Build"),
        extra_scope("SOCKS"),
    ]


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        ("^1.2.3", ["1.2.3", "1.9"], ["1.2.2", "2.0"]),
        ("^0.2.3", ["0.2.9"], ["0.3.0"]),
        ("^0.0.3", ["0.0.3"], ["0.0.4"]),
        ("~1.2.3", ["1.2.9"], ["1.3.0"]),
        ("~1", ["1.9"], ["2.0"]),
        ("1.2.3", ["1.2.3"], ["1.2.4"]),
        ("1.2.*", ["1.2.7"], ["1.3"]),
        (">=1.2 <2.0", ["1.5"], ["2.0"]),
        ("~= 1.4", ["1.9"], ["2.0", "1.3"]),
        ("<0.1.0 || >0.1.0,<0.1.1 || >0.1.1", ["0.0.9", "0.1.0.5", "0.2"], ["0.1.0", "0.1.1"]),
        (">=3.19.0,<5.0.0dev", ["4.25.5"], ["5.0.0", "3.18"]),
        ("*", ["0.0.1", "99"], []),
    ],
)
def test_constraints_in_poetry_and_pep440_syntax(
    text: str, inside: list[str], outside: list[str]
) -> None:
    """Caret, tilde, bare versions, wildcards, space- and comma-separated ranges and
    ``||`` alternatives mean what Poetry means by them."""
    constraint = parse_constraint(text)
    assert constraint is not None
    assert all(constraint.contains(v) for v in inside)
    assert not any(constraint.contains(v) for v in outside)


def test_unparsable_constraint_and_version() -> None:
    """A constraint that is neither syntax is ``None``; a non-PEP 440 version is kept."""
    assert None is parse_constraint("latest please")
    constraint = parse_constraint(">=1")
    assert constraint is not None
    assert constraint.contains("not-a-version")


def test_requirement_text() -> None:
    """PEP 440 operators are glued to the name, Poetry constraints are in parentheses."""
    assert "a[x,y]>=1; os_name == 'nt'" == requirement_text(
        "a", ">=1", extras=["y", "x"], marker="os_name == 'nt'"
    )
    assert "b (^2.0)" == requirement_text("b", "^2.0")
    assert "c" == requirement_text("c", "*")


def test_python_constraint_as_marker() -> None:
    """Poetry's ``python = "..."`` becomes a marker on python_full_version."""
    assert 'python_full_version >= "3.8" and python_full_version < "4"' == python_marker("^3.8")
    assert (
        '(python_full_version >= "2.7" and python_full_version < "2.8")'
        ' or (python_full_version >= "3.4" and python_full_version < "4")'
    ) == python_marker("~2.7 || ^3.4")
    assert None is python_marker("*")
    assert "(a) and (b)" == and_markers("a", None, "b")


def test_markers_over_sample_environments() -> None:
    """Two markers can coexist when some sample environment satisfies both; a marker
    that nothing satisfies or that does not parse counts as unknown."""
    linux = marker_truth('sys_platform == "linux"')
    windows = marker_truth("sys_platform == 'win32'")
    old = marker_truth('python_version < "3.7"')
    assert not can_coexist(linux, windows)
    assert can_coexist(linux, old)
    assert None is marker_truth("platform_machine == 's390x'")
    assert None is marker_truth("not a marker")
    assert can_coexist(linux, None)
    assert marker_truth('extra == "socks" and os_name == "nt"') is not None


def _pkg(version: str, source: Source | None = None) -> Package:
    return Package(ecosystem=Ecosystem.PYPI, name="six", version=version, source=source or Source())


def test_bind_narrows_by_version_constraint_condition_and_source() -> None:
    """One candidate is returned as is; several are narrowed by exact version, then
    source kind, then constraint, then markers; nothing left narrows nothing."""
    old = Locked(package=_pkg("1.11.0"), condition=Condition('python_version < "3.7"'))
    new = Locked(package=_pkg("1.17.0"), condition=Condition('python_version >= "3.7"'))
    git = Locked(package=_pkg("1.17.0", Source(kind=SourceKind.GIT, url="https://g.invalid/six")))
    index = LockIndex([old, new, git])
    assert ["1.11.0"] == [p.version for p in index.bind("Six", version="1.11.0")]
    assert [git.package] == index.bind("six", kind=SourceKind.GIT)
    assert [old.package] == index.bind("six", constraint="<1.12")
    # the git entry has no marker: it cannot be ruled out for Python 2.7
    assert [old.package, git.package] == index.bind(
        "six", condition=Condition('python_version == "2.7"')
    )
    assert 3 == len(index.bind("six", constraint=">=9"))
    assert 3 == len(index.bind("six", condition=ALWAYS))
    assert [] == index.bind("seven")
    assert "SIX" in index


def test_parse_requirement_errors_name_the_key_on_one_line() -> None:
    """An invalid PEP 508 string is an error at its key; ``name_only`` keeps its name."""
    item = Doc("pdm.lock", "pkg @ file:///${PROJECT_ROOT}/x y z", "package[0].dependencies[0]")
    assert "pkg" == parse_requirement(item, name_only=True).name
    with pytest.raises(LockfileError) as info:
        parse_requirement(Doc("pdm.lock", "==1", "package[0].dependencies[1]"))
    assert "pdm.lock: not a PEP 508 requirement: '==1' in package[0].dependencies[1]" == str(
        info.value
    )
