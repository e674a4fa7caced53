"""The allow-list file."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.checks.typosquat.allowlist import (
    AllowList,
    AllowListError,
    load_allow_list,
    parse_allow_list,
)
from auditor.core.model import Ecosystem


def test_entries_per_ecosystem_and_for_all() -> None:
    """Prefixed entries apply to one ecosystem; bare ones to every ecosystem."""
    allow = parse_allow_list(
        "# our packages\n\npypi:Foo_Bar   # reviewed\nnpm:@acme/lodash\ninternal-tool\n", "a.txt"
    )
    assert allow.allows(Ecosystem.PYPI, "foo-bar")  # PEP 503 normalisation
    assert not allow.allows(Ecosystem.NPM, "Foo_Bar")
    assert allow.allows(Ecosystem.NPM, "@acme/lodash")
    assert allow.allows(Ecosystem.NPM, "internal-tool")
    assert allow.allows(Ecosystem.PYPI, "Internal_Tool")
    assert not allow.allows(Ecosystem.PYPI, "other")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ok\ncargo:serde\n", "a.txt:2: unknown ecosystem 'cargo' (expected pypi or npm)"),
        ("two names\n", "a.txt:1: expected one package name, got 'two names'"),
        ("pypi:\n", "a.txt:1: expected one package name, got 'pypi:'"),
    ],
)
def test_bad_lines(text: str, message: str) -> None:
    """A bad entry names the file and the line."""
    with pytest.raises(AllowListError) as info:
        parse_allow_list(text, "a.txt")
    assert message == str(info.value)


def test_load_from_disk(tmp_path: Path) -> None:
    """Files are read as UTF-8 (BOM and CRLF accepted); a missing file is a clear error."""
    path = tmp_path / "allow.txt"
    path.write_bytes(b"\xef\xbb\xbfpypi:grequests\r\nnpm:loadsh\r\n")
    allow = load_allow_list(path)
    assert allow.allows(Ecosystem.PYPI, "grequests")
    assert allow.allows(Ecosystem.NPM, "loadsh")
    with pytest.raises(AllowListError, match=r"missing\.txt: cannot read allow-list"):
        load_allow_list(tmp_path / "missing.txt")
    (tmp_path / "bin.txt").write_bytes(b"ok\n\xff\xfe\n")
    with pytest.raises(AllowListError, match=r"bin\.txt:2: allow-list is not UTF-8 text"):
        load_allow_list(tmp_path / "bin.txt")


def test_of_builds_from_entries() -> None:
    """AllowList.of takes entries as they would appear in a file."""
    assert AllowList.of(["pypi:reqeusts"]).allows(Ecosystem.PYPI, "reqeusts")
