"""Core metadata read out of a downloaded distribution, within bounds.

- a wheel: its one ``*.dist-info/METADATA``;
- an sdist (``.tar.gz`` or ``.zip``): its top-level ``<name>-<version>/PKG-INFO``, which is
  the same core metadata (setuptools and every PEP 517 backend write it there; a few old
  sdists, uWSGI's, have no top folder and hold ``PKG-INFO`` at the root).

The archives are third-party bytes: a member larger than ``METADATA_LIMIT`` is not read,
and a ``.tar.gz`` is read as a stream that gives up after ``MAX_MEMBERS`` members or
``MAX_UNPACKED`` bytes of members skipped on the way (a compressed bomb costs no more).
"""

from __future__ import annotations

import io
import re
import tarfile
import zipfile

METADATA_LIMIT = 4 * 1024 * 1024
MAX_MEMBERS = 5000
MAX_UNPACKED = 64 * 1024 * 1024
_DIST_INFO_METADATA = re.compile(r"[^/]+\.dist-info/METADATA")
_PKG_INFO = re.compile(r"(\./)?([^/]+/)?PKG-INFO")


def wheel_metadata(body: bytes) -> bytes | None:
    """A wheel's ``METADATA``; None when the archive is broken or holds not exactly one."""
    return _zip_member(body, _DIST_INFO_METADATA)


def sdist_metadata(filename: str, body: bytes) -> bytes | None:
    """An sdist's top-level ``PKG-INFO``; None when there is none within the bounds."""
    if filename.endswith(".zip"):
        return _zip_member(body, _PKG_INFO)
    if not filename.endswith((".tar.gz", ".tgz")):
        return None
    skipped = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(body), mode="r|gz") as archive:
            for count, member in enumerate(archive):
                if count >= MAX_MEMBERS or skipped > MAX_UNPACKED:
                    return None
                if member.isfile() and _PKG_INFO.fullmatch(member.name):
                    if member.size > METADATA_LIMIT:
                        return None
                    handle = archive.extractfile(member)
                    return handle.read() if handle is not None else None
                skipped += max(member.size, 0)
    except (tarfile.TarError, OSError, EOFError, ValueError):
        return None
    return None


def _zip_member(body: bytes, pattern: re.Pattern[str]) -> bytes | None:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = [n for n in archive.namelist() if pattern.fullmatch(n)]
            if len(names) != 1 or archive.getinfo(names[0]).file_size > METADATA_LIMIT:
                return None
            return archive.read(names[0])
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
