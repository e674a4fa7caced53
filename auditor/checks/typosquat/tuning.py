"""The knobs of the typosquat detector and their measured defaults per ecosystem.

Every default was chosen with ``bench/typosquat.py`` on the labeled typosquats set aside for
tuning, the malicious-package records and the false positives on the names of real lockfiles
(bench/README.md); the labeled sets held out were only measured. The prebuilt index
(``data/typosquat/``) records the settings it was built with: changing a default here means
running ``scripts/build_typosquat_index.py`` (a test compares the two).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from auditor.core.model import Ecosystem


@dataclass(frozen=True, kw_only=True)
class TyposquatSettings:
    """Popularity ratios say how much more popular than any unlisted name a popular name
    must be to count as imitated by a rule (1: every listed name); lengths are of folded
    names (lowercase, separators removed)."""

    ratio: float = 1.0  # every rule but the ones below
    two_edit_ratio: float = 20.0  # two edits, the weakest rule
    min_edit_length: int = 4  # "ms", "qs", "ws" are one edit from hundreds of short names
    min_two_edit_length: int = 8
    affix_edit_ratio: float = 1.0  # an ecosystem word added to a typo (``etherdjs``)
    min_affix_edit_length: int = 5
    word_edit_ratio: float = 1.0  # a word added to a typo (``matplatlib-plus``)
    min_word_edit_length: int = 6
    short_name_length: int = 4  # a name this short is one edit from many ...
    short_name_ratio: float = 1.0  # ... so only far more popular names count for it

    def __post_init__(self) -> None:
        ratios = (
            self.ratio,
            self.two_edit_ratio,
            self.affix_edit_ratio,
            self.word_edit_ratio,
            self.short_name_ratio,
        )
        if any(not r >= 1 for r in ratios):
            raise ValueError("popularity ratios must be at least 1")
        lengths = (
            self.min_edit_length,
            self.min_two_edit_length,
            self.min_affix_edit_length,
            self.min_word_edit_length,
        )
        if any(n < 1 for n in lengths):
            raise ValueError("minimum lengths must be at least 1")

    @classmethod
    def for_ecosystem(cls, ecosystem: Ecosystem) -> TyposquatSettings:
        return DEFAULTS.get(ecosystem, cls())

    def json(self) -> dict[str, float | int | None]:
        """The settings as JSON values (``inf`` as ``None``: the rule is off)."""
        return {k: None if v == math.inf else v for k, v in sorted(asdict(self).items())}


# Ranks (PyPI) and monthly downloads (npm) are on different scales, hence separate defaults.
DEFAULTS = {
    Ecosystem.PYPI: TyposquatSettings(
        ratio=1.0,  # real campaigns imitate projects ranked 8,000-12,000 (bip-utils)
        two_edit_ratio=15.0,  # the top 1,000
        min_two_edit_length=7,
        affix_edit_ratio=15.0,
        word_edit_ratio=15.0,
    ),
    Ecosystem.NPM: TyposquatSettings(
        ratio=1.0,
        two_edit_ratio=1000.0,  # 20 million downloads a month
        affix_edit_ratio=1.0,
        word_edit_ratio=math.inf,  # measured: nothing gained, dozens of false positives
        short_name_ratio=50.0,  # 1 million downloads a month for names of 4 letters or less
    ),
}
