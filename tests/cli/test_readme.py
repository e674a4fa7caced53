"""The README's first command works on a fresh machine without any network."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CLOSED_PORT
from tests.support import run_cli

ROOT = Path(__file__).parents[2]


def first_lines() -> list[str]:
    """The lines of the README's first code block."""
    block = re.search(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert block is not None
    return block.group(1).splitlines()


def first_command(tool: str) -> list[str]:
    """The words of the first call of ``tool`` (its name ending the first word) in the
    README's first code block."""
    for line in first_lines():
        for part in line.split("&&"):
            words = shlex.split(part)
            if words and words[0].endswith(tool):
                return words
    raise AssertionError(f"no {tool} command in the README's first block")


def clone_step() -> str:
    """The step of the README's first line that clones the example, as a shell command
    run from a scratch folder (the bundle named by its path in this checkout)."""
    steps = [part.strip() for part in first_lines()[0].split("&&") if "git clone" in part]
    assert 1 == len(steps)
    return steps[0].replace("examples/", f"{shlex.quote(str(ROOT))}/examples/")


def first_auditor_command() -> list[str]:
    """The arguments of the first `auditor` call in the README's first code block."""
    return first_command("auditor")[1:]


def test_the_first_command_runs_offline_on_a_fresh_machine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Nothing synced, no setting of any kind, every network service unreachable: the first
    command clones the bundled example's history and still writes the report (against the
    bundled sample, which it calls a sample) with the eight months backfilled from git,
    sending nothing; run again, it adds no month."""
    for name in ("AUDITOR_SOURCE", "AUDITOR_NO_REGISTRY", "AUDITOR_DB"):
        monkeypatch.delenv(name, raising=False)
    closed = f"http://127.0.0.1:{CLOSED_PORT}"
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "fresh-cache"))
    monkeypatch.setenv("AUDITOR_OSV_URL", closed)
    monkeypatch.setenv("AUDITOR_PYPI_URL", f"{closed}/simple")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    subprocess.run(["sh", "-c", clone_step()], check=True, capture_output=True)
    args = first_auditor_command()
    assert "--offline" in args
    result = run_cli(args)
    assert 0 == result.code, result.err
    assert "not sent" not in result.err
    assert "backfill: 8 snapshots saved from the git history" in result.out
    assert (tmp_path / "auditor-report" / "index.html").is_file()
    assert "a bundled SAMPLE of" in (tmp_path / "auditor-report" / "summary.txt").read_text()
    # --site-weeks all: the project page draws the backfilled weeks of 2019, years before
    # today's run (the default 156 weeks would not reach them)
    (project,) = (tmp_path / "auditor-report" / "p").glob("*/index.html")
    assert ">2019-W42<" in project.read_text()
    # run again as a whole: the clone step keeps the clone (git clone would refuse the
    # folder), and the backfill adds no month
    rerun = subprocess.run(["sh", "-c", clone_step()], check=False, capture_output=True, text=True)
    assert 0 == rerun.returncode, rerun.stderr
    again = run_cli(args)
    assert 0 == again.code, again.err
    assert "backfill: 0 snapshots saved from the git history (8 period(s)" in again.out
