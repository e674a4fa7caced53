#!/usr/bin/env python3
"""Typosquat check against reality, next to GuardDog's published rule.

Usage:
    .venv/bin/python bench/typosquat.py [--sweep] [--verbose]

Measures, per ecosystem and for auditor's detector and the baseline (bench/typosquat_guarddog.py
against the same bundled lists, in full and cut to GuardDog's default 5,000 names):

- recall on the names of the real malicious-package records (MAL- OSV records), over all of
  them and over those within reach of a popular name (bench/typosquat_reach.py);
- recall on the labeled npm typosquats, and whether the name each one imitates is found;
- false positives on the popular names themselves, as shipped and leave-one-out (each name
  judged as if it were not on the list), and on every package of the real lockfiles;
- time for 10,000 names against the full lists.

``--sweep`` prints the same figures (except the labeled list, which is not used for tuning)
for a grid of ratios and minimum edit lengths: that is what the defaults were chosen on.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from typosquat_data import BUNDLED, Labeled, labeled_npm, lockfile_names, malicious_names
from typosquat_guarddog import IndexedRule, LiteralRule, same_answers
from typosquat_reach import Reach

from auditor.checks.typosquat.detector import TyposquatDetector, TyposquatSettings
from auditor.checks.typosquat.popular import PopularList, bundled
from auditor.core.model import Ecosystem

GUARDDOG_LIST_SIZE = 5000
TIMING_NAMES = 10_000
LITERAL_SAMPLE = 100  # the baseline's literal loop is timed on up to this many names and scaled
LITERAL_BUDGET = 60.0  # seconds per list size for that timing


def top(popular: PopularList, count: int) -> list[str]:
    order = sorted(popular.weights, key=lambda n: (-popular.popularity(n).score, n))  # type: ignore[union-attr]
    return order[:count]


Checker = Callable[[str], Sequence[str]]


@dataclass
class Contender:
    label: str
    check: Checker  # as shipped: names on the list are never flagged
    leave_out: Checker  # a listed name judged as if it were not on the list


def contenders(popular: PopularList) -> list[Contender]:
    detector = TyposquatDetector(popular)
    full = IndexedRule(popular.weights)
    cut = IndexedRule(top(popular, GUARDDOG_LIST_SIZE))
    return [
        Contender(
            "auditor",
            lambda n: [m.target for m in detector.check(n)],
            lambda n: [m.target for m in detector.matches(n)],
        ),
        Contender("GuardDog rule, full list", full.check, lambda n: full.check(n, leave_out=True)),
        Contender(
            f"GuardDog rule, top {GUARDDOG_LIST_SIZE:,}",
            cut.check,
            lambda n: cut.check(n, leave_out=n in cut._set),
        ),
    ]


def pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else "0/0"


def rows_for(
    ecosystem: Ecosystem,
    popular: PopularList,
    data: Path,
    people: list[Contender],
    lockfiles: dict[str, str],
    *,
    verbose: bool,
) -> list[tuple[str, list[str]]]:
    malicious = [m.name for m in malicious_names(data, ecosystem)]
    reach = Reach(top(popular, GUARDDOG_LIST_SIZE))
    reachable = [n for n in malicious if n not in popular and reach.near(n)]
    listed = [n for n in malicious if n in popular]
    print(
        f"  malicious names: {len(malicious)} ({len(listed)} on the popular list: "
        f"{', '.join(listed[:8])}{'...' if len(listed) > 8 else ''}); "
        f"within reach: {len(reachable)}"
    )
    rows: list[tuple[str, list[str]]] = []
    flagged = {c.label: {n for n in malicious if c.check(n)} for c in people}
    rows.append(
        (
            "recall, all malicious names",
            [pct(len(flagged[c.label]), len(malicious)) for c in people],
        )
    )
    rows.append(
        (
            "recall, within reach",
            [pct(len(flagged[c.label] & set(reachable)), len(reachable)) for c in people],
        )
    )
    shipped = [sum(1 for n in popular.weights if c.check(n)) for c in people]
    rows.append(("FP, popular names as shipped", [pct(x, len(popular)) for x in shipped]))
    loo = [sum(1 for n in popular.weights if c.leave_out(n)) for c in people]
    rows.append(("FP, popular names leave-one-out", [pct(x, len(popular)) for x in loo]))
    lock = {c.label: sorted(n for n in lockfiles if c.check(n)) for c in people}
    rows.append(
        ("FP, real lockfile packages", [pct(len(lock[c.label]), len(lockfiles)) for c in people])
    )
    if verbose:
        for c in people:
            print(f"  [{c.label}] lockfile FPs: {lock[c.label]}")
            missed = sorted(set(reachable) - flagged[c.label])
            print(f"  [{c.label}] missed within reach ({len(missed)}): {missed}")
    return rows


def labeled_rows(
    labeled: list[Labeled], people: list[Contender], popular: PopularList
) -> list[tuple[str, list[str]]]:
    hits, primary, anywhere = [], [], []
    for c in people:
        found = first = named = 0
        for item in labeled:
            targets = list(c.check(item.name))
            wanted = {t.lower() for t in item.targets}
            found += bool(targets)
            first += bool(targets) and targets[0].lower() in wanted
            named += any(t.lower() in wanted for t in targets)
        hits.append(pct(found, len(labeled)))
        primary.append(pct(first, len(labeled)))
        anywhere.append(pct(named, len(labeled)))
    listed = sum(1 for item in labeled if item.name in popular)
    print(f"  labeled npm typosquats: {len(labeled)} names ({listed} on the popular list)")
    return [
        ("labeled: recall", hits),
        ("labeled: labeled target named first", primary),
        ("labeled: labeled target among matches", anywhere),
    ]


def print_table(rows: list[tuple[str, list[str]]], labels: list[str]) -> None:
    width = max(len(r[0]) for r in rows)
    cols = [max(len(label), *(len(r[1][i]) for r in rows)) for i, label in enumerate(labels)]
    print(
        "  "
        + " " * width
        + "  "
        + "  ".join(label.ljust(w) for label, w in zip(labels, cols, strict=True))
    )
    for name, values in rows:
        print(
            "  "
            + name.ljust(width)
            + "  "
            + "  ".join(v.ljust(w) for v, w in zip(values, cols, strict=True))
        )


def timing_names(popular: PopularList, extra: Sequence[str], seed: int = 7) -> list[str]:
    """10,000 names: the real ones given, then one-edit typos of popular names."""
    rng = random.Random(seed)
    names = list(dict.fromkeys(extra))[:TIMING_NAMES]
    pool = sorted(popular.weights)
    letters = "abcdefghijklmnopqrstuvwxyz-"
    while len(names) < TIMING_NAMES:
        base = rng.choice(pool)
        i = rng.randrange(len(base))
        names.append(base[:i] + rng.choice(letters) + base[i + 1 :])
    return names


class Clock:
    """Wall and CPU time of a block: the machine may be shared, CPU time is the steadier."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def ms(self) -> str:
        return f"{1000 * self.wall:.0f} ms wall / {1000 * self.cpu:.0f} ms CPU"


def timing(popular: PopularList, names: list[str], graph: Sequence[str]) -> None:
    with Clock() as build:
        detector = TyposquatDetector(popular)
    with Clock() as run:
        flagged = sum(1 for n in names if detector.check(n))
    with Clock() as whole:
        for n in graph:
            detector.check(n)
    print(
        f"  auditor: index {build.ms()} ({len(detector.index.targets):,} targets, "
        f"{detector.index.size:,} keys); {len(names):,} names in {run.ms()} "
        f"({1e6 * run.cpu / len(names):.0f} µs CPU/name), {detector.comparisons:,} pair "
        f"comparisons, {flagged:,} flagged; the {len(graph):,} real lockfile names in {whole.ms()}"
    )
    with Clock() as build:
        indexed = IndexedRule(popular.weights)
    with Clock() as run:
        flagged = sum(1 for n in names if indexed.check(n))
    print(
        f"  GuardDog rule, indexed here: index {build.ms()}; {len(names):,} names in "
        f"{run.ms()}, {flagged:,} flagged"
    )
    for size in (GUARDDOG_LIST_SIZE, len(popular)):
        literal = LiteralRule(top(popular, size))
        sample = names[:: len(names) // LITERAL_SAMPLE][:LITERAL_SAMPLE]
        timed = 0
        with Clock() as run:
            for n in sample:
                literal.check(n)
                timed += 1
                if time.perf_counter() - run.wall > LITERAL_BUDGET:
                    break
        per_name = run.cpu / timed
        print(
            f"  GuardDog rule as published (a loop over {size:,} names): "
            f"{1000 * per_name:.1f} ms CPU/name, so about {per_name * len(names):,.0f} s for "
            f"{len(names):,} names (timed on {timed})"
        )
    check = IndexedRule(top(popular, GUARDDOG_LIST_SIZE))
    literal = LiteralRule(top(popular, GUARDDOG_LIST_SIZE))
    disagree = same_answers(names[:: len(names) // 200][:200], literal, check)
    print(
        f"  indexed vs literal baseline (top {GUARDDOG_LIST_SIZE:,}, 200 names): "
        f"{len(disagree)} disagreements"
    )


SWEEP = {
    Ecosystem.PYPI: [
        TyposquatSettings(ratio=r, two_edit_ratio=t, min_edit_length=m)
        for m in (3, 4)
        for r in (1, 2, 5)
        for t in (5, 15, 50, 1e15)
    ],
    Ecosystem.NPM: [
        TyposquatSettings(ratio=r, two_edit_ratio=t, min_edit_length=m)
        for m in (4,)
        for r in (1, 10, 50, 200)
        for t in (1000, 5000, 1e15)
    ],
}


def sweep(data: Path, lock: dict[Ecosystem, dict[str, str]], only: Ecosystem | None) -> None:
    for ecosystem, grid in SWEEP.items():
        if only is not None and ecosystem is not only:
            continue
        popular = bundled(ecosystem)
        malicious = [m.name for m in malicious_names(data, ecosystem)]
        reach = Reach(top(popular, GUARDDOG_LIST_SIZE))
        reachable = {n for n in malicious if n not in popular and reach.near(n)}
        print(
            f"\n== sweep {ecosystem.value} ({len(reachable)} within reach): recall all / within "
            "reach, FP leave-one-out / lockfiles"
        )
        for settings in grid:
            d = TyposquatDetector(popular, settings=settings)
            hit = {n for n in malicious if d.check(n)}
            loo = sum(1 for n in popular.weights if d.matches(n))
            fp = sum(1 for n in lock[ecosystem] if d.check(n))
            print(
                f"  ratio {settings.ratio:>4g} two-edit {settings.two_edit_ratio:>6g} "
                f"min-edit {settings.min_edit_length}: targets {len(d.index.targets):>6}  "
                f"recall {len(hit):>4} / {len(hit & reachable):>4}  "
                f"LOO FP {loo:>5}  lockfile FP {fp:>3}"
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=BUNDLED,
        help="the extracted data (default: bench/data/typosquat; see typosquat_data.py)",
    )
    parser.add_argument("--sweep", action="store_true", help="print the tuning grid instead")
    parser.add_argument("--verbose", action="store_true", help="list FPs and misses")
    parser.add_argument("--ecosystem", type=Ecosystem.parse, help="sweep only this ecosystem")
    args = parser.parse_args(argv)
    lock = lockfile_names(args.data)
    if args.sweep:
        sweep(args.data, lock, args.ecosystem)
        return 0
    for ecosystem in (Ecosystem.PYPI, Ecosystem.NPM):
        popular = bundled(ecosystem)
        people = contenders(popular)
        print(
            f"\n== {ecosystem.value}: {len(popular):,} popular names, "
            f"{len(lock[ecosystem]):,} lockfile names"
        )
        rows = rows_for(
            ecosystem, popular, args.data, people, lock[ecosystem], verbose=args.verbose
        )
        if ecosystem is Ecosystem.NPM:
            rows += labeled_rows(labeled_npm(args.data), people, popular)
        print_table(rows, [c.label for c in people])
        names = [m.name for m in malicious_names(args.data, ecosystem)] + sorted(lock[ecosystem])
        print(f"\n  time, {TIMING_NAMES:,} names against the full {ecosystem.value} list:")
        timing(popular, timing_names(popular, names), sorted(lock[ecosystem]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
