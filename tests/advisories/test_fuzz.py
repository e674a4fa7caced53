"""Hostile records: mutated real records either parse or fail with AdvisoryFormatError,
and whatever parses can be matched without an exception."""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.advisories.match import evaluate
from auditor.advisories.osv import AdvisoryFormatError, load_record, record_from_value
from auditor.advisories.osv_local import OsvLocalSource
from auditor.advisories.severity import rate
from auditor.checks.vulnerabilities import findings_for
from auditor.core.documents import yaml_value
from auditor.core.errors import SourceError
from tests.advisories.support import ADVISORIES, pkg
from tests.fuzzing import mutate
from tests.support import FIXTURES, case_bounds

# Per record, parsed and matched: measured at most 0.001 s of CPU and 0.1 MB (67 cases,
# the 10,000-deep nesting included).
FUZZ_SECONDS, FUZZ_PEAK_MB = 0.5, 25.0

SEEDS = sorted(ADVISORIES.rglob("*.json"))
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["0", "*", "", "1.0", "v1.2.3", "\x1b[2J", "99999999999999999999.0.0"]),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


@pytest.mark.slow
@given(st.sampled_from(SEEDS), st.data())
def test_mutated_records_fail_cleanly(seed: Any, data: st.DataObject) -> None:
    """Replace any node of a real record with junk: a clean error or a usable record."""
    value = json.loads(seed.read_text())
    mutated = copy.deepcopy(value)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(mutated)[1:]))
        target = mutated
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = data.draw(JUNK)
    with case_bounds(seconds=FUZZ_SECONDS, peak_mb=FUZZ_PEAK_MB):
        _parse_and_match(mutated, seed.name)


def _parse_and_match(mutated: Any, name: str) -> None:
    message = None
    try:
        record = record_from_value(mutated, name)
    except AdvisoryFormatError as exc:
        message = str(exc)
    if message is not None:
        assert message.startswith(name)
        assert "\n" not in message
        return
    for entry in record.affected:
        if entry.package is None:
            continue
        for version in ("0", "1.0.0", "v1.2.3", "2004d"):
            try:
                package = pkg(entry.package.ecosystem, entry.package.name, version)
            except ValueError:
                continue  # an ecosystem auditor does not audit
            evaluate(record, package)
            findings_for(package, [record])
    rate(record, record.affected)


@pytest.mark.parametrize("text", ["", "[]", "null", "{}", '{"id": 5}', "{" * 10_000, "\ufeff{"])
def test_junk_files(text: str) -> None:
    """Empty, wrongly shaped, deeply nested: one AdvisoryFormatError naming the file."""
    with (
        pytest.raises(AdvisoryFormatError) as info,
        case_bounds(seconds=FUZZ_SECONDS, peak_mb=FUZZ_PEAK_MB),
    ):
        load_record(text, "junk.json")
    assert str(info.value).startswith("junk.json")


# -- the YAML form (pypa/advisory-database as users check it out) and Go's vulndb records ------

YAML_SEEDS = sorted((FIXTURES / "pypa-database" / "yaml").rglob("*.yaml"))
GO_SEEDS = sorted((FIXTURES / "go-vulndb").glob("*.json"))
_EDIT = st.tuples(
    st.sampled_from(["truncate", "delete", "insert", "replace", "duplicate"]),
    st.floats(0, 1),
    st.floats(0, 1),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20)
    | st.sampled_from(["\n", ": ", "- ", "*a", "&a ", "---\n", "2023-11-08T05:13:00Z", "'", "\t"]),
)


@pytest.mark.slow
@given(st.sampled_from(YAML_SEEDS + GO_SEEDS), st.lists(_EDIT, min_size=1, max_size=3))
def test_edited_record_files_fail_cleanly(seed: Any, edits: list[Any]) -> None:
    """The text of a real record file edited (the PyPA database's YAML with its unquoted
    timestamps, Go's vulndb JSON with its zero times): osv-local's index of a folder holding
    it and the full parse give one clean error line or a usable record, never anything
    else."""
    text = seed.read_text()
    for edit in edits:
        text = mutate(text, edit, reach=80)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / seed.name
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        with case_bounds(seconds=FUZZ_SECONDS, peak_mb=FUZZ_PEAK_MB):
            indexed = _index_error(Path(folder))
            parsed = _parse_error(text, seed.name)
    for message in (indexed, parsed):
        assert message is None or (seed.name in message and "\n" not in message), message
    if parsed is None:
        value = yaml_value(text, seed.name) if seed.suffix == ".yaml" else json.loads(text)
        _parse_and_match(value, seed.name)


def _index_error(folder: Path) -> str | None:
    try:
        OsvLocalSource(folder).index()
    except (AdvisoryFormatError, SourceError) as exc:
        return str(exc)
    return None


def _parse_error(text: str, origin: str) -> str | None:
    try:
        load_record(text, origin)
    except AdvisoryFormatError as exc:
        return str(exc)
    return None


def test_the_yaml_and_go_seeds_are_there() -> None:
    """The seeds above: the PyPA YAML records (some with unquoted timestamps) and Go's."""
    assert len(YAML_SEEDS) == 142
    assert any("\nmodified: 2" in p.read_text() for p in YAML_SEEDS)
    assert GO_SEEDS
    assert all('"modified": "0001-01-01T00:00:00Z"' in p.read_text() for p in GO_SEEDS)
