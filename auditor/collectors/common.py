"""Small helpers shared by collectors: hashes, pins, roots, flat files."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable

from auditor.model import Edge, Hash, Package, Root

_HEX = re.compile(r"^[0-9a-fA-F]+$")
KNOWN_ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b")


def parse_hash(text: str) -> Hash | None:
    """``sha256:<hex>`` / ``sha256=<hex>`` (pip, poetry, uv, pylock) or an SRI string
    ``sha512-<base64>`` (npm ``integrity``); ``None`` when it is neither."""
    text = text.strip()
    for sep in (":", "="):
        algorithm, found, value = text.partition(sep)
        if found and algorithm.lower() in KNOWN_ALGORITHMS and _HEX.match(value):
            return Hash(algorithm=algorithm.lower(), value=value.lower())
    algorithm, found, value = text.partition("-")
    if found and algorithm.lower() in KNOWN_ALGORITHMS:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return None
        return Hash(algorithm=algorithm.lower(), value=raw.hex())
    return None


def parse_hashes(texts: Iterable[str]) -> frozenset[Hash]:
    return frozenset(h for h in (parse_hash(t) for t in texts) if h is not None)


_PIN = re.compile(r"^\s*(===?)\s*([^\s,;]+)\s*$")


def exact_pin(specifier: str) -> str | None:
    """The version of an exact ``==1.2.3`` / ``===1.2.3`` pin, or ``None`` for a range.

    A wildcard (``==1.2.*``) is a range, not a pin.
    """
    match = _PIN.match(specifier)
    if match is None or "*" in match.group(2):
        return None
    return match.group(2)


def hang_from_root(
    root: Root, packages: Iterable[Package], scope_of_main: bool = True
) -> list[Edge]:
    """Edges from ``root`` to every package: for flat files that record no edges, every
    package is something the project installs, so each one is reachable from the root."""
    edges = []
    for pkg in packages:
        scope = (
            None
            if (scope_of_main and (not pkg.scopes or "main" in pkg.scopes))
            else (min(pkg.scopes) if pkg.scopes else None)
        )
        edges.append(Edge(parent=root.id, child=pkg.id, scope=scope))
    return edges


def orphans(packages: Iterable[Package], edges: Iterable[Edge]) -> list[Package]:
    """Packages no other package depends on: the likely direct dependencies when a
    lockfile records edges between packages but not the project's own requirements."""
    children = {e.child for e in edges}
    return [p for p in packages if p.id not in children]
