"""Where each page goes, and writing the site so that nothing escapes ``--out``.

File names never come from third-party text directly: a project or package name becomes a
short lowercase slug of ``[a-z0-9-]`` plus the first 12 hex digits of the SHA-256 of the
full name, so ``../../x``, ``@scope/name``, ``CON`` or a 10,000-character name all give a
plain, distinct name inside the site. Every path is checked against the output folder
before anything is written.

The site is rendered in memory first and written only when every page rendered, each file
through a temporary name and a rename, into an ``OutFolder`` (``auditor.core.outfolder``):
its manifest lists the files auditor wrote, so the next run removes pages that no longer
exist (a pruned snapshot), never replaces a file auditor did not write, and never removes
anything else in the folder.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from auditor.core import outfolder
from auditor.core.outfolder import OutFolder

MANIFEST = outfolder.MANIFEST
INDEX = "index.html"
ROOT_FILES = (INDEX,)  # the site's files at the top of the folder
FOLDERS = ("p",)  # and the folder every other page is in
_SLUG_CHARS = re.compile(r"[^a-z0-9]+")
SLUG_LENGTH = 40


def safe_name(text: str) -> str:
    """A file-name-safe, collision-free name for ``text``."""
    slug = _SLUG_CHARS.sub("-", text.lower()).strip("-")[:SLUG_LENGTH].strip("-")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return f"{slug}-{digest}" if slug else digest


def project_dir(project: str) -> str:
    return f"p/{safe_name(project)}"


def project_page(project: str) -> str:
    return f"{project_dir(project)}/index.html"


def snapshots_page(project: str, page: int) -> str:
    suffix = "" if page == 1 else f"-{page}"
    return f"{project_dir(project)}/snapshots{suffix}.html"


def packages_page(project: str, page: int) -> str:
    suffix = "" if page == 1 else f"-{page}"
    return f"{project_dir(project)}/packages{suffix}.html"


def snapshot_page(project: str, snapshot_id: int, page: int = 1) -> str:
    suffix = "" if page == 1 else f"-{page}"
    return f"{project_dir(project)}/s/{snapshot_id}{suffix}.html"


def package_page(project: str, ecosystem: str, name: str) -> str:
    return f"{project_dir(project)}/pkg/{safe_name(f'{ecosystem}:{name}')}.html"


def advisory_page(advisory_id: str) -> str:
    """The "affected projects" page of one advisory (shared by every project)."""
    return f"a/{safe_name(advisory_id)}.html"


def relative(from_page: str, to_page: str) -> str:
    """The relative URL from one site path to another (both POSIX, from the site root)."""
    start = PurePosixPath(from_page).parent
    target = PurePosixPath(to_page)
    up = len(start.parts)
    common = 0
    for a, b in zip(start.parts, target.parts, strict=False):
        if a != b:
            break
        common += 1
    parts = [".."] * (up - common) + list(target.parts[common:])
    return "/".join(parts)


def inside(out: Path, site_path: str) -> Path:
    """The file for ``site_path`` below ``out``; an error if it would land anywhere else."""
    return OutFolder(out).inside(site_path)


def write_site(out: Path, files: Mapping[str, str], *, force: bool = False) -> None:
    """Write every page, then remove the pages an earlier site wrote that are gone now
    (``auditor.core.outfolder``: never a file auditor did not write)."""
    OutFolder(out, force=force).write(files)
