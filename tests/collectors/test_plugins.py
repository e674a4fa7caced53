"""Contract tests every registered collector must pass: fixtures, docs, hostile input."""

from __future__ import annotations

import functools
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.collectors import plugins
from auditor.collectors.base import Collector
from tests.collectors.seeds import SeedGroup, seed_groups
from tests.fuzzing import MUTATION, clean_error, mutate
from tests.support import FIXTURES, case_bounds, run_cli

# Per mutated file: measured at most 0.48 s of CPU and 12 MB above the process's memory at
# the start of the case (525 cases, 35 format versions of 15 collectors, real files up to
# 830 KB); several times that is a blow-up.
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
        clean_error(collector, text, shown, FIXTURES / name)


@pytest.mark.parametrize("name", NAMES)
def test_truncated_real_files_fail_cleanly(name: str) -> None:
    """Every real fixture cut at many points parses or fails with a LockfileError."""
    collector = plugins.get(name)
    for path in main_real_files(collector):
        text = path.read_text()
        # 40 cuts, fewer for big files (YAML parses slowly): about 4 MB parsed per file
        cuts = max(8, min(40, 4_000_000 // max(len(text), 1)))
        for cut in range(1, cuts):
            clean_error(collector, text[: len(text) * cut // cuts], path.name, path.parent)


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


def test_every_collector_and_format_version_has_fuzz_seeds() -> None:
    """Each registered collector has seed groups, the versions the issue named among them:
    pnpm 5.3, 5.4, 6.0, 9.0 and its two-document form, package-lock 1 to 3, yarn classic
    and berry."""
    groups = {g.id for g in seed_groups()}
    assert set(NAMES) == {g.collector for g in seed_groups()}
    for version in ("5.3", "5.4", "6.0", "9.0", "two-documents"):
        assert f"pnpm-lock:{version}" in groups
    for version in ("1", "2", "3"):
        assert f"npm-package-lock:{version}" in groups
    assert {"yarn-lock:classic", "yarn-lock:10"} <= groups


# Every (collector, format version) group gets a quarter of the profile's examples: about
# 550 cases in CI, 44,000 in the long run (docs/testing.md).
GROUP_EXAMPLES = max(15, settings().max_examples // 4)


@pytest.mark.slow
@pytest.mark.parametrize("group", seed_groups(), ids=lambda g: g.id)
@settings(max_examples=GROUP_EXAMPLES)
@given(data=st.data())
def test_fuzz_mutated_real_files_raise_only_lockfile_errors(
    group: SeedGroup, data: st.DataObject
) -> None:
    """Hypothesis mutates the real files of every format version of every collector; the
    collector parses the result or raises one LockfileError line, never anything else, and
    stays within the case's time and memory bounds."""
    collector = plugins.get(group.collector)
    path = data.draw(st.sampled_from(group.files))
    text = path.read_text()
    mutations = data.draw(st.lists(MUTATION, min_size=1, max_size=4))
    for mutation in mutations:
        text = mutate(text, mutation)
    with case_bounds(seconds=FUZZ_SECONDS, peak_mb=FUZZ_PEAK_MB):
        clean_error(collector, text, path.name, path.parent)
