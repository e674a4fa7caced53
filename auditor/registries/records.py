"""What the cache keeps of a registry document: the fields the checks read, compactly.

A project's record is its releases in version order with what the health check, the
typosquat check, the fix planner and the licence inventory read of each (publication time,
pre-release and yanked flags, deprecation message, Requires-Python, npm's declared licence)
and the project's latest tag and
maintainer count: a few kilobytes where the document was a few hundred. Repeated values
(the same Requires-Python or deprecation message over many releases) are stored once per
run of releases. Files are not kept: a release's requirements have their own record,
and a run that must find a release's files fetches the document again.

The records are JSON (``HttpClient.get_record`` deflates them); ``PROJECT`` and
``REQUIREMENTS`` name their shapes, so a change of shape makes older entries unread rather
than misread.

Adding a field a check needs (a licence, say) takes four steps: name it in the schema
``decode.py`` decodes the document against (npm's ``license`` on ``NpmPackument`` and on
``NpmRelease``); carry it on ``Project``/``Release`` (``metadata.py``) where the client
builds them; write and read it here in ``project_record``/``project_from_record``; and bump
``PROJECT`` (``"project/2"``), so that records written before are fetched once more instead
of read without it. A Python project's simple page has no licence: ``License-Expression``,
``License`` and the classifiers are in each release's core metadata (the PEP 658
``.metadata`` file ``pypi.py`` already reads for ``Requires-Dist``), so they are in the
requirements record (``requirements_record``, bump ``REQUIREMENTS``). The licence fields
are written by ``license_record`` (the fields that are set) in both records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from auditor.core.model import Ecosystem
from auditor.net.client import HttpClient, HttpResponse
from auditor.registries.metadata import DeclaredLicense, Project, Release, Requirements

PROJECT = "project/2"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
REQUIREMENTS = "requirements/2"
IMMUTABLE_TTL = 30 * 24 * 3600.0  # a published release's requirements do not change


@dataclass(frozen=True, kw_only=True)
class ProjectAnswer:
    """A project as a registry client got it: ``project`` None means no such project;
    ``read`` says it was read from the document this run (with everything the document
    has, files included) rather than from a record."""

    project: Project | None
    read: bool = False


def fetch_project(
    http: HttpClient,
    url: str,
    *,
    ecosystem: Ecosystem,
    registry: str,
    read: Callable[[HttpResponse], Project],
    headers: Mapping[str, str],
    parse: Callable[[bytes], Any],
    refresh: bool = False,
) -> ProjectAnswer:
    """The project at ``url``: from its record (fresh, or revalidated by a 304), else read
    from the document with ``read`` and recorded. A 404 means no such project."""
    documents: list[Project] = []

    def derive(response: HttpResponse) -> dict[str, Any]:
        documents.append(read(response))
        return project_record(documents[0])

    answer = http.get_record(
        url,
        kind=f"{ecosystem.value}-{PROJECT}",
        derive=derive,
        headers=headers,
        accept=(404,),
        expect_json=True,
        parse=parse,
        refresh=refresh,
    )
    if answer.status == 404:
        return ProjectAnswer(project=None)
    if documents:
        return ProjectAnswer(project=documents[0], read=True)
    project = project_from_record(answer.value, ecosystem, registry)
    if project is None:  # a record this auditor cannot read: the document once more
        return fetch_project(
            http,
            url,
            ecosystem=ecosystem,
            registry=registry,
            read=read,
            headers=headers,
            parse=parse,
            refresh=True,
        )
    return ProjectAnswer(project=project)


def project_record(project: Project) -> dict[str, Any]:
    releases = project.releases
    return {
        "name": project.name,
        "maintainers": project.maintainers,
        "latest_tag": project.latest_tag,
        "versions": [r.version for r in releases],
        "published": [_microseconds(r.published) for r in releases],
        "pre": [i for i, r in enumerate(releases) if r.prerelease],
        "yanked": [[i, r.yanked_reason or ""] for i, r in enumerate(releases) if r.yanked],
        "deprecated": _runs(r.deprecated for r in releases),
        "python": _runs(r.requires_python for r in releases),
        "license": _runs(license_record(r.license) for r in releases),
    }


def project_from_record(
    record: dict[str, Any], ecosystem: Ecosystem, registry: str
) -> Project | None:
    """The project a record describes (None when the record is not one: then the caller
    fetches the document again)."""
    try:
        versions: list[str] = record["versions"]
        published: list[int | None] = record["published"]
        pre = set(record["pre"])
        yanked = {int(i): reason for i, reason in record["yanked"]}
        deprecated = _unrun(record["deprecated"], len(versions))
        python = _unrun(record["python"], len(versions))
        licenses = _unrun(record["license"], len(versions))
        releases = tuple(
            Release(
                version=version,
                published=None if when is None else EPOCH + timedelta(microseconds=when),
                yanked=i in yanked,
                yanked_reason=yanked.get(i) or None,
                deprecated=deprecated[i],
                requires_python=python[i],
                prerelease=i in pre,
                license=license_from_record(licenses[i]),
            )
            for i, (version, when) in enumerate(zip(versions, published, strict=True))
        )
        return Project(
            ecosystem=ecosystem,
            name=record["name"],
            registry=registry,
            releases=releases,
            maintainers=record["maintainers"],
            latest_tag=record["latest_tag"],
        )
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None


def requirements_record(found: Requirements) -> dict[str, Any]:
    return {
        "dependencies": list(found.dependencies),
        "peer": list(found.peer),
        "requires_python": found.requires_python,
        "origin": found.origin,
        "license": license_record(found.license),
    }


def requirements_from_record(
    record: dict[str, Any], ecosystem: Ecosystem, name: str, version: str
) -> Requirements | None:
    try:
        return Requirements(
            ecosystem=ecosystem,
            name=name,
            version=version,
            dependencies=tuple(str(d) for d in record["dependencies"]),
            peer=tuple(str(p) for p in record["peer"]),
            requires_python=record["requires_python"],
            origin=str(record["origin"]),
            license=license_from_record(record["license"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def license_record(license: DeclaredLicense | None) -> dict[str, Any] | None:
    """A release's declared licence fields, those that are set (None: not read)."""
    if license is None:
        return None
    fields = {
        "expression": license.expression,
        "text": license.text,
        "classifiers": list(license.classifiers),
        "npm_license": license.npm_license,
        "npm_licenses": license.npm_licenses,
        "origin": license.origin,
    }
    return {key: value for key, value in fields.items() if value not in (None, "", [])}


def license_from_record(record: Any) -> DeclaredLicense | None:
    """The declared licence a ``license_record`` describes; raises TypeError or
    ValueError for a value that is not one (the whole record is then read again)."""
    if record is None:
        return None
    if not isinstance(record, dict):
        raise TypeError("a licence record is a table")
    expression, text = record.get("expression"), record.get("text")
    classifiers = record.get("classifiers", [])
    if not all(isinstance(v, str | None) for v in (expression, text)) or not isinstance(
        classifiers, list
    ):
        raise ValueError("a licence record of the wrong shape")
    return DeclaredLicense(
        expression=expression,
        text=text,
        classifiers=tuple(str(c) for c in classifiers),
        npm_license=record.get("npm_license"),
        npm_licenses=record.get("npm_licenses"),
        origin=str(record.get("origin", "")),
    )


def _microseconds(when: datetime | None) -> int | None:
    """A time as whole microseconds since 1970 (exact, unlike a float of seconds)."""
    return None if when is None else (when - EPOCH) // timedelta(microseconds=1)


def _runs(values: Any) -> list[list[Any]]:
    """``[[start, value], ...]``: each value from its start to the next run's."""
    runs: list[list[Any]] = []
    for i, value in enumerate(values):
        if not runs or runs[-1][1] != value:
            runs.append([i, value])
    return runs


def _unrun(runs: list[list[Any]], count: int) -> list[Any]:
    out: list[Any] = [None] * count
    for (start, value), following in zip(runs, [*runs[1:], [count, None]], strict=True):
        out[int(start) : int(following[0])] = [value] * (int(following[0]) - int(start))
    return out
