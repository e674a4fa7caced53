"""Reading input files: decoding, limits, staying inside the tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.collectors.base import InputFile
from auditor.collectors.inputs import TreeReader
from auditor.core.errors import LockfileError


def test_decodes_utf8_with_bom_and_normalises_newlines(tmp_path: Path) -> None:
    """A BOM is dropped and CRLF becomes LF."""
    (tmp_path / "a.txt").write_bytes(b"\xef\xbb\xbfx==1\r\ny==2\r\n")
    assert TreeReader(tmp_path).read_path(tmp_path / "a.txt").text == "x==1\ny==2\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"ok\n\xff\xfe", "a.txt:2: not UTF-8 text (byte 3)"),
        (b"\x00\x01\x02", "a.txt: binary data, not a text file"),
    ],
)
def test_rejects_non_text(tmp_path: Path, data: bytes, message: str) -> None:
    """Binary or non-UTF-8 files are one clear error naming the file."""
    (tmp_path / "a.txt").write_bytes(data)
    with pytest.raises(LockfileError) as info:
        TreeReader(tmp_path).read_path(tmp_path / "a.txt")
    assert message == str(info.value)


def test_size_limit(tmp_path: Path) -> None:
    """A file over the limit is refused before it is read."""
    (tmp_path / "big.txt").write_bytes(b"a" * 101)
    with pytest.raises(
        LockfileError, match=r"big\.txt: file is 101 bytes, larger than the 100-byte"
    ):
        TreeReader(tmp_path, max_bytes=100).read_path(tmp_path / "big.txt")


def test_a_named_file_linking_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    """A lockfile the tree made a link to a file elsewhere (a token file, /etc/passwd) is not
    read, not even when named: an error could echo its lines. A link inside is read."""
    (tmp_path / "tree/linked").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("//registry.invalid/:_authToken=s3cr3t\n")
    (tmp_path / "tree/inside.txt").write_text("x==1\n")
    (tmp_path / "tree/requirements.txt").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "tree/ok.txt").symlink_to(tmp_path / "tree/inside.txt")
    (tmp_path / "tree/dir").symlink_to(tmp_path, target_is_directory=True)
    reader = TreeReader(tmp_path / "tree")
    for name in ("requirements.txt", "dir/secret.txt"):
        with pytest.raises(LockfileError, match="links to a file outside the scanned tree") as e:
            reader.read_path(tmp_path / "tree" / name)
        assert "s3cr3t" not in str(e.value)
    assert "x==1\n" == reader.read_path(tmp_path / "tree/ok.txt").text


def test_relative_reads_stay_inside_the_tree(tmp_path: Path) -> None:
    """Includes resolve against the including file and may not leave the root."""
    (tmp_path / "tree/sub").mkdir(parents=True)
    (tmp_path / "tree/sub/a.txt").write_text("-r ../b.txt\n")
    (tmp_path / "tree/b.txt").write_text("x==1\n")
    (tmp_path / "secret.txt").write_text("s\n")
    reader = TreeReader(tmp_path / "tree")
    base = reader.read_path(tmp_path / "tree/sub/a.txt")
    assert base.path == "sub/a.txt"
    assert reader.read_relative(base, "../b.txt") == InputFile(path="b.txt", text="x==1\n")
    with pytest.raises(LockfileError, match="outside the scanned tree"):
        reader.read_relative(base, "../../secret.txt")
    with pytest.raises(LockfileError, match=r"'nope\.txt' not found"):
        reader.read_relative(base, "nope.txt")
    assert reader.read_sibling(base, "nope.txt") is None


def test_reading_a_small_file_allocates_little(tmp_path: Path) -> None:
    """A small file costs memory in proportion to its size, not to the size limit."""
    import tracemalloc

    (tmp_path / "a.txt").write_text("x==1\n" * 100)
    reader = TreeReader(tmp_path)
    tracemalloc.start()
    reader.read_path(tmp_path / "a.txt")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 256 * 1024


def test_a_file_over_the_limit_read_in_chunks_is_refused(tmp_path: Path) -> None:
    """The limit holds across chunk boundaries (a 3 MiB file, a 2 MiB limit)."""
    (tmp_path / "big.txt").write_bytes(b"a" * (3 << 20))
    with pytest.raises(LockfileError, match="larger than the 2097152-byte limit"):
        TreeReader(tmp_path, max_bytes=2 << 20).read_path(tmp_path / "big.txt")
