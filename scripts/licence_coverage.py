"""How many components carry a licence in a CycloneDX and an SPDX document of the same run.

    python scripts/licence_coverage.py SBOM.cdx.json SBOM.spdx.json [--lockfile package-lock.json]

Prints the components of each document, how many carry a licence in each and in both; with
``--lockfile`` (a package-lock.json v2/v3), how many of the lockfile's packages record a
``license`` and the share of those that carry one in both documents (by name and version).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def cyclonedx(path: Path) -> dict[tuple[str, str], bool]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    out: dict[tuple[str, str], bool] = {}
    for c in doc.get("components", []):
        name = f"{c['group']}/{c['name']}" if c.get("group") else c["name"]
        out[(name, c.get("version", ""))] = bool(c.get("licenses"))
    return out


def spdx(path: Path) -> dict[tuple[str, str], bool]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    out: dict[tuple[str, str], bool] = {}
    for p in doc.get("packages", []):
        if p.get("primaryPackagePurpose") != "LIBRARY":
            continue
        out[(p["name"], p.get("versionInfo", ""))] = p.get("licenseDeclared") != "NOASSERTION"
    return out


def recorded(path: Path) -> set[tuple[str, str]]:
    doc: Any = json.loads(path.read_text(encoding="utf-8"))
    found = set()
    for key, entry in doc.get("packages", {}).items():
        if key and "node_modules/" in key and entry.get("license") and entry.get("version"):
            name = entry.get("name") or key.rsplit("node_modules/", 1)[-1]
            found.add((name, entry["version"]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cyclonedx", type=Path)
    parser.add_argument("spdx", type=Path)
    parser.add_argument("--lockfile", type=Path)
    args = parser.parse_args()
    cdx, sp = cyclonedx(args.cyclonedx), spdx(args.spdx)
    both = {k for k in cdx if cdx[k] and sp.get(k)}
    print(f"components: CycloneDX {len(cdx)}, SPDX {len(sp)}")
    print(
        f"with a licence: CycloneDX {sum(cdx.values())}, SPDX {sum(sp.values())}, both {len(both)}"
    )
    print(f"share with a licence in both: {len(both) / max(len(cdx), 1):.1%}")
    if args.lockfile:
        wanted = recorded(args.lockfile)
        carried = wanted & both
        print(
            f"lockfile packages recording a licence: {len(wanted)}; carried in both: "
            f"{len(carried)} ({len(carried) / max(len(wanted), 1):.1%})"
        )


if __name__ == "__main__":
    main()
