"""The README's first command works on a fresh machine without any network."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import CLOSED_PORT
from tests.support import run_cli

ROOT = Path(__file__).parents[2]


def first_auditor_command() -> list[str]:
    """The arguments of the first `auditor` call in the README's first code block."""
    block = re.search(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert block is not None
    for line in block.group(1).splitlines():
        for part in line.split("&&"):
            words = shlex.split(part)
            if words and words[0].endswith("auditor"):
                return words[1:]
    raise AssertionError("no auditor command in the README's first block")


def test_the_first_command_runs_offline_on_a_fresh_machine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Nothing synced, no setting of any kind, every network service unreachable: the first
    command still writes the report (against the bundled sample, which it calls a sample)
    and sends nothing."""
    for name in ("AUDITOR_SOURCE", "AUDITOR_NO_REGISTRY", "AUDITOR_DB"):
        monkeypatch.delenv(name, raising=False)
    closed = f"http://127.0.0.1:{CLOSED_PORT}"
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "fresh-cache"))
    monkeypatch.setenv("AUDITOR_OSV_URL", closed)
    monkeypatch.setenv("AUDITOR_PYPI_URL", f"{closed}/simple")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    args = first_auditor_command()
    assert "--offline" in args
    args = [str(ROOT / a) if a.startswith("examples/") else a for a in args]
    result = run_cli(args)
    assert 0 == result.code, result.err
    assert "not sent" not in result.err
    assert (tmp_path / "auditor-report" / "index.html").is_file()
    assert "a bundled SAMPLE of" in (tmp_path / "auditor-report" / "summary.txt").read_text()
