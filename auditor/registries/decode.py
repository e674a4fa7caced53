"""Typed readers of registry documents: only the fields auditor reads are built.

A packument or a Python project page can weigh megabytes, of which the checks read a few
fields per release. msgspec decodes such a document against a schema that names only those
fields and skips the rest without building them, several times faster than a generic JSON
parse and with a fraction of its memory (bench/README.md, "Registry lookups").

The schemas are lenient where the parsers before them were: a version entry that is not a
table is decoded as what it is and skipped by the caller; a field of an unexpected type is
kept as is (``Any``) and judged where it is read. A document of the wrong shape (an array
instead of a table) is a ``ShapeError`` whose message names the key path in auditor's words,
``'files' is a table, expected an array``; text that is not JSON is a plain ``ValueError``
(the HTTP client retries it, as a body cut short by a proxy).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec

from auditor.net.model import ShapeError

T = TypeVar("T")
# What a lenient table of versions may hold besides the entries it is made of.
Other = str | int | float | bool | None | list[Any]


class NpmRelease(msgspec.Struct):
    """One version of a full packument, as the health and licence checks read it."""

    deprecated: Any = None
    license: Any = None  # a string, an old {"type": ...} object or a list (a choice)
    licenses: Any = None  # the old list form


class NpmPackument(msgspec.Struct, rename={"dist_tags": "dist-tags"}):
    """A full packument: versions (their deprecation), publication times, tags, people."""

    versions: dict[str, NpmRelease | Other] | None = None
    time: Any = None
    dist_tags: Any = None
    maintainers: Any = None


class NpmVersionDeps(msgspec.Struct):
    """One version of an abbreviated packument, as a fix plan reads it."""

    dependencies: Any = None
    optionalDependencies: Any = None  # noqa: N815 - npm's field name
    peerDependencies: Any = None  # noqa: N815


class NpmInstallDocument(msgspec.Struct):
    """An abbreviated packument (``application/vnd.npm.install-v1+json``): each version
    kept undecoded until it is asked about."""

    versions: dict[str, msgspec.Raw] | None = None


class SimpleFile(msgspec.Struct, rename="kebab"):
    """One file of a PEP 691 project page."""

    filename: Any = None
    url: Any = None
    requires_python: Any = None
    upload_time: Any = None
    yanked: Any = False
    core_metadata: Any = None
    data_dist_info_metadata: Any = None


class SimplePage(msgspec.Struct):
    """A PEP 691 project page: its name and files."""

    files: list[SimpleFile]
    name: Any = None


def decoder(kind: type[T]) -> Callable[[bytes], T]:
    """A decoding function for ``kind`` that raises ``ShapeError`` for a wrong shape."""
    typed = msgspec.json.Decoder(kind)

    def decode(body: bytes) -> T:
        try:
            return typed.decode(body)
        except msgspec.ValidationError as exc:
            raise ShapeError(shape_message(str(exc))) from None
        except msgspec.DecodeError as exc:
            raise ValueError(f"not valid JSON: {exc}") from None

    return decode


def decode_version_deps(raw: msgspec.Raw) -> NpmVersionDeps | None:
    """One version entry of an install document, or None when it is not a table."""
    try:
        return _VERSION_DEPS.decode(raw)
    except msgspec.DecodeError:  # ValidationError included: not a table
        return None


_VERSION_DEPS = msgspec.json.Decoder(NpmVersionDeps)
_EXPECTED = re.compile(r"^Expected `([^`]+)`, got `([^`]+)`(?: - at `\$(.*)`)?$")
_MISSING = re.compile(r"^Object missing required field `([^`]+)`(?: - at `\$(.*)`)?$")
_WORDS = {
    "object": "a table",
    "array": "an array",
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "a boolean",
    "null": "null",
}


def shape_message(text: str) -> str:
    """msgspec's account of a wrong shape in auditor's words (``'files' is a table,
    expected an array``); the key path without msgspec's leading ``$.``."""
    expected = _EXPECTED.match(text)
    if expected is not None:
        wanted, got, path = expected.groups()
        wanted = " or ".join(_WORDS.get(w, w) for w in wanted.split(" | "))
        where = f"'{path.lstrip('.')}'" if path else "document"
        return f"{where} is {_WORDS.get(got, got)}, expected {wanted}"
    missing = _MISSING.match(text)
    if missing is not None:
        field, path = missing.groups()
        key = f"{path.lstrip('.')}.{field}" if path else field
        return f"missing '{key}'"
    return text.replace("`", "'")
