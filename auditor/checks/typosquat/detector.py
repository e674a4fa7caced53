"""The typosquat engine: is a name a look-alike of a much more popular one?

A name is reported when it is not on the popular list itself (a listed name is popular in its
own right, so two popular neighbours are never reported), is not allowed by the allow-list,
and a rule connects it to an *eligible* popular name: one whose popularity is at least
``ratio`` times the most an unlisted name can have (the list's floor). The weaker two-edit
rule needs a far more popular target (``two_edit_ratio``). Only eligible names are indexed, so
the index stays small and each lookup is a handful of dictionary hits.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from auditor.checks.typosquat.allowlist import EMPTY, AllowList
from auditor.checks.typosquat.forms import affix_residues, fold, order_key, skeleton, split_scope
from auditor.checks.typosquat.index import TargetIndex
from auditor.checks.typosquat.popular import PopularList, bundled
from auditor.checks.typosquat.rules import Match, Rule
from auditor.core.model import Ecosystem

Hit = tuple[str, Rule, str]


@dataclass(frozen=True, kw_only=True)
class TyposquatSettings:
    """The knobs of the detector; ``for_ecosystem`` gives the measured defaults
    (bench/typosquat.py --sweep, docs/checks.md)."""

    ratio: float = 1.0
    two_edit_ratio: float = 20.0
    min_edit_length: int = 4  # "ms", "qs", "ws" are one edit from hundreds of short names
    min_two_edit_length: int = 8

    def __post_init__(self) -> None:
        if self.ratio < 1 or self.two_edit_ratio < 1:
            raise ValueError("popularity ratios must be at least 1")
        if self.min_edit_length < 1 or self.min_two_edit_length < 1:
            raise ValueError("minimum lengths must be at least 1")

    @classmethod
    def for_ecosystem(cls, ecosystem: Ecosystem) -> TyposquatSettings:
        return _DEFAULTS.get(ecosystem, cls())


# Ranks (PyPI) and monthly downloads (npm) are on different scales, hence separate defaults.
_DEFAULTS = {
    Ecosystem.PYPI: TyposquatSettings(ratio=1.0, two_edit_ratio=15.0),
    Ecosystem.NPM: TyposquatSettings(ratio=50.0, two_edit_ratio=1000.0),
}


class TyposquatDetector:
    """Checks names of one ecosystem against one popular list."""

    def __init__(
        self,
        popular: PopularList,
        *,
        settings: TyposquatSettings | None = None,
        allow: AllowList = EMPTY,
    ) -> None:
        self.popular = popular
        self.ecosystem = popular.ecosystem
        self.settings = settings or TyposquatSettings.for_ecosystem(self.ecosystem)
        self.allow = allow
        floor = popular.floor.score
        two_edit = [
            t
            for t in popular.at_least(floor * self.settings.two_edit_ratio)
            if split_scope(t)[0] is None and len(fold(t)) >= self.settings.min_two_edit_length
        ]
        self.index = TargetIndex(
            self.ecosystem,
            popular.at_least(floor * self.settings.ratio),
            min_edit_length=self.settings.min_edit_length,
            two_edit_targets=two_edit,
        )

    @property
    def comparisons(self) -> int:
        """Pairs verified one by one so far (the only per-pair work; a complexity guard)."""
        return self.index.comparisons

    def check(self, name: str) -> tuple[Match, ...]:
        """Every popular name ``name`` imitates, most popular first; empty when none.

        A name on the popular list, or allowed by the allow-list, imitates nothing.
        """
        normal = self.ecosystem.normalize_name(name)
        if normal in self.popular or self.allow.allows(self.ecosystem, normal):
            return ()
        return self.matches(name)

    def matches(self, name: str) -> tuple[Match, ...]:
        """What the rules alone say about ``name``, as if it were not listed or allowed
        (``check`` without its exemptions: to explain a name, and for leave-one-out tests)."""
        normal = self.ecosystem.normalize_name(name)
        best = _strongest(self._hits(name, normal), normal)
        if not best:
            # the weakest rule, and the costliest lookup: only when nothing else matched
            best = _strongest(self._two_edit_hits(normal), normal)
        matches = []
        for target, (rule, detail) in best.items():
            target_popularity = self.popular.popularity(target)
            if target_popularity is None:  # pragma: no cover - the index holds listed names only
                continue
            matches.append(
                Match(
                    name=normal,
                    target=target,
                    rule=rule,
                    detail=detail,
                    popularity=self.popular.floor,
                    target_popularity=target_popularity,
                )
            )
        return tuple(sorted(matches, key=Match.sort_key))

    def _hits(self, raw: str, normal: str) -> Iterator[Hit]:
        index = self.index
        lower, folded = normal.lower(), fold(normal)
        for target in index.by_lower.get(lower, ()):
            yield target, Rule.CASE, f"{target!r} in other letter case"
        for target in index.by_fold.get(folded, ()):
            if target.lower() != lower:
                yield target, Rule.SEPARATOR, f"{target!r} with other separators"
        for target in index.by_skeleton.get(skeleton(raw), ()):
            if fold(target) != folded:
                yield target, Rule.HOMOGLYPH, f"reads like {target!r}"
        if self.ecosystem is Ecosystem.NPM:
            yield from self._scope_hits(normal)
        yield from self._affix_hits(folded)
        key = order_key(normal)
        for target in index.by_order.get(key, ()) if key else ():
            if fold(target) != folded:
                yield target, Rule.ORDER, f"the words of {target!r} in another order"
        for found, edit, detail in index.edits.neighbours(lower):
            for target in index.by_lower.get(found, ()):
                yield target, Rule(edit.value), detail

    def _two_edit_hits(self, normal: str) -> Iterator[Hit]:
        """Two edits on the folded name, for unscoped names (separators do not count)."""
        if split_scope(normal)[0] is not None:
            return
        for found, edit, detail in self.index.two_edits.neighbours(fold(normal)):
            for target in self.index.by_fold.get(found, ()):
                yield target, Rule(edit.value), detail

    def _affix_hits(self, folded: str) -> Iterator[Hit]:
        index = self.index
        mine = affix_residues(folded, self.ecosystem)
        for residue, affix in mine:
            for target in index.by_fold.get(residue, ()):
                yield target, Rule.AFFIX, f"adds {affix!r}"
        for target, affix in index.by_residue.get(folded, ()):
            yield target, Rule.AFFIX, f"drops {affix!r}"
        for residue, affix in mine:
            for target, theirs in index.by_residue.get(residue, ()):
                if _same_end(affix, theirs):
                    yield target, Rule.AFFIX, f"{affix!r} instead of {theirs!r}"

    def _scope_hits(self, name: str) -> Iterator[Hit]:
        scope, base = split_scope(name)
        if scope is not None:
            # Re-publishing a popular unscoped package under a scope is common and legitimate
            # (forks under an organisation's scope); only a scope named after the package
            # itself (@lodash/lodash) pretends to be its official home.
            if fold(scope) == fold(base):
                for target in self.index.by_fold.get(fold(base), ()):
                    if split_scope(target)[0] is None:
                        yield target, Rule.SCOPE, f"{target!r} under a scope named after it"
            return
        for target in self.index.scoped_joined.get(fold(name), ()):
            yield target, Rule.SCOPE, f"{target!r} with the scope joined to the name"


def _strongest(hits: Iterable[Hit], normal: str) -> dict[str, tuple[Rule, str]]:
    """The strongest rule per target (the name itself is never its own target)."""
    best: dict[str, tuple[Rule, str]] = {}
    for target, rule, detail in hits:
        known = best.get(target)
        if target != normal and (known is None or rule.precedence < known[0].precedence):
            best[target] = (rule, detail)
    return best


def _same_end(mine: str, theirs: str) -> bool:
    """Two different affixes at the same end of the name (python- for py-, -js for -node)."""
    return mine != theirs and mine.endswith("-") == theirs.endswith("-")


@functools.cache
def default_detector(ecosystem: Ecosystem) -> TyposquatDetector:
    """The detector over the bundled list with default settings (built once per process)."""
    return TyposquatDetector(bundled(ecosystem))
