"""The spellings a name is compared in: folded, look-alike skeleton, affix residues, tokens.

Each function is a pure string transformation applied the same way to popular names (when the
index is built) and to candidates (when they are looked up), so a match is a dictionary hit,
never a scan over the list.
"""

from __future__ import annotations

import re

from auditor.core.model import Ecosystem

SEPARATORS = "-_."
_SEPARATOR_RUN = re.compile(r"[-_.]+")
_FOLD_DROP = str.maketrans("", "", SEPARATORS)

# Characters and sequences that look alike in the fonts names are read in (terminals,
# registry pages, code review). Multi-character sequences are replaced first, in this order.
HOMOGLYPH_SEQUENCES = (("rn", "m"), ("vv", "w"), ("cl", "d"))
HOMOGLYPH_CHARACTERS = {"1": "l", "I": "l", "|": "l", "0": "o"}
_HOMOGLYPH_TABLE = str.maketrans(HOMOGLYPH_CHARACTERS)

# Words attackers glue to a popular name to make it look official, per ecosystem. Longest
# first so that ``python3-`` is stripped as a whole rather than as ``py`` + ``thon3``.
AFFIXES: dict[Ecosystem, tuple[str, ...]] = {
    Ecosystem.PYPI: ("python3", "python", "py3", "py", "lib"),
    Ecosystem.NPM: ("nodejs", "node", "js"),
}
# A residue shorter than this is too generic to name a package on its own ("py-re").
MIN_AFFIX_RESIDUE = 3


def fold(name: str) -> str:
    """Lowercase without separators: ``Cross_Env`` and ``cross-env`` fold alike."""
    return name.lower().translate(_FOLD_DROP)


def skeleton(name: str) -> str:
    """The folded name with look-alike characters replaced by one representative."""
    text = fold(name.translate(_HOMOGLYPH_TABLE))
    for sequence, replacement in HOMOGLYPH_SEQUENCES:
        text = text.replace(sequence, replacement)
    return text


def tokens(name: str) -> tuple[str, ...]:
    """The words of a name, split at separators (the scope's ``/`` too)."""
    text = name.lower().lstrip("@").replace("/", "-")
    return tuple(t for t in _SEPARATOR_RUN.split(text) if t)


def order_key(name: str) -> str | None:
    """The sorted words of a name with two words or more; ``None`` otherwise."""
    words = tokens(name)
    if len(words) < 2:
        return None
    return "-".join(sorted(words))


def affix_residues(folded: str, ecosystem: Ecosystem) -> list[tuple[str, str]]:
    """Every (residue, affix) left when one ecosystem affix is removed from either end.

    ``pythonrequests`` gives ``("requests", "python")``; ``requestspy`` gives
    ``("requests", "py")``. Affixes are only recognised on folded names, so ``python-``,
    ``python_``, ``python.`` and a glued ``python`` are the same affix.
    """
    residues: list[tuple[str, str]] = []
    for affix in AFFIXES.get(ecosystem, ()):
        if folded.startswith(affix):
            residues.append((folded[len(affix) :], affix + "-"))
        if folded.endswith(affix):
            residues.append((folded[: -len(affix)], "-" + affix))
    return [(r, a) for r, a in residues if len(r) >= MIN_AFFIX_RESIDUE]


def split_scope(name: str) -> tuple[str | None, str]:
    """``@scope/base`` as ``("scope", "base")``; an unscoped name as ``(None, name)``."""
    if name.startswith("@") and "/" in name:
        scope, _, base = name[1:].partition("/")
        return scope, base
    return None, name


DISTINCTIVE_LENGTH = 10


def distinctive(name: str) -> bool:
    """A name specific enough to point at one package: several words (``core-http``) or a
    long single word (``modelerfour``); ``tabs`` or ``utils`` name many."""
    return len(tokens(name)) >= 2 or len(fold(name)) >= DISTINCTIVE_LENGTH
