"""Reading input files safely: size limit, strict decoding, no escape from the scanned tree.

Collectors see only ``InputFile`` values; this module is the one place that opens them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from auditor.collectors.base import InputFile
from auditor.core.errors import LockfileError

MAX_FILE_BYTES = 64 * 1024 * 1024


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with ``/`` separators, or absolute when outside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def is_within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def decode(data: bytes, shown: str) -> str:
    """Decode UTF-8 (with or without BOM); reject binary and other encodings clearly."""
    if b"\x00" in data[:8192]:
        raise LockfileError(shown, "binary data, not a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LockfileError(shown, f"not UTF-8 text (byte {exc.start})", line=line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


_CHUNK = 64 * 1024


def _read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to ``limit`` bytes, in chunks: ``read(limit)`` would allocate ``limit`` bytes up
    front for every file, however small."""
    chunks: list[bytes] = []
    total = 0
    while total < limit:
        chunk = handle.read(min(_CHUNK, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


class TreeReader:
    """Reads files below ``root``; ``display_root`` is what displayed paths are relative to."""

    def __init__(self, root: Path, *, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.root = root.resolve()
        self.max_bytes = max_bytes
        self._real: dict[str, Path] = {}
        self._folders: set[str] = set()  # inputs that are folders: names resolve inside them

    def display(self, path: Path) -> str:
        return display_path(path.absolute(), self.root)

    def read_path(self, path: Path) -> InputFile:
        """Read a file chosen by discovery or named by the user. A name in the scanned tree
        that links out of it is refused: the tree could otherwise make a lockfile of any file
        the run can read (a token file, whose lines an error message would echo)."""
        shown = self.display(path)
        if not is_within(path.resolve(), self.root):
            raise LockfileError(
                shown, f"links to a file outside the scanned tree ({self.root}); name that file"
            )
        data = self._read_bytes(path, shown)
        self._real[shown] = path.absolute()
        return InputFile(path=shown, text=decode(data, shown))

    def read_folder(self, path: Path) -> InputFile:
        """A folder as an input (an installed environment's ``site-packages``): it has no
        text, and names read relative to it resolve inside it."""
        shown = self.display(path)
        if not path.is_dir():
            raise LockfileError(shown, "not a folder")
        self._real[shown] = path.absolute()
        self._folders.add(shown)
        return InputFile(path=shown, text="")

    def _read_bytes(self, path: Path, shown: str) -> bytes:
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise LockfileError(
                    shown, f"file is {size} bytes, larger than the {self.max_bytes}-byte limit"
                )
            with path.open("rb") as handle:
                data = _read_at_most(handle, self.max_bytes + 1)
        except FileNotFoundError:
            raise LockfileError(shown, "file not found") from None
        except IsADirectoryError:
            raise LockfileError(shown, "is a directory, expected a file") from None
        except PermissionError:
            raise LockfileError(shown, "permission denied") from None
        except OSError as exc:
            raise LockfileError(shown, f"cannot read: {exc.strerror or exc}") from None
        if len(data) > self.max_bytes:
            raise LockfileError(shown, f"file is larger than the {self.max_bytes}-byte limit")
        return data

    def _resolve(self, base: InputFile, name: str) -> tuple[Path, str]:
        base_path = self._real.get(base.path, self.root / base.path)
        folder = base_path if base.path in self._folders else base_path.parent
        candidate = Path(os.path.normpath(folder / name))
        shown = self.display(candidate)
        real = candidate.resolve()
        if not is_within(real, self.root):
            raise LockfileError(base.path, f"{name!r} is outside the scanned tree ({self.root})")
        return candidate, shown

    def read_relative(self, base: InputFile, name: str) -> InputFile:
        candidate, shown = self._resolve(base, name)
        if not candidate.is_file():
            raise LockfileError(base.path, f"{name!r} not found (looked for {shown})")
        return self.read_path(candidate)

    def read_sibling(self, base: InputFile, name: str) -> InputFile | None:
        try:
            candidate, _ = self._resolve(base, name)
        except LockfileError:
            return None
        if not candidate.is_file():
            return None
        return self.read_path(candidate)

    def list_dir(self, base: InputFile, name: str) -> tuple[str, ...]:
        candidate, shown = self._resolve(base, name)
        try:
            return tuple(sorted(entry.name for entry in os.scandir(candidate)))
        except (FileNotFoundError, NotADirectoryError):
            return ()
        except OSError as exc:
            raise LockfileError(shown, f"cannot list: {exc.strerror or exc}") from None
