"""The typosquat rules and what a match says: which name is imitated, how, how popular."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from auditor.checks.typosquat.edits import Edit
from auditor.checks.typosquat.popular import Popularity


class Rule(str, enum.Enum):
    """Why a name looks like an imitation; members are listed strongest evidence first."""

    CASE = "case"
    SEPARATOR = "separator"
    HOMOGLYPH = "homoglyph"
    SCOPE = "scope"
    AFFIX = "affix"
    ORDER = "order"
    TRANSPOSITION = Edit.TRANSPOSITION.value
    REPETITION = Edit.REPETITION.value
    OMISSION = Edit.OMISSION.value
    INSERTION = Edit.INSERTION.value
    SUBSTITUTION = Edit.SUBSTITUTION.value
    TWO_EDITS = Edit.TWO_EDITS.value

    @property
    def precedence(self) -> int:
        return _PRECEDENCE[self]

    @property
    def explanation(self) -> str:
        return _EXPLANATIONS[self]


_PRECEDENCE = {rule: i for i, rule in enumerate(Rule)}
_EXPLANATIONS = {
    Rule.CASE: "the same name in different letter case",
    Rule.SEPARATOR: "the same letters with separators (-, _, .) added, removed or changed",
    Rule.HOMOGLYPH: "look-alike characters (rn/m, vv/w, cl/d, l/1/I, o/0)",
    Rule.SCOPE: "npm scope confusion",
    Rule.AFFIX: "an ecosystem word added, removed or swapped (python-, py, -js, node-, ...)",
    Rule.ORDER: "the same words in a different order",
    Rule.TRANSPOSITION: "two adjacent characters swapped",
    Rule.REPETITION: "a character doubled",
    Rule.OMISSION: "a character dropped",
    Rule.INSERTION: "a character added",
    Rule.SUBSTITUTION: "a character replaced",
    Rule.TWO_EDITS: "two of the edits above, on a long and very popular name",
}


@dataclass(frozen=True, kw_only=True)
class Match:
    """``name`` looks like ``target``, a much more popular package, because of ``rule``."""

    name: str
    target: str
    rule: Rule
    detail: str
    popularity: Popularity  # of ``name``: at most the list's floor, as it is not listed
    target_popularity: Popularity

    @property
    def ratio(self) -> float:
        """How many times more popular the target is than the name (at least)."""
        if self.popularity.score <= 0:
            return float("inf")
        return self.target_popularity.score / self.popularity.score

    def sort_key(self) -> tuple[bool, float, int, str]:
        """One-step matches before two-edit ones, then the most popular target, then the
        strongest rule, then the name."""
        return (
            self.rule is Rule.TWO_EDITS,
            -self.target_popularity.score,
            self.rule.precedence,
            self.target,
        )

    def explain(self) -> str:
        """One line: what it imitates and why."""
        return f"looks like {self.target} ({self.rule.value}: {self.detail})"
