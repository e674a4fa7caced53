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
from auditor.core.errors import LockfileError
from tests.collectors.pypi.test_structure_fuzz import _VALUES, _paths, _replace
from tests.support import FIXTURES, case_bounds, collect_text

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
    paths = _paths(document)
    for _ in range(data.draw(st.integers(1, 3))):
        target = data.draw(st.sampled_from(paths))
        try:
            _replace(document, target, data.draw(_VALUES), delete=data.draw(st.booleans()))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or reshaped this path
    message = None
    text = json.dumps(document, indent=2)
    try:
        with case_bounds(seconds=FUZZ_SECONDS, peak_mb=FUZZ_PEAK_MB):
            collect_text(collector, text, path.name)
    except LockfileError as exc:
        message = str(exc)
    if message is not None:
        assert message.startswith(path.name)
        assert "\n" not in message
