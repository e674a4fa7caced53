"""``atomic_write``: a terminated run never leaves its temporary file behind, even when the
signal lands the moment the file is created."""

from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path
from types import FrameType

import pytest

from auditor.core.fsutil import atomic_write


class Terminated(BaseException):
    """What the command line's SIGTERM handler raises (it raises SystemExit)."""


def _raise(_signum: int, _frame: FrameType | None) -> None:
    raise Terminated


@pytest.mark.parametrize("durable", [True, False])
def test_a_signal_as_the_temporary_file_is_created_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: bool
) -> None:
    """SIGTERM sent to the process right after the temporary file exists (still inside
    ``mkstemp``): the handler's exception unwinds the write, the temporary file goes and
    the file it was to replace is intact."""
    target = tmp_path / "findings.json"
    target.write_text("before")
    real_mkstemp = tempfile.mkstemp

    def signalled(*args: object, **kwargs: object) -> tuple[int, str]:
        made = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
        os.kill(os.getpid(), signal.SIGTERM)  # a handler would run here, before the return
        return made  # type: ignore[no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", signalled)
    previous = signal.signal(signal.SIGTERM, _raise)
    try:
        with pytest.raises(Terminated):
            atomic_write(target, "after", durable=durable)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert ["findings.json"] == sorted(p.name for p in tmp_path.iterdir())
    assert "before" == target.read_text()
