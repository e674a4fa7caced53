"""Real data for the typosquat benchmark: malicious-package records, the labeled npm
typosquats, and the package names of real lockfiles (extracted with a deliberately simple
reader, independent of auditor's collectors).

The benchmark reads the extracted copies in ``bench/data/typosquat/`` (see its README: sources
and licences), so it runs from a fresh clone. ``python bench/typosquat_data.py DATA`` rebuilds
them from a real-data folder laid out as ``advisories/malicious/{pypi,npm}/``,
``typosquats/npm.tsv`` and ``lockfiles/<format>/``. Nothing here is imported by auditor or by
its tests.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from auditor.collectors import plugins
from auditor.collectors.inputs import TreeReader
from auditor.core.errors import AuditorError
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem

ECOSYSTEM_DIRS = {Ecosystem.PYPI: "pypi", Ecosystem.NPM: "npm"}
BUNDLED = Path(__file__).parent / "data" / "typosquat"


def _rows(path: Path) -> list[list[str]]:
    """The rows of a tab-separated file, its header line skipped."""
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:]]


@dataclass(frozen=True)
class MaliciousName:
    name: str
    record: str  # the first MAL- id naming it


def malicious_names(data: Path, ecosystem: Ecosystem) -> list[MaliciousName]:
    """Distinct package names of the MAL- records (from ``malicious.tsv`` in ``data``)."""
    return [
        MaliciousName(name=name, record=record)
        for eco, name, record in _rows(data / "malicious.tsv")
        if eco == ecosystem.value
    ]


def _malicious_from_records(data: Path, ecosystem: Ecosystem) -> list[MaliciousName]:
    """Distinct package names of the MAL- records (withdrawn records are in another folder)."""
    folder = data / "advisories" / "malicious" / ECOSYSTEM_DIRS[ecosystem]
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("withdrawn"):
            continue
        for affected in record.get("affected", []):
            package = affected.get("package", {})
            if Ecosystem.parse(package.get("ecosystem", "")) is not ecosystem:
                continue
            name = ecosystem.normalize_name(package["name"])
            found.setdefault(name, record["id"])
    return [MaliciousName(name=n, record=r) for n, r in sorted(found.items())]


@dataclass(frozen=True)
class Labeled:
    name: str
    targets: tuple[str, ...]  # some typosquats are listed with two targets


# The labeled sets: which file, and which part of it tunes the check (the rest is held out
# and only measured). npm: the half of typomind's set in the shared data tunes, the other
# half and ecosyste.ms's npm rows are held out. PyPI: one labeled file, split in two halves
# by a hash of each name (stable, and blind to what the name looks like).
LABELED_FILES = {
    Ecosystem.NPM: {"tuning": "labeled-npm.tsv", "held-out": "labeled-npm-heldout.tsv"},
    Ecosystem.PYPI: {"tuning": "labeled-pypi.tsv", "held-out": "labeled-pypi.tsv"},
}


def _pypi_half(name: str) -> str:
    return "tuning" if hashlib.sha256(name.encode()).digest()[0] % 2 == 0 else "held-out"


def labeled(data: Path, ecosystem: Ecosystem, part: str) -> list[Labeled]:
    """One labeled set (``part``: ``tuning`` or ``held-out``), names and targets normalised;
    a row naming the target itself is left out."""
    targets: dict[str, set[str]] = {}
    for raw, target, _source in _rows(data / LABELED_FILES[ecosystem][part]):
        if ecosystem is Ecosystem.PYPI and _pypi_half(raw) != part:
            continue
        name = ecosystem.normalize_name(raw)
        if name != ecosystem.normalize_name(target):
            targets.setdefault(name, set()).add(ecosystem.normalize_name(target))
    return [Labeled(name=n, targets=tuple(sorted(t))) for n, t in sorted(targets.items())]


def labeled_npm(data: Path) -> list[Labeled]:
    """The tuning half of the labeled npm typosquats (``labeled-npm.tsv``)."""
    return labeled(data, Ecosystem.NPM, "tuning")


def export_labeled(typomind: Path, ecosystems: Path, shared: Path, out: Path) -> None:
    """The labeled sets beyond the shared half: typomind's other npm rows and its PyPI rows
    (``data/clean_package_data.csv`` of ldklab/typomind-release), and ecosyste.ms's npm
    and PyPI rows (``typosquats.csv`` of ecosyste-ms/typosquatting-dataset), with the file
    and line of each label."""
    in_shared = {row[0] for row in _rows(shared)}
    npm: dict[tuple[str, str], list[str]] = {}
    pypi: dict[tuple[str, str], list[str]] = {}
    sources = (
        (typomind, TYPOMIND, {"npm": npm, "pip": pypi}),
        (ecosystems, ECOSYSTEMS_DATASET, {"npm": npm, "pypi": pypi}),
    )
    for path, origin, by_ecosystem in sources:
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        for line, row in enumerate(rows[1:], start=2):
            name, target, ecosystem = row[0].strip(), row[1].strip(), row[2].strip()
            found = by_ecosystem.get(ecosystem)
            if found is None or not target or (found is npm and name in in_shared):
                continue
            for each in (t.strip() for t in target.split(" or ") if t.strip()):
                if each != name:
                    found.setdefault((name, each), []).append(f"{origin}#L{line}")
    for file, found in (("labeled-npm-heldout.tsv", npm), ("labeled-pypi.tsv", pypi)):
        lines = ["name\ttarget\tsource"] + [
            f"{n}\t{t}\t{' ; '.join(src)}" for (n, t), src in sorted(found.items())
        ]
        (out / file).write_text("\n".join(lines) + "\n", encoding="utf-8")


TYPOMIND = (
    "ldklab/typomind-release@f1f5cdf184e75d21275903ffa701262af9767ffb:data/clean_package_data.csv"
)
ECOSYSTEMS_DATASET = (
    "ecosyste-ms/typosquatting-dataset@fd0bde98d200efe5c282a07edc4c68fba13252c6:typosquats.csv"
)


# --- lockfile names ---------------------------------------------------------------------

_YARN_ENTRY = re.compile(r'^"?((?:@[^@/"\s]+/)?[^@"\s,]+)@([^",]*)')
_PNPM_KEY = re.compile(r"^  '?/?((?:@[^@/'\s:]+/)?[^@/'(\s:]+)[@/]")
_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*==", re.MULTILINE)
_LOCAL_PROTOCOLS = ("link:", "workspace:", "portal:", "file:")


def _package_lock(text: str) -> set[str]:
    doc = json.loads(text)
    names: set[str] = set()
    for key, entry in doc.get("packages", {}).items():
        if "node_modules/" in key and not entry.get("link"):
            names.add(entry.get("name") or key.rsplit("node_modules/", 1)[1])

    def walk(deps: dict[str, dict[str, object]]) -> None:
        for name, entry in deps.items():
            version = str(entry.get("version", ""))
            if not version.startswith(_LOCAL_PROTOCOLS):
                names.add(name)
            walk(entry.get("dependencies", {}))  # type: ignore[arg-type]

    walk(doc.get("dependencies", {}))
    return names


def _yarn(text: str) -> set[str]:
    names = set()
    for line in text.splitlines():
        if not line or line[0] in " #" or not line.endswith(":") or line.startswith("__metadata"):
            continue
        for spec in line[:-1].split(", "):
            match = _YARN_ENTRY.match(spec.strip())
            if match and not match.group(2).startswith(_LOCAL_PROTOCOLS):
                names.add(match.group(1))
    return names


def _pnpm(text: str) -> set[str]:
    section = text.split("\npackages:\n", 1)
    if len(section) < 2:
        return set()
    body = section[1].split("\nsnapshots:\n", 1)[0]
    names = set()
    for line in body.splitlines():
        match = _PNPM_KEY.match(line)
        if match and "link:" not in line and "file:" not in line:
            names.add(match.group(1))
    return names


def _toml_packages(text: str) -> set[str]:
    doc = tomllib.loads(text)
    names = set()
    for package in doc.get("package", doc.get("packages", [])):
        source = package.get("source", {})
        if isinstance(source, dict) and ({"editable", "virtual", "directory"} & set(source)):
            continue
        names.add(package["name"])
    return names


def _pipfile(text: str) -> set[str]:
    doc = json.loads(text)
    return {name for section in ("default", "develop") for name in doc.get(section, {})}


def _requirements(text: str) -> set[str]:
    return {m.group(1) for m in _REQUIREMENT.finditer(text)}


READERS = {
    "npm-package-lock": (Ecosystem.NPM, _package_lock),
    "yarn-lock": (Ecosystem.NPM, _yarn),
    "pnpm-lock": (Ecosystem.NPM, _pnpm),
    "poetry-lock": (Ecosystem.PYPI, _toml_packages),
    "pdm-lock": (Ecosystem.PYPI, _toml_packages),
    "uv-lock": (Ecosystem.PYPI, _toml_packages),
    "pylock-toml": (Ecosystem.PYPI, _toml_packages),
    "pipfile-lock": (Ecosystem.PYPI, _pipfile),
    "requirements-txt": (Ecosystem.PYPI, _requirements),
}


# the collector that reads each folder's files (for who depends on each package)
COLLECTOR_OF = {
    "npm-package-lock": "npm-package-lock",
    "yarn-lock": "yarn-lock",
    "pnpm-lock": "pnpm-lock",
    "poetry-lock": "poetry-lock",
    "pdm-lock": "pdm-lock",
    "uv-lock": "uv-lock",
    "pylock-toml": "pylock",
    "pipfile-lock": "pipfile-lock",
    "requirements-txt": "requirements",
}


def lockfile_names(data: Path) -> dict[Ecosystem, dict[str, str]]:
    """Every package name of the real lockfiles: ecosystem → normalised name → first file
    (from ``lockfile-names.tsv`` in ``data``)."""
    found: dict[Ecosystem, dict[str, str]] = {Ecosystem.PYPI: {}, Ecosystem.NPM: {}}
    for eco, name, path, _dependents in _rows(data / "lockfile-names.tsv"):
        found[Ecosystem.parse(eco)][name] = path
    return found


NOT_A_PACKAGE = "-"  # the dependents column of a name auditor's graph has no package for


def lockfile_dependents(data: Path) -> dict[Ecosystem, dict[str, tuple[str, ...] | None]]:
    """For every package name of the real lockfiles, the names of the packages that depend
    on it there (empty: only the project itself does; None: auditor's collectors see no
    registry package of that name, e.g. an npm alias or a tarball URL, so its check never
    judges the name), from ``lockfile-names.tsv``."""
    found: dict[Ecosystem, dict[str, tuple[str, ...] | None]] = {
        Ecosystem.PYPI: {},
        Ecosystem.NPM: {},
    }
    for eco, name, _path, dependents in _rows(data / "lockfile-names.tsv"):
        found[Ecosystem.parse(eco)][name] = (
            None if dependents == NOT_A_PACKAGE else tuple(dependents.split())
        )
    return found


def _dependents_from_files(data: Path) -> dict[Ecosystem, dict[str, set[str]]]:
    """Who depends on each package in the real lockfiles, as auditor's own collectors read
    them (a file they cannot read adds nothing)."""
    found: dict[Ecosystem, dict[str, set[str]]] = {Ecosystem.PYPI: {}, Ecosystem.NPM: {}}
    for folder, (ecosystem, _reader) in sorted(READERS.items()):
        collector = plugins.get(COLLECTOR_OF[folder])
        for path in sorted((data / "lockfiles" / folder).rglob("*")):
            if not path.is_file() or path.suffix == ".in":
                continue
            reader = TreeReader(path.parent)
            try:
                result = collector.collect(reader.read_path(path), reader)
            except AuditorError:
                continue
            graph = DependencyGraph.from_results([result])
            for package in graph.packages:
                if not package.source.is_registry:
                    continue  # the check judges registry packages only
                parents = {
                    ecosystem.normalize_name(graph.package(e.parent).name)
                    for e in graph.parents(package.id)
                    if not graph.is_root(e.parent)
                }
                name = ecosystem.normalize_name(package.name)
                found[ecosystem].setdefault(name, set()).update(parents)
    return found


def _lockfile_names_from_files(data: Path) -> dict[Ecosystem, dict[str, str]]:
    found: dict[Ecosystem, dict[str, str]] = {Ecosystem.PYPI: {}, Ecosystem.NPM: {}}
    for folder, (ecosystem, reader) in sorted(READERS.items()):
        for path in sorted((data / "lockfiles" / folder).rglob("*")):
            if not path.is_file() or path.suffix == ".in":
                continue
            for raw in reader(path.read_text(encoding="utf-8")):
                name = ecosystem.normalize_name(raw)
                found[ecosystem].setdefault(name, str(path.relative_to(data / "lockfiles")))
    return found


def export(data: Path, out: Path) -> None:
    """Extract what the benchmark reads from a real-data folder into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    malicious = ["ecosystem\tname\trecord"]
    for ecosystem in ECOSYSTEM_DIRS:
        malicious += [
            f"{ecosystem.value}\t{m.name}\t{m.record}"
            for m in _malicious_from_records(data, ecosystem)
        ]
    (out / "malicious.tsv").write_text("\n".join(malicious) + "\n", encoding="utf-8")
    labeled = (data / "typosquats" / "npm.tsv").read_text(encoding="utf-8")
    (out / "labeled-npm.tsv").write_text(labeled, encoding="utf-8")
    names = ["ecosystem\tname\tfile\tdependents"]
    dependents = _dependents_from_files(data)
    for ecosystem, found in _lockfile_names_from_files(data).items():
        known = dependents[ecosystem]
        names += [
            f"{ecosystem.value}\t{n}\t{f}\t"
            + (" ".join(sorted(known[n])) if n in known else NOT_A_PACKAGE)
            for n, f in sorted(found.items())
        ]
    (out / "lockfile-names.tsv").write_text("\n".join(names) + "\n", encoding="utf-8")


USAGE = """usage: python bench/typosquat_data.py DATA
       python bench/typosquat_data.py --labeled TYPOMIND_CSV ECOSYSTEMS_CSV
rebuilds bench/data/typosquat/ from a real-data folder, or its extra labeled sets from the two
published CSV files (see bench/data/typosquat/README.md)"""

if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--labeled":
        export_labeled(Path(sys.argv[2]), Path(sys.argv[3]), BUNDLED / "labeled-npm.tsv", BUNDLED)
    elif len(sys.argv) == 2:
        export(Path(sys.argv[1]), BUNDLED)
    else:
        sys.exit(USAGE)
