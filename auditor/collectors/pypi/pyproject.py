"""The ``pyproject.toml`` beside a Python lockfile: the project's name and its direct
dependencies, so lockfiles that record no root (poetry.lock, pdm.lock, pylock.toml) can
hang the project's own requirements from their root.

Not a registered collector: the lock collectors call ``direct_edges()``. It reads PEP 621
``[project]`` (``dependencies``, ``optional-dependencies``), PEP 735 ``[dependency-groups]``
(with ``{include-group = ...}``), Poetry ``[tool.poetry.dependencies]``,
``[tool.poetry.dev-dependencies]`` and ``[tool.poetry.group.<g>.dependencies]``, and
``[tool.pdm.dev-dependencies]``.

A broken ``pyproject.toml`` raises a ``LockfileError`` naming it: the lockfile is reported
as unreadable rather than audited with silently wrong direct dependencies and scopes.
Without a ``pyproject.toml`` (or one that declares nothing), the packages nobody in the
lock depends on are taken as the direct dependencies (``common.entry_points``: the orphans,
plus one package of each dependency cycle nothing else reaches).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from auditor.collectors.base import FileReader, InputFile
from auditor.collectors.common import entry_points, hang_from_root
from auditor.collectors.pypi.deps import (
    ALWAYS,
    DEV,
    MAIN,
    OPTIONAL,
    Condition,
    LockIndex,
    and_markers,
    edge_scope,
    extra_scope,
    group_scope,
    parse_requirement,
    python_marker,
    requirement_text,
)
from auditor.core.documents import Doc, load_toml
from auditor.core.model import (
    Ecosystem,
    Edge,
    Location,
    Package,
    Root,
    SkippedPackage,
    SourceKind,
    canonical_pypi_name,
    root_id,
)

PYPROJECT = "pyproject.toml"
NOT_LOCKED = "declared in pyproject.toml but not in the lockfile"


@dataclass(frozen=True, kw_only=True)
class Declared:
    """One direct dependency the project declares."""

    name: str
    requirement: str
    scope: str
    location: Location
    constraint: str | None = None
    condition: Condition = ALWAYS
    kind: SourceKind | None = None  # Poetry git/url/path declarations


@dataclass(frozen=True, kw_only=True)
class Manifest:
    """What a ``pyproject.toml`` says about the project."""

    path: str
    name: str | None
    declared: tuple[Declared, ...]
    extras: frozenset[str] = frozenset()  # optional-dependency extras (normalised names)
    requires_python: str | None = None  # PEP 621 requires-python, or Poetry's python


def read_manifest(file: InputFile, reader: FileReader) -> Manifest | None:
    """The ``pyproject.toml`` beside ``file``, parsed; ``None`` when there is none."""
    sibling = reader.read_sibling(file, PYPROJECT)
    return None if sibling is None else parse_manifest(sibling)


def parse_manifest(file: InputFile) -> Manifest:
    doc = load_toml(file)
    doc.mapping()
    project = doc.opt_table("project")
    tool = doc.opt_table("tool")
    poetry = tool.opt_table("poetry") if tool is not None else None
    name = _project_name(project, poetry)
    declared: list[Declared] = []
    extras: set[str] = set()
    if project is not None:
        declared.extend(_pep621(file.path, project, name, extras))
    if poetry is not None:
        declared.extend(_poetry(file.path, poetry, extras))
    declared.extend(_dependency_groups(file.path, doc.opt_table("dependency-groups"), name))
    if tool is not None:
        declared.extend(_pdm_dev(file.path, tool.opt_table("pdm"), name))
    # PEP 621 and [tool.poetry] may both declare a name; Poetry's list form declares it
    # several times with different conditions, which are all kept.
    unique: dict[tuple[str, str, str], Declared] = {}
    for item in declared:
        unique.setdefault((item.name, item.scope, item.requirement), item)
    return Manifest(
        path=file.path,
        name=name,
        declared=tuple(unique.values()),
        extras=frozenset(extras),
        requires_python=_requires_python(project, poetry),
    )


def _requires_python(project: Doc | None, poetry: Doc | None) -> str | None:
    """``[project] requires-python``, else ``[tool.poetry.dependencies] python``."""
    if project is not None:
        value = project.opt_string("requires-python")
        if value and value.strip():
            return value.strip()
    dependencies = poetry.opt_table("dependencies") if poetry is not None else None
    python = dependencies.opt_child("python") if dependencies is not None else None
    if python is not None and isinstance(python.value, str) and python.value.strip():
        return python.value.strip()
    return None


def _project_name(project: Doc | None, poetry: Doc | None) -> str | None:
    for table in (project, poetry):
        if table is not None:
            name = table.opt_string("name")
            if name:
                return name
    return None


# -- PEP 508 strings (PEP 621, PEP 735, pdm) ---------------------------------------------------


def _requirement(path: str, item: Doc, scope: str, project: str | None) -> Declared | None:
    text = item.as_str().strip()
    if text.startswith(("-e ", "--editable ")):
        text = text.split(None, 1)[1].strip()
        if "#egg=" in text and " @ " not in text:
            text = f"{text.rsplit('#egg=', 1)[1]} @ {text.rsplit('#egg=', 1)[0]}"
    req = parse_requirement(item, text)
    if project is not None and canonical_pypi_name(req.name) == canonical_pypi_name(project):
        return None  # "myproject[extra]" points at the project's own extras
    marker = str(req.marker) if req.marker is not None else None
    spec = str(req.specifier)
    return Declared(
        name=canonical_pypi_name(req.name),
        requirement=str(req),
        scope=scope,
        location=Location(path=path, key=item.key),
        constraint=spec or None,
        condition=Condition(marker=marker) if marker else ALWAYS,
    )


def _strings(path: str, items: list[Doc], scope: str, project: str | None) -> list[Declared]:
    found = [_requirement(path, item, scope, project) for item in items]
    return [d for d in found if d is not None]


def _pep621(path: str, project: Doc, name: str | None, extras: set[str]) -> list[Declared]:
    declared = _strings(path, project.opt_array("dependencies"), MAIN, name)
    optional = project.opt_table("optional-dependencies")
    if optional is not None:
        for extra, items in optional.items():
            extras.add(canonical_pypi_name(extra))
            declared.extend(_strings(path, items.as_list(), extra_scope(extra), name))
    return declared


def _dependency_groups(path: str, groups: Doc | None, project: str | None) -> list[Declared]:
    """PEP 735 groups, ``{include-group = "..."}`` expanded (a cycle is an error)."""
    if groups is None:
        return []
    tables = dict(groups.items())
    by_name = {canonical_pypi_name(k): v for k, v in tables.items()}
    declared: list[Declared] = []
    for group, items in tables.items():
        declared.extend(
            _group_items(path, group, items, by_name=by_name, project=project, chain=(group,))
        )
    return declared


def _group_items(
    path: str,
    group: str,
    items: Doc,
    *,
    by_name: dict[str, Doc],
    project: str | None,
    chain: tuple[str, ...],
) -> list[Declared]:
    declared: list[Declared] = []
    for item in items.as_list():
        if isinstance(item.value, dict):
            include = item.string("include-group")
            target = by_name.get(canonical_pypi_name(include))
            if target is None:
                item.fail(f"unknown dependency group {include!r}")
            if canonical_pypi_name(include) in {canonical_pypi_name(c) for c in chain}:
                item.fail(f"dependency group {include!r} includes itself")
            declared.extend(
                _group_items(
                    path, group, target, by_name=by_name, project=project, chain=(*chain, include)
                )
            )
            continue
        found = _requirement(path, item, group_scope(group), project)
        if found is not None:
            declared.append(found)
    return declared


def _pdm_dev(path: str, pdm: Doc | None, project: str | None) -> list[Declared]:
    dev = pdm.opt_table("dev-dependencies") if pdm is not None else None
    if dev is None:
        return []
    declared: list[Declared] = []
    for group, items in dev.items():
        declared.extend(_strings(path, items.as_list(), group_scope(group), project))
    return declared


# -- Poetry tables -----------------------------------------------------------------------------


def _poetry(path: str, poetry: Doc, extras: set[str]) -> list[Declared]:
    by_extra: dict[str, list[str]] = {}
    extra_table = poetry.opt_table("extras")
    if extra_table is not None:
        for extra, names in extra_table.items():
            extras.add(canonical_pypi_name(extra))
            by_extra[extra] = [canonical_pypi_name(n.as_str()) for n in names.as_list()]
    declared = _poetry_table(path, poetry.opt_table("dependencies"), MAIN, by_extra)
    declared += _poetry_table(path, poetry.opt_table("dev-dependencies"), DEV, by_extra)
    groups = poetry.opt_table("group")
    if groups is not None:
        for group, table in groups.items():
            deps = table.opt_table("dependencies")
            declared += _poetry_table(path, deps, group_scope(group), by_extra)
    return declared


def _poetry_table(
    path: str, table: Doc | None, scope: str, by_extra: dict[str, list[str]]
) -> list[Declared]:
    if table is None:
        return []
    declared: list[Declared] = []
    for name, spec in table.items():
        if canonical_pypi_name(name) == "python":
            continue
        specs = spec.as_list() if isinstance(spec.value, list) else [spec]
        for one in specs:
            declared.extend(_poetry_dependency(path, name, one, scope, by_extra))
    return declared


def _poetry_dependency(
    path: str, name: str, spec: Doc, scope: str, by_extra: dict[str, list[str]]
) -> list[Declared]:
    dep = poetry_dependency(name, spec)
    scopes = [scope]
    if dep.optional and scope == MAIN:
        wanted = canonical_pypi_name(name)
        scopes = [extra_scope(e) for e, names in sorted(by_extra.items()) if wanted in names]
        scopes = scopes or [OPTIONAL]
    return [
        Declared(
            name=canonical_pypi_name(name),
            requirement=dep.requirement,
            scope=one,
            location=Location(path=path, key=spec.key),
            constraint=dep.constraint,
            condition=dep.condition,
            kind=dep.kind,
        )
        for one in scopes
    ]


@dataclass(frozen=True, kw_only=True)
class PoetryDependency:
    """One Poetry dependency spec (string, or table with version/markers/python/...)."""

    requirement: str
    constraint: str | None
    condition: Condition
    optional: bool
    extras: tuple[str, ...]
    kind: SourceKind | None = None


def poetry_dependency(name: str, spec: Doc) -> PoetryDependency:
    """Read ``name = "^1.0"`` or ``name = {version = ..., markers = ..., python = ...,
    platform = ..., optional = ..., extras = [...]}`` (also used for poetry.lock entries)."""
    if isinstance(spec.value, str):
        constraint = spec.value
        return PoetryDependency(
            requirement=requirement_text(name, constraint),
            constraint=constraint,
            condition=ALWAYS,
            optional=False,
            extras=(),
        )
    spec.mapping()
    version = spec.opt_string("version")
    python = spec.opt_string("python")
    platform = spec.opt_string("platform")
    extras = tuple(spec.strings("extras"))
    marker = and_markers(
        spec.opt_string("markers"),
        python_marker(python) if python else None,
        f'sys_platform == "{platform}"' if platform else None,
    )
    condition = Condition(marker) if marker else ALWAYS
    return PoetryDependency(
        requirement=requirement_text(name, version, extras=extras, marker=marker),
        constraint=version,
        condition=condition,
        optional=spec.flag("optional"),
        extras=extras,
        kind=_declared_kind(spec),
    )


def _declared_kind(spec: Doc) -> SourceKind | None:
    if spec.opt_string("git"):
        return SourceKind.GIT
    if spec.opt_string("url"):
        return SourceKind.URL
    if spec.opt_string("path"):
        return SourceKind.EDITABLE if spec.flag("develop") else SourceKind.PATH
    return None


# -- the root's edges --------------------------------------------------------------------------


def project_root(
    file: InputFile,
    manifest: Manifest | None,
    ecosystem: Ecosystem,
    *,
    requires_python: str | None = None,
) -> Root:
    """The lockfile's root, named after the project when its pyproject.toml says; its
    Requires-Python from the lockfile (``requires_python``), else the pyproject.toml."""
    name = manifest.name if manifest is not None and manifest.name else file.path
    if not requires_python and manifest is not None:
        requires_python = manifest.requires_python
    return Root(
        id=root_id(file.path),
        name=name,
        ecosystem=ecosystem,
        path=file.path,
        requires_python=requires_python or None,
    )


def python_versions(value: str | None) -> str | None:
    """A lockfile's Requires-Python, with "any" (``*``, empty) as None."""
    text = (value or "").strip()
    return None if text in ("", "*") else text


def direct_edges(
    root: Root,
    manifest: Manifest | None,
    index: LockIndex,
    packages: Iterable[Package],
    edges: Iterable[Edge],
    *,
    keep: Callable[[Declared], bool] | None = None,
) -> tuple[list[Edge], list[SkippedPackage]]:
    """Edges from the root to the project's direct dependencies, and declared dependencies
    the lock does not have. ``keep`` filters declarations (e.g. groups the lock left out)."""
    declared = [] if manifest is None else [d for d in manifest.declared if keep is None or keep(d)]
    if not declared:
        return hang_from_root(root, entry_points(packages, edges)), []
    root_edges: list[Edge] = []
    skipped: list[SkippedPackage] = []
    for item in declared:
        bound = index.bind(
            item.name, constraint=item.constraint, condition=item.condition, kind=item.kind
        )
        if not bound:
            skipped.append(
                SkippedPackage(
                    ecosystem=Ecosystem.PYPI,
                    name=item.name,
                    requirement=item.requirement,
                    reason=NOT_LOCKED,
                    location=item.location,
                )
            )
        root_edges.extend(
            Edge(
                parent=root.id,
                child=pkg.id,
                requirement=item.requirement,
                scope=edge_scope(item.scope),
            )
            for pkg in bound
        )
    return root_edges, skipped
