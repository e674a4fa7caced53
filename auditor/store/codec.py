"""Generic conversion between frozen dataclasses and canonical JSON, and content digests.

Findings, suppressions and the run details are stored from *all* their dataclass fields, so
a field added to ``Finding`` or ``AuditResult`` later is stored and loaded without touching
the store. Decoding is driven by the type hints of the class; keys the class no longer has
are ignored and missing keys take the field's default.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import sys
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from auditor.core.errors import StoreError
from auditor.core.graph import DependencyGraph

T = TypeVar("T")
JSON = Any  # what json.loads returns

_HINTS: dict[type, dict[str, Any]] = {}


def encode(value: object) -> JSON:
    """``value`` as plain JSON data: dataclasses become objects, enums their value,
    sets sorted lists, dates ISO strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return encode(value.value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (tuple, list)):
        return [encode(item) for item in value]
    if isinstance(value, (frozenset, set)):
        return sorted((encode(item) for item in value), key=canonical_json)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    raise TypeError(f"cannot store a value of type {type(value).__name__}")


def decode(cls: type[T], data: JSON) -> T:
    """Rebuild a dataclass instance of ``cls`` from ``encode`` output."""
    return typing.cast(T, _decode(cls, data))


def decode_value(tp: Any, data: JSON) -> Any:
    """Rebuild a value of type ``tp`` (``frozenset[Hash]``, ``tuple[Location, ...]``, ...)."""
    return _decode(tp, data)


def _decode(tp: Any, data: JSON) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _decode_union(typing.get_args(tp), data)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item) for item in _list(data))
        return tuple(_decode(arg, item) for arg, item in zip(args, _list(data), strict=True))
    if origin in (frozenset, set):
        (arg,) = typing.get_args(tp)
        return frozenset(_decode(arg, item) for item in _list(data))
    if origin is dict:
        key_type, value_type = typing.get_args(tp)
        return {_decode(key_type, k): _decode(value_type, v) for k, v in dict(data).items()}
    if tp is Any:
        return data
    if isinstance(tp, type):
        return _decode_type(tp, data)
    raise TypeError(f"cannot load a value of type {tp!r}")


def _decode_type(tp: type, data: JSON) -> Any:
    if dataclasses.is_dataclass(tp):
        hints = type_hints(tp)
        values = data if isinstance(data, dict) else {}
        kwargs = {
            f.name: _decode(hints[f.name], values[f.name])
            for f in dataclasses.fields(tp)
            if f.init and f.name in values
        }
        return tp(**kwargs)
    if issubclass(tp, enum.Enum):
        return tp(data)
    if tp is dt.datetime:
        return dt.datetime.fromisoformat(data)
    if tp is dt.date:
        return dt.date.fromisoformat(data)
    if tp is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if tp in (str, int, float, bool) and isinstance(data, tp):
        return data
    if tp is type(None) and data is None:
        return None
    raise TypeError(f"expected {tp.__name__}, found {type(data).__name__}")


def _decode_union(args: tuple[Any, ...], data: JSON) -> Any:
    if data is None and type(None) in args:
        return None
    errors = []
    for arg in args:
        if arg is type(None):
            continue
        try:
            return _decode(arg, data)
        except (TypeError, ValueError) as exc:
            errors.append(str(exc))
    raise TypeError("; ".join(errors) or "no type matches")


def _list(data: JSON) -> list[Any]:
    if not isinstance(data, list):
        raise TypeError(f"expected a list, found {type(data).__name__}")
    return data


def type_hints(cls: type) -> dict[str, Any]:
    """Type hints of a dataclass, resolving names its module imports only for type checking."""
    known = _HINTS.get(cls)
    if known is None:
        # DependencyGraph is a TYPE_CHECKING-only name in model.py
        namespace: dict[str, Any] = {"DependencyGraph": DependencyGraph}
        module = sys.modules.get(cls.__module__)
        if module is not None:
            namespace.update(vars(module))
        known = typing.get_type_hints(cls, globalns=namespace)
        _HINTS[cls] = known
    return known


def canonical_json(data: JSON) -> str:
    """The one text form of ``data``: sorted keys, no spaces, non-ASCII kept."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(data: JSON) -> bytes:
    """The content address of ``data``: SHA-256 of its canonical JSON."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).digest()


def loads(text: str | bytes, what: str) -> JSON:
    """Parse JSON stored by this module; a damaged value is a ``StoreError`` naming it."""
    try:
        return json.loads(text)
    except ValueError as exc:
        raise StoreError(f"the store holds damaged data in {what}: {exc}") from None


def decode_stored(cls: type[T], data: JSON, what: str) -> T:
    """``decode`` for data read back from the database: mismatches become ``StoreError``."""
    try:
        return decode(cls, data)
    except (TypeError, ValueError, KeyError) as exc:
        raise StoreError(f"the store holds data that does not fit {what}: {exc}") from None


def decode_stored_value(tp: Any, data: JSON, what: str) -> Any:
    """``decode_value`` for data read back from the database."""
    try:
        return _decode(tp, data)
    except (TypeError, ValueError, KeyError) as exc:
        raise StoreError(f"the store holds data that does not fit {what}: {exc}") from None
