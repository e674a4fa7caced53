#!/usr/bin/env python3
"""GuardDog's typosquatting rule as a process of its own, for the timing of bench/typosquat.py.

Usage:
    python bench/typosquat_rule.py literal|indexed pypi|npm NAMES_FILE [--top N]

Loads the bundled popular list (cut to its ``--top`` most popular names, as GuardDog ships
5,000), checks every name of NAMES_FILE (one a line) with the rule (``literal``: GuardDog's
loop over the list; ``indexed``: the same answers through this benchmark's indexes,
``typosquat_guarddog.IndexedRule``) and prints how many names it flagged. Timed from outside,
as a whole process, next to ``auditor check-name``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from typosquat_guarddog import IndexedRule, LiteralRule

from auditor.checks.typosquat.popular import bundled
from auditor.core.model import Ecosystem


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=("literal", "indexed"))
    parser.add_argument("ecosystem", type=Ecosystem.parse)
    parser.add_argument("names", type=Path)
    parser.add_argument("--top", type=int, default=0, help="cut the list (0: the whole list)")
    args = parser.parse_args()
    popular = bundled(args.ecosystem)
    order = sorted(popular.weights, key=lambda n: (-popular.popularity(n).score, n))  # type: ignore[union-attr]
    listed = order[: args.top] if args.top else order
    rule = LiteralRule(listed) if args.kind == "literal" else IndexedRule(listed)
    names = args.names.read_text(encoding="utf-8").split()
    print(sum(1 for name in names if rule.check(name)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
