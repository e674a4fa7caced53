"""Which malicious names are "within reach" of a popular name at all.

Many malicious packages are not typosquats (random names, dependency-confusion names, names of
their own). To report recall over the ones a name-based detector could catch, a name counts as
within reach when, against the 5,000 most popular names of its ecosystem (folded: lowercase,
separators removed, at least 4 characters), it is

1. at most two edits away (insert, delete, substitute, adjacent swap: optimal string
   alignment distance <= 2), or
2. a popular name with at most 8 characters added at the start or the end
   (``requests-python``, ``beautifulsoup-requests``), or
3. for npm, a scoped name whose part after the scope is a popular name, or an unscoped name
   equal to a popular scoped name's part after the scope, or to scope and name joined.

This is deliberately wider than both detectors (two edits instead of one, any added word
instead of ecosystem words, no popularity ratio), so that it does not favour either.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditor.checks.typosquat.forms import fold, split_scope

MIN_LENGTH = 4
MAX_ADDED = 8


def osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _deletions(text: str, depth: int) -> set[str]:
    out = {text}
    frontier = {text}
    for _ in range(depth):
        frontier = {s[:i] + s[i + 1 :] for s in frontier for i in range(len(s))}
        out |= frontier
    return out


class Reach:
    def __init__(self, top: Iterable[str]) -> None:
        self.top = sorted(set(top))
        self._folded: dict[str, set[str]] = {}
        self._deletes: dict[str, set[str]] = {}
        self._bases: dict[str, set[str]] = {}
        self._joined: dict[str, set[str]] = {}
        for name in self.top:
            scope, base = split_scope(name)
            folded = fold(name)
            if scope is not None:
                self._bases.setdefault(base.lower(), set()).add(name)
                self._joined.setdefault(fold(scope + base), set()).add(name)
                self._joined.setdefault(fold(base + scope), set()).add(name)
            if len(folded) < MIN_LENGTH:
                continue
            self._folded.setdefault(folded, set()).add(name)
            for variant in _deletions(folded, 2):
                self._deletes.setdefault(variant, set()).add(name)

    def near(self, name: str) -> list[str]:
        """The top names ``name`` is within reach of (empty: out of reach)."""
        folded = fold(name)
        found: set[str] = set()
        for variant in _deletions(folded, 2):
            for other in self._deletes.get(variant, ()):
                if other not in found and osa_distance(folded, fold(other)) <= 2:
                    found.add(other)
        for cut in range(1, MAX_ADDED + 1):
            found.update(self._folded.get(folded[cut:], ()))
            found.update(self._folded.get(folded[:-cut], ()))
        scope, base = split_scope(name)
        if scope is not None:
            found.update(n for n in self._folded.get(fold(base), ()) if split_scope(n)[0] is None)
        else:
            found.update(self._bases.get(name.lower(), ()))
            found.update(self._joined.get(folded, ()))
        found.discard(name)
        return sorted(found)
