"""``Gemfile.lock`` (and ``gems.locked``), as Bundler writes it.

The file is a list of sections. ``GEM``, ``GIT``, ``PATH`` and ``PLUGIN SOURCE`` each name a
source (``remote:``, and for git ``revision:``/``branch:``/``tag:``/``ref:``) and list under
``specs:`` the gems it provides (``    name (version[-platform])``), each followed by its own
dependencies (``      name (requirement)``). ``DEPENDENCIES`` lists what the Gemfile asks for
(a trailing ``!`` pins it to a non-default source): the root's edges. ``CHECKSUMS`` (Bundler
2.5+) gives ``sha256=`` per gem and platform; ``PLATFORMS`` and ``RUBY VERSION`` are read and
checked for shape only.

``BUNDLED WITH`` names the Bundler version that wrote the lock; Bundler 2.3 and later switch
to that version to install it, so it is a package (``bundler``) hanging from the root, which
gems that depend on ``bundler`` point at too. A gem locked for several platforms
(``nokogiri (1.16.0-x86_64-linux)``, ``nokogiri (1.16.0-arm64-darwin)``) is one package, found
at each line. A spec line without a version is skipped with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from auditor.collectors.base import Collector, FileReader, InputFile
from auditor.collectors.common import entry_points, hang_from_root
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

SOURCE_SECTIONS = ("GEM", "GIT", "PATH", "PLUGIN SOURCE")
OTHER_SECTIONS = ("PLATFORMS", "DEPENDENCIES", "RUBY VERSION", "BUNDLED WITH", "CHECKSUMS")
# Bundler's LockfileParser::NAME_VERSION, with names limited to what a gem name can hold
_NAME = r"([A-Za-z0-9_.-]+)"
_SPEC = re.compile(rf"^    {_NAME}(?: \(([^-()\s]*)(?:-([^()\s]+))?\))?$")
_DEP = re.compile(rf"^      {_NAME}(?: \(([^()]*)\))?(!)?$")
_DECLARED = re.compile(rf"^  {_NAME}(?: \(([^()]*)\))?(!)?$")
_OPTION = re.compile(r"^  ([a-z_]+):(?: (.*))?$")
_CHECKSUM = re.compile(rf"^  {_NAME} \(([^()\s]+)\)(?: (\S+))?$")
_VERSION_LINE = re.compile(r"^\s+(\S.*)$")
_HEX = re.compile(r"^[0-9a-fA-F]+$")


@dataclass
class _Source:
    header: str
    line: int
    in_specs: bool = False  # after "  specs:"
    options: dict[str, str] = field(default_factory=dict)
    remotes: list[str] = field(default_factory=list)


@dataclass
class _Spec:
    name: str
    version: str | None
    platform: str | None
    source: _Source
    line: int
    deps: list[tuple[str, str, int]] = field(default_factory=list)  # name, requirement, line

    @property
    def written(self) -> str:
        """``name (version-platform)``, as the spec line and CHECKSUMS write it."""
        version = self.version or ""
        return (
            f"{self.name} ({version}-{self.platform})"
            if self.platform
            else f"{self.name} ({version})"
        )


@dataclass
class _Parsed:
    specs: list[_Spec] = field(default_factory=list)
    sources: list[_Source] = field(default_factory=list)
    declared: list[tuple[str, str, int]] = field(default_factory=list)
    checksums: dict[str, frozenset[Hash]] = field(default_factory=dict)
    bundled_with: tuple[str, int] | None = None
    has_dependencies: bool = False


class GemfileLockCollector(Collector):
    name = "gemfile-lock"
    ecosystem = Ecosystem.RUBYGEMS
    filenames = ("Gemfile.lock", "gems.locked")
    description = "Bundler lockfile (Gemfile.lock)"

    def sniff(self, text: str) -> bool:
        head = text.lstrip("\ufeff")[:65536]
        return re.match(r"^(GEM|GIT|PATH|PLUGIN SOURCE)\n  remote: ", head) is not None

    def collect(self, file: InputFile, reader: FileReader) -> CollectResult:
        parsed = _parse(file)
        return _build(file, parsed, self.name)


def _parse(file: InputFile) -> _Parsed:
    text = file.text.lstrip("\ufeff")
    if not text.strip():
        raise LockfileError(file.path, "file is empty, expected a Gemfile.lock")
    parsed = _Parsed()
    section: str | None = None
    source: _Source | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip()
        if not line:
            continue
        if not line.startswith(" "):
            section, source = line, None
            if section in SOURCE_SECTIONS:
                source = _Source(header=section, line=number)
                parsed.sources.append(source)
            elif section == "DEPENDENCIES":
                parsed.has_dependencies = True
            elif section not in OTHER_SECTIONS and not re.fullmatch(r"[A-Z][A-Z ]*", section):
                raise LockfileError(
                    file.path,
                    f"unexpected line {_clip(line)}, expected a section such as GEM",
                    line=number,
                )
            continue
        if section is None:
            raise LockfileError(file.path, "indented line before any section", line=number)
        if source is not None:
            _source_line(file, parsed, source, line, number)
        elif section == "DEPENDENCIES":
            match = _DECLARED.match(line)
            if match is None:
                raise LockfileError(
                    file.path, f"unexpected dependency {_clip(line.strip())}", line=number
                )
            parsed.declared.append((match[1], _requirement(match[1], match[2]), number))
        elif section == "CHECKSUMS":
            _checksum_line(file, parsed, line, number)
        elif section == "BUNDLED WITH":
            parsed.bundled_with = (_single_value(file, line, number), number)
        elif section in ("PLATFORMS", "RUBY VERSION"):
            _single_value(file, line, number)
        # lines of a section this version does not know are left alone
    return parsed


def _source_line(file: InputFile, parsed: _Parsed, source: _Source, line: str, number: int) -> None:
    """Read one indented line of a source section."""
    if line.startswith("      "):
        if not source.in_specs or not parsed.specs or parsed.specs[-1].source is not source:
            raise LockfileError(file.path, "dependency line outside a spec", line=number)
        match = _DEP.match(line)
        if match is None:
            raise LockfileError(
                file.path, f"unexpected dependency {_clip(line.strip())}", line=number
            )
        parsed.specs[-1].deps.append((match[1], _requirement(match[1], match[2]), number))
        return
    if line.startswith("    "):
        match = _SPEC.match(line)
        if not source.in_specs or match is None:
            raise LockfileError(file.path, f"unexpected spec {_clip(line.strip())}", line=number)
        parsed.specs.append(
            _Spec(
                name=match[1],
                version=match[2] or None,
                platform=match[3],
                source=source,
                line=number,
            )
        )
        return
    match = _OPTION.match(line)
    if match is None:
        raise LockfileError(
            file.path, f"unexpected line {_clip(line.strip())} in {source.header}", line=number
        )
    key, value = match[1], (match[2] or "").strip()
    source.in_specs = key == "specs"
    if key == "remote":
        source.remotes.append(value)
    elif key != "specs":
        source.options[key] = value


def _checksum_line(file: InputFile, parsed: _Parsed, line: str, number: int) -> None:
    match = _CHECKSUM.match(line)
    if match is None:
        raise LockfileError(
            file.path, f"unexpected checksum line {_clip(line.strip())}", line=number
        )
    hashes = set()
    for item in (match[3] or "").split(","):
        algorithm, sep, value = item.partition("=")
        if sep and _HEX.match(value):
            hashes.add(Hash(algorithm=algorithm.lower(), value=value.lower()))
    parsed.checksums[f"{match[1]} ({match[2]})"] = frozenset(hashes)


def _single_value(file: InputFile, line: str, number: int) -> str:
    match = _VERSION_LINE.match(line)
    if match is None or len(match[1].split()) > 2:
        raise LockfileError(file.path, f"unexpected line {_clip(line.strip())}", line=number)
    return match[1]


def _requirement(name: str, constraint: str | None) -> str:
    return f"{name} ({constraint})" if constraint else name


def _clip(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _model_source(source: _Source, registries: set[str]) -> Source:
    remote = source.remotes[0] if source.remotes else None
    if source.header == "GEM":
        for url in source.remotes:
            registries.add(redact_url(url))
        return Source()
    if source.header == "GIT":
        reference = next(
            (
                source.options[k]
                for k in ("revision", "ref", "tag", "branch")
                if source.options.get(k)
            ),
            None,
        )
        return Source(
            kind=SourceKind.GIT,
            url=redact_url(remote) if remote else None,
            reference=reference,
            subdirectory=source.options.get("glob"),
        )
    if source.header == "PATH":
        return Source(kind=SourceKind.PATH, url=remote)
    return Source(kind=SourceKind.URL, url=redact_url(remote) if remote else None)


def _build(file: InputFile, parsed: _Parsed, collector: str) -> CollectResult:
    registries: set[str] = set()
    packages: dict[str, Package] = {}
    by_name: dict[str, list[str]] = {}
    skipped: list[SkippedPackage] = []
    model_sources = {id(s): _model_source(s, registries) for s in parsed.sources}
    for spec in parsed.specs:
        location = Location(path=file.path, line=spec.line, key=spec.written)
        if spec.version is None:
            skipped.append(
                SkippedPackage(
                    ecosystem=Ecosystem.RUBYGEMS,
                    name=spec.name,
                    requirement=spec.name,
                    reason=f"no version in the {spec.source.header} spec line",
                    location=location,
                )
            )
            continue
        package = Package(
            ecosystem=Ecosystem.RUBYGEMS,
            name=spec.name,
            version=spec.version,
            source=model_sources[id(spec.source)],
            hashes=parsed.checksums.get(spec.written, frozenset()),
            found_in=(location,),
        )
        _add(packages, by_name, package)
    root = Root(id=root_id(file.path), name=file.path, ecosystem=Ecosystem.RUBYGEMS, path=file.path)
    edges: list[Edge] = []
    if parsed.bundled_with is not None and "bundler" not in by_name:
        version, line = parsed.bundled_with
        bundler = Package(
            ecosystem=Ecosystem.RUBYGEMS,
            name="bundler",
            version=version,
            found_in=(Location(path=file.path, line=line, key="BUNDLED WITH"),),
        )
        _add(packages, by_name, bundler)
        edges.append(Edge(parent=root.id, child=bundler.id, requirement="bundler (BUNDLED WITH)"))

    def link(parent: str, reason: str, deps: list[tuple[str, str, int]]) -> None:
        for name, requirement, line in deps:
            targets = by_name.get(name)
            if not targets:
                skipped.append(
                    SkippedPackage(
                        ecosystem=Ecosystem.RUBYGEMS,
                        name=name,
                        requirement=requirement,
                        reason=reason,
                        location=Location(path=file.path, line=line),
                    )
                )
            edges.extend(
                Edge(parent=parent, child=t, requirement=requirement) for t in targets or ()
            )

    for spec in parsed.specs:
        if spec.version is not None:
            parent = Package(
                ecosystem=Ecosystem.RUBYGEMS,
                name=spec.name,
                version=spec.version,
                source=model_sources[id(spec.source)],
            ).id
            link(parent, f"not locked in the file (a dependency of {spec.name})", spec.deps)
    # Bundler leaves out gems only for platforms other than the lock's PLATFORMS
    # (``gem "wdm", platforms: :windows``)
    link(root.id, "declared in DEPENDENCIES, not locked for the lock's PLATFORMS", parsed.declared)
    if not parsed.declared:
        edges.extend(hang_from_root(root, entry_points(packages.values(), edges)))
    return CollectResult(
        path=file.path,
        collector=collector,
        ecosystem=Ecosystem.RUBYGEMS,
        roots=(root,),
        packages=tuple(packages.values()),
        edges=tuple(sorted(set(edges))),
        skipped=tuple(sorted(set(skipped))),
        registries=tuple(sorted(registries)),
        files=(file.path,),
    )


def _add(packages: dict[str, Package], by_name: dict[str, list[str]], package: Package) -> None:
    known = packages.get(package.id)
    packages[package.id] = package if known is None else known.merged_with(package)
    if known is None:
        by_name.setdefault(package.name, []).append(package.id)
