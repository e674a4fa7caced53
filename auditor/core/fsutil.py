"""Writing output files all-or-nothing: a reader never sees a half-written file."""

from __future__ import annotations

import os
import tempfile
import zipfile
import zlib
from pathlib import Path

from auditor.core.errors import AuditorError


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise AuditorError(f"{path}: cannot write: {exc.strerror or exc}") from None


# What reading a member of a crafted zip can raise: a bad CRC or header (BadZipFile), an
# unsupported compression method (NotImplementedError), an encrypted member (RuntimeError),
# a damaged deflate stream (zlib.error), a truncated file (EOFError, OSError).
ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    RuntimeError,
    zlib.error,
    EOFError,
    OSError,
    KeyError,
    ValueError,
)


def read_at_most(path: Path, limit: int) -> bytes:
    """A file's bytes, reading at most one byte past ``limit`` so that the caller can
    refuse a longer file without ever holding more of it (``OSError`` when unreadable)."""
    with path.open("rb") as handle:
        return handle.read(limit + 1)
