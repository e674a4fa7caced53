"""What a site folder holds and what it was rendered from: the manifests beside the pages.

A page is rendered again only when the inputs it was rendered from changed. Those inputs
are summed up in a digest: for a project's pages, the project's state in the store (a hash
chain over its snapshots, ``auditor.store.portfolio``), the renderer (this auditor's
version, its templates and site code, the libraries that shape the HTML) and the options;
for a page of the index, the rows it shows. The digests are kept **beside the pages** and
not in the store, because they describe one folder: the repositories sharing one store each
render their own folder, and a scheduled job renders another.

- ``auditor-site.json`` at the top: the pages of the index and their input digests (and,
  after an upgrade, the pages an older auditor listed, until their projects are rendered
  again);
- ``p/<project>/auditor-pages.json`` in each project's folder: the project's name, the
  digest of its inputs and its pages. It is written after the pages, so a render that
  was interrupted leaves either the old manifest (the project is rendered again next
  time) or the new one with every page on disk.

A manifest that is missing, unreadable or names a file outside its folder is ignored (the
pages are then rendered again); nothing it says can make auditor write or delete outside
the site folder.

The report files in the same folder keep their own record (``auditor-files.json``,
``auditor.core.outfolder``), which leaves the site's files to these manifests
(``is_site_file``); pages an earlier auditor listed there are taken over as pages of an
older auditor. Before anything is written, ``check_folder`` refuses a folder where a page
would replace a file auditor did not write (``--force`` replaces it).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.core.errors import UsageError
from auditor.core.outfolder import OutFolder
from auditor.site import paths

MANIFEST = "auditor-site.json"
PROJECT_MANIFEST = "auditor-pages.json"
FORMAT = 2
# The libraries whose version can change the HTML for the same store.
LIBRARIES = ("jinja2", "markupsafe", "markdown-it-py", "nh3")


@cache
def renderer() -> str:
    """A digest of everything besides the store that decides the HTML: auditor's version,
    the templates, the site's code and the versions of the libraries it renders with."""
    digest = hashlib.sha256(f"auditor {__version__}\n".encode())
    for package in ("auditor.templates", "auditor.site"):
        for item in sorted(resources.files(package).iterdir(), key=lambda i: i.name):
            if item.is_file() and item.name.endswith((".html", ".css", ".js", ".py")):
                digest.update(f"{package}/{item.name}\n".encode())
                digest.update(item.read_bytes())
    for library in LIBRARIES:
        digest.update(f"{library} {importlib.metadata.version(library)}\n".encode())
    return digest.hexdigest()


def inputs_digest(*parts: Any) -> str:
    """The digest of a page's inputs (JSON-serialisable parts, in order)."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, kw_only=True)
class ProjectPages:
    """One project's pages in the folder, and the digest of the inputs they came from."""

    project: str
    inputs: str
    pages: tuple[str, ...]

    def present(self, out: Path) -> bool:
        """Every page it lists is a file in ``out``."""
        return all((out / page).is_file() for page in self.pages)


@dataclass(frozen=True, kw_only=True)
class IndexPages:
    """The index's pages with their input digests, and pages an older auditor wrote."""

    pages: dict[str, str] = field(default_factory=dict)
    advisories: tuple[str, ...] = ()  # the advisories' "affected projects" pages (a/...)
    legacy: tuple[str, ...] = ()

    def legacy_under(self, folder: str) -> tuple[str, ...]:
        return tuple(p for p in self.legacy if p.startswith(folder + "/"))


def is_site_file(name: str) -> bool:
    """Whether ``name`` (a path in the output folder) is the site's to keep a record of."""
    return paths.is_site_file(name, (MANIFEST,))


def _report_folder(out: Path) -> OutFolder:
    return OutFolder(out, others=is_site_file)


def read_index(out: Path) -> IndexPages:
    # the site's pages an earlier auditor listed with the report files (auditor-files.json)
    adopted = {
        name
        for name in _report_folder(out).written_before()
        if is_site_file(name) and name != MANIFEST and _safe(name)
    }
    data = _load(out / MANIFEST)
    if data is None:
        return IndexPages(legacy=tuple(sorted(adopted)))
    if data.get("format") != FORMAT:  # an older auditor's: {"files": [...]}
        files = data.get("files")
        older = [f for f in files if _safe(f)] if isinstance(files, list) else []
        return IndexPages(legacy=tuple(sorted(adopted | set(older))))
    pages = data.get("pages")
    legacy = data.get("legacy")
    shared = data.get("advisories")
    return IndexPages(
        pages={
            k: v
            for k, v in (pages.items() if isinstance(pages, dict) else ())
            if isinstance(v, str) and _safe(k) and "/" not in k
        },
        advisories=tuple(
            sorted(
                {
                    p
                    for p in (shared if isinstance(shared, list) else ())
                    if _safe(p) and p.startswith(f"{paths.ADVISORIES}/")
                }
            )
        ),
        legacy=tuple(
            sorted(adopted | {p for p in (legacy if isinstance(legacy, list) else ()) if _safe(p)})
        ),
    )


def write_index(out: Path, index: IndexPages) -> None:
    """Write the index's manifest; the report files' manifest then no longer lists pages
    of the site (they are in this one, or in the projects')."""
    data = {
        "format": FORMAT,
        "pages": dict(sorted(index.pages.items())),
        "advisories": list(index.advisories),
        "legacy": list(index.legacy),
    }
    paths.write_file(out, MANIFEST, _dump(data))
    _report_folder(out).release()


def check_folder(out: Path, *, force: bool = False, flag: str = "--out") -> None:
    """A ``UsageError`` (one line) when rendering the site into ``out`` could replace a file
    auditor did not write: a page of the index, the manifest, or anything in ``p/`` that
    is neither a project folder with its manifest nor listed by an older auditor. Reads
    the top of the folder and of ``p/``, not every project's pages."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{flag} {out}: exists and is not a folder")
    if force or not out.is_dir():
        return
    known = read_index(out)
    ours = set(known.pages) | set(known.advisories) | set(known.legacy)
    tops = sorted(e.name for e in os.scandir(out) if paths.is_index_page(e.name))
    for name in [MANIFEST, *tops]:
        if name in ours or (name == MANIFEST and _is_manifest(out / name)):
            continue
        if (out / name).is_file() or (out / name).is_symlink():
            raise _not_ours(flag, out, name)
    shared = out / paths.ADVISORIES
    if shared.is_symlink() or (shared.exists() and not shared.is_dir()):
        raise _not_ours(flag, out, paths.ADVISORIES)
    if shared.is_dir():
        for item in sorted(shared.rglob("*")):
            path = item.relative_to(out).as_posix()
            if (item.is_file() or item.is_symlink()) and path not in ours:
                raise _not_ours(flag, out, path)
    top = out / paths.PROJECTS
    if top.is_symlink() or (top.exists() and not top.is_dir()):
        raise _not_ours(flag, out, paths.PROJECTS)
    if not top.is_dir():
        return
    for entry in sorted(os.scandir(top), key=lambda e: e.name):
        name = f"{paths.PROJECTS}/{entry.name}"
        if not entry.is_dir(follow_symlinks=False):
            if name not in ours:
                raise _not_ours(flag, out, name)
        elif not (Path(entry.path) / PROJECT_MANIFEST).is_file():
            for item in sorted(Path(entry.path).rglob("*")):
                path = item.relative_to(out).as_posix()
                if (item.is_file() or item.is_symlink()) and path not in ours:
                    raise _not_ours(flag, out, path)


def _not_ours(flag: str, out: Path, name: str) -> UsageError:
    return UsageError(
        f"{flag} {out}: {name} exists and auditor did not write it; "
        "choose another folder or pass --force to replace it"
    )


def _is_manifest(path: Path) -> bool:
    """Whether ``path`` is a site manifest (this auditor's or an older one's)."""
    data = _load(path)
    if data is None:
        return False
    return data.get("format") == FORMAT or isinstance(data.get("files"), list)


def remove_site(out: Path) -> None:
    """Remove every page the site wrote in ``out`` and its manifests (a report run without
    the site removes what earlier runs rendered there), never anything else."""
    if not out.is_dir() or out.is_symlink():
        return
    known = read_index(out)
    for pages in project_manifests(out):
        remove_project(out, pages)
    paths.remove_files(out, [*known.pages, *known.advisories, *known.legacy])
    if _is_manifest(out / MANIFEST):
        paths.remove_files(out, [MANIFEST])
    _report_folder(out).release()


def project_manifest(project: str) -> str:
    return f"{paths.project_dir(project)}/{PROJECT_MANIFEST}"


def read_project(out: Path, project: str) -> ProjectPages | None:
    """The manifest of ``project``'s folder, if it is there and is that project's."""
    found = _project_file(out, project_manifest(project))
    return found if found is not None and found.project == project else None


def _project_file(out: Path, path: str) -> ProjectPages | None:
    data = _load(out / path)
    if data is None or data.get("format") != FORMAT:
        return None
    project, inputs, pages = data.get("project"), data.get("inputs"), data.get("pages")
    if not isinstance(project, str) or not isinstance(inputs, str):
        return None
    if not isinstance(pages, list):
        return None
    folder = paths.project_dir(project) + "/"
    if path != project_manifest(project):
        return None  # a manifest copied into another project's folder
    kept = sorted({p for p in pages if _safe(p) and p.startswith(folder)})
    return ProjectPages(project=project, inputs=inputs, pages=tuple(kept))


def write_project(out: Path, pages: ProjectPages) -> None:
    data = {
        "format": FORMAT,
        "project": pages.project,
        "inputs": pages.inputs,
        "pages": sorted(pages.pages),
    }
    paths.write_file(out, project_manifest(pages.project), _dump(data))


def project_manifests(out: Path, *, besides: Collection[str] = ()) -> Iterator[ProjectPages]:
    """The manifest of every project folder in ``out`` but the folders ``besides`` (for
    cleaning up after projects that left the store)."""
    top = out / "p"
    if not top.is_dir() or top.is_symlink():
        return
    for folder in sorted(top.iterdir()):
        if f"p/{folder.name}" in besides or not folder.is_dir() or folder.is_symlink():
            continue
        found = _project_file(out, f"p/{folder.name}/{PROJECT_MANIFEST}")
        if found is not None:
            yield found


def remove_project(out: Path, pages: ProjectPages) -> None:
    """Delete a project's pages and manifest (a project no longer in the store)."""
    paths.remove_files(out, [*pages.pages, project_manifest(pages.project)])


def _safe(path: object) -> bool:
    """A path as the site writes them; a tampered manifest cannot make us touch anything
    outside the site (and whatever is removed is checked again, links resolved, by
    ``paths.inside``)."""
    return isinstance(path, str) and paths.plain(path)


def _load(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _dump(data: Mapping[str, Any]) -> str:
    return json.dumps(data, indent=0, ensure_ascii=False) + "\n"
