"""``Pipfile.lock`` (pipenv): ``default`` and ``develop`` sections, flat, hashes per package.

Pipfile.lock records no edges between packages. When the ``Pipfile`` sits beside it, its
``[packages]`` and ``[dev-packages]`` mark the direct dependencies; without it every locked
package hangs from the root (the project installs all of them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from auditor.collectors.base import Collector, FileReader, InputFile
from auditor.collectors.common import exact_pin, hang_from_root, parse_hashes
from auditor.core.documents import Doc, LineIndex, load_json, load_toml
from auditor.core.model import (
    CollectResult,
    Ecosystem,
    Edge,
    Location,
    Package,
    Root,
    SkippedPackage,
    Source,
    SourceKind,
    canonical_pypi_name,
    root_id,
)
from auditor.core.redact import redact_url

SECTIONS = {"default": "main", "develop": "dev"}
MANIFEST_SECTIONS = {"packages": "main", "dev-packages": "dev"}


class PipfileLockCollector(Collector):
    name = "pipfile-lock"
    ecosystem = Ecosystem.PYPI
    filenames = ("Pipfile.lock",)
    description = "pipenv lockfile"

    def sniff(self, text: str) -> bool:
        head = text.lstrip()[:4096]
        return head.startswith("{") and '"_meta"' in head and '"pipfile-spec"' in head

    def collect(self, file: InputFile, reader: FileReader) -> CollectResult:
        doc = load_json(file)
        doc.mapping()
        lines = LineIndex(file.text)
        root = Root(
            id=root_id(file.path),
            name=file.path,
            ecosystem=self.ecosystem,
            path=file.path,
            requires_python=_requires_python(doc),
        )
        registries = _registries(doc)
        packages: dict[str, Package] = {}
        skipped: list[SkippedPackage] = []
        for section, scope in SECTIONS.items():
            table = doc.opt_table(section)
            if table is None:
                continue
            for name, entry in table.items():
                location = Location(
                    path=file.path, line=_line_of(lines, section, name), key=entry.key
                )
                package, skip = _entry(name, entry, scope, location)
                if skip is not None:
                    skipped.append(skip)
                elif package is not None:
                    known = packages.get(package.id)
                    packages[package.id] = package if known is None else known.merged_with(package)
        files = [file.path]
        manifest = reader.read_sibling(file, "Pipfile")
        if manifest is None:
            edges = hang_from_root(root, packages.values())
        else:
            files.append(manifest.path)
            edges = _manifest_edges(manifest, root, packages.values())
        return CollectResult(
            path=file.path,
            collector=self.name,
            ecosystem=self.ecosystem,
            roots=(root,),
            packages=tuple(packages.values()),
            edges=tuple(edges),
            skipped=tuple(skipped),
            registries=registries,
            files=tuple(files),
        )


def _line_of(lines: LineIndex, section: str, name: str) -> int | None:
    start = lines.text.find(json.dumps(section) + ":")
    return lines.first(json.dumps(name) + ":", max(start, 0))


def _requires_python(doc: Doc) -> str | None:
    """``_meta.requires.python_full_version`` (``==3.8.5``) or ``python_version`` (``==3.8.*``)."""
    meta = doc.opt_table("_meta")
    requires = meta.opt_table("requires") if meta is not None else None
    if requires is None:
        return None
    full = requires.opt_string("python_full_version")
    if full and re.fullmatch(r"\d+(\.\d+){1,3}", full.strip()):
        return f"=={full.strip()}"
    short = requires.opt_string("python_version")
    if short and re.fullmatch(r"\d+\.\d+", short.strip()):
        return f"=={short.strip()}.*"
    return None


def _registries(doc: Doc) -> tuple[str, ...]:
    meta = doc.opt_table("_meta")
    if meta is None:
        return ()
    urls = []
    for source in meta.opt_array("sources"):
        url = source.opt_string("url")
        if url:
            urls.append(redact_url(url))
    return tuple(sorted(set(urls)))


def _entry(
    name: str, entry: Doc, scope: str, location: Location
) -> tuple[Package | None, SkippedPackage | None]:
    entry.mapping()
    version_spec = entry.opt_string("version")
    source = _source(entry)
    pinned = exact_pin(version_spec) if version_spec else None
    if pinned is None:
        if version_spec and version_spec != "*":
            reason = f"not pinned to one version ({version_spec})"
        elif source.kind is SourceKind.REGISTRY:
            reason = "no version recorded"
        else:
            reason = f"{source.kind.value} source without a version"
        return None, SkippedPackage(
            ecosystem=Ecosystem.PYPI,
            name=canonical_pypi_name(name),
            requirement=_describe(name, entry),
            reason=reason,
            location=location,
        )
    package = Package(
        ecosystem=Ecosystem.PYPI,
        name=name,
        version=pinned,
        source=source,
        hashes=parse_hashes(entry.strings("hashes")),
        scopes=frozenset({scope}),
        found_in=(location,),
    )
    return package, None


def _source(entry: Doc) -> Source:
    git = entry.opt_string("git")
    if git:
        return Source(kind=SourceKind.GIT, url=redact_url(git), reference=entry.opt_string("ref"))
    url = entry.opt_string("file")
    if url and "://" in url and not url.startswith("file:"):
        return Source(kind=SourceKind.URL, url=redact_url(url))
    path = entry.opt_string("path") or url
    if path:
        kind = SourceKind.EDITABLE if entry.flag("editable") else SourceKind.PATH
        return Source(kind=kind, url=path)
    return Source()


def _describe(name: str, entry: Doc) -> str:
    source = _source(entry)
    if source.url:
        ref = f"@{source.reference}" if source.reference else ""
        return f"{name} @ {source.url}{ref}"
    return f"{name}{entry.opt_string('version') or ''}"


def _manifest_edges(manifest: InputFile, root: Root, packages: Iterable[Package]) -> list[Edge]:
    doc = load_toml(manifest)
    doc.mapping()
    by_name = {p.name: p for p in packages}
    edges = []
    for section, scope in MANIFEST_SECTIONS.items():
        table = doc.opt_table(section)
        if table is None:
            continue
        for name, spec in table.items():
            pkg = by_name.get(canonical_pypi_name(name))
            if pkg is None:
                continue
            requirement = spec.value if isinstance(spec.value, str) else None
            text = name if requirement in (None, "*") else f"{name}{requirement}"
            edges.append(
                Edge(
                    parent=root.id,
                    child=pkg.id,
                    requirement=text,
                    scope=None if scope == "main" else scope,
                )
            )
    return edges
