"""The index over the popular names a candidate may imitate, built once and shipped.

``build_payload`` computes, for the *eligible* targets of a list (those popular enough for a
rule, see ``TyposquatSettings``), every spelling a rule compares: lowercase, folded,
look-alike skeleton, sorted words, affix residues, the npm scope joined to the name or
dropped. They go into one hash table keyed by ``tag + spelling``; the folded names one-edit
typos are looked for, the depth-2 deletion variants of the two-edit targets, the list's
common words and the list itself go alongside (``packed``: the file format).
``scripts/build_typosquat_index.py`` writes it for the bundled lists and default settings
into ``data/typosquat/``; ``TargetIndex`` reads it without building a single table, so a
process pays a few milliseconds, not seconds, before its first name. Lookups never scan the
list: every candidate a table gives is verified by recomputing its spelling.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator

from auditor.checks.typosquat.edits import Edit, classify, one_edit_away, osa_distance, variants
from auditor.checks.typosquat.forms import (
    AFFIXES,
    affix_residues,
    distinctive,
    fold,
    order_key,
    skeleton,
    split_scope,
    tokens,
)
from auditor.checks.typosquat.packed import Payload, hash_table, pack
from auditor.checks.typosquat.popular import PopularList, WeightKind
from auditor.checks.typosquat.tuning import TyposquatSettings
from auditor.core.model import Ecosystem

COMMON_WORD = 50  # a word used in this many listed names is vocabulary, not a typo
_ID_SHIFT = 4  # a value of the spellings table: name id << 4 | affix code

# the spellings a rule compares, each with its tag in the spellings table
LOWER, FOLD, SKELETON, ORDER, RESIDUE, JOINED, BASE = "L", "F", "S", "O", "R", "J", "B"
_TWO_EDIT_DETAILS = {1: "a separator changed and one more edit", 2: "two edits"}


def list_digest(text: str) -> str:
    """The identity of a popularity list: the SHA-256 of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def affix_codes(ecosystem: Ecosystem) -> list[str]:
    """The affixes a residue entry can name, in code order (``python-``, ..., ``-py``)."""
    words = AFFIXES.get(ecosystem, ())
    return [f"{w}-" for w in words] + [f"-{w}" for w in words]


def common_words(names: Iterable[str]) -> list[str]:
    """Words (tokens) used in at least ``COMMON_WORD`` listed names: ``is``, ``fs``, ``es``
    (npm's is-*, fs-*, es-* families), ``utils``... Swapping one such word for another is
    another name, not a misspelling."""
    counts: defaultdict[str, int] = defaultdict(int)
    for name in names:
        for word in set(tokens(split_scope(name)[1])):
            counts[word] += 1
    return sorted(w for w, n in counts.items() if n >= COMMON_WORD)


def _spellings(
    target: str, ecosystem: Ecosystem, codes: dict[str, int], unique_bases: set[str]
) -> Iterator[tuple[str, int]]:
    """(tag + spelling, affix code) of every spelling of one eligible target."""
    folded = fold(target)
    yield LOWER + target.lower(), 0
    yield FOLD + folded, 0
    yield SKELETON + skeleton(target), 0
    key = order_key(target)
    if key is not None:
        yield ORDER + key, 0
    for residue, affix in affix_residues(folded, ecosystem):
        yield RESIDUE + residue, codes[affix]
    scope, base = split_scope(target)
    if scope is not None:
        yield JOINED + fold(scope + base), 0
        yield JOINED + fold(base + scope), 0
        if fold(base) in unique_bases:
            yield BASE + fold(base), 0


def _unique_bases(names: Iterable[str]) -> set[str]:
    """Folded base names that name one scoped package of the whole list and are
    distinctive (several words, or long): ``core-http`` names @azure's package, while
    ``status-bar`` is published under six scopes and ``tabs`` names many things."""
    counts: defaultdict[str, int] = defaultdict(int)
    for name in names:
        scope, base = split_scope(name)
        if scope is not None and distinctive(base):
            counts[fold(base)] += 1
    return {base for base, n in counts.items() if n == 1}


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """The cyclic garbage collector paused: building the tables creates hundreds of
    thousands of small tuples and strings (no cycles), and the collections their allocation
    triggers cost a quarter to a third of the build."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_payload(popular: PopularList, settings: TyposquatSettings, *, digest: str) -> bytes:
    """The index of ``popular`` for ``settings``: a file's bytes (deterministic)."""
    with _no_collection():
        return _build(popular, settings, digest)


def _build(popular: PopularList, settings: TyposquatSettings, digest: str) -> bytes:
    ecosystem = popular.ecosystem
    names = sorted(popular.weights)
    ids = {name: i for i, name in enumerate(names)}
    floor = popular.floor.score

    def eligible(name: str, ratio: float) -> bool:
        popularity = popular.popularity(name)
        return popularity is not None and popularity.score >= floor * ratio

    targets = [n for n in names if eligible(n, settings.ratio)]
    codes = {affix: code for code, affix in enumerate(affix_codes(ecosystem))}
    unique = _unique_bases(names)
    spellings = [
        (key, ids[t] << _ID_SHIFT | code)
        for t in targets
        for key, code in _spellings(t, ecosystem, codes, unique)
    ]
    one_edit = sorted({f for t in targets if len(f := fold(t)) >= settings.min_edit_length})
    two_edit = [
        (variant, ids[t])
        for t in targets
        if eligible(t, settings.two_edit_ratio)
        and split_scope(t)[0] is None
        and len(fold(t)) >= settings.min_two_edit_length
        for variant in variants(fold(t), 2)
    ]
    sections = {
        "names": "\n".join(names).encode("utf-8"),
        "weights": b"".join(popular.weights[n].to_bytes(4, "little") for n in names),
        "one-edit": "\n".join(one_edit).encode("utf-8"),
        "common-words": "\n".join(common_words(names)).encode("utf-8"),
    }
    for name, entries in (("spellings", spellings), ("two-edit", two_edit)):
        sections[f"{name}.offsets"], sections[f"{name}.values"] = hash_table(entries)
    header = {
        "ecosystem": ecosystem.value,
        "weight": popular.kind.value,
        "source": popular.source,
        "list-sha256": digest,
        "settings": settings.json(),
        "alphabet": "".join(sorted({c for f in one_edit for c in f})),
        "one-edit-lengths": [
            min(map(len, one_edit), default=0),
            max(map(len, one_edit), default=0),
        ],
        "targets": len(targets),
    }
    return pack(header, sections)


class TargetIndex:
    """A prebuilt index (``build_payload``) opened for lookups."""

    def __init__(self, payload: bytes | memoryview, path: str) -> None:
        data = Payload(payload, path)
        header = data.header
        self.ecosystem = Ecosystem.parse(header["ecosystem"])
        self.settings_json = header["settings"]
        self.digest = str(header["list-sha256"])
        self.size = int(header["targets"])
        self.names = data.text("names")
        weights = data.uint32("weights")
        self.popular = PopularList(
            ecosystem=self.ecosystem,
            kind=WeightKind(header["weight"]),
            weights=dict(zip(self.names, weights, strict=True)),
            source=str(header["source"]),
        )
        self._spellings = data.table("spellings")
        self._two_edit = data.table("two-edit")
        self._affixes = affix_codes(self.ecosystem)
        self._one_edit = frozenset(data.text("one-edit"))
        shortest, longest = header["one-edit-lengths"]
        self._lengths = (int(shortest) - 1, int(longest) + 1)
        self._alphabet = str(header["alphabet"])
        self.common_words = frozenset(data.text("common-words"))
        self.comparisons = 0  # pairs verified one by one (the per-pair work)

    # -- exact spellings -------------------------------------------------------------------

    def _candidates(self, tag: str, key: str) -> Iterator[tuple[str, int]]:
        for value in self._spellings.candidates(tag + key):
            yield self.names[value >> _ID_SHIFT], value & ((1 << _ID_SHIFT) - 1)

    def by(self, tag: str, key: str) -> list[str]:
        """The targets whose spelling ``tag`` is ``key``."""
        return sorted({t for t, _ in self._candidates(tag, key) if _spelling(tag, t, key)})

    def by_residue(self, key: str) -> list[tuple[str, str]]:
        """(target, affix) for the targets that are ``key`` with an ecosystem affix."""
        found = set()
        for target, code in self._candidates(RESIDUE, key):
            affix = self._affixes[code]
            if (key, affix) in affix_residues(fold(target), self.ecosystem):
                found.add((target, affix))
        return sorted(found)

    # -- typos -----------------------------------------------------------------------------

    def one_edit(self, text: str) -> list[tuple[str, Edit, str]]:
        """The folded targets one edit from ``text`` (folded), with the edit."""
        low, high = self._lengths
        if not low <= len(text) <= high:
            return []  # a hostile 200-character name costs nothing
        found = []
        for other in one_edit_away(text, self._one_edit, self._alphabet):
            self.comparisons += 1
            edit = classify(text, other)
            if edit is not None:
                found.append((other, *edit))
        return found

    def two_edits(self, text: str) -> list[tuple[str, Edit, str]]:
        """The two-edit targets (their folded names) one or two edits from ``text``."""
        candidates: set[int] = set()
        for variant in variants(text, 2):
            candidates.update(self._two_edit.candidates(variant))
        found = []
        for target in sorted({fold(self.names[i]) for i in candidates}):
            if abs(len(target) - len(text)) > 2 or target == text:
                continue
            self.comparisons += 1
            distance = osa_distance(text, target)
            if distance <= 2:
                found.append((target, Edit.TWO_EDITS, _TWO_EDIT_DETAILS[distance]))
        return found


def _spelling(tag: str, target: str, key: str) -> bool:
    """Whether ``target``'s spelling ``tag`` is ``key`` (the verification of a candidate)."""
    if tag == LOWER:
        return target.lower() == key
    if tag == FOLD:
        return fold(target) == key
    if tag == SKELETON:
        return skeleton(target) == key
    if tag == ORDER:
        return order_key(target) == key
    scope, base = split_scope(target)
    if scope is None:
        return False
    if tag == JOINED:
        return key in (fold(scope + base), fold(base + scope))
    return tag == BASE and fold(base) == key
