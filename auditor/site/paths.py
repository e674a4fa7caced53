"""Where each page goes, and writing the site so that nothing escapes ``--out``.

File names never come from third-party text directly: a project or package name becomes a
short lowercase slug of ``[a-z0-9-]`` plus the first 12 hex digits of the SHA-256 of the
full name, so ``../../x``, ``@scope/name``, ``CON`` or a 10,000-character name all give a
plain, distinct name inside the site. Every path is checked against the output folder
before anything is written.

A project's pages (or the index's) are rendered in memory first and written only when all
of them rendered, each file through a temporary name and a rename (with the mode the umask
gives, as ``auditor.core.fsutil.atomic_write``), and only when its bytes changed: a page
that would come out the same is not touched. The site keeps its own record of what it
wrote (``auditor.site.manifest``), beside the report files' (``auditor.core.outfolder``,
which leaves the site's files to it: ``is_site_file``), so a later run removes pages that
no longer exist (a pruned snapshot), never replaces a file auditor did not write without
``--force``, and never removes anything else in the folder.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from auditor.core.errors import AuditorError
from auditor.core.fsutil import atomic_write
from auditor.core.outfolder import OutFolder

INDEX = "index.html"  # the site's home: the first page of the index of projects
PROJECTS = "p"  # the folder of every project's pages
ADVISORIES = "a"  # the folder of the advisories' "affected projects" pages
_INDEX_PAGE = re.compile(r"^index(?:-[1-9][0-9]*)?\.html$")
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


def licenses_page(project: str) -> str:
    """The project's licences page (``auditor.site.licenses``)."""
    return f"{project_dir(project)}/licenses.html"


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


def index_page(number: int) -> str:
    """The file of the index's page ``number`` (from 1)."""
    return INDEX if number == 1 else f"index-{number}.html"


def is_index_page(name: str) -> bool:
    return _INDEX_PAGE.match(name) is not None


def is_site_file(name: str, manifests: Iterable[str]) -> bool:
    """Whether ``name`` (a path in the folder) is the site's: a page of the index, a
    project's page, an advisory's page, or one of the site's ``manifests``."""
    return (
        is_index_page(name)
        or name.startswith((f"{PROJECTS}/", f"{ADVISORIES}/"))
        or name in manifests
    )


def plain(site_path: str) -> bool:
    """Whether ``site_path`` has the shape of the paths the site writes: relative, POSIX,
    no empty, ``.`` or ``..`` part, no backslash or NUL. A check of the text alone (cheap
    enough for a manifest of thousands of pages); ``inside`` also resolves links."""
    if not site_path or site_path.startswith("/") or "\\" in site_path or "\0" in site_path:
        return False
    return all(part not in ("", ".", "..") for part in site_path.split("/"))


def inside(out: Path, site_path: str) -> Path:
    """The file for ``site_path`` below ``out``; an error if it would land anywhere else."""
    return OutFolder(out).inside(site_path)


def write_pages(out: Path, files: Mapping[str, str], previous: Iterable[str] = ()) -> int:
    """Write each page whose bytes differ from the file on disk (the others are left as they
    are, not even touched), then remove the ``previous`` pages that are not in ``files``.
    Returns the number of files written."""
    targets = {path: inside(out, path) for path in sorted(files)}
    written = 0
    try:
        for folder in sorted({target.parent for target in targets.values()}):
            _sweep_temporaries(folder)
        for path, target in targets.items():
            data = files[path].encode("utf-8")
            if _same(target, data):
                continue
            _write(target, data)
            written += 1
        remove_files(out, sorted(set(previous) - files.keys()))
    except OSError as exc:
        raise AuditorError(f"{out}: cannot write the report site: {exc.strerror or exc}") from None
    return written


def write_file(out: Path, path: str, text: str) -> None:
    """Write one file of the site (a manifest) unless it already holds ``text``."""
    write_pages(out, {path: text})


def remove_files(out: Path, site_paths: Iterable[str]) -> None:
    """Delete pages of the site (never a link, never outside ``out``), and the folders
    that leaves empty."""
    base = out.resolve()
    folders: set[Path] = set()
    for path in site_paths:
        stale = inside(out, path)
        if stale.is_file() and not stale.is_symlink():
            stale.unlink()
            folders.add(stale.parent)
    for deepest in sorted(folders, key=lambda f: -len(f.parts)):
        folder = deepest
        while folder != base and folder.is_relative_to(base):
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break
            folder = folder.parent


# what ``atomic_write`` names its temporary files (``tempfile.mkstemp``: 8 random characters)
_TEMPORARY = re.compile(r"^\.[^/]+\.(?:html|json)\.[a-z0-9_]{8}\.tmp$")


def _sweep_temporaries(folder: Path) -> None:
    """Remove the temporary files a killed render left in ``folder`` (a write is a
    temporary file renamed into place; a process killed in between leaves it behind)."""
    if not folder.is_dir():
        return
    for item in folder.iterdir():
        if _TEMPORARY.match(item.name) and item.is_file() and not item.is_symlink():
            item.unlink(missing_ok=True)


def _same(target: Path, data: bytes) -> bool:
    """Whether ``target`` is a regular file holding exactly ``data``."""
    try:
        if target.is_symlink() or not target.is_file() or target.stat().st_size != len(data):
            return False
        return target.read_bytes() == data
    except OSError:
        return False


def _write(target: Path, data: bytes) -> None:
    if target.is_symlink():
        target.unlink()  # never write through a link planted in the output folder
    atomic_write(target, data, durable=False)
