"""The binary format of the prebuilt typosquat index: named sections behind a JSON header,
and hash tables that answer "which entries might have this key" without a single Python dict
being built at load. The file is memory-mapped: opening it reads the header and the name
list, nothing else.

Layout: the magic line, one JSON header line (format, the list's identity, the settings, and
each section's offset and length), then the sections, each aligned to 4 bytes. A hash table
is two ``uint32`` sections: ``offsets`` (one more than its buckets, a power of two) and
``values``; the values of key ``k`` are ``values[offsets[h]:offsets[h + 1]]`` with
``h = crc32(k) % buckets``. Keys are not stored: several keys share a bucket, so every value
found is a candidate the caller verifies (``auditor.checks.typosquat.index`` recomputes the
key from the name it points to).
"""

from __future__ import annotations

import json
import zlib
from array import array
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from auditor.core.errors import AuditorError

MAGIC = b"auditor-typosquat-index\n"
FORMAT = "auditor.typosquat-index/1"
_ALIGN = 4


class IndexFormatError(AuditorError):
    """A prebuilt index that cannot be read; names the file."""


def _uint32(values: Iterable[int]) -> bytes:
    data = array("I", values)
    if data.itemsize != 4:  # pragma: no cover - every supported platform has 4-byte "I"
        raise RuntimeError("unsigned int is not 4 bytes here")
    if _big_endian():  # pragma: no cover - the format is little-endian
        data.byteswap()
    return data.tobytes()


def _big_endian() -> bool:
    return array("I", [1]).tobytes()[0] == 0


KEYS_PER_BUCKET = 4  # fewer buckets keep the file small; each lookup verifies a few more


def hash_table(entries: Iterable[tuple[str, int]]) -> tuple[bytes, bytes]:
    """``(offsets, values)`` sections for ``(key, value)`` entries (deterministic: buckets
    hold their values sorted)."""
    pairs = sorted(set(entries))
    keys = len({k for k, _ in pairs})
    buckets = 1
    while buckets * KEYS_PER_BUCKET < keys:
        buckets *= 2
    placed: list[list[int]] = [[] for _ in range(buckets)]
    for key, value in pairs:
        placed[zlib.crc32(key.encode("utf-8")) % buckets].append(value)
    offsets, values, total = [0], [], 0
    for bucket in placed:
        bucket.sort()
        values.extend(bucket)
        total += len(bucket)
        offsets.append(total)
    return _uint32(offsets), _uint32(values)


def pack(header: Mapping[str, Any], sections: Mapping[str, bytes]) -> bytes:
    """The file's bytes: magic, header line, then the sections in name order."""
    layout: dict[str, list[int]] = {}
    body = bytearray()
    for name in sorted(sections):
        body.extend(b"\0" * (-len(body) % _ALIGN))
        layout[name] = [len(body), len(sections[name])]
        body.extend(sections[name])
    head = json.dumps({**header, "format": FORMAT, "sections": layout}, sort_keys=True)
    return MAGIC + head.encode("utf-8") + b"\n" + bytes(body)


class Payload:
    """The header and the sections of an index file's bytes (or a memory map of them)."""

    def __init__(self, payload: bytes | memoryview, path: str) -> None:
        view = memoryview(payload)
        if bytes(view[: len(MAGIC)]) != MAGIC:
            raise IndexFormatError(f"{path}: not a typosquat index (bad magic)")
        view = view[len(MAGIC) :]
        end = bytes(view[:65536]).find(b"\n")
        try:
            self.header: dict[str, Any] = json.loads(bytes(view[:end]))
            layout = self.header["sections"]
        except (ValueError, KeyError, TypeError):
            raise IndexFormatError(f"{path}: damaged typosquat index header") from None
        if self.header.get("format") != FORMAT:
            raise IndexFormatError(
                f"{path}: typosquat index format {self.header.get('format')!r}, expected {FORMAT}"
            )
        self._body = view[end + 1 :]
        self._layout: dict[str, Sequence[int]] = layout
        self.path = path

    def raw(self, name: str) -> memoryview:
        try:
            offset, length = self._layout[name]
        except (KeyError, ValueError):
            raise IndexFormatError(f"{self.path}: typosquat index lacks {name!r}") from None
        return self._body[offset : offset + length]

    def text(self, name: str) -> list[str]:
        data = bytes(self.raw(name)).decode("utf-8")
        return data.split("\n") if data else []

    def uint32(self, name: str) -> memoryview:
        view = self.raw(name)
        if len(view) % 4:
            raise IndexFormatError(f"{self.path}: {name!r} is not a uint32 array")
        if _big_endian():  # pragma: no cover - the format is little-endian
            swapped = array("I", bytes(view))
            swapped.byteswap()
            return memoryview(swapped)
        return view.cast("I")

    def table(self, name: str) -> HashTable:
        return HashTable(self.uint32(f"{name}.offsets"), self.uint32(f"{name}.values"))


class HashTable:
    """The candidates of a key: the values of its bucket (to be verified by the caller)."""

    def __init__(self, offsets: memoryview, values: memoryview) -> None:
        self._offsets = offsets
        self._values = values
        self._mask = len(offsets) - 2  # buckets - 1; the buckets are a power of two

    def candidates(self, key: str) -> memoryview:
        if self._mask < 0:
            return self._values[0:0]
        h = zlib.crc32(key.encode("utf-8")) & self._mask
        return self._values[self._offsets[h] : self._offsets[h + 1]]
