"""Plug-in lists whose entries are imported when first used.

A plug-in list names each plug-in and where it lives (``"module:attribute"``); the module is
imported only when that plug-in is looked up. So a command that needs the list's names (for
``--help`` or a ``choices=``) pays nothing for the plug-ins themselves, and a run imports
only the plug-ins it uses. Lazy entries point inside their own part of the package
(``tests/test_architecture.py`` checks it), so the import rules still see every dependency.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def load(target: str) -> Any:
    """The attribute ``"module:attribute"`` names."""
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


class LazyPlugins(MutableMapping[str, T], Generic[T]):
    """``name -> plug-in``, in the declared order, each imported on first access.

    ``make`` turns the imported attribute into the plug-in (a class into its instance);
    the plug-in must carry its own name (``.name``) equal to its key. A plug-in may also
    be set directly (tests register their own).
    """

    def __init__(
        self, targets: Mapping[str, str], make: Callable[[Any], T] = lambda value: value
    ) -> None:
        self.targets = dict(targets)
        self._make = make
        self._loaded: dict[str, T] = {}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        """The names, sorted, without importing anything."""
        return sorted(self.targets)

    def __getitem__(self, name: str) -> T:
        with self._lock:
            if name in self._loaded:
                return self._loaded[name]
        target = self.targets[name]  # KeyError for an unknown name, as a dict
        plugin = self._make(load(target))
        found = getattr(plugin, "name", name)
        if found != name:
            raise TypeError(f"{target} is registered as {name!r} but is named {found!r}")
        with self._lock:
            return self._loaded.setdefault(name, plugin)

    def __setitem__(self, name: str, plugin: T) -> None:
        with self._lock:
            self.targets[name] = ""
            self._loaded[name] = plugin

    def __delitem__(self, name: str) -> None:
        with self._lock:
            del self.targets[name]
            self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self.targets)

    def __len__(self) -> int:
        return len(self.targets)

    def __contains__(self, name: object) -> bool:
        return name in self.targets
