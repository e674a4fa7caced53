"""The index over the popular names a candidate may imitate.

Built once per list and settings from the *eligible* targets only (those popular enough to
be imitated, see ``TyposquatSettings``), it answers every rule with dictionary lookups:
lowercase, folded, skeleton, affix-residue and word-order maps, the npm scope map, and
deletion neighbourhoods for typos. Lookups never scan the list.
"""

from __future__ import annotations

import contextlib
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator

from auditor.checks.typosquat.edits import DeletionIndex
from auditor.checks.typosquat.forms import affix_residues, fold, order_key, skeleton, split_scope
from auditor.core.model import Ecosystem


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    grouped: defaultdict[str, list[str]] = defaultdict(list)
    for key, name in pairs:
        grouped[key].append(name)
    return {
        key: (names[0],) if len(names) == 1 else tuple(sorted(set(names)))
        for key, names in grouped.items()
    }


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """The cyclic garbage collector paused: building the tables creates hundreds of
    thousands of small lists and tuples (no cycles), and the collections their allocation
    triggers cost a quarter to a third of the build (bench/typosquat.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class TargetIndex:
    """Lookup tables from the spellings of each eligible popular name back to the name."""

    def __init__(
        self,
        ecosystem: Ecosystem,
        targets: Iterable[str],
        *,
        min_edit_length: int,
        two_edit_targets: Iterable[str] = (),
    ) -> None:
        with _no_collection():
            self._build(ecosystem, targets, min_edit_length, two_edit_targets)

    def _build(
        self,
        ecosystem: Ecosystem,
        targets: Iterable[str],
        min_edit_length: int,
        two_edit_targets: Iterable[str],
    ) -> None:
        self.ecosystem = ecosystem
        self.targets = tuple(sorted(set(targets)))
        self.by_lower = _group((t.lower(), t) for t in self.targets)
        self.by_fold = _group((fold(t), t) for t in self.targets)
        self.by_skeleton = _group((skeleton(t), t) for t in self.targets)
        self.by_order = _group((key, t) for t in self.targets if (key := order_key(t)) is not None)
        residues: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)
        for target in self.targets:
            for residue, affix in affix_residues(fold(target), ecosystem):
                residues[residue].add((target, affix))
        self.by_residue = {k: tuple(sorted(v)) for k, v in residues.items()}
        self.scoped_joined = self._joined()
        long_enough = [t for t in self.targets if len(t) >= min_edit_length]
        self.edits = DeletionIndex(t.lower() for t in long_enough)
        self.two_edits = DeletionIndex((fold(t) for t in two_edit_targets), depth=2)

    def _joined(self) -> dict[str, tuple[str, ...]]:
        joined: list[tuple[str, str]] = []
        for target in self.targets:
            scope, name = split_scope(target)
            if scope is not None:
                joined.append((fold(scope + name), target))
                joined.append((fold(name + scope), target))
        return _group(joined)

    @property
    def comparisons(self) -> int:
        """Pairs verified one by one so far, over every edit index."""
        return sum(i.comparisons for i in (self.edits, self.two_edits))

    @property
    def size(self) -> int:
        """How many keys the tables hold (for the docs and the benchmark)."""
        tables = (
            self.by_lower,
            self.by_fold,
            self.by_skeleton,
            self.by_order,
            self.by_residue,
            self.scoped_joined,
        )
        edits = (self.edits, self.two_edits)
        return sum(len(t) for t in tables) + sum(len(e) for e in edits)
