"""A total order for dataclasses whose fields may be ``None``.

``dataclass(order=True)`` compares the fields as tuples, so two edges that differ only in
one having a requirement and the other none raise ``TypeError`` ('<' not supported between
'NoneType' and 'str') the moment a collector sorts them. ``NoneFirst`` gives a dataclass
the same field-by-field order with a missing value (``None``) before any present one, so
sorting values a hostile or unusual file produced can never fail.
"""

from __future__ import annotations

import dataclasses
from typing import Any

# field names per class, in declaration order (a module-level table: a class attribute
# would be an annotation every dataclass inheriting the mixin carries)
_FIELDS: dict[type, tuple[str, ...]] = {}


class NoneFirst:
    """Mixin for a dataclass declared without ``order=True``: ``<``, ``<=``, ``>``, ``>=``
    compare the fields in declaration order, ``None`` before any value."""

    __slots__ = ()

    def _compare(self, other: object) -> int | None:
        if other.__class__ is not self.__class__:
            return None
        names = _FIELDS.get(self.__class__)
        if names is None:
            names = tuple(f.name for f in dataclasses.fields(self))  # type: ignore[arg-type]
            _FIELDS[self.__class__] = names
        for name in names:
            a: Any = getattr(self, name)
            b: Any = getattr(other, name)
            if a == b:
                continue
            if a is None:
                return -1
            if b is None:
                return 1
            return -1 if a < b else 1
        return 0

    def __lt__(self, other: object) -> bool:
        result = self._compare(other)
        return NotImplemented if result is None else result < 0

    def __le__(self, other: object) -> bool:
        result = self._compare(other)
        return NotImplemented if result is None else result <= 0

    def __gt__(self, other: object) -> bool:
        result = self._compare(other)
        return NotImplemented if result is None else result > 0

    def __ge__(self, other: object) -> bool:
        result = self._compare(other)
        return NotImplemented if result is None else result >= 0
