"""The target index: its build leaves the garbage collector as it found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from auditor.checks.typosquat.index import TargetIndex
from auditor.core.model import Ecosystem

TARGETS = ("requests", "numpy", "django", "flask")


@pytest.fixture
def restore_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


def build() -> TargetIndex:
    return TargetIndex(Ecosystem.PYPI, TARGETS, min_edit_length=4, two_edit_targets=TARGETS)


@pytest.mark.usefixtures("restore_gc")
@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_restored(enabled: bool) -> None:
    """The collector is paused during the build only: enabled before, enabled after; a
    caller that had disabled it keeps it disabled."""
    (gc.enable if enabled else gc.disable)()
    index = build()
    assert enabled == gc.isenabled()
    assert index.edits.neighbours("reqests")  # the tables were built


@pytest.mark.usefixtures("restore_gc")
def test_the_collector_is_restored_when_the_build_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gc.enable()

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("broken build")

    monkeypatch.setattr(TargetIndex, "_build", broken)
    with pytest.raises(RuntimeError, match="broken build"):
        build()
    assert gc.isenabled()
