"""What every written document says about the project: its name and version, the document
time, the CycloneDX version and where the scanned paths sit in the repository."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.outputs.base import Previous, RenderOptions, fixed_timestamp


@dataclass(frozen=True, kw_only=True)
class DocumentRequest:
    """The document options as the user gave them (None: the default)."""

    project_name: str | None = None  # default: the first path's folder name
    project_version: str | None = None
    timestamp: str | None = None  # ISO 8601 or epoch seconds; default SOURCE_DATE_EPOCH, now
    spec_version: str | None = None  # CycloneDX; default 1.6
    show: tuple[str, ...] = ()  # what the terminal table lists besides findings (duplicates)


def render_options(
    document: DocumentRequest,
    paths: Sequence[str],
    *,
    fail_on: str | None = None,
    previous: Previous | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> RenderOptions:
    environ = os.environ if environ is None else environ
    return RenderOptions(
        project_name=document.project_name or project_name(paths, cwd),
        project_version=document.project_version,
        timestamp=fixed_timestamp(document.timestamp, environ),
        spec_version=document.spec_version,
        source_root=source_root(paths, cwd),
        previous=previous,
        fail_on=fail_on,
        show=frozenset(document.show),
    )


def project_name(paths: Sequence[str], cwd: Path | None = None) -> str:
    first = Path(paths[0]) if paths else Path(".")
    where = (cwd or Path.cwd()) / first
    where = where.resolve()
    folder = where.parent if where.is_file() else where
    return folder.name or "project"


def source_root(paths: Sequence[str], cwd: Path | None = None) -> str:
    """The prefix that turns displayed paths (relative to the scanned folder, or to the
    current directory for files) into paths relative to the git repository root."""
    here = (cwd or Path.cwd()).resolve()
    first = (here / paths[0]).resolve() if paths else here
    base = first if first.is_dir() else (here if first.is_relative_to(here) else first.parent)
    for candidate in (base, *base.parents):
        if (candidate / ".git").exists():
            relative = base.relative_to(candidate).as_posix()
            return "" if relative == "." else relative
    return ""
