"""Core metadata out of downloaded wheels and sdists, within bounds."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile

import pytest

from auditor.registries import distfiles
from auditor.registries.distfiles import sdist_metadata, wheel_metadata

PKG_INFO = b"Metadata-Version: 1.1\nName: old\nVersion: 1.0\nLicense: MIT\n"


def _tar(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_sdist_pkg_info_from_tar_and_zip() -> None:
    """The top-level PKG-INFO, wherever it comes in the archive; not a nested one."""
    members = [("old-1.0/setup.py", b"x" * 100), ("old-1.0/PKG-INFO", PKG_INFO)]
    assert PKG_INFO == sdist_metadata("old-1.0.tar.gz", _tar(members))
    assert PKG_INFO == sdist_metadata("old-1.0.zip", _zip(members))
    flat = [("setup.py", b""), ("PKG-INFO", PKG_INFO)]  # as uWSGI 2.0.19.1's sdist
    assert PKG_INFO == sdist_metadata("uWSGI-2.0.19.1.tar.gz", _tar(flat))
    nested = [("old-1.0/src/old.egg-info/PKG-INFO", PKG_INFO)]
    assert None is sdist_metadata("old-1.0.tar.gz", _tar(nested))
    assert None is sdist_metadata("old-1.0.tar.bz2", _tar(members))


def test_broken_archives_are_none() -> None:
    """Truncated or garbage bytes are no metadata, never an exception."""
    body = _tar([("old-1.0/PKG-INFO", PKG_INFO)])
    assert None is sdist_metadata("old-1.0.tar.gz", body[: len(body) // 2])
    assert None is sdist_metadata("old-1.0.tar.gz", b"not gzip at all")
    assert None is sdist_metadata("old-1.0.zip", b"PK\x03\x04 broken")
    assert None is wheel_metadata(b"garbage")


def test_bounds_stop_a_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    """A PKG-INFO behind more unpacked bytes than the bound is not searched for (the bound
    made small here); nor behind too many members; an oversized PKG-INFO is not read."""
    monkeypatch.setattr(distfiles, "MAX_UNPACKED", 1024 * 1024)
    filler = b"\0" * (256 * 1024)  # compresses to almost nothing
    body = _tar([*((f"old-1.0/f{i}", filler) for i in range(8)), ("old-1.0/PKG-INFO", PKG_INFO)])
    assert len(body) < 64 * 1024
    assert None is sdist_metadata("old-1.0.tar.gz", body)
    monkeypatch.setattr(distfiles, "MAX_UNPACKED", 64 * 1024 * 1024)
    assert PKG_INFO == sdist_metadata("old-1.0.tar.gz", body)
    monkeypatch.setattr(distfiles, "MAX_MEMBERS", 5)
    assert None is sdist_metadata("old-1.0.tar.gz", body)
    huge = _tar([("old-1.0/PKG-INFO", b"x" * (distfiles.METADATA_LIMIT + 1))])
    assert None is sdist_metadata("old-1.0.tar.gz", huge)
    assert gzip.decompress(body)  # the fixture is a real archive


def test_wheel_metadata_needs_exactly_one() -> None:
    """One ``*.dist-info/METADATA``: read; two: ambiguous, none."""
    one = _zip([("w-1.0.dist-info/METADATA", PKG_INFO)])
    assert PKG_INFO == wheel_metadata(one)
    two = _zip([("w-1.0.dist-info/METADATA", PKG_INFO), ("x-1.0.dist-info/METADATA", PKG_INFO)])
    assert None is wheel_metadata(two)
