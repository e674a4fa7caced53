"""Structural fuzzing of the TOML lockfile collectors.

Mutating the text of a lockfile mostly breaks its syntax; these tests keep the TOML valid
and break its shape instead: a value anywhere in a real lockfile is replaced by a value of
another type (or removed), the document is written back as TOML, and the collector must
either parse it or raise a ``LockfileError`` naming the file.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.collectors import plugins
from tests.fuzzing import clean_error, reshape
from tests.support import FIXTURES, case_bounds

# Per reshaped window of 12 packages: measured at most 0.05 s of CPU and 1.1 MB (300 cases).
FUZZ_SECONDS, FUZZ_PEAK_MB = 1.0, 50.0

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TOML_COLLECTORS = ["poetry-lock", "uv-lock", "pdm-lock", "pylock", "cargo-lock"]


def to_toml(document: dict[str, Any]) -> str:
    """Write a document as ``key = <inline value>`` lines (valid TOML for any shape)."""
    return "".join(f"{_key(k)} = {_value(v)}\n" for k, v in document.items())


def _key(key: str) -> str:
    return json.dumps(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return json.dumps(value.isoformat())
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"


@functools.cache
def _parsed(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text())


def _window(path: Path, start: int) -> dict[str, Any]:
    """A copy of the lockfile with at most 12 of its packages (from ``start``), so each
    example stays fast whatever the size of the real file."""
    document = _parsed(path)
    key = "packages" if "packages" in document else "package"
    copied = copy.deepcopy({k: v for k, v in document.items() if k != key})
    packages = document.get(key, [])
    if isinstance(packages, list):
        begin = start % len(packages) if packages else 0
        copied[key] = copy.deepcopy(packages[begin : begin + 12])
    return copied


def _real_files(name: str) -> list[Path]:
    collector = plugins.get(name)
    files = (FIXTURES / name / "real").rglob("*")
    return sorted(p for p in files if p.is_file() and collector.claims(p.name))


@pytest.mark.slow
@pytest.mark.parametrize("name", TOML_COLLECTORS)
@given(data=st.data())
def test_reshaped_real_files_raise_only_lockfile_errors(name: str, data: st.DataObject) -> None:
    """Any value of a real lockfile replaced or removed: parsed, or one LockfileError line."""
    collector = plugins.get(name)
    path = data.draw(st.sampled_from(_real_files(name)))
    document = _window(path, data.draw(st.integers(0, 300)))
    reshape(document, data)
    with case_bounds(seconds=FUZZ_SECONDS, peak_mb=FUZZ_PEAK_MB):
        clean_error(collector, to_toml(document), path.name)
