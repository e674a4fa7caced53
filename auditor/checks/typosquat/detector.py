"""The typosquat engine: is a name a look-alike of a much more popular one?

A name is reported when it is not on the popular list itself (a listed name is popular in its
own right, so two popular neighbours are never reported), is not allowed by the allow-list,
and a rule connects it to an *eligible* popular name: one whose popularity is at least
``ratio`` times the most an unlisted name can have (the list's floor). Weaker rules need
more popular targets (``TyposquatSettings``). Only eligible names are indexed, and the index
for the bundled lists is prebuilt (``data/typosquat/``), so a process opens it in
milliseconds and each lookup is a handful of hash-table hits.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from itertools import chain

from auditor.checks.typosquat.allowlist import EMPTY, AllowList
from auditor.checks.typosquat.edits import only_version_differs
from auditor.checks.typosquat.forms import (
    AFFIXES,
    affix_residues,
    fold,
    order_key,
    skeleton,
    split_scope,
    tokens,
)
from auditor.checks.typosquat.index import (
    BASE,
    FOLD,
    JOINED,
    LOWER,
    ORDER,
    SKELETON,
    TargetIndex,
    build_payload,
)
from auditor.checks.typosquat.popular import PopularList
from auditor.checks.typosquat.prebuilt import prebuilt_index
from auditor.checks.typosquat.rules import Match, Rule
from auditor.checks.typosquat.tuning import TyposquatSettings
from auditor.core.model import Ecosystem

__all__ = ["TyposquatDetector", "TyposquatSettings", "default_detector"]

Hit = tuple[str, Rule, str]
SHORT_WORD = 2  # a word this short is replaced whole by one substitution (is-, fs-, es-)


class TyposquatDetector:
    """Checks names of one ecosystem against one popular list."""

    def __init__(
        self,
        popular: PopularList,
        *,
        settings: TyposquatSettings | None = None,
        allow: AllowList = EMPTY,
        index: TargetIndex | None = None,
    ) -> None:
        """``index``: the list's prebuilt index for these settings; without it one is built
        (a second or two for the whole npm list)."""
        self.popular = popular
        self.ecosystem = popular.ecosystem
        self.settings = settings or TyposquatSettings.for_ecosystem(self.ecosystem)
        self.allow = allow
        self._affixes = frozenset(AFFIXES.get(self.ecosystem, ()))
        self._floor = popular.floor.score
        if index is None:
            payload = build_payload(popular, self.settings, digest="")
            index = TargetIndex(payload, "<built in memory>")
        self.index = index

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
        # the rules in tiers, the weaker only when no stronger one matched: one step, then a
        # typo plus a word (an affix or any word), then two edits (the costliest lookup)
        best = _strongest(self._hits(name, normal), normal)
        if not best:
            folded = fold(normal)
            composite = chain(self._affix_edit_hits(folded), self._word_edit_hits(normal))
            best = _strongest(composite, normal)
        if not best:
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

    # -- the rules -------------------------------------------------------------------------

    def _hits(self, raw: str, normal: str) -> Iterator[Hit]:
        index = self.index
        lower, folded = normal.lower(), fold(normal)
        for target in index.by(LOWER, lower):
            yield target, Rule.CASE, f"{target!r} in other letter case"
        for target in index.by(FOLD, folded):
            if target.lower() != lower:
                yield target, Rule.SEPARATOR, f"{target!r} with other separators"
        for target in index.by(SKELETON, skeleton(raw)):
            if fold(target) != folded:
                yield target, Rule.HOMOGLYPH, f"reads like {target!r}"
        if self.ecosystem is Ecosystem.NPM:
            yield from self._scope_hits(normal)
        yield from self._affix_hits(folded)
        key = order_key(normal)
        for target in index.by(ORDER, key) if key else ():
            if fold(target) != folded:
                yield target, Rule.ORDER, f"the words of {target!r} in another order"
        yield from self._edit_hits(normal, folded)

    def _edit_hits(self, normal: str, folded: str) -> Iterator[Hit]:
        """One edit on the folded name (so a separator typo counts as nothing)."""
        short = len(folded) <= self.settings.short_name_length
        for found, edit, detail in self.index.one_edit(folded):
            for target in self.index.by(FOLD, found):
                if short and not self._popular_enough(target, self.settings.short_name_ratio):
                    continue  # a short name is one edit from many: only the most popular
                if not only_version_differs(normal, target) and not self._other_word(
                    normal, target
                ):
                    yield target, Rule(edit.value), detail

    def _affix_edit_hits(self, folded: str) -> Iterator[Hit]:
        """An ecosystem word added to a typo of the name (``etherdjs`` for ``ethers``)."""
        for residue, affix in affix_residues(folded, self.ecosystem):
            if len(residue) < self.settings.min_affix_edit_length:
                continue
            for target, detail in self._typos_of(residue, self.settings.affix_edit_ratio):
                yield target, Rule.AFFIX, f"adds {affix!r} to a typo ({detail})"

    def _word_edit_hits(self, normal: str) -> Iterator[Hit]:
        """A typo of a name with a word added before or after it (``matplatlib-plus``): the
        words on one side, folded, are one edit from a popular name. The typo is required:
        the name itself plus a word (``pytest-mock``) is how honest extensions are named."""
        if self.settings.word_edit_ratio == float("inf"):
            return
        words = tokens(split_scope(normal)[1])
        for cut in range(1, len(words)):
            for part, extra in (
                ("".join(words[:cut]), "-".join(words[cut:])),
                ("".join(words[cut:]), "-".join(words[:cut])),
            ):
                if len(part) < self.settings.min_word_edit_length or part in self._affixes:
                    continue
                for target, detail in self._typos_of(part, self.settings.word_edit_ratio):
                    yield target, Rule.AFFIX, f"adds {extra!r} to a typo ({detail})"

    def _typos_of(self, part: str, ratio: float) -> Iterator[tuple[str, str]]:
        """(target, edit) for the targets ``part`` (folded) is one edit from, popular
        enough for ``ratio``."""
        for found, _edit, detail in self.index.one_edit(part):
            for target in self.index.by(FOLD, found):
                if self._popular_enough(target, ratio):
                    yield target, detail

    def _two_edit_hits(self, normal: str) -> Iterator[Hit]:
        """Two edits on the folded name, for unscoped names (separators do not count)."""
        if split_scope(normal)[0] is not None:
            return
        for found, edit, detail in self.index.two_edits(fold(normal)):
            for target in self.index.by(FOLD, found):
                if not only_version_differs(normal, target) and not self._other_word(
                    normal, target
                ):
                    yield target, Rule(edit.value), detail

    def _affix_hits(self, folded: str) -> Iterator[Hit]:
        index = self.index
        mine = affix_residues(folded, self.ecosystem)
        for residue, affix in mine:
            for target in index.by(FOLD, residue):
                yield target, Rule.AFFIX, f"adds {affix!r}"
        for target, affix in index.by_residue(folded):
            yield target, Rule.AFFIX, f"drops {affix!r}"
        for residue, affix in mine:
            for target, theirs in index.by_residue(residue):
                if _same_end(affix, theirs):
                    yield target, Rule.AFFIX, f"{affix!r} instead of {theirs!r}"
                elif affix.strip("-") == theirs.strip("-"):
                    yield target, Rule.AFFIX, f"moves {theirs.strip('-')!r} to the other end"

    def _scope_hits(self, name: str) -> Iterator[Hit]:
        scope, base = split_scope(name)
        if scope is not None:
            # Re-publishing a popular unscoped package under a scope is common and legitimate
            # (forks under an organisation's scope); only a scope named after the package
            # itself (@lodash/lodash) pretends to be its official home.
            if fold(scope) == fold(base):
                for target in self.index.by(FOLD, fold(base)):
                    if split_scope(target)[0] is None:
                        yield target, Rule.SCOPE, f"{target!r} under a scope named after it"
            return
        for target in self.index.by(JOINED, fold(name)):
            yield target, Rule.SCOPE, f"{target!r} with the scope joined to the name"
        for target in self.index.by(BASE, fold(name)):
            yield target, Rule.SCOPE, f"{target!r} without its scope"

    # -- what an edit must not be ----------------------------------------------------------

    def _other_word(self, name: str, target: str) -> bool:
        """Whether the edit swaps one short common word for another (``es-constants`` and
        ``fs-constants``, ``fs-admin`` and ``is-admin``): another name, not a typo."""
        mine, theirs = tokens(split_scope(name)[1]), tokens(split_scope(target)[1])
        if len(mine) != len(theirs) or len(mine) < 2:
            return False
        changed = [(a, b) for a, b in zip(mine, theirs, strict=True) if a != b]
        if len(changed) != 1:
            return False
        word, other = changed[0]
        common = self.index.common_words
        return len(word) <= SHORT_WORD and word in common and other in common

    def _popular_enough(self, target: str, ratio: float) -> bool:
        popularity = self.popular.popularity(target)
        return popularity is not None and popularity.score >= self._floor * ratio


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
    """The detector over the bundled list with default settings, from the prebuilt index
    (opened once per process)."""
    index = prebuilt_index(ecosystem)
    return TyposquatDetector(index.popular, index=index)
