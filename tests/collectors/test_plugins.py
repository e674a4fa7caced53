"""Contract tests every registered collector must pass: fixtures, docs, hostile input."""

from __future__ import annotations

import functools
import random
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.collectors import plugins
from auditor.collectors.base import Collector
from auditor.core.errors import LockfileError
from tests.support import FIXTURES, case_bounds, collect_text, run_cli

# Per mutated file: measured at most 0.30 s of CPU and 7 MB above the process's memory at
# the start of the case (900 cases, 15 collectors, real files up to 700 KB); ten times that
# is a blow-up.
FUZZ_SECONDS, FUZZ_PEAK_MB = 3.0, 100.0

DOCS = Path(__file__).parents[2] / "docs" / "formats.md"
NAMES = plugins.names()


def real_files(name: str) -> list[Path]:
    return sorted(p for p in (FIXTURES / name / "real").rglob("*") if p.is_file())


def main_real_files(collector: Collector) -> list[Path]:
    """Real fixtures the collector claims by name (not their companion files)."""
    return [p for p in real_files(collector.name) if collector.claims(p.name)]


@pytest.mark.parametrize("name", NAMES)
def test_collector_has_fixtures_readme_and_docs_row(name: str) -> None:
    """A registered collector without real fixtures, a fixture README or a docs row fails."""
    collector = plugins.get(name)
    assert main_real_files(collector), f"tests/fixtures/{name}/real/ has no file it claims"
    assert (FIXTURES / name / "README.md").is_file()
    assert re.search(rf"^\|\s*`{re.escape(name)}`\s*\|", DOCS.read_text(), re.M), (
        f"docs/formats.md has no row for `{name}`"
    )


def _expect_clean_failure(collector: Collector, text: str, shown: str, root: Path) -> None:
    message = None
    try:
        collect_text(collector, text, shown, root)
    except LockfileError as exc:
        message = str(exc)
    if message is not None:
        assert message.startswith(shown), message
        assert "\n" not in message


@functools.cache
def _junk() -> str:
    """10 MB of seeded junk, built once for every collector (building it takes seconds)."""
    rng = random.Random(1234)
    return "".join(rng.choice("{}[]\":,=#-\n abcxyz0123\\'@/") for _ in range(10 * 1024 * 1024))


@pytest.mark.parametrize("name", NAMES)
def test_empty_and_junk_input_fail_cleanly(name: str, tmp_path: Path) -> None:
    """Empty text and 10 MB of junk give a LockfileError naming the file, or parse."""
    collector = plugins.get(name)
    shown = main_real_files(collector)[0].name
    for text in ("", "\n\n", _junk(), "\x7f" * 100, "[[[[" * 50_000, "{" * 100_000):
        _expect_clean_failure(collector, text, shown, FIXTURES / name)


@pytest.mark.parametrize("name", NAMES)
def test_truncated_real_files_fail_cleanly(name: str) -> None:
    """Every real fixture cut at many points parses or fails with a LockfileError."""
    collector = plugins.get(name)
    for path in main_real_files(collector):
        text = path.read_text()
        # 40 cuts, fewer for big files (YAML parses slowly): about 4 MB parsed per file
        cuts = max(8, min(40, 4_000_000 // max(len(text), 1)))
        for cut in range(1, cuts):
            _expect_clean_failure(
                collector, text[: len(text) * cut // cuts], path.name, path.parent
            )


@pytest.mark.parametrize("name", NAMES)
def test_cli_reports_junk_in_one_line_with_exit_2(name: str, tmp_path: Path) -> None:
    """Through the CLI, a broken file is one error line naming it and exit code 2."""
    bad = tmp_path / "broken.lock"
    bad.write_text("\x00\x01garbage" * 10)
    result = run_cli(["graph", "--as", name, str(bad)])
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "broken.lock" in result.err
    assert "Traceback" not in result.err


_MUTATION = st.tuples(
    st.sampled_from(["truncate", "delete", "insert", "replace", "duplicate"]),
    st.floats(0, 1),
    st.floats(0, 1),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
)


def _mutate(text: str, mutation: tuple[str, float, float, str]) -> str:
    kind, a, b, insert = mutation
    i = int(a * len(text))
    j = min(len(text), i + int(b * 200))
    if kind == "truncate":
        return text[:i]
    if kind == "delete":
        return text[:i] + text[j:]
    if kind == "insert":
        return text[:i] + insert + text[i:]
    if kind == "replace":
        return text[:i] + insert + text[j:]
    return text[:j] + text[i:j] + text[j:]


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_fuzz_mutated_real_files_raise_only_lockfile_errors(name: str, data: st.DataObject) -> None:
    """Hypothesis mutates real fixtures; the collector never raises anything else."""
    collector = plugins.get(name)
    path = data.draw(st.sampled_from(main_real_files(collector)))
    text = path.read_text()
    mutations = data.draw(st.lists(_MUTATION, min_size=1, max_size=4))
    for mutation in mutations:
        text = _mutate(text, mutation)
    with case_bounds(seconds=FUZZ_SECONDS, peak_mb=FUZZ_PEAK_MB):
        _expect_clean_failure(collector, text, path.name, path.parent)
