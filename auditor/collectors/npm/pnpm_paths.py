"""pnpm dependency paths: the keys of ``packages``/``snapshots`` and the references to them.

pnpm changed the key syntax twice, and a collector must read each one the way pnpm does
(``@pnpm/dependency-path``):

- lockfile 5.x: ``/name/1.0.0``, ``/@scope/name/1.0.0_peer@2.0.0+other@3.0.0``, a registry
  host instead of the leading ``/`` (``registry.example/name/1.0.0``), or a git/tarball
  path (``github.com/owner/repo/<commit>``) whose entry carries ``name`` and ``version``;
- lockfile 6.x: ``/name@1.0.0(peer@2.0.0)``, peers in (nested) parentheses;
- lockfile 9.0: ``name@1.0.0`` in ``packages`` and ``name@1.0.0(peer@2.0.0)`` in ``snapshots``;
  non-registry packages are ``name@<url or file: path>``.

A dependency is referenced from an importer or a package as ``name: <reference>``; the
reference is a version (plus peer suffix), an alias target, a full key or ``link:<dir>``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

SUPPORTED_MAJORS = (5, 6, 9)

# semver 2.0 (what pnpm's ``semver.valid`` accepts for a key's version).
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?"
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)


def is_semver(text: str) -> bool:
    return _SEMVER.match(text) is not None


@dataclass(frozen=True, kw_only=True)
class KeyParts:
    """What a key says about its package. ``version`` is set only for a semver version
    (a registry package); ``registry`` is true when the key has the registry form."""

    name: str | None
    version: str | None
    registry: bool


def remove_peer_suffix(key: str) -> str:
    """``foo@1.0.0(a@1(b@2))(c@3)`` → ``foo@1.0.0``: trailing balanced parenthesised groups
    (peers, ``patch_hash=...``) are not part of the package's identity."""
    end = len(key)
    while end > 0 and key[end - 1] == ")":
        depth = 0
        start = -1
        for i in range(end - 1, -1, -1):
            if key[i] == ")":
                depth += 1
            elif key[i] == "(":
                depth -= 1
                if depth == 0:
                    start = i
                    break
        if start <= 0:
            break
        end = start
    return key[:end]


def parse_key(key: str, major: int) -> KeyParts:
    """Name and version of a ``packages``/``snapshots`` key, as far as the key tells."""
    if key.startswith("file:"):
        return KeyParts(name=None, version=None, registry=False)
    if major == 5:
        return _parse_v5(key)
    if major == 6:
        return _parse_v6(key)
    return _parse_v9(key)


def _parse_v5(key: str) -> KeyParts:
    parts = key.split("/")
    parts = parts[1:]  # the empty string before a leading "/", or the registry/git host
    if not parts or not parts[0]:
        return KeyParts(name=None, version=None, registry=False)
    if parts[0].startswith("@"):
        if len(parts) < 2 or not parts[1]:
            return KeyParts(name=None, version=None, registry=False)
        name, rest = f"{parts[0]}/{parts[1]}", parts[2:]
    else:
        name, rest = parts[0], parts[1:]
    if len(rest) != 1:
        return KeyParts(name=None, version=None, registry=False)
    version = rest[0].split("_", 1)[0]  # "1.0.0_react@18.2.0": the peer suffix follows "_"
    if not is_semver(version):
        return KeyParts(name=None, version=None, registry=False)
    return KeyParts(name=name, version=version, registry=True)


def _parse_v6(key: str) -> KeyParts:
    plain = remove_peer_suffix(key)
    if not plain.startswith("/"):
        # a registry host before the path ("registry.example/foo@1.0.0"), or a git path
        host, slash, rest = plain.partition("/")
        if not slash or not host:
            return KeyParts(name=None, version=None, registry=False)
        plain = "/" + rest
    return _split_name_version(plain[1:])


def _parse_v9(key: str) -> KeyParts:
    return _split_name_version(remove_peer_suffix(key))


def _split_name_version(text: str) -> KeyParts:
    at = text.find("@", 1)  # a scoped name starts with "@"
    if at <= 0:
        return KeyParts(name=None, version=None, registry=False)
    name, version = text[:at], text[at + 1 :]
    if not _valid_name(name):
        return KeyParts(name=None, version=None, registry=False)
    if is_semver(version):
        return KeyParts(name=name, version=version, registry=True)
    return KeyParts(name=name, version=None, registry=False)


def _valid_name(name: str) -> bool:
    if name.startswith("@"):
        scope, slash, base = name.partition("/")
        return bool(slash) and len(scope) > 1 and bool(base) and "/" not in base
    return bool(name) and "/" not in name


def reference_key(reference: str, name: str, major: int) -> str | None:
    """The key a dependency reference points at (pnpm's ``refToRelative``); ``None`` for
    ``link:`` references, which point at a workspace directory instead."""
    if reference.startswith("link:"):
        return None
    if major == 9:
        if reference.startswith("@"):
            return reference
        at = reference.find("@")
        if at == -1:
            return f"{name}@{reference}"
        colon, paren = reference.find(":"), reference.find("(")
        if (colon == -1 or at < colon) and (paren == -1 or at < paren):
            return reference  # an alias target such as "string-width@4.2.3"
        return f"{name}@{reference}"
    if reference.startswith("file:"):
        # pnpm writes the keys normalised ("file:projects/a.tgz" for "file:./projects/a.tgz")
        return "file:" + posixpath.normpath(reference.removeprefix("file:"))
    if major == 6:
        paren = reference.find("(")
        if "/" not in reference or (paren != -1 and "/" not in reference[:paren]):
            return f"/{name}@{reference}"
        return reference
    if "/" not in reference:
        return f"/{name}/{reference}"
    return reference
