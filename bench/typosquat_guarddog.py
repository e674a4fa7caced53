"""The baseline: GuardDog's published ``typosquatting`` metadata heuristic, reimplemented.

GuardDog (DataDog/guarddog, ``guarddog/analyzer/metadata/typosquatting.py`` with its PyPI and
npm subclasses) flags a package when its name, normalised with ``packaging``'s
``canonicalize_name``, is not itself on the popular list and is within Levenshtein distance
one, or one adjacent swap, of

- a popular name,
- a "confused form" of a popular name (each ``-``-separated word containing ``python`` with it
  replaced by ``py``, or containing ``py`` with it replaced by ``python``; and the name with
  that word removed),
- a permutation of a popular name's ``-``-separated words.

It scans the whole list for every name (GuardDog ships the top 5,000 names per ecosystem). Two
implementations live here: ``LiteralRule`` does exactly that loop (used for timing), and
``IndexedRule`` gives the same answers through indexes so that quality can be measured on
tens of thousands of names; ``same_answers`` checks they agree.

Deviation, stated in bench/README.md: GuardDog's npm subclass compares the canonicalised
candidate against raw npm names, so ``lodash.get`` is reported as a typosquat of itself; here
both sides are canonicalised the same way.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from packaging.utils import canonicalize_name


def within_one(a: str, b: str) -> bool:
    """Levenshtein distance at most one, or one adjacent swap (equal strings count, as in
    GuardDog, whose equal-length branch accepts them)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la != lb:
        longer, shorter = (a, b) if la > lb else (b, a)
        i = 0
        while i < len(shorter) and longer[i] == shorter[i]:
            i += 1
        return longer[i + 1 :] == shorter[i:]
    diff = [i for i in range(la) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def confused_forms(name: str) -> list[str]:
    forms = []
    terms = name.split("-")
    for i, term in enumerate(terms):
        if "python" in term:
            swapped = term.replace("python", "py")
        elif "py" in term:
            swapped = term.replace("py", "python")
        else:
            continue
        forms.append("-".join([*terms[:i], swapped, *terms[i + 1 :]]))
        forms.append("-".join(terms[:i] + terms[i + 1 :]))
    return forms


def permutations(name: str) -> Iterator[str]:
    if "-" not in name:
        return iter(())
    return ("-".join(p) for p in itertools.permutations(name.split("-")))


class LiteralRule:
    """GuardDog's loop: every popular name, its confused forms and permutations, per query."""

    def __init__(self, popular: Iterable[str]) -> None:
        self.popular = sorted({canonicalize_name(n) for n in popular})
        self._set = set(self.popular)

    def check(self, name: str) -> list[str]:
        normal = canonicalize_name(name)
        if normal in self._set:
            return []
        found = set()
        for popular in self.popular:
            if within_one(normal, popular):
                found.add(popular)
                continue
            forms = itertools.chain(confused_forms(popular), permutations(popular))
            if any(within_one(normal, form) for form in forms):
                found.add(popular)
        return sorted(found)


def _variants(text: str) -> set[str]:
    return {text} | {text[:i] + text[i + 1 :] for i in range(len(text))}


class IndexedRule:
    """The same answers as ``LiteralRule`` without scanning the list.

    Direct and confused forms go into a deletion-neighbourhood index. Permutations keep their
    letters, so a candidate one edit from a permutation of ``p`` has a letter multiset one
    edit from ``p``'s: a deletion index over the *sorted letters* of every multi-word name
    finds those ``p``, and only they are expanded and verified.
    """

    def __init__(self, popular: Iterable[str]) -> None:
        self.popular = sorted({canonicalize_name(n) for n in popular})
        self._set = set(self.popular)
        self._forms: dict[str, set[str]] = {}
        self._letters: dict[str, set[str]] = {}
        for name in self.popular:
            for form in [name, *confused_forms(name)]:
                for variant in _variants(form):
                    self._forms.setdefault(variant, set()).add(name)
            if "-" in name:
                for variant in _variants("".join(sorted(name))):
                    self._letters.setdefault(variant, set()).add(name)

    def check(self, name: str, *, leave_out: bool = False) -> list[str]:
        """``leave_out``: judge a listed name as if it were not on the list (its own entry
        is ignored), for the leave-one-out false-positive measure."""
        normal = canonicalize_name(name)
        if normal in self._set and not leave_out:
            return []
        found = set()
        for variant in _variants(normal):
            for popular in self._forms.get(variant, ()):
                if popular not in found and popular != normal:
                    forms = [popular, *confused_forms(popular)]
                    if any(within_one(normal, f) for f in forms):
                        found.add(popular)
        for variant in _variants("".join(sorted(normal))):
            for popular in self._letters.get(variant, ()):
                if (
                    popular not in found
                    and popular != normal
                    and any(within_one(normal, p) for p in permutations(popular))
                ):
                    found.add(popular)
        return sorted(found)


def same_answers(names: Iterable[str], literal: LiteralRule, indexed: IndexedRule) -> list[str]:
    """Names on which the two implementations disagree (expected: none)."""
    return [n for n in names if literal.check(n) != indexed.check(n)]
