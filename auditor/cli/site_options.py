"""What ``auditor report`` adds for the HTML site: its options, a progress display, and
rendering the site from the store once the run is saved.

The site is always rendered from a store, so that what a reader sees is what was saved:
the project's store after a normal run, or, with ``--no-store``, a temporary store that
holds only this run (and is deleted afterwards).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, cast

from auditor.core.errors import UsageError

if TYPE_CHECKING:
    from rich.status import Status

    from auditor.cli.base import Console
    from auditor.core.model import AuditResult, IgnoreRule
    from auditor.pipeline.audit import Collection

Stage = Callable[[str], None]


def add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-site", action="store_true", help="do not render the HTML site (index.html)"
    )
    parser.add_argument(
        "--site-snapshots",
        metavar="N",
        type=_positive,
        default=20,
        help="snapshots of each project that get a page of their own, the latest ones "
        "(default: 20)",
    )
    parser.add_argument(
        "--snapshot-time",
        metavar="TIME",
        type=parse_time,
        help="file the snapshot under TIME (ISO 8601, or seconds since 1970) instead of now, "
        "to replay a project's history; its pages say when the advisory data is newer",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_time(text: str) -> dt.datetime:
    """``2024-05-01``, ``2024-05-01T02:00:00Z``, ``...+02:00`` or epoch seconds, as UTC."""
    value = text.strip()
    try:
        if value.isdigit():
            moment = dt.datetime.fromtimestamp(int(value), tz=dt.timezone.utc)
        else:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither an ISO 8601 time nor seconds since 1970"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


@contextlib.contextmanager
def progress(console: Console, *, quiet: bool) -> Iterator[Stage]:
    """A one-line spinner naming the current stage, on a terminal only (never in CI logs,
    pipes or with ``--quiet``)."""
    stream = console.err
    if quiet or not _is_terminal(stream) or not _is_terminal(console.out):
        yield lambda _text: None
        return
    from rich.console import Console as RichConsole

    status = RichConsole(file=stream, stderr=True).status("starting", spinner="dots")
    out, err = console.out, console.err
    # What the command prints meanwhile goes above the spinner, not through it.
    console.out = cast("TextIO", _Paused(out, status))
    console.err = cast("TextIO", _Paused(err, status))
    try:
        with status:
            yield status.update
    finally:
        console.out, console.err = out, err


class _Paused(io.TextIOBase):
    """A stream that takes the spinner off the screen while it writes."""

    def __init__(self, stream: TextIO, status: Status) -> None:
        self._stream, self._status = stream, status

    def write(self, text: str) -> int:
        self._status.stop()
        try:
            written = self._stream.write(text)
            self._stream.flush()
        finally:
            self._status.start()
        return written

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return _is_terminal(self._stream)


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except ValueError:  # a closed stream
        return False


def publish_site(
    args: argparse.Namespace,
    snapshot_id: int | None,
    run: tuple[Collection, AuditResult, tuple[IgnoreRule, ...]],
    console: Console,
    stage: Stage,
) -> Path | None:
    """Render the site into ``--out`` from the store (or from this run alone with
    ``--no-store``); print the index page's path. ``None`` with ``--no-site``."""
    if args.no_site:
        return None
    from auditor.cli.store_options import save_report_snapshot
    from auditor.pipeline.run import project_root
    from auditor.site.site import SiteOptions, render_site
    from auditor.store import open_store, resolve_url

    options = SiteOptions(snapshot_pages=args.site_snapshots)
    out = Path(args.out)
    with contextlib.ExitStack() as stack:
        if snapshot_id is None:  # --no-store: a store of this run alone, thrown away after
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="auditor-")))
            alone = argparse.Namespace(
                **{**vars(args), "db": str(folder / "run.db"), "no_store": False, "quiet": True}
            )
            collection, result, ignores = run
            save_report_snapshot(alone, collection, result, console, ignores)
            url = f"sqlite:///{(folder / 'run.db').as_posix()}"
        else:
            url = resolve_url(args.db, project_root=project_root(args.paths))
        engine = open_store(url, create_missing=False)
        stack.callback(engine.dispose)
        summary = render_site(engine, out, options, progress=stage)
    if not args.quiet:
        console.print(
            f"site: {summary.pages} pages ({summary.size / 1024:,.0f} KB) for "
            f"{summary.projects} project{'s' if summary.projects != 1 else ''}; "
            f"open {summary.index}"
        )
    return summary.index


def check_out_folder(args: argparse.Namespace) -> None:
    """``--out`` must be a folder (or not exist yet): refuse before any work is done."""
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
