"""Files that declare dependencies auditor does not read: lockfiles of formats it has no
collector for, and manifests with no lockfile. Discovery names them (``unsupported[]``),
so that a run that audited nothing of them never reads as clean.

Lockfiles: a table of names other tools lock with. A name a registered collector claims is
never in it (``unsupported_lockfile`` asks the registry first), so a format drops out of the
table the day its collector is registered.

Manifests (a project file that declares dependencies, without the versions a lock would
pin): each ecosystem's manifest is satisfied by one of its lockfiles in the manifest's folder
or a folder above it (inside the scanned tree: workspaces lock at their root), or, for
Python, a ``requirements/`` folder beside it. What a lockfile-less manifest means follows
what users of pip-audit and osv-scanner expect: its dependencies were not resolved, so
nothing of them was audited. A manifest that declares no dependency (a ``pyproject.toml``
that only configures tools) is not one.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import tomli as tomllib

from auditor.collectors import plugins
from auditor.core.model import UnsupportedFile

# (file name pattern, what it is): lockfiles of package managers auditor does not read
LOCKFILES: tuple[tuple[str, str], ...] = (
    ("Cargo.lock", "Rust (Cargo)"),
    ("Gemfile.lock", "Ruby (Bundler)"),
    ("gems.locked", "Ruby (Bundler)"),
    ("composer.lock", "PHP (Composer)"),
    ("bun.lock", "JavaScript (Bun)"),
    ("bun.lockb", "JavaScript (Bun, binary)"),
    ("deno.lock", "JavaScript (Deno)"),
    ("mix.lock", "Elixir (Mix)"),
    ("rebar.lock", "Erlang (rebar3)"),
    ("Podfile.lock", "Swift/Objective-C (CocoaPods)"),
    ("Package.resolved", "Swift (Swift Package Manager)"),
    ("pubspec.lock", "Dart/Flutter (pub)"),
    ("packages.lock.json", ".NET (NuGet)"),
    ("paket.lock", ".NET (Paket)"),
    ("gradle.lockfile", "Java/Kotlin (Gradle)"),
    ("buildscript-gradle.lockfile", "Java/Kotlin (Gradle)"),
    ("pom.xml", "Java (Maven)"),
    ("conan.lock", "C/C++ (Conan)"),
    ("renv.lock", "R (renv)"),
    ("Manifest.toml", "Julia (Pkg)"),
    ("cabal.project.freeze", "Haskell (Cabal)"),
    ("stack.yaml.lock", "Haskell (Stack)"),
    ("shard.lock", "Crystal (Shards)"),
    ("Gopkg.lock", "Go (dep, before Go modules)"),
    ("glide.lock", "Go (Glide, before Go modules)"),
    ("conda-lock.yml", "conda (conda-lock)"),
    ("pixi.lock", "conda/PyPI (pixi)"),
    ("requirements*.lock", "Python (Rye; pip requirements syntax: name it with --as requirements)"),
)

_WHAT = {f"n{i}": what for i, (_, what) in enumerate(LOCKFILES)}
MAX_MANIFEST_BYTES = 1024 * 1024
NOT_READ = "auditor does not read this format, so none of its packages were audited"


@dataclass(frozen=True, kw_only=True)
class Manifest:
    """A manifest name, its ecosystem, the lockfiles that satisfy it, and whether a given
    manifest's text declares any dependency."""

    name: str
    ecosystem: str
    lockfiles: tuple[str, ...]
    declares: Callable[[str], bool]
    lock_with: str  # the command that writes a lockfile


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _toml(text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return None


def _nonempty(value: object, ignore: Iterable[str] = ()) -> bool:
    if isinstance(value, dict):
        return any(key not in ignore for key in value)
    return isinstance(value, list) and bool(value)


def _npm_declares(text: str) -> bool:
    doc = _json_object(text)
    if doc is None:
        return True  # unreadable: nothing shows it declares none
    kinds = ("dependencies", "devDependencies", "optionalDependencies")
    return any(_nonempty(doc.get(kind)) for kind in kinds)


def _table_at(doc: dict[str, Any], *keys: str) -> dict[str, Any]:
    """The table at a key path, or an empty one (any other value counts as none)."""
    value: Any = doc
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


def _python_declares(text: str) -> bool:
    doc = _toml(text)
    if doc is None:
        return True
    project = _table_at(doc, "project")
    poetry = _table_at(doc, "tool", "poetry")
    groups = _table_at(poetry, "group")
    return (
        _nonempty(project.get("dependencies"))
        or _nonempty(project.get("optional-dependencies"))
        or _nonempty(doc.get("dependency-groups"))
        or _nonempty(poetry.get("dependencies"), ignore=("python",))
        or any(isinstance(g, dict) and _nonempty(g.get("dependencies")) for g in groups.values())
    )


def _cargo_declares(text: str) -> bool:
    doc = _toml(text)
    if doc is None:
        return True
    kinds = ("dependencies", "dev-dependencies", "build-dependencies")
    workspace = _table_at(doc, "workspace")
    return any(_nonempty(doc.get(kind)) for kind in kinds) or _nonempty(
        workspace.get("dependencies")
    )


def _composer_declares(text: str) -> bool:
    doc = _json_object(text)
    if doc is None:
        return True
    require = _table_at(doc, "require")
    platform = [k for k in require if k == "php" or k.startswith("ext-")]
    return _nonempty(require, ignore=platform) or _nonempty(doc.get("require-dev"))


def _always(_text: str) -> bool:
    return True


PYTHON_LOCKS = (
    "poetry.lock",
    "uv.lock",
    "pdm.lock",
    "pylock.toml",
    "pylock.*.toml",
    "Pipfile.lock",
    "requirements*.txt",
    "*-requirements.txt",
    "*_requirements.txt",
    "constraints*.txt",
    "requirements*.lock",
)
NPM_LOCKS = (
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
    "bun.lockb",
)

MANIFESTS: tuple[Manifest, ...] = (
    Manifest(
        name="package.json",
        ecosystem="npm",
        lockfiles=NPM_LOCKS,
        declares=_npm_declares,
        lock_with="npm install --package-lock-only",
    ),
    Manifest(
        name="pyproject.toml",
        ecosystem="Python",
        lockfiles=PYTHON_LOCKS,
        declares=_python_declares,
        lock_with="uv lock, poetry lock, pdm lock or pip-compile",
    ),
    Manifest(
        name="Pipfile",
        ecosystem="Python",
        lockfiles=("Pipfile.lock",),
        declares=_always,
        lock_with="pipenv lock",
    ),
    Manifest(
        name="Cargo.toml",
        ecosystem="Rust",
        lockfiles=("Cargo.lock",),
        declares=_cargo_declares,
        lock_with="cargo generate-lockfile",
    ),
    Manifest(
        name="Gemfile",
        ecosystem="Ruby",
        lockfiles=("Gemfile.lock", "gems.locked"),
        declares=_always,
        lock_with="bundle lock",
    ),
    Manifest(
        name="composer.json",
        ecosystem="PHP",
        lockfiles=("composer.lock",),
        declares=_composer_declares,
        lock_with="composer update --lock",
    ),
)
_NAMES = frozenset(m.name for m in MANIFESTS)  # the walk asks about every file


def unsupported_lockfile(name: str) -> str | None:
    """What a file of this name is, when it is a lockfile no registered collector reads."""
    match = _table().match(name)
    return None if match is None or match.lastgroup is None else _WHAT[match.lastgroup]


@functools.cache
def _table() -> re.Pattern[str]:
    """The table as one expression, without the names a registered collector claims (the
    directory walk asks it about every file)."""
    alternatives = [
        f"(?P<n{i}>{fnmatch.translate(pattern)})"
        for i, (pattern, _) in enumerate(LOCKFILES)
        if not any(c.claims(pattern) for c in plugins.COLLECTORS.values())
    ]
    return re.compile("|".join(alternatives) or "(?!)")


def lockfile_entry(path: str, what: str) -> UnsupportedFile:
    return UnsupportedFile(path=path, kind="lockfile", reason=f"lockfile of {what}: {NOT_READ}")


def manifest_for(name: str) -> Manifest | None:
    if name not in _NAMES:
        return None
    return next(m for m in MANIFESTS if m.name == name)


def unlocked_manifests(
    manifests: Iterable[tuple[PurePosixPath, str, str]], lockfiles: Iterable[PurePosixPath]
) -> list[UnsupportedFile]:
    """The manifests (relative path, displayed path, text) that declare dependencies and
    have no lockfile of their ecosystem in their folder or above it (``lockfiles``: the
    relative paths of every lockfile found in the same tree, read or not)."""
    by_folder: dict[PurePosixPath, list[str]] = {}
    for lock in lockfiles:
        by_folder.setdefault(lock.parent, []).append(lock.name)
    found = []
    for relative, shown, text in manifests:
        manifest = manifest_for(relative.name)
        if manifest is None or _locked(relative, manifest, by_folder):
            continue
        if not manifest.declares(text):
            continue
        reason = (
            f"manifest of {manifest.ecosystem} that declares dependencies, with no lockfile: "
            f"their versions are not pinned, so none of them were audited (lock them with "
            f"{manifest.lock_with})"
        )
        found.append(UnsupportedFile(path=shown, kind="manifest", reason=reason))
    return found


def _locked(
    manifest_path: PurePosixPath, manifest: Manifest, by_folder: dict[PurePosixPath, list[str]]
) -> bool:
    """A lockfile of the manifest's ecosystem in its folder or a folder above; for Python,
    also a requirements file in a ``requirements/`` folder beside it."""
    folder = manifest_path.parent
    for place in (folder, *folder.parents):
        names = by_folder.get(place, ())
        if any(fnmatch.fnmatchcase(n, p) for n in names for p in manifest.lockfiles):
            return True
    pins = by_folder.get(folder / "requirements", ())
    return manifest.ecosystem == "Python" and any(n.endswith(".txt") for n in pins)
