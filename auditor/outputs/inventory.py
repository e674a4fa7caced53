"""``auditor query``'s answers as text and as JSON (``auditor.query/1``): which projects
hold a package, which are affected by an advisory. Names, versions and advisory ids are
third-party text: the terminal form is made safe (``text.safe``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from auditor.outputs.findings_json import epss_json
from auditor.outputs.text import plural, safe
from auditor.store.inventory import Affected, Held, Holding, SnapshotRef

SCHEMA = "auditor.query/1"


def _snapshot_json(ref: SnapshotRef) -> dict[str, Any]:
    return {
        "id": ref.id,
        "taken_at": ref.taken_at.isoformat(),
        "status": ref.status.value,
        "latest": ref.latest,
    }


def _held_json(held: Held) -> dict[str, Any]:
    return {
        "package": held.package_id,
        "ecosystem": held.ecosystem,
        "name": held.name,
        "version": held.version,
        "direct": held.direct,
        "scopes": list(held.scopes),
        "found_in": [loc.render() for loc in held.found_in],
        "paths": [list(p) for p in held.paths],
    }


def _by_project(items: Sequence[Holding] | Sequence[Affected]) -> list[tuple[str, list[Any]]]:
    grouped: dict[str, list[Any]] = {}
    for item in items:
        grouped.setdefault(item.snapshot.project, []).append(item)
    return sorted(grouped.items())


def holding_document(query: dict[str, Any], found: Sequence[Holding]) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "query": query,
        "projects": [
            {
                "project": project,
                "snapshots": [
                    {**_snapshot_json(h.snapshot), "packages": [_held_json(p) for p in h.packages]}
                    for h in items
                ],
            }
            for project, items in _by_project(found)
        ],
    }


def affected_document(query: dict[str, Any], found: Sequence[Affected]) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "query": query,
        "projects": [
            {
                "project": project,
                "snapshots": [
                    {
                        **_snapshot_json(a.snapshot),
                        "findings": [
                            {
                                "package": f.package_id,
                                "id": f.id,
                                "aliases": list(f.aliases),
                                "kind": f.kind.value,
                                "severity": f.severity.value,
                                "fix_version": f.fix_version,
                                "kev": f.kev,
                                "epss": epss_json(f.epss),
                            }
                            for f in a.findings
                        ],
                    }
                    for a in items
                ],
            }
            for project, items in _by_project(found)
        ],
    }


def _when(ref: SnapshotRef) -> str:
    latest = ", latest" if ref.latest else ""
    return f"snapshot {ref.id}, {ref.taken_at:%Y-%m-%d %H:%M}Z{latest}"


def _render(
    heading: str,
    empty: str,
    found: Sequence[Holding] | Sequence[Affected],
    details: Callable[[Any], Iterator[str]],
) -> str:
    """A heading, then per project and snapshot the lines ``details`` gives for it."""
    groups = _by_project(found)
    if not groups:
        return safe(empty) + "\n"
    lines = [safe(f"{heading} {plural(len(groups), 'project')}")]
    for project, items in groups:
        for item in items:
            lines.append(safe(f"  {project} ({_when(item.snapshot)})"))
            lines.extend(safe(line) for line in details(item))
    return "\n".join(lines) + "\n"


def _held_lines(item: Holding) -> Iterator[str]:
    for held in item.packages:
        where = ", ".join(loc.render() for loc in held.found_in[:3]) or "no location"
        yield f"    {held.name} {held.version} ({held.ecosystem}) in {where}"
        for path in held.paths[:1]:
            yield "      via " + " → ".join(path)


def _affected_lines(item: Affected) -> Iterator[str]:
    for finding in item.findings:
        fix = f", fix {finding.fix_version}" if finding.fix_version else ""
        kev = ", KEV" if finding.kev else ""
        name = finding.package_id.removeprefix("pkg:")
        yield f"    {name}: {finding.id} ({finding.severity.value}{kev}){fix}"


def render_holding(what: str, found: Sequence[Holding]) -> str:
    return _render(f"{what}: held by", f"no project holds {what}", found, _held_lines)


def render_affected(what: str, found: Sequence[Affected]) -> str:
    empty = f"no project is affected by {what} (open findings)"
    return _render(f"{what}: affects", empty, found, _affected_lines)
