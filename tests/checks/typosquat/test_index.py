"""The prebuilt index: the shipped files are what the script builds, a damaged or stale one
is never trusted, and building leaves the garbage collector as it found it."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.checks.typosquat import index as index_module
from auditor.checks.typosquat import prebuilt
from auditor.checks.typosquat.index import TargetIndex, build_payload
from auditor.checks.typosquat.packed import IndexFormatError, Payload
from auditor.checks.typosquat.popular import BUNDLED_ECOSYSTEMS, bundled
from auditor.checks.typosquat.tuning import TyposquatSettings
from auditor.core.model import Ecosystem
from tests.checks.typosquat.support import pypi_list

ROOT = Path(__file__).parents[3]
SCRIPT = ROOT / "scripts" / "build_typosquat_index.py"
SMALL = pypi_list({"requests": 1, "numpy": 2, "django": 3, "flask": 4})


@pytest.mark.slow
@pytest.mark.parametrize("ecosystem", BUNDLED_ECOSYSTEMS, ids=lambda e: e.value)
def test_shipped_index_is_what_the_script_builds(ecosystem: Ecosystem) -> None:
    """data/typosquat/<ecosystem>.idx is byte for byte what scripts/build_typosquat_index.py
    builds from data/popular/ with today's default settings."""
    shipped = (ROOT / prebuilt.index_path(ecosystem)).read_bytes()
    assert prebuilt.build_index_file(ecosystem) == shipped
    index = prebuilt.prebuilt_index(ecosystem)
    assert prebuilt.current(index, ecosystem)
    assert len(bundled(ecosystem)) == len(index.names)


@pytest.mark.slow
def test_script_check_mode_agrees(tmp_path: Path) -> None:
    """``--check`` passes on the repository and fails (exit 1, naming the file) on a copy
    whose index is out of date; without it the script writes the files."""
    ok = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert 0 == ok.returncode, ok.stderr
    wrote = subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == wrote.returncode, wrote.stderr
    stale = tmp_path / prebuilt.index_path(Ecosystem.PYPI)
    stale.write_bytes(stale.read_bytes()[:-1] + b"x")
    failed = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 1 == failed.returncode
    assert f"{stale}: out of date" in failed.stderr


def test_a_stale_or_damaged_index_is_not_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """An index of another list (or other settings) is rebuilt in memory: the answers are
    the bundled list's, never the stale file's."""
    stale = TargetIndex(build_payload(SMALL, TyposquatSettings(), digest="0" * 64), "x")
    assert not prebuilt.current(stale, Ecosystem.PYPI)
    with pytest.raises(IndexFormatError, match=r"^f\.idx: not a typosquat index"):
        Payload(b"nonsense", "f.idx")
    with pytest.raises(IndexFormatError, match=r"^f\.idx: damaged typosquat index header"):
        Payload(b"auditor-typosquat-index\n{broken\n", "f.idx")
    monkeypatch.setattr(prebuilt, "bundled_data", lambda *parts: Path("/nonexistent/x.idx"))
    prebuilt.prebuilt_index.cache_clear()
    try:
        rebuilt = prebuilt.prebuilt_index(Ecosystem.PYPI)
        assert len(bundled(Ecosystem.PYPI)) == len(rebuilt.names)
    finally:
        prebuilt.prebuilt_index.cache_clear()


@pytest.fixture
def restore_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


def build() -> TargetIndex:
    return TargetIndex(build_payload(SMALL, TyposquatSettings(), digest=""), "test")


@pytest.mark.usefixtures("restore_gc")
@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_restored(enabled: bool) -> None:
    """The collector is paused during the build only: enabled before, enabled after; a
    caller that had disabled it keeps it disabled."""
    (gc.enable if enabled else gc.disable)()
    index = build()
    assert enabled == gc.isenabled()
    assert index.one_edit("reqests")  # the tables were built


@pytest.mark.usefixtures("restore_gc")
def test_the_collector_is_restored_when_the_build_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gc.enable()

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("broken build")

    monkeypatch.setattr(index_module, "_build", broken)
    with pytest.raises(RuntimeError, match="broken build"):
        build()
    assert gc.isenabled()
