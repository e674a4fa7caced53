#!/usr/bin/env python3
"""Regenerate a bundled popular-package list from a ranking file.

Usage:
    scripts/build_popular.py RANKING_FILE --ecosystem pypi|npm -o data/popular/npm.tsv
        [--source TEXT] [--top N] [--min-downloads N]

RANKING_FILE is tab-separated with a header line: the first column is the package name, the
second either ``rank`` (1 = most popular) or a download count (a header starting with
``download``, e.g. ``downloads_a_month``). Names are normalised for the ecosystem (PEP 503 for
PyPI; npm names are kept as published), duplicates keep their best weight, and the output is
sorted so that regenerating from the same input gives the same bytes. See docs/checks.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from auditor.checks.names import valid_name
from auditor.checks.typosquat.popular import WeightKind, merge_weights, render_list
from auditor.core.errors import AuditorError
from auditor.core.fsutil import atomic_write
from auditor.core.model import Ecosystem


class BuildError(AuditorError):
    """A ranking file that cannot be turned into a list."""


def read_ranking(path: Path, ecosystem: Ecosystem) -> tuple[WeightKind, list[tuple[str, int]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildError(f"{path}: cannot read: {exc}") from None
    lines = text.splitlines()
    if not lines:
        raise BuildError(f"{path}: empty file (expected a header line)")
    kind = _weight_kind(lines[0], path)
    entries = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) < 2:
            raise BuildError(f"{path}:{number}: expected 'name<TAB>{kind.value}'")
        name, weight = fields[0].strip(), fields[1].strip()
        if not valid_name(ecosystem, name):
            raise BuildError(f"{path}:{number}: {name!r} is not a valid {ecosystem.value} name")
        if not weight.isascii() or not weight.isdigit() or int(weight) < 1:
            raise BuildError(f"{path}:{number}: {kind.value} {weight!r} is not a positive integer")
        entries.append((name, int(weight)))
    return kind, entries


def _weight_kind(header: str, path: Path) -> WeightKind:
    fields = [f.strip().lower() for f in header.split("\t")]
    if len(fields) >= 2 and fields[1] == "rank":
        return WeightKind.RANK
    if len(fields) >= 2 and fields[1].startswith("download"):
        return WeightKind.DOWNLOADS
    raise BuildError(f"{path}:1: header must be 'name<TAB>rank' or 'name<TAB>downloads...'")


def select(
    weights: dict[str, int], kind: WeightKind, *, top: int | None, min_downloads: int | None
) -> dict[str, int]:
    """Keep the ``top`` most popular names and those with at least ``min_downloads``."""
    chosen = dict(weights)
    if min_downloads is not None:
        if kind is not WeightKind.DOWNLOADS:
            raise BuildError("--min-downloads needs a ranking file with download counts")
        chosen = {n: w for n, w in chosen.items() if w >= min_downloads}
    if top is not None:
        order = sorted(
            chosen, key=lambda n: (chosen[n] if kind is WeightKind.RANK else -chosen[n], n)
        )
        chosen = {n: chosen[n] for n in order[:top]}
    return chosen


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build_popular.py", description="Regenerate a popular-package list."
    )
    parser.add_argument("ranking", metavar="RANKING_FILE", type=Path)
    parser.add_argument("--ecosystem", required=True, choices=["pypi", "npm"])
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    parser.add_argument("--source", help="where the ranking comes from (kept in the header)")
    parser.add_argument("--top", type=int, metavar="N", help="keep only the N most popular")
    parser.add_argument(
        "--min-downloads", type=int, metavar="N", help="keep only names with N downloads or more"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    ecosystem = Ecosystem.parse(args.ecosystem)
    try:
        if args.top is not None and args.top < 1:
            raise BuildError("--top must be at least 1")
        kind, entries = read_ranking(args.ranking, ecosystem)
        weights = merge_weights(entries, ecosystem, kind)
        weights = select(weights, kind, top=args.top, min_downloads=args.min_downloads)
        if not weights:
            raise BuildError(f"{args.ranking}: no package left to write")
        source = args.source or args.ranking.name
        atomic_write(args.output, render_list(ecosystem, kind, weights, source=source))
    except AuditorError as exc:
        print(f"build_popular.py: error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.output}: {len(weights)} {ecosystem.value} names ({kind.value})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
