"""pip requirements files (``requirements.txt``, pip-compile output, constraints files).

A line pinned with ``==``/``===`` is a package; every other requirement (a range, a bare
name, ``-e``, VCS, a direct URL, a local path, a line pip would refuse because of an
option) is a ``SkippedPackage`` with the reason. A requirement pip cannot parse at all is a
``LockfileError`` naming the file and line, as pip refuses the whole file for it.

``-r``/``-c`` includes are read through the ``FileReader``, relative to the including file.
A file already read (in the same role) is not read again, so includes that loop end there:
pip >= 24.1 refuses such files ("recursively references itself"), but what they install is
unambiguous, and the peers (osv-scanner, osv-scalibr) read them too. Constraints install
nothing: their pins fix the version of requirements that are otherwise unpinned, as pins of
the same name elsewhere in the requirements do (pip resolves them to that one version). A
constraints file collected on its own (``constraints.txt`` found by discovery) is read like a
requirements file: its pins are the set it locks.

Edges: pip-compile's ``# via`` annotations (line and multi-line styles) are followed; a
package without one, or whose parents are not in the files, hangs from the file's root.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, replace

from packaging.specifiers import SpecifierSet

from auditor.collectors.base import Collector, FileReader, InputFile
from auditor.collectors.pypi.requirements_in import compile_input
from auditor.collectors.pypi.requirements_syntax import (
    ENV_VAR,
    Kind,
    LogicalLine,
    OptionError,
    Options,
    Target,
    allows,
    break_args_options,
    guess_name,
    hash_problem,
    logical_lines,
    looks_like_requirements,
    parse_options,
    parse_target,
    pinned_version,
    redact_requirement,
    shorten,
    via_head,
    via_is_root,
    via_item,
    via_name,
)
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
    root_id,
)
from auditor.core.redact import redact_url

MAX_INCLUDE_DEPTH = 32
MAX_FILES = 500
_URL = re.compile(r"(?:https?|ftp|file):", re.I)
_SKIP_REASONS = {
    Kind.VCS: "VCS requirement",
    Kind.URL: "direct URL requirement",
    Kind.PATH: "local path",
}


@dataclass(frozen=True, kw_only=True)
class _Entry:
    """A requirement line of a requirements (not constraints) file naming a registry package."""

    name: str
    text: str  # as written (credentials redacted), marker included
    specifier: SpecifierSet
    version: str | None  # the pin, if the line pins one version
    hashes: frozenset[Hash]
    location: Location
    via: tuple[str, ...] | None = None  # pip-compile annotation items, None when absent


@dataclass(frozen=True, kw_only=True)
class _Pin:
    version: str
    hashes: frozenset[Hash]
    location: Location


class _Walk:
    """Reads one file and everything it includes, collecting lines as it goes."""

    def __init__(self, reader: FileReader, main: InputFile) -> None:
        self.reader = reader
        self.files = [main.path]
        self.read: set[tuple[str, bool]] = {(main.path, False)}
        self.entries: list[_Entry] = []
        self.constraints: list[tuple[str, _Pin]] = []
        self.skipped: list[SkippedPackage] = []
        self.registries: set[str] = set()

    # -- files -------------------------------------------------------------------------------

    def file(self, file: InputFile, constraint: bool, depth: int) -> None:
        last: int | None = None  # the entry a following "# via" comment belongs to
        in_via = False  # inside a multi-line "# via" block
        for line in logical_lines(file.text):
            if line.body:
                last = self.line(file, line, constraint, depth)
                in_via = False
                if last is not None and line.comment:
                    is_via, items = via_head(line.comment)
                    if is_via:
                        self._annotate(last, items)
                continue
            if not line.comment or last is None:
                last, in_via = None, False
                continue
            is_via, items = via_head(line.comment)
            item = via_item(line.comment) if in_via else None
            if is_via:
                self._annotate(last, items)
                in_via = not items
            elif item is not None:
                self._annotate(last, (item,))
            else:
                last, in_via = None, False

    def _annotate(self, index: int, items: tuple[str, ...]) -> None:
        entry = self.entries[index]
        self.entries[index] = replace(entry, via=(*(entry.via or ()), *items))

    def include(
        self, file: InputFile, target: str, constraint: bool, line: LogicalLine, depth: int
    ) -> None:
        flag = "-c" if constraint else "-r"
        if ENV_VAR.search(target) or _URL.match(target):
            why = (
                "the path uses an environment variable pip substitutes at install time"
                if ENV_VAR.search(target)
                else "auditor does not fetch URLs"
            )
            self.skip(
                "", f"{flag} {redact_requirement(target)}", f"include not read: {why}", file, line
            )
            return
        if depth >= MAX_INCLUDE_DEPTH:
            raise LockfileError(
                file.path, f"includes nested more than {MAX_INCLUDE_DEPTH} deep", line=line.number
            )
        try:
            included = self.reader.read_relative(file, target)
        except LockfileError as exc:
            if exc.path == file.path and exc.line is None:
                raise LockfileError(file.path, exc.message, line=line.number) from None
            raise
        key = (included.path, constraint)
        if key in self.read:
            return  # already read in this role: a loop or a diamond, nothing new to find
        if len(self.read) >= MAX_FILES:
            raise LockfileError(
                file.path, f"includes more than {MAX_FILES} files", line=line.number
            )
        self.read.add(key)
        if included.path not in self.files:
            self.files.append(included.path)
        self.file(included, constraint, depth + 1)

    # -- lines -------------------------------------------------------------------------------

    def line(self, file: InputFile, line: LogicalLine, constraint: bool, depth: int) -> int | None:
        """Handle one non-blank line; the index of the entry it created, if any."""
        args, option_text = break_args_options(line.body)
        try:
            options = parse_options(option_text)
        except OptionError as exc:
            # pip refuses the whole file for one such line: so does auditor (the other
            # lockfiles of the run are still read)
            raise LockfileError(
                file.path, f"{exc}: pip refuses the file", line=line.number
            ) from None
        for url in options.all("--index-url", "--pypi-url", "--extra-index-url", "--find-links"):
            # a find-links directory is not a registry; a ${VAR} may well be one
            if "://" in url or ENV_VAR.fullmatch(url):
                self.registries.add(redact_url(url))
        if options.leftovers:
            stray = " ".join(options.leftovers)
            self.skip(guess_name(stray), stray, "ignored by pip: it follows an option", file, line)
        if args:
            return self.requirement(file, line, args, options, constraint)
        editables = options.all("--editable")
        if editables:
            self.editable(file, line, editables[0], constraint)
            return None
        requirements = options.all("--requirement")
        includes = [(v, False) for v in requirements] or [
            (v, True) for v in options.all("--constraint")
        ]
        if includes:
            target, as_constraint = includes[0]
            for extra, _ in includes[1:]:  # pip reads only the first include of a line
                self.skip("", extra, "include ignored by pip: one per line", file, line)
            self.include(file, target, as_constraint, line, depth)
        return None

    def requirement(
        self, file: InputFile, line: LogicalLine, args: str, options: Options, constraint: bool
    ) -> int | None:
        text = redact_requirement(args)
        variable = ENV_VAR.search(args)
        if variable:
            reason = f"uses {variable.group(0)}, which pip substitutes at install time"
            self.skip(guess_name(args.replace(variable.group(0), "0")), text, reason, file, line)
            return None
        try:
            target = parse_target(args)
        except ValueError as exc:
            shown = shorten(redact_requirement(args))
            raise LockfileError(
                file.path, f"invalid requirement {shown!r}: {exc}", line=line.number
            ) from None
        problem = hash_problem(options)
        if problem is not None:
            message = f"{problem}: pip refuses to install the file"
            raise LockfileError(file.path, message, line=line.number)
        if target.kind is not Kind.NAMED or target.requirement is None:
            self.skip(target.name, text, _unnamed_reason(target, constraint), file, line)
            return None
        specifier = target.requirement.specifier
        version = pinned_version(specifier)
        hashes = options.hashes
        location = Location(path=file.path, line=line.number)
        if constraint:
            if version is not None:
                self.constraints.append(
                    (target.name, _Pin(version=version, hashes=hashes, location=location))
                )
            return None
        self.entries.append(
            _Entry(
                name=target.name,
                text=text,
                specifier=specifier,
                version=version,
                hashes=hashes,
                location=location,
            )
        )
        return len(self.entries) - 1

    def editable(self, file: InputFile, line: LogicalLine, value: str, constraint: bool) -> None:
        try:
            name = parse_target(value).name
        except ValueError:
            name = ""
        reason = "editable install"
        if constraint:
            reason += "; pip rejects it in a constraints file"
        self.skip(name, f"-e {redact_requirement(value)}", reason, file, line)

    def skip(self, name: str, text: str, reason: str, file: InputFile, line: LogicalLine) -> None:
        self.skipped.append(
            SkippedPackage(
                ecosystem=Ecosystem.PYPI,
                name=name,
                requirement=redact_requirement(text),
                reason=reason,
                location=Location(path=file.path, line=line.number),
            )
        )


def _unnamed_reason(target: Target, constraint: bool) -> str:
    reason = _SKIP_REASONS[target.kind]
    if target.kind is Kind.URL and target.file_version:
        reason += (
            f" (not a registry release; the file name says {target.file_version},"
            " which nothing checks against the URL's content)"
        )
    if constraint:
        reason += "; pip rejects it in a constraints file"
    return reason


def _unpinned_reason(specifier: SpecifierSet) -> str:
    return f"not pinned to one version ({specifier})" if specifier else "not pinned (no version)"


class _Assembly:
    """Turns what a walk found into packages, skipped requirements and edges."""

    def __init__(self, walk: _Walk, root: Root) -> None:
        self.walk = walk
        self.root = root
        self.pins: dict[str, list[_Pin]] = {}
        for entry in walk.entries:
            if entry.version is not None:
                pin = _Pin(version=entry.version, hashes=entry.hashes, location=entry.location)
                self.pins.setdefault(entry.name, []).append(pin)
        for name, pin in walk.constraints:
            self.pins.setdefault(name, []).append(pin)
        self.packages: dict[str, Package] = {}
        self.skipped = list(walk.skipped)
        self.placed: list[tuple[_Entry, str]] = []  # (entry, package id)

    def add(self, entry: _Entry, version: str, pins: list[_Pin]) -> None:
        package = Package(
            ecosystem=Ecosystem.PYPI,
            name=entry.name,
            version=version,
            hashes=frozenset().union(entry.hashes, *(p.hashes for p in pins)),
            found_in=tuple(sorted({entry.location, *(p.location for p in pins)})),
        )
        known = self.packages.get(package.id)
        self.packages[package.id] = package if known is None else known.merged_with(package)
        self.placed.append((entry, package.id))

    def resolve(self, entry: _Entry) -> None:
        """An unpinned requirement takes the one version, among the pins of its name in
        the requirements and constraints, that satisfies it; otherwise it is skipped."""
        pins = self.pins.get(entry.name, [])
        fitting = sorted({p.version for p in pins if allows(entry.specifier, p.version)})
        if len(fitting) == 1:
            chosen = [p for p in pins if p.version == fitting[0]]
            self.add(entry, fitting[0], [p for p in chosen if p.location != entry.location])
            return
        reason = _unpinned_reason(entry.specifier)
        if len(fitting) > 1:
            reason += f"; pinned elsewhere to {', '.join(fitting)}"
        elif pins:
            where = ", ".join(sorted({f"{p.version} ({p.location.render()})" for p in pins}))
            reason += f"; the pins elsewhere do not satisfy it: {where}"
        self.skipped.append(
            SkippedPackage(
                ecosystem=Ecosystem.PYPI,
                name=entry.name,
                requirement=entry.text,
                reason=reason,
                location=entry.location,
            )
        )

    def edges(self, declared: frozenset[str] | None = None) -> list[Edge]:
        """Edges from ``# via`` annotations; a package without them hangs from the root.
        ``declared``: the names the ``.in`` input asks for, when the file has no
        annotations: the root's edges to the other pins only fix their versions."""
        by_name: dict[str, list[str]] = {}
        for package in self.packages.values():
            by_name.setdefault(package.name, []).append(package.id)
        edges: list[Edge] = []
        for entry, package_id in self.placed:
            items = entry.via or ()
            parents = [
                parent
                for item in items
                if not via_is_root(item)
                for parent in by_name.get(via_name(item) or "", ())
                if parent != package_id
            ]
            edges.extend(Edge(parent=p, child=package_id) for p in parents)
            if not parents or any(via_is_root(item) for item in items):
                indirect = declared is not None and entry.name not in declared
                edges.append(
                    Edge(
                        parent=self.root.id,
                        child=package_id,
                        requirement=entry.text,
                        indirect=indirect,
                    )
                )
        return edges


class RequirementsCollector(Collector):
    name = "requirements"
    ecosystem = Ecosystem.PYPI
    filenames = (
        "requirements*.txt",
        "*-requirements.txt",
        "*_requirements.txt",
        "requirements/*.txt",
        "*/requirements/*.txt",
        "constraints*.txt",
    )
    description = "pip requirements file (pip-compile output and constraints included)"

    def sniff(self, text: str) -> bool:
        return looks_like_requirements(text)

    def confirm(self, relative_path: str, head: str) -> bool:
        """A file whose own name says "requirements"/"constraints" is one; any other ``.txt``
        in a ``requirements/`` folder (a README.txt, say) must read like one."""
        name = relative_path.rsplit("/", 1)[-1]
        if any(fnmatch.fnmatchcase(name, p) for p in self.filenames if "/" not in p):
            return True
        return looks_like_requirements(head, need_signal=False)

    def collect(self, file: InputFile, reader: FileReader) -> CollectResult:
        root = Root(id=root_id(file.path), name=file.path, ecosystem=self.ecosystem, path=file.path)
        walk = _Walk(reader, file)
        walk.file(file, constraint=False, depth=0)
        assembly = _Assembly(walk, root)
        for entry in walk.entries:
            if entry.version is not None:
                assembly.add(entry, entry.version, [])
            else:
                assembly.resolve(entry)
        declared = None
        if walk.entries and all(entry.via is None for entry in walk.entries):
            # pip-compile output without annotations: its .in input says what is direct
            source = compile_input(file, reader)
            if source is not None and source.names:
                declared = source.names
                walk.files.extend(f for f in source.files if f not in walk.files)
        return CollectResult(
            path=file.path,
            collector=self.name,
            ecosystem=self.ecosystem,
            roots=(root,),
            packages=tuple(sorted(assembly.packages.values(), key=lambda p: p.id)),
            edges=tuple(sorted(set(assembly.edges(declared)))),
            skipped=tuple(sorted(set(assembly.skipped))),
            registries=tuple(sorted(walk.registries)),
            files=tuple(walk.files),
        )
