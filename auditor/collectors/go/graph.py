"""The files beside a go.mod: ``go.sum`` checksums and ``go mod graph`` output, and Go's
minimal version selection over that graph.

``go.sum`` lines are ``<module> <version>[/go.mod] h1:<base64 SHA-256>``; the ``h1`` hash of a
module is the SHA-256 of a summary of its file tree (not of a download), the ``/go.mod`` line
the hash of its go.mod alone. ``go mod graph`` prints one requirement per line,
``<module>@<version> <module>@<version>``, the main module without a version; since Go 1.21 it
also names the ``go`` and ``toolchain`` versions a module needs (``go@1.21.0``), which are
not modules.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from auditor.collectors.base import InputFile
from auditor.collectors.go.modfile import CANONICAL_VERSION
from auditor.core.errors import LockfileError
from auditor.core.model import Hash

ZIP_HASH = "go-h1"  # h1 of the module's files
GO_MOD_HASH = "go-h1-mod"  # h1 of the module's go.mod alone
_PSEUDO_MODULES = ("go", "toolchain")


def parse_go_sum(file: InputFile) -> dict[tuple[str, str], frozenset[Hash]]:
    """``(module, version)`` → its hashes (``go-h1``, ``go-h1-mod``), hex of the SHA-256."""
    sums: dict[tuple[str, str], set[Hash]] = {}
    for number, text in enumerate(file.text.split("\n"), 1):
        fields = text.split()
        if not fields:
            continue
        if len(fields) != 3:
            raise LockfileError(
                file.path,
                f"malformed go.sum line: expected 'module version hash',"
                f" found {len(fields)} fields",
                line=number,
            )
        path, version, digest = fields
        algorithm = ZIP_HASH
        if version.endswith("/go.mod"):
            version, algorithm = version.removesuffix("/go.mod"), GO_MOD_HASH
        if not CANONICAL_VERSION.match(version):
            raise LockfileError(file.path, f"invalid version {version!r} of {path}", line=number)
        if not digest.startswith("h1:"):
            continue  # another hash algorithm: the go command ignores it too
        sums.setdefault((path, version), set()).add(
            Hash(algorithm=algorithm, value=_h1_hex(file, digest, number))
        )
    return {key: frozenset(hashes) for key, hashes in sums.items()}


def _h1_hex(file: InputFile, digest: str, number: int) -> str:
    try:
        raw = base64.b64decode(digest.removeprefix("h1:"), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise LockfileError(
            file.path, f"invalid h1 hash {digest!r}: expected base64 of 32 bytes", line=number
        )
    return raw.hex()


@dataclass(frozen=True, kw_only=True)
class Requirement:
    """One ``go mod graph`` line; ``parent_version`` is ``None`` for the main module."""

    parent: str
    parent_version: str | None
    child: str
    child_version: str
    line: int


@dataclass(kw_only=True)
class ModuleGraph:
    main: str | None = None
    requirements: list[Requirement] = field(default_factory=list)

    def selected(self) -> dict[str, str]:
        """Minimal version selection: every module in the graph at the highest version any
        node requires (the main module's requirements included)."""
        versions: dict[str, set[str]] = {}
        for req in self.requirements:
            versions.setdefault(req.child, set()).add(req.child_version)
            if req.parent_version is not None:
                versions.setdefault(req.parent, set()).add(req.parent_version)
        return {path: max(found, key=version_key) for path, found in sorted(versions.items())}


def parse_mod_graph(file: InputFile) -> ModuleGraph:
    graph = ModuleGraph()
    for number, text in enumerate(file.text.split("\n"), 1):
        fields = text.split()
        if not fields:
            continue
        if len(fields) != 2:
            raise LockfileError(
                file.path,
                "expected 'module@version module@version' (go mod graph output)",
                line=number,
            )
        parent, parent_version = _node(file, fields[0], number)
        child, child_version = _node(file, fields[1], number)
        if child_version is None:
            raise LockfileError(file.path, f"{fields[1]!r} has no version", line=number)
        if parent in _PSEUDO_MODULES or child in _PSEUDO_MODULES:
            continue  # a Go or toolchain version requirement, not a module
        if parent_version is None:
            if graph.main is not None and graph.main != parent:
                raise LockfileError(
                    file.path,
                    f"more than one main module ({graph.main} and {parent})",
                    line=number,
                )
            graph.main = parent
        graph.requirements.append(
            Requirement(
                parent=parent,
                parent_version=parent_version,
                child=child,
                child_version=child_version,
                line=number,
            )
        )
    return graph


def _node(file: InputFile, text: str, number: int) -> tuple[str, str | None]:
    """``path@version``, or the main module's bare path (version ``None``)."""
    path, at, version = text.partition("@")
    if not at:
        return path, None
    if path in _PSEUDO_MODULES:
        return path, version
    if not path or not CANONICAL_VERSION.match(version):
        raise LockfileError(file.path, f"invalid module version {text!r}", line=number)
    return path, version


_NUMERIC = re.compile(r"^[0-9]+$")


def version_key(version: str) -> tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]:
    """Semantic-version order of a canonical Go version (build metadata ignored): a release
    sorts after its pre-releases, pre-release identifiers compare numerically or lexically."""
    match = CANONICAL_VERSION.match(version)
    if match is None:
        raise ValueError(f"not a canonical Go version: {version!r}")
    major, minor, patch, pre = match.group(1), match.group(2), match.group(3), match.group(4)
    if pre is None:
        return int(major), int(minor), int(patch), 1, ()
    identifiers = tuple(
        (0, int(part), "") if _NUMERIC.match(part) else (1, 0, part) for part in pre.split(".")
    )
    return int(major), int(minor), int(patch), 0, identifiers
