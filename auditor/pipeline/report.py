"""The ``report`` job as one function: audit the lockfiles, write the report files, save
the run as a snapshot, render the HTML site, and say what was done.

``run_report(ReportRequest)`` prints nothing and reads no command line: ``auditor report``
(auditor/cli/report_cmd.py) builds the request from its flags and prints the returned
``ReportResult``; the GitHub Action (auditor/ci/) builds it from the action's inputs and
sets its step outputs from the same result.

The site is always rendered from a store, so that what a reader sees is what was saved:
the project's store after a normal run, or, without a store (``store=False``), a temporary
one holding only this run, deleted afterwards.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.core.errors import UsageError
from auditor.core.findings import FindingKind, IgnoreRule, Severity
from auditor.core.outfolder import OutFolder
from auditor.core.result import AuditResult, Status
from auditor.net.config import NetConfig
from auditor.outputs import plugins
from auditor.outputs.base import Previous
from auditor.outputs.files import render_all
from auditor.outputs.notify import new_findings, notification
from auditor.outputs.plugins import OutputFormat
from auditor.outputs.summary import render_summary
from auditor.pipeline.audit import Collection, audit, collect_paths
from auditor.pipeline.backfill import BackfillSummary, run_backfill
from auditor.pipeline.documents import DocumentRequest, render_options
from auditor.pipeline.exits import exit_code
from auditor.pipeline.notify import Delivery, deliver
from auditor.pipeline.periods import Backfill
from auditor.pipeline.project import default_project_name, git_state, project_root
from auditor.pipeline.setup import AuditRequest, AuditSetup, prepare
from auditor.pipeline.snapshot import SavedSnapshot, save_run
from auditor.site import manifest as site_manifest

if TYPE_CHECKING:
    from auditor.site.site import SiteSummary
    from auditor.store.queries import Baseline

Progress = Callable[[str], None]  # told the stage the job is at ("saving the snapshot")
DEFAULT_FORMATS = tuple(plugins.get(name) for name in plugins.REPORT_DEFAULT)


@dataclass(frozen=True, kw_only=True)
class ReportRequest:
    """Everything one ``report`` run is asked to do."""

    audit: AuditRequest = field(default_factory=AuditRequest)
    out: Path = Path("auditor-report")  # the folder the files and the site are written to
    formats: tuple[OutputFormat, ...] = DEFAULT_FORMATS
    document: DocumentRequest = field(default_factory=DocumentRequest)
    db: str | None = None  # the store's URL or SQLite path; None: $AUDITOR_DB, else default
    project: str | None = None  # the project the snapshot is filed under; None: derived
    store: bool = True  # save the run as a snapshot
    site: bool = True  # render the HTML site
    site_snapshots: int = 20  # snapshots of each project with a page of their own
    site_weeks: int | None = 156  # latest weeks the project pages draw; None: every week
    site_full: bool = False  # render every project's pages, not only this one's (and the index)
    snapshot_time: dt.datetime | None = None  # file the snapshot under this time (replays)
    force: bool = False  # replace files in ``out`` that auditor did not write
    commit: str | None = None  # the git commit to record (replays); None: ask git
    backfill: Backfill | None = None  # first save a snapshot per period of the git history


@dataclass(frozen=True, kw_only=True)
class Counts:
    """The run's numbers, as the findings document's summary counts them."""

    status: Status
    packages: int
    findings: int
    malicious: int
    by_severity: tuple[tuple[Severity, int], ...]  # every severity, critical first

    @classmethod
    def of(cls, result: AuditResult) -> Counts:
        return cls(
            status=result.status,
            packages=len(result.graph),
            findings=len(result.findings),
            malicious=sum(1 for f in result.findings if f.kind is FindingKind.MALICIOUS),
            by_severity=tuple(
                (s, sum(1 for f in result.findings if f.severity is s)) for s in reversed(Severity)
            ),
        )


@dataclass(frozen=True, kw_only=True)
class ReportResult:
    """What a ``report`` run did."""

    result: AuditResult
    fail_on: str | None  # the threshold the run was judged by (flag, environment, config)
    exit_code: int  # 0 clean, 1 findings at or above fail_on, 2 unreadable files, 3 incomplete
    files: tuple[Path, ...]  # the report files written, in the order of the formats
    summary: str  # the text summary (what summary.txt holds)
    snapshot: SavedSnapshot | None  # None: not saved (store=False)
    site: SiteSummary | None  # None: not rendered (site=False)
    backfill: BackfillSummary | None = None  # None: not asked
    # the project's snapshot the run was compared with (new findings), if the store had one
    previous: Baseline | None = None
    new: int = 0  # findings the previous snapshot did not have (all of them without one)
    deliveries: tuple[Delivery, ...] = ()  # one per --notify webhook (none: nothing new)

    @property
    def counts(self) -> Counts:
        return Counts.of(self.result)

    def file(self, name: str) -> Path | None:
        """The written file called ``name`` (``results.sarif``), if the run wrote it."""
        return next((p for p in self.files if p.name == name), None)


def run_report(
    request: ReportRequest,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> ReportResult:
    """Run the whole ``report`` job. Raises ``AuditorError`` (one line, nothing half
    written) for a bad request, an unreachable store or a failed write; a broken lockfile is
    not raised but reported in the result (exit code 2), as is an incomplete check (3)."""
    environ = os.environ if environ is None else environ
    say = progress or (lambda _text: None)
    out = request.out if cwd is None else cwd / request.out
    # the report files; the site keeps its own record of its pages (auditor.site.manifest)
    folder = OutFolder(out, force=request.force, others=site_manifest.is_site_file)
    # before any work: a file of the folder the report would replace and did not write
    folder.check([f.filename for f in request.formats])
    if request.site:
        site_manifest.check_folder(out, force=request.force)
    paths = request.audit.paths
    _check_request(request, project_root(paths, cwd), environ)
    setup = prepare(request.audit, environ=environ, cwd=cwd, now=now)
    try:
        fail_on = setup.settings.fail_on
        options = render_options(request.document, paths, fail_on=fail_on, environ=environ, cwd=cwd)
        backfilled = _backfill(
            request, setup, root=project_root(paths, cwd), environ=environ, now=now, say=say
        )
        say("collecting lockfiles")
        collection = collect_paths(
            paths,
            force=request.audit.force_format,
            cwd=cwd,
            exclude=setup.settings.exclude,
        )
        say(f"auditing {len(collection.results)} lockfile(s)")
        result = audit(collection, setup.options)
    finally:
        setup.close()
    root = project_root(paths, cwd)
    project = request.project or default_project_name(root, git_state(root, environ))
    previous = _previous(request, root, project, environ)
    if previous is not None:
        options = replace(options, previous=_compared_with(previous))
    outputs = render_all(request.formats, result, options)
    report_files = {o.format.filename: o.text for o in outputs}
    # the summary file's text when it was written, else rendered for the terminal
    summary = next((o.text for o in outputs if o.format.name == "summary"), None)
    run = _Run(collection=collection, result=result, ignores=setup.settings.ignores, root=root)
    snapshot = None
    if request.store:
        say("saving the snapshot")
        url = _store_url(request.db, root, environ)
        snapshot = _save(run, url, replace(request, project=project), environ)
    site = None
    if request.site:
        site = _build_site(run, request, snapshot=snapshot, out=out, environ=environ, say=say)
    say("writing the report files")
    folder.write(report_files)
    if not request.site:  # what earlier runs rendered here goes, as other files they wrote
        site_manifest.remove_site(out)
    # last, once the run is saved and written: a webhook hears only of a finished run
    fresh = new_findings(result, previous.keys if previous else None)
    deliveries: tuple[Delivery, ...] = ()
    if setup.settings.notify and fresh:
        say("notifying")
        message = notification(
            result,
            fresh,
            project=project,
            snapshot=snapshot.id if snapshot else None,
            previous=previous.snapshot_id if previous else None,
        )
        deliveries = _deliver(setup, request, message, environ)
    return ReportResult(
        result=result,
        fail_on=fail_on,
        exit_code=exit_code(
            result,
            fail_on,
            gate=fail_on is not None,
            unknown=setup.settings.unknown_severity,
            strict=setup.settings.strict,
        ),
        files=tuple(out / name for name in report_files),
        summary=summary if summary is not None else render_summary(result),
        snapshot=snapshot,
        site=site,
        backfill=backfilled,
        previous=previous,
        new=len(fresh),
        deliveries=deliveries,
    )


def _backfill(
    request: ReportRequest,
    setup: AuditSetup,
    *,
    root: Path,
    environ: Mapping[str, str],
    now: dt.datetime | None,
    say: Progress,
) -> BackfillSummary | None:
    """``--backfill``: the snapshots of the git history, saved before the run's own."""
    if request.backfill is None:
        return None
    return run_backfill(
        request.backfill,
        root=root,
        options=setup.options,
        exclude=setup.settings.exclude,
        url=_store_url(request.db, root, environ),
        project=request.project or default_project_name(root, git_state(root, environ)),
        ignores=setup.settings.ignores,
        now=now or dt.datetime.now(dt.timezone.utc),
        say=say,
    )


def _check_request(request: ReportRequest, root: Path, environ: Mapping[str, str]) -> None:
    """Before any work: what ``--backfill`` cannot be combined with, and a store file that
    came with the checkout (refused)."""
    if request.store:
        _check_store(_store_url(request.db, root, environ))
    if request.backfill is None:
        return
    if not request.store:
        raise UsageError("--backfill saves snapshots: it cannot be used with --no-store")
    if request.snapshot_time is not None or request.commit is not None:
        raise UsageError(
            "--backfill files each snapshot under its commit and date: "
            "drop --snapshot-time and --commit"
        )


def _deliver(
    setup: AuditSetup, request: ReportRequest, message: dict[str, Any], environ: Mapping[str, str]
) -> tuple[Delivery, ...]:
    net = request.audit.net or NetConfig.from_env(environ)
    if setup.settings.offline:
        net = replace(net, offline=True)
    return deliver(setup.settings.notify, message, net)


def _compared_with(previous: Baseline) -> Previous:
    when = previous.taken_at.date().isoformat()
    return Previous(findings=previous.keys, label=f"snapshot {previous.snapshot_id} ({when})")


def _previous(
    request: ReportRequest, root: Path, project: str, environ: Mapping[str, str]
) -> Baseline | None:
    """The project's snapshot this run is compared with; None without a store (``store``
    false), when the store does not exist yet or holds nothing of the project (it is
    created when the run is saved)."""
    if not request.store:
        return None
    from auditor.core.errors import StoreError
    from auditor.store import open_store
    from auditor.store.queries import baseline

    try:
        engine = open_store(_store_url(request.db, root, environ), create_missing=False)
    except StoreError:
        return None  # no store yet; saving the snapshot says so if it cannot be made
    try:
        return baseline(engine, project, before=request.snapshot_time)
    finally:
        engine.dispose()


@dataclass(frozen=True, kw_only=True)
class _Run:
    collection: Collection
    result: AuditResult
    ignores: tuple[IgnoreRule, ...]
    root: Path


def _store_url(db: str | None, root: Path, environ: Mapping[str, str]) -> str:
    from auditor.store import resolve_url

    return resolve_url(db, project_root=root, environ=environ)


def _check_store(url: str) -> None:
    from auditor.store import check_existing

    check_existing(url)


def _save(run: _Run, url: str, request: ReportRequest, environ: Mapping[str, str]) -> SavedSnapshot:
    return save_run(
        url,
        root=run.root,
        project=request.project,
        collection=run.collection,
        result=run.result,
        ignores=run.ignores,
        taken_at=request.snapshot_time,
        commit=request.commit,
        environ=environ,
    )


def _build_site(
    run: _Run,
    request: ReportRequest,
    *,
    snapshot: SavedSnapshot | None,
    out: Path,
    environ: Mapping[str, str],
    say: Progress,
) -> SiteSummary:
    """Render the site into ``out`` from the store (or from this run alone without one):
    this run's project and the index, or with ``site_full`` every project."""
    from auditor.site.site import SiteOptions, render_site
    from auditor.store import open_store

    options = SiteOptions(snapshot_pages=request.site_snapshots, weeks=request.site_weeks)
    with contextlib.ExitStack() as stack:
        if snapshot is None:  # no store: a store of this run alone, thrown away after
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="auditor-")))
            url = f"sqlite:///{(folder / 'run.db').as_posix()}"
            project = _save(run, url, request, environ).project
        else:
            url = _store_url(request.db, run.root, environ)
            project = snapshot.project
        engine = open_store(url, create_missing=False)
        stack.callback(engine.dispose)
        chosen = None if request.site_full else (project,)
        return render_site(
            engine,
            out,
            options,
            projects=chosen,
            full=request.site_full,
            progress=say,
            force=request.force,
        )
