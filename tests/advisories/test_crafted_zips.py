"""Crafted zips (unsupported compression, encrypted members, bad CRC) as `--advisory-db` and
from `auditor db sync`: one clean line and exit 2, never an internal error."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.httpserver import HttpTestServer, Reply
from tests.support import FIXTURES, run_cli

RECORDS = sorted((FIXTURES / "advisories" / "pypa").glob("*.json"))


def _valid_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in RECORDS:
            archive.writestr(path.name, path.read_text())
    return buffer.getvalue()


def _patch_headers(data: bytes, offset: int, value: bytes) -> bytes:
    """Overwrite a field in every local and central header (signatures PK\\3\\4, PK\\1\\2)."""
    out = bytearray(data)
    for signature, base in ((b"PK\x03\x04", 0), (b"PK\x01\x02", 2)):
        start = 0
        while (start := out.find(signature, start)) != -1:
            out[start + base + offset : start + base + offset + len(value)] = value
            start += 4
    return bytes(out)


def unsupported_compression(data: bytes) -> bytes:
    return _patch_headers(data, 8, (99).to_bytes(2, "little"))  # method 99: AES, unknown


def encrypted(data: bytes) -> bytes:
    return _patch_headers(data, 6, (1).to_bytes(2, "little"))  # flag bit 0: encrypted


def bad_crc(data: bytes) -> bytes:
    return _patch_headers(data, 14, b"\x00\x00\x00\x00")


CRAFTS: dict[str, Callable[[bytes], bytes]] = {
    "unsupported compression": unsupported_compression,
    "encrypted members": encrypted,
    "bad CRC": bad_crc,
}


@pytest.mark.parametrize("craft", sorted(CRAFTS))
def test_advisory_db_zip(tmp_path: Path, craft: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`scan --advisory-db crafted.zip`: one error line naming the zip, exit 2."""
    monkeypatch.setenv("AUDITOR_NO_REGISTRY", "1")
    db = tmp_path / "all.zip"
    db.write_bytes(CRAFTS[craft](_valid_zip()))
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "scan" / "saleor-2020", project)
    result = run_cli(["scan", "--advisory-db", str(db), str(project)])
    assert result.code in (2, 3), result.err
    errors = [line for line in result.err.splitlines() if line.startswith("auditor: error")]
    problems = errors or [line for line in result.err.splitlines() if "all.zip" in line]
    assert problems, result.err
    assert all(str(db) in line for line in problems)
    assert "Traceback" not in result.err
    assert "no known vulnerabilities" not in result.out


@pytest.mark.parametrize("craft", sorted(CRAFTS))
def test_db_sync_zip(http_server: HttpTestServer, tmp_path: Path, craft: str) -> None:
    """`db sync` downloading a crafted export: one line naming it, exit 2."""
    http_server.route("GET", "/PyPI/all.zip", Reply(body=CRAFTS[craft](_valid_zip())))
    result = run_cli(
        [
            *("db", "sync", "--cache-dir", str(tmp_path / "cache")),
            *("--osv-export-url", http_server.url, "--ecosystem", "PyPI"),
        ]
    )
    assert 2 == result.code
    lines = result.err.splitlines()
    assert 1 == len(lines), result.err
    assert "all.zip" in lines[0]
    assert "Traceback" not in result.err
    assert json.dumps(lines[0])  # one printable line
