"""A reader that stops reading ends the run quietly; errors are prefixed once."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support import FIXTURES

BIG = FIXTURES / "pnpm-lock" / "real" / "vitejs__vite"  # a graph of about 600 KB of text


@pytest.mark.parametrize(
    "args", [["graph", str(BIG)], ["graph", "--json", str(BIG)], ["scan", str(BIG)]]
)
def test_a_closed_pipe_is_a_quiet_end(args: list[str]) -> None:
    """The reader is gone before auditor writes its first byte: auditor ends with 141
    (128 + SIGPIPE, as any program whose reader left) and says nothing, where it used to
    end in "internal error: BrokenPipeError"."""
    with subprocess.Popen(
        [sys.executable, "-m", "auditor", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        proc.stdout.close()
        err = proc.stderr.read()
        assert 141 == proc.wait(timeout=120)
    assert b"" == err


def test_a_shell_pipeline_to_head() -> None:
    """``auditor graph X | head -1`` in a real shell, with pipefail: one line out, nothing
    on stderr, and auditor's status is 0 (it wrote everything before head left) or 141."""
    script = f"set -o pipefail; {sys.executable} -m auditor graph {BIG} | head -1"
    run = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert 1 == len(run.stdout.splitlines())
    assert "" == run.stderr
    assert run.returncode in (0, 141)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["graph", "--depth", "x"],
            "auditor: error: graph: argument --depth: invalid int value: 'x'",
        ),
        (["--bogus"], "auditor: error: the following arguments are required: COMMAND"),
        (["graph", "--bogus"], "auditor: error: unrecognized arguments: --bogus"),
    ],
)
def test_usage_errors_are_prefixed_once(args: list[str], line: str) -> None:
    """One "auditor: error:" per line (it used to read "auditor: error: auditor: ...")."""
    run = subprocess.run(
        [sys.executable, "-m", "auditor", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert 2 == run.returncode
    assert [line] == run.stderr.splitlines()
