#!/usr/bin/env python3
"""Typosquat check against reality, next to GuardDog's published rule.

Usage:
    .venv/bin/python bench/typosquat.py [--verbose] [--rule-names N]
    .venv/bin/python bench/typosquat.py --sweep [--ecosystem pypi|npm]

Measures, per ecosystem, auditor's check with its defaults and the baseline
(bench/typosquat_guarddog.py: GuardDog's one-edit rule against the same bundled lists, in
full and cut to GuardDog's own 5,000 names):

- recall on labeled real typosquats: the set the defaults were tuned on and the held-out set
  (typosquat_data.LABELED_FILES), over every labeled name and over those whose labeled
  target is on the bundled list (the ones a list-based check can name);
- recall on the names of the real malicious-package records (MAL- OSV records), over all of
  them and over those within reach of a popular name (bench/typosquat_reach.py);
- false positives on the package names of real lockfiles: the names alone (as
  ``auditor check-name`` sees them), and in their lockfile (as the lockfile check sees them:
  a package that listed packages depend on is not reported); on the popular names
  themselves, as shipped and leave-one-out;
- time for 1,000 names, each tool a process of its own, start-up and list or index load
  included: ``auditor check-name`` against GuardDog's rule as published (its loop over its
  5,000 names; ``--rule-names`` of them are timed and the rest scaled) and against this
  benchmark's indexed implementation of the rule.

``--sweep`` prints the tuning measures for a grid of settings (the held-out labeled set is
not printed there: it is not tuned on).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from typosquat_data import (
    BUNDLED,
    Labeled,
    labeled,
    lockfile_dependents,
    lockfile_names,
    malicious_names,
)
from typosquat_guarddog import IndexedRule
from typosquat_reach import Reach

from auditor.checks.names import valid_name
from auditor.checks.typosquat.detector import TyposquatDetector, TyposquatSettings, default_detector
from auditor.checks.typosquat.popular import PopularList, bundled
from auditor.core.model import Ecosystem

HERE = Path(__file__).parent
GUARDDOG_LIST_SIZE = 5000
TIMING_NAMES = 1_000

Checker = Callable[[str], Sequence[str]]


def top(popular: PopularList, count: int) -> list[str]:
    order = sorted(popular.weights, key=lambda n: (-popular.popularity(n).score, n))  # type: ignore[union-attr]
    return order[:count]


@dataclass
class Contender:
    label: str
    check: Checker  # as shipped: names on the list are never flagged
    leave_out: Checker  # a listed name judged as if it were not on the list
    in_context: Callable[[str, tuple[str, ...]], bool] | None = None  # (name, dependents)


def contenders(popular: PopularList, detector: TyposquatDetector) -> list[Contender]:
    full = IndexedRule(popular.weights)
    cut = IndexedRule(top(popular, GUARDDOG_LIST_SIZE))

    def in_lockfile(name: str, dependents: tuple[str, ...]) -> bool:
        # what the lockfile check adds: packages that listed packages depend on are cleared
        return bool(detector.check(name)) and not any(d in popular for d in dependents)

    return [
        Contender(
            "auditor",
            lambda n: [m.target for m in detector.check(n)],
            lambda n: [m.target for m in detector.matches(n)],
            in_lockfile,
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


def recall_rows(
    items: list[Labeled], people: list[Contender], popular: PopularList, label: str
) -> list[tuple[str, list[str]]]:
    items = [i for i in items if i.name not in popular]
    listed = [i for i in items if any(t in popular for t in i.targets)]
    rows = []
    for title, subset in (
        (f"{label}: recall, target listed", listed),
        (f"{label}: recall, all", items),
    ):
        rows.append(
            (title, [pct(sum(1 for i in subset if c.check(i.name)), len(subset)) for c in people])
        )
    return rows


def lockfile_rows(
    ecosystem: Ecosystem, people: list[Contender], data: Path, *, verbose: bool
) -> list[tuple[str, list[str]]]:
    names = lockfile_names(data)[ecosystem]
    dependents = lockfile_dependents(data)[ecosystem]
    alone = {c.label: sorted(n for n in names if c.check(n)) for c in people}
    rows = [("FP, lockfile names alone", [pct(len(alone[c.label]), len(names)) for c in people])]
    context = []
    for c in people:
        if c.in_context is None:
            context.append(f"{len(alone[c.label])} (no context)")
            continue
        flagged = [
            n
            for n in names
            if dependents.get(n) is not None and c.in_context(n, dependents[n] or ())
        ]
        context.append(pct(len(flagged), len(names)))
        if verbose:
            print(f"  [{c.label}] lockfile FPs in context: {flagged}")
    rows.append(("FP, lockfile names in their lockfile", context))
    if verbose:
        for c in people:
            print(f"  [{c.label}] lockfile FPs alone: {alone[c.label]}")
    return rows


def malicious_rows(
    ecosystem: Ecosystem, popular: PopularList, people: list[Contender], data: Path
) -> list[tuple[str, list[str]]]:
    malicious = [m.name for m in malicious_names(data, ecosystem)]
    reach = Reach(top(popular, GUARDDOG_LIST_SIZE))
    reachable = {n for n in malicious if n not in popular and reach.near(n)}
    flagged = {c.label: {n for n in malicious if c.check(n)} for c in people}
    return [
        (
            "malicious records: recall, all",
            [pct(len(flagged[c.label]), len(malicious)) for c in people],
        ),
        (
            "malicious records: recall, within reach",
            [pct(len(flagged[c.label] & reachable), len(reachable)) for c in people],
        ),
    ]


def popular_rows(popular: PopularList, people: list[Contender]) -> list[tuple[str, list[str]]]:
    shipped = [sum(1 for n in popular.weights if c.check(n)) for c in people]
    loo = [sum(1 for n in popular.weights if c.leave_out(n)) for c in people]
    return [
        ("FP, popular names as shipped", [pct(x, len(popular)) for x in shipped]),
        ("FP, popular names leave-one-out", [pct(x, len(popular)) for x in loo]),
    ]


def print_table(rows: list[tuple[str, list[str]]], labels: list[str]) -> None:
    width = max(len(r[0]) for r in rows)
    cols = [max(len(label), *(len(r[1][i]) for r in rows)) for i, label in enumerate(labels)]
    print(
        "  " + " " * width + "  " + "  ".join(x.ljust(w) for x, w in zip(labels, cols, strict=True))
    )
    for name, values in rows:
        cells = "  ".join(v.ljust(w) for v, w in zip(values, cols, strict=True))
        print("  " + name.ljust(width) + "  " + cells)


# -- time, process against process -------------------------------------------------------------


def timing_names(popular: PopularList, ecosystem: Ecosystem, seed: int = 7) -> list[str]:
    """1,000 valid names: one-edit typos of popular names (the work the rules do most)."""
    rng = random.Random(seed)
    pool = sorted(popular.weights)
    letters = "abcdefghijklmnopqrstuvwxyz"
    names: list[str] = []
    while len(names) < TIMING_NAMES:
        base = rng.choice(pool)
        i = rng.randrange(len(base))
        name = base[:i] + rng.choice(letters) + base[i + 1 :]
        if valid_name(ecosystem, name) and name not in names:
            names.append(name)
    return names


@dataclass
class Run:
    wall: float
    cpu: float
    out: str


def run_process(args: list[str], cwd: Path) -> Run:
    """Run a process (in a folder of its own: a checkout in the current folder would shadow
    the installed code), timed from outside."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False, cwd=cwd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1) or not done.stdout.strip():
        sys.exit(f"{args[:4]} failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall=wall, cpu=cpu, out=done.stdout)


def timing(ecosystem: Ecosystem, popular: PopularList, rule_names: int) -> None:
    names = timing_names(popular, ecosystem)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "names.txt"
        path.write_text("\n".join(names) + "\n", encoding="utf-8")
        sample = Path(folder) / "sample.txt"
        sample.write_text("\n".join(names[:rule_names]) + "\n", encoding="utf-8")
        eco = ecosystem.purl_type
        where = Path(folder)
        auditor = run_process(
            [sys.executable, "-m", "auditor", "check-name", "--ecosystem", eco, "--offline",
             "--", *names],
            where,
        )  # fmt: skip
        flagged = auditor.out.count(" typosquat: ")  # "NAME: medium typosquat: ..." lines
        rule = [sys.executable, str(HERE / "typosquat_rule.py")]
        indexed = run_process([*rule, "indexed", eco, str(path)], where)
        top_list = ["--top", str(GUARDDOG_LIST_SIZE)]
        literal = run_process([*rule, "literal", eco, str(sample), *top_list], where)
    scale = len(names) / rule_names
    literal_wall = literal.wall * scale
    print(
        f"\n  time, {len(names):,} names, each tool a process "
        "(start-up and list or index load included):"
    )
    print(
        f"  auditor check-name: {auditor.wall:.2f} s wall, {auditor.cpu:.2f} s CPU "
        f"({flagged:,} typosquat findings)"
    )
    print(
        f"  GuardDog rule as published (loop over {GUARDDOG_LIST_SIZE:,} names): "
        f"{literal.wall:.2f} s wall for {rule_names:,} names, about {literal_wall:,.0f} s for "
        f"{len(names):,}: auditor is {literal_wall / auditor.wall:,.0f}x faster"
    )
    print(
        f"  GuardDog rule, indexed here (full list): {indexed.wall:.2f} s wall, "
        f"{indexed.cpu:.2f} s CPU ({indexed.out.strip()} flagged): auditor "
        f"{indexed.wall / auditor.wall:.1f}x"
    )


# -- the tuning grid ---------------------------------------------------------------------------

SWEEP = {
    Ecosystem.PYPI: (
        {},
        {"ratio": 2.0},
        {"ratio": 5.0},
        {"min_two_edit_length": 8},
        {"affix_edit_ratio": 1.0},
        {"word_edit_ratio": float("inf")},
    ),
    Ecosystem.NPM: (
        {},
        {"ratio": 5.0},
        {"ratio": 50.0},
        {"short_name_ratio": 1.0},
        {"affix_edit_ratio": 1000.0},
        {"word_edit_ratio": 1000.0},
    ),
}  # changes to the defaults


def sweep(data: Path, only: Ecosystem | None) -> None:
    for ecosystem, changes in SWEEP.items():
        if only is not None and ecosystem is not only:
            continue
        defaults = TyposquatSettings.for_ecosystem(ecosystem)
        grid = [dataclasses.replace(defaults, **change) for change in changes]
        popular = bundled(ecosystem)
        tuning = [i for i in labeled(data, ecosystem, "tuning") if i.name not in popular]
        listed = [i for i in tuning if any(t in popular for t in i.targets)]
        names = lockfile_names(data)[ecosystem]
        dependents = lockfile_dependents(data)[ecosystem]
        print(
            f"\n== sweep {ecosystem.value}: tuning recall (target listed), lockfile FP in context"
        )
        for settings in grid:
            d = TyposquatDetector(popular, settings=settings)
            hit = sum(1 for i in listed if d.check(i.name))
            fp = sum(
                1
                for n in names
                if dependents.get(n) is not None
                and d.check(n)
                and not any(x in popular for x in dependents[n] or ())
            )
            print(f"  {pct(hit, len(listed)):>16}  FP {fp:>3}  {settings}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=BUNDLED, help="default: bench/data/typosquat")
    parser.add_argument("--sweep", action="store_true", help="print the tuning grid instead")
    parser.add_argument("--verbose", action="store_true", help="list false positives")
    parser.add_argument("--ecosystem", type=Ecosystem.parse, help="sweep only this ecosystem")
    parser.add_argument(
        "--rule-names",
        type=int,
        default=100,
        help="names GuardDog's loop is timed on (scaled to 1,000; default 100)",
    )
    args = parser.parse_args(argv)
    if args.sweep:
        sweep(args.data, args.ecosystem)
        return 0
    for ecosystem in (Ecosystem.PYPI, Ecosystem.NPM):
        popular = bundled(ecosystem)
        people = contenders(popular, default_detector(ecosystem))
        print(f"\n== {ecosystem.value}: {len(popular):,} popular names")
        rows: list[tuple[str, list[str]]] = []
        for part in ("tuning", "held-out"):
            rows += recall_rows(
                labeled(args.data, ecosystem, part), people, popular, f"labeled {part}"
            )
        rows += malicious_rows(ecosystem, popular, people, args.data)
        rows += lockfile_rows(ecosystem, people, args.data, verbose=args.verbose)
        rows += popular_rows(popular, people)
        print_table(rows, [c.label for c in people])
        timing(ecosystem, popular, args.rule_names)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
