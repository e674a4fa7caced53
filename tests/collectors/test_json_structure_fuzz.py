"""Structural fuzzing of the JSON lockfile collectors (composer.lock, bun.lock): a value
anywhere in a real lockfile replaced by a value of another type (or removed), written back
as JSON; the collector parses it or raises one LockfileError line naming the file."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.collectors import plugins
from auditor.collectors.npm.bun import strip_jsonc
from tests.fuzzing import clean_error, reshape
from tests.support import FIXTURES, case_bounds

JSON_COLLECTORS = ["composer-lock", "bun-lock"]
LISTS = {"composer-lock": ("packages", "packages-dev"), "bun-lock": ("packages",)}
# Per reshaped window: measured at most 0.03 s of CPU and under 0.1 MB (120 cases).
FUZZ_SECONDS, FUZZ_PEAK_MB = 1.0, 50.0


@functools.cache
def _parsed(path: Path) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(strip_jsonc(path.read_text()))
    return value


def _window(name: str, path: Path, start: int) -> dict[str, Any]:
    """A copy of the lockfile with at most 12 entries per package list, from ``start``."""
    document = copy.deepcopy(_parsed(path))
    for key in LISTS[name]:
        entries = document.get(key)
        if isinstance(entries, list) and entries:
            begin = start % len(entries)
            document[key] = entries[begin : begin + 12]
        elif isinstance(entries, dict) and entries:
            items = list(entries.items())
            begin = start % len(items)
            document[key] = dict(items[begin : begin + 12])
    return document


@pytest.mark.slow
@pytest.mark.parametrize("name", JSON_COLLECTORS)
@given(data=st.data())
def test_reshaped_real_files_raise_only_lockfile_errors(name: str, data: st.DataObject) -> None:
    """Any value of a real lockfile replaced or removed: parsed, or one LockfileError line."""
    collector = plugins.get(name)
    files = sorted(p for p in (FIXTURES / name / "real").rglob("*") if collector.claims(p.name))
    path = data.draw(st.sampled_from(files))
    document = _window(name, path, data.draw(st.integers(0, 300)))
    reshape(document, data)
    with case_bounds(seconds=FUZZ_SECONDS, peak_mb=FUZZ_PEAK_MB):
        clean_error(collector, json.dumps(document, indent=2), path.name)
