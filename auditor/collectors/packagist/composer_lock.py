"""``composer.lock`` (Composer 1 and 2).

``packages`` are installed always (scope ``main``), ``packages-dev`` only for development
(scope ``dev``). Each entry's ``require`` gives its edges; platform requirements (``php``,
``ext-*``, ``lib-*``, ``composer-*``) are not packages and are left out, and a name another
locked package ``replace``s or ``provide``s points at that package. The lock does not record
the project's own requirements: ``composer.json`` beside it gives them (``require`` → main,
``require-dev`` → dev); without it the packages nothing depends on hang from the root.

Where a package came from: an entry with a ``notification-url`` was served by a Composer
repository (Packagist or a private one; the URL, without ``downloads/``, is recorded in
``registries``); otherwise a ``path`` dist is a local folder, a ``git``/``hg``/``svn``
source a checkout of its ``reference``, another ``dist`` URL an archive, and an entry that
says nothing of its origin a registry package. ``dist.shasum``
(sha1, often empty) is the hash. Versions are kept as written (``v1.2.6``, ``dev-main``):
the Packagist version scheme reads the ``v`` as OSV does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import replace

from auditor.collectors.base import Collector, FileReader, InputFile
from auditor.collectors.common import entry_points, hang_from_root
from auditor.core.documents import Doc, LineIndex, load_json
from auditor.core.errors import LockfileError
from auditor.core.model import (
    CollectResult,
    Ecosystem,
    Edge,
    Hash,
    Location,
    Package,
    Root,
    SkippedPackage,
    Source,
    SourceKind,
    root_id,
)
from auditor.core.redact import redact_url
from auditor.licenses.declared import LOCKFILE, composer_license

SECTIONS = (("packages", "main"), ("packages-dev", "dev"))
MANIFEST = "composer.json"
_PLATFORM = re.compile(
    r"^(php(-64bit|-ipv6|-zts|-debug)?|hhvm|ext-.+|lib-.+|composer(-.+)?)$", re.I
)
_VCS = ("git", "hg", "svn", "fossil")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")


def is_platform(name: str) -> bool:
    """``php``, ``ext-json``, ``lib-icu``, ``composer-runtime-api``: the environment, not
    packages Composer installs."""
    return _PLATFORM.match(name) is not None


class ComposerLockCollector(Collector):
    name = "composer-lock"
    ecosystem = Ecosystem.PACKAGIST
    filenames = ("composer.lock",)
    description = "Composer lockfile (composer.lock)"

    def sniff(self, text: str) -> bool:
        head = text[:4096]
        return '"content-hash"' in head or ('"packages"' in head and '"_readme"' in head)

    def collect(self, file: InputFile, reader: FileReader) -> CollectResult:
        doc = load_json(file)
        doc.mapping()
        index = LineIndex(file.text)
        registries: set[str] = set()
        packages: dict[str, Package] = {}
        requires: list[tuple[str, Doc, Location]] = []
        offset = 0
        for section, scope in SECTIONS:
            for entry in doc.opt_array(section):
                name = entry.string("name")
                version = entry.string("version")
                if not name.strip() or not version.strip():
                    entry.fail("empty 'name' or 'version'")
                needle = f'"name": {json.dumps(name)}'
                at = file.text.find(needle, offset)
                offset = at + 1 if at >= 0 else offset
                location = Location(
                    path=file.path, line=index.line_of(at) if at >= 0 else None, key=entry.key
                )
                package = Package(
                    ecosystem=Ecosystem.PACKAGIST,
                    name=name,
                    version=version,
                    source=_source(entry, registries),
                    hashes=_hashes(entry),
                    scopes=frozenset({scope}),
                    found_in=(location,),
                    license=composer_license(entry.mapping().get("license"), source=LOCKFILE),
                )
                known = packages.get(package.id)
                packages[package.id] = package if known is None else known.merged_with(package)
                requires.append((package.id, entry, location))
        provided = _provided(doc, packages)
        root = Root(id=root_id(file.path), name=file.path, ecosystem=self.ecosystem, path=file.path)
        manifest = reader.read_sibling(file, MANIFEST)
        declared, own = _manifest(manifest) if manifest is not None else ([], set())
        edges: list[Edge] = []
        missing: dict[str, list[tuple[str, Location, str]]] = {}
        for parent, entry, location in requires:
            found, lacking = _bind(parent, _requirements(entry, "require"), provided, own)
            edges += found
            for name, requirement in lacking:
                missing.setdefault(name.lower(), []).append(
                    (requirement, location, entry.string("name"))
                )
        skipped = [_skip(name, sightings) for name, sightings in missing.items()]
        if manifest is not None and declared:
            where = Location(path=manifest.path, key="require")
            fields: tuple[tuple[str, str | None], ...] = (("require", None), ("require-dev", "dev"))
            for field, edge_scope in fields:
                wanted = [(n, t) for f, n, t in declared if f == field]
                found, lacking = _bind(root.id, wanted, provided, own)
                edges += [replace(e, scope=edge_scope) for e in found]
                skipped += [
                    SkippedPackage(
                        ecosystem=Ecosystem.PACKAGIST,
                        name=name.lower(),
                        requirement=requirement,
                        reason=f"declared in {MANIFEST} but not in the lockfile",
                        location=replace(where, key=field),
                    )
                    for name, requirement in lacking
                ]
        else:
            edges += hang_from_root(root, entry_points(packages.values(), edges))
        files = (file.path, manifest.path) if manifest is not None else (file.path,)
        return CollectResult(
            path=file.path,
            collector=self.name,
            ecosystem=self.ecosystem,
            roots=(root,),
            packages=tuple(packages.values()),
            edges=tuple(sorted(set(edges))),
            skipped=tuple(sorted(set(skipped))),
            registries=tuple(sorted(registries)),
            files=files,
        )


def _source(entry: Doc, registries: set[str]) -> Source:
    dist = entry.opt_table("dist")
    source = entry.opt_table("source")
    dist_type = dist.opt_string("type") if dist else None
    if dist is not None and dist_type == "path":
        return Source(kind=SourceKind.PATH, url=dist.opt_string("url"))
    notify = entry.opt_string("notification-url")
    if notify:
        registries.add(redact_url(re.sub(r"downloads/?$", "", notify)))
        return Source()
    source_type = source.opt_string("type") if source else None
    if source is not None and source_type in _VCS:
        url = source.opt_string("url")
        return Source(
            kind=SourceKind.GIT if source_type == "git" else SourceKind.URL,
            url=redact_url(url) if url else None,
            reference=source.opt_string("reference"),
        )
    url = dist.opt_string("url") if dist else None
    if not url:
        return Source()  # nothing says otherwise: a registry package (a trimmed lock)
    if "://" not in url:
        return Source(kind=SourceKind.PATH, url=url)
    return Source(kind=SourceKind.URL, url=redact_url(url))


def _hashes(entry: Doc) -> frozenset[Hash]:
    dist = entry.opt_table("dist")
    shasum = dist.opt_string("shasum") if dist else None
    if shasum and _SHA1.match(shasum):
        return frozenset({Hash(algorithm="sha1", value=shasum.lower())})
    return frozenset()


def _requirements(entry: Doc, field: str) -> list[tuple[str, str]]:
    table = entry.opt_table(field)
    if table is None:
        return []
    return [(name, value.as_str()) for name, value in table.items()]


def _provided(doc: Doc, packages: dict[str, Package]) -> dict[str, list[str]]:
    """Lowercased name → ids of the packages that are, replace or provide it."""
    by_name: dict[str, list[str]] = {}
    for package in packages.values():
        by_name.setdefault(package.name, []).append(package.id)
    for section, _scope in SECTIONS:
        for entry in doc.opt_array(section):
            owner = Package(
                ecosystem=Ecosystem.PACKAGIST,
                name=entry.string("name"),
                version=entry.string("version"),
                source=_source(entry, set()),
            ).id
            for field in ("replace", "provide"):
                for name, _constraint in _requirements(entry, field):
                    if name.lower() not in by_name or owner not in by_name[name.lower()]:
                        by_name.setdefault(name.lower(), []).append(owner)
    return by_name


def _bind(
    parent: str,
    wanted: Iterable[tuple[str, str]],
    provided: dict[str, list[str]],
    own: set[str],
) -> tuple[list[Edge], list[tuple[str, str]]]:
    """Edges to the locked packages ``wanted`` names, and the (name, requirement) pairs
    nothing locked provides. Platform packages and what the project itself replaces or
    provides (``own``) need no package."""
    edges: list[Edge] = []
    missing: list[tuple[str, str]] = []
    for name, constraint in wanted:
        if is_platform(name) or name.lower() in own:
            continue
        requirement = f"{name} {constraint}"
        # the real package wins over those that only replace or provide the name
        targets = [t for t in provided.get(name.lower(), []) if t != parent]
        if not targets:
            missing.append((name, requirement))
        edges += [Edge(parent=parent, child=t, requirement=requirement) for t in targets[:1]]
    return edges, missing


def _skip(name: str, sightings: list[tuple[str, Location, str]]) -> SkippedPackage:
    """One entry per missing name, however many packages require it."""
    requirement, location, owner = sightings[0]
    others = len(sightings) - 1
    by = f" and {others} other{'s' if others > 1 else ''}" if others else ""
    return SkippedPackage(
        ecosystem=Ecosystem.PACKAGIST,
        name=name,
        requirement=requirement,
        reason=(
            f"required by {owner}{by} but not locked (the project's {MANIFEST} may replace it)"
        ),
        location=location,
    )


def _manifest(manifest: InputFile) -> tuple[list[tuple[str, str, str]], set[str]]:
    """``(field, name, constraint)`` of composer.json's ``require`` and ``require-dev``, and
    the names the project itself ``replace``s or ``provide``s."""
    doc = load_json(manifest)
    if not isinstance(doc.value, dict):
        raise LockfileError(manifest.path, "document is not an object, expected composer.json")
    declared = [
        (field, name, constraint)
        for field in ("require", "require-dev")
        for name, constraint in _requirements(doc, field)
    ]
    own = {
        name.lower() for field in ("replace", "provide") for name, _ in _requirements(doc, field)
    }
    return declared, own
