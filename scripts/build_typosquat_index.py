#!/usr/bin/env python3
"""Rebuild the prebuilt typosquat indexes shipped in data/typosquat/ from data/popular/.

Usage:
    scripts/build_typosquat_index.py            # writes data/typosquat/{pypi,npm}.idx
    scripts/build_typosquat_index.py --check    # exit 1 when a shipped index is out of date

Run it after regenerating a popular list (scripts/build_popular.py) or changing a default of
``auditor.checks.typosquat.tuning``. The same list and settings always give the same index
(the test suite compares the shipped files with what this script builds). See docs/checks.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from auditor.checks.typosquat.popular import BUNDLED_ECOSYSTEMS
from auditor.checks.typosquat.prebuilt import build_index_file, index_path
from auditor.core.fsutil import atomic_write

ROOT = Path(__file__).resolve().parents[1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="compare instead of writing (exit 1 if stale)"
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: .)")
    args = parser.parse_args(argv)
    stale = []
    for ecosystem in BUNDLED_ECOSYSTEMS:
        built = build_index_file(ecosystem)
        path = args.root / index_path(ecosystem)
        if args.check:
            shipped = path.read_bytes() if path.exists() else b""
            if shipped != built:
                stale.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, built)
        path.chmod(0o644)
        print(f"wrote {path.relative_to(args.root)} ({len(built):,} bytes)")
    for path in stale:
        print(f"{path}: out of date, run scripts/build_typosquat_index.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
