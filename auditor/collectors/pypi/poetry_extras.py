"""Extras one locked package asks of another (poetry.lock).

``pytest-cov`` depends on ``coverage = {extras = ["toml"]}``: installing it installs what
coverage's ``toml`` extra names (``tomli``). Poetry writes those names in the package's
``[package.extras]``, and in ``[package.dependencies]`` (as optional entries) only in some
lock versions and not for every package, so an edge from coverage to tomli has to come from
the extras table. Without it the graph says tomli is there for no reason, and cyclonedx-py
(which reads the same tables) has edges auditor lacks.

An activated edge takes the scope of the dependency that asked for the extra (a dev tool's
request makes a dev edge) and its condition; an extra asked inside an extra is followed too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from auditor.collectors.pypi.deps import ALWAYS, Condition, LockIndex, requirement_text
from auditor.core.documents import Doc
from auditor.core.model import Edge, Package, canonical_pypi_name

# PEP 508, or Poetry's own form with a parenthesised constraint that may hold "||"
_ITEM = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*"
    r"(?:\[(?P<extras>[^\]]*)\])?\s*"
    r"(?:\((?P<paren>[^)]*)\)|(?P<bare>[<>=!~][^;]*))?\s*"
    r"(?:;\s*(?P<marker>.*?))?\s*$"
)


@dataclass(frozen=True, kw_only=True)
class _Item:
    name: str
    extras: tuple[str, ...]
    constraint: str | None
    marker: str | None


def _parse(item: Doc) -> _Item:
    match = _ITEM.match(item.as_str())
    if match is None:
        item.fail(f"not a requirement: {item.as_str()!r}")
    extras = tuple(sorted(e.strip() for e in (match["extras"] or "").split(",") if e.strip()))
    constraint = (match["paren"] or match["bare"] or "").strip() or None
    return _Item(
        name=match["name"], extras=extras, constraint=constraint, marker=match["marker"] or None
    )


@dataclass(frozen=True, kw_only=True)
class ExtraRequest:
    """``package`` is depended on with ``extras``, under ``scope`` and ``condition``."""

    package: Package
    extras: tuple[str, ...]
    scope: str | None
    condition: Condition


def _declared(table: Doc) -> set[str]:
    deps = table.opt_table("dependencies")
    return {canonical_pypi_name(name) for name, _ in deps.items()} if deps is not None else set()


def _extra_items(table: Doc, extra: str) -> list[Doc]:
    extras = table.opt_table("extras")
    if extras is None:
        return []
    wanted = canonical_pypi_name(extra)
    return [
        i
        for name, items in extras.items()
        if canonical_pypi_name(name) == wanted
        for i in items.as_list()
    ]


def requested_extra_edges(
    requests: Iterable[ExtraRequest], tables: Mapping[str, Doc], index: LockIndex
) -> list[Edge]:
    """The edges the requested extras add, beyond those ``[package.dependencies]`` gives."""
    edges: list[Edge] = []
    queue = list(requests)
    seen: set[tuple[str, str, str | None]] = set()
    while queue:
        request = queue.pop()
        table = tables.get(request.package.id)
        if table is None:
            continue
        declared = _declared(table)
        for extra in request.extras:
            key = (request.package.id, canonical_pypi_name(extra), request.scope)
            if key in seen:
                continue
            seen.add(key)
            for item in _extra_items(table, extra):
                requirement = _parse(item)
                if canonical_pypi_name(requirement.name) in declared:
                    continue  # an optional dependency entry: its edge exists already
                marker = requirement.marker
                condition = request.condition.both(Condition(marker) if marker else ALWAYS)
                constraint = requirement.constraint
                text = requirement_text(
                    requirement.name, constraint, extras=requirement.extras, marker=marker
                )
                for child in index.bind(
                    requirement.name, constraint=constraint, condition=condition
                ):
                    if child.id == request.package.id:
                        continue
                    edges.append(
                        Edge(
                            parent=request.package.id,
                            child=child.id,
                            requirement=text,
                            scope=request.scope,
                        )
                    )
                    if requirement.extras:
                        queue.append(
                            ExtraRequest(
                                package=child,
                                extras=requirement.extras,
                                scope=request.scope,
                                condition=condition,
                            )
                        )
    return edges
