"""The target environment: marker evaluation, the project's Pythons, and when a marker binds."""

from __future__ import annotations

from packaging.markers import Marker

from auditor.core.model import Ecosystem, Root
from auditor.versions.markers import (
    SAMPLE_PYTHONS,
    TargetEnvironment,
    for_project,
    marker_extras,
    supported_pythons,
)

PY2 = Marker('python_version < "3"')
WINDOWS = Marker('sys_platform == "win32"')
SOCKS = Marker("extra == 'socks'")


def test_any_environment_holds_where_some_environment_does() -> None:
    """Without a target, a marker holds when it holds somewhere in the grid."""
    anywhere = TargetEnvironment()
    assert anywhere.holds(PY2)
    assert anywhere.holds(WINDOWS)
    assert not anywhere.holds(Marker('python_version < "2"'))
    assert not anywhere.holds(SOCKS)
    assert anywhere.holds(SOCKS, extras=["socks"])
    assert anywhere.holds_for_some_extra(SOCKS)


def test_a_target_narrows() -> None:
    """--python-version and --platform name one environment."""
    linux311 = TargetEnvironment(python_version="3.11", platform="linux")
    assert not linux311.holds(PY2)
    assert not linux311.holds(WINDOWS)
    assert linux311.holds(Marker('python_version >= "3.8" and os_name == "posix"'))
    assert "Python 3.11 on linux" == linux311.describe()


def test_applies_needs_something_known() -> None:
    """A marker binds only when a target or the project's Pythons are known."""
    assert TargetEnvironment().applies(None)
    assert not TargetEnvironment().applies(PY2)
    assert TargetEnvironment(supported=("2.7",)).applies(PY2)
    assert not TargetEnvironment(supported=("3.8",)).applies(PY2)


def test_supported_pythons() -> None:
    """PEP 440 and Poetry spellings; a minor counts when some patch release of it does."""
    assert ("3.8",) == supported_pythons("~3.8")
    assert ("3.8",) == supported_pythons("==3.8.*")
    assert ("3.8",) == supported_pythons(">=3.8.1,<3.9")
    assert SAMPLE_PYTHONS[SAMPLE_PYTHONS.index("3.10") :] == supported_pythons(">=3.10")
    assert supported_pythons("not a specifier") is None


def test_for_project_unions_every_python_root() -> None:
    """Every Python root must say; a target Python version wins."""
    a = Root(id="root:a", name="a", ecosystem=Ecosystem.PYPI, path="a", requires_python="~3.8")
    b = Root(id="root:b", name="b", ecosystem=Ecosystem.PYPI, path="b", requires_python="==3.11.*")
    npm = Root(id="root:c", name="c", ecosystem=Ecosystem.NPM, path="c")
    assert ("3.8", "3.11") == for_project(TargetEnvironment(), [a, b, npm]).supported
    unknown = Root(id="root:d", name="d", ecosystem=Ecosystem.PYPI, path="d")
    assert for_project(TargetEnvironment(), [a, unknown]).supported is None
    target = TargetEnvironment(python_version="3.12")
    assert target is for_project(target, [a])


def test_marker_extras() -> None:
    """The extras a marker names, either way round."""
    marker = Marker("extra == 'socks' or 'security' == extra")
    assert ("security", "socks") == marker_extras(marker)
