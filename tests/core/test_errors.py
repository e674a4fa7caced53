"""A file's error reads the same whether it is raised (``LockfileError``) or kept as data of
a partial run (``FileError``)."""

from __future__ import annotations

import pytest

from auditor.core.errors import LockfileError
from auditor.core.model import FileError


@pytest.mark.parametrize(
    ("line", "key", "expected"),
    [
        (None, None, "poetry.lock: missing 'version'"),
        (12, None, "poetry.lock:12: missing 'version'"),
        (None, "package[3]", "poetry.lock: missing 'version' in package[3]"),
        (12, "package[3]", "poetry.lock:12: missing 'version' in package[3]"),
    ],
)
def test_raised_and_kept_errors_render_alike(
    line: int | None, key: str | None, expected: str
) -> None:
    """path[:line]: message[ in key], for the exception, its message and the kept error."""
    error = LockfileError("poetry.lock", "missing 'version'", line=line, key=key)
    kept = FileError.of(error)
    assert expected == error.render()
    assert expected == str(error)
    assert expected == kept.render()
    assert (error.path, error.message, error.line, error.key) == (
        kept.path,
        kept.message,
        kept.line,
        kept.key,
    )
