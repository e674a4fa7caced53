"""Writing output files all-or-nothing: a reader never sees a half-written file."""

from __future__ import annotations

import os
import tempfile
import zipfile
import zlib
from pathlib import Path

from auditor.core.errors import AuditorError


def umask() -> int:
    """The process's umask, read without changing it where Linux says it (``os.umask``
    can only be read by setting it, which races with threads creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: str | bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory, with the
    mode a new file gets from the umask (``mkstemp`` alone would leave it 0600, unreadable
    to a web server or to the host user of a container).

    The rename alone makes the write all-or-nothing for every reader. ``durable`` also
    flushes the file to the disk before the rename (``fsync``), so that a power loss cannot
    leave it empty: worth it for a file written alone, not for each of the thousands of
    pages of a site that the next run writes again (an ``fsync`` per page cost several
    seconds of a report of 2,377 packages, bench/README.md)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            os.fchmod(fd, 0o666 & ~umask())
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                if durable:
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
