"""Structural fuzzing of the JSON and YAML lockfiles of every format version: package-lock
1, 2 and 3, Pipfile.lock, pnpm-lock 5.3, 5.4, 6.0, 9.0 and its two-document form, yarn berry.

A value anywhere in a real lockfile is replaced by a value of another type (or removed),
and the document is written back as valid JSON or YAML: the text stays readable, so the
collector's own reading of every field is what gets exercised. It parses, or raises one
LockfileError line naming the file, within the case's time and memory bounds. (The big
tables are cut to a window of 12 entries, so each case stays fast whatever the file.)
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.collectors import plugins
from tests.collectors.seeds import SeedGroup, seed_groups
from tests.fuzzing import clean_error, reshape
from tests.support import case_bounds

JSON = ("npm-package-lock", "pipfile-lock")
YAML = ("pnpm-lock", "yarn-lock")
# Per reshaped window: measured at most 0.05 s of CPU and 1.3 MB (docs/testing.md).
FUZZ_SECONDS, FUZZ_PEAK_MB = 1.0, 50.0
WINDOW = 12
GROUPS = [
    g
    for g in seed_groups()
    if g.collector in JSON or (g.collector in YAML and g.version != "classic")
]


class _Dumper(yaml.SafeDumper):
    """Plain YAML: a value used twice is written twice (the collectors refuse aliases)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


@functools.cache
def _documents(path: Path) -> tuple[Any, ...]:
    text = path.read_text()
    if path.suffix == ".json" or text.lstrip().startswith("{"):
        return (json.loads(text),)
    return tuple(yaml.safe_load_all(text))


def _window(document: Any, start: int) -> Any:
    """A copy with each big top-level table or list cut to 12 entries from ``start``."""
    if not isinstance(document, dict):
        return copy.deepcopy(document)
    keys = list(document)
    if len(keys) > WINDOW * 4:  # yarn berry: every entry is a top-level key
        entries = [k for k in keys if "@" in k]
        begin = start % len(entries) if entries else 0
        kept = {*(k for k in keys if "@" not in k), *entries[begin : begin + WINDOW]}
        keys = [k for k in keys if k in kept]
    copied = copy.deepcopy({k: document[k] for k in keys})
    for key, value in copied.items():
        if isinstance(value, dict) and len(value) > WINDOW:
            items = list(value.items())
            begin = start % len(items)
            copied[key] = dict(items[begin : begin + WINDOW])
        elif isinstance(value, list) and len(value) > WINDOW:
            begin = start % len(value)
            copied[key] = value[begin : begin + WINDOW]
    return copied


def _text(documents: list[Any], as_json: bool) -> str:
    if as_json:
        return json.dumps(documents[0], indent=2)
    if len(documents) == 1:
        return yaml.dump(documents[0], Dumper=_Dumper, sort_keys=False)
    # pnpm 10: the env document, then the lockfile, each started by ---
    return "".join("---\n" + yaml.dump(d, Dumper=_Dumper, sort_keys=False) for d in documents)


def test_every_structured_format_version_is_covered() -> None:
    """The groups fuzzed here: every version of these collectors the seeds have."""
    ids = {g.id for g in GROUPS}
    assert {"npm-package-lock:1", "npm-package-lock:2", "npm-package-lock:3"} <= ids
    assert {f"pnpm-lock:{v}" for v in ("5.3", "5.4", "6.0", "9.0", "two-documents")} <= ids
    assert {"pipfile-lock:6", "yarn-lock:10"} <= ids


@pytest.mark.slow
@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g.id)
@settings(max_examples=max(15, settings().max_examples // 4))
@given(data=st.data())
def test_reshaped_real_files_raise_only_lockfile_errors(
    group: SeedGroup, data: st.DataObject
) -> None:
    """Any value of a real lockfile of this version replaced or removed: parsed, or one
    LockfileError line naming the file."""
    collector = plugins.get(group.collector)
    path = data.draw(st.sampled_from(group.files))
    start = data.draw(st.integers(0, 2000))
    documents = [_window(d, start) for d in _documents(path)]
    reshape(documents[-1], data)  # the lockfile (pnpm's env document comes first)
    text = _text(documents, as_json=group.collector in JSON)
    with case_bounds(seconds=FUZZ_SECONDS, peak_mb=FUZZ_PEAK_MB):
        clean_error(collector, text, path.name)
