"""The HTML site's options (``auditor report``'s and ``auditor site build``'s), the line
that says what a render did, and a progress display (the site itself is rendered by
``auditor.site``: for ``report`` through the report job, ``auditor.pipeline.report``)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TextIO, cast

if TYPE_CHECKING:
    from rich.status import Status

    from auditor.cli.base import Console
    from auditor.site import SiteSummary

Stage = Callable[[str], None]


def add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-site", action="store_true", help="do not render the HTML site (index.html)"
    )
    parser.add_argument(
        "--full-site",
        action="store_true",
        help="render every project's pages, as `auditor site build --full` does (default: "
        "this project's pages and the index of every project)",
    )
    add_site_snapshots_option(parser)
    add_site_weeks_option(parser)
    parser.add_argument(
        "--snapshot-time",
        metavar="TIME",
        type=parse_time,
        help="file the snapshot under TIME (ISO 8601, or seconds since 1970) instead of now, "
        "to replay a project's history; its pages say when the advisory data is newer",
    )
    parser.add_argument(
        "--commit",
        metavar="SHA",
        type=parse_commit,
        help="record SHA as the snapshot's git commit (a replay of files from that commit) "
        "instead of asking git",
    )


def add_site_snapshots_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--site-snapshots",
        metavar="N",
        type=_positive,
        default=20,
        help="snapshots of each project that get a page of their own, the latest ones "
        "(default: 20)",
    )


SITE_WEEKS = 156


def add_site_weeks_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--site-weeks",
        metavar="N|all",
        type=parse_weeks,
        default=SITE_WEEKS,
        help="the latest weeks each project page's charts and week table draw, or `all` for "
        f"the whole history (default: {SITE_WEEKS})",
    )


def parse_weeks(text: str) -> int | None:
    """A number of weeks (at least 1), or ``all`` (``None``: every week)."""
    if text.strip().lower() == "all":
        return None
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is neither a number of weeks nor all")
    return _positive(text)


def site_line(site: SiteSummary) -> str:
    """What a render did, in one line ending with the index to open."""
    plural = "s" if site.projects != 1 else ""
    rendered = "s" if site.rendered != 1 else ""
    current = f", {site.current:,} already current" if site.current else ""
    return (
        f"site: rendered {site.pages:,} pages ({site.size / 1024:,.0f} KB) of "
        f"{site.rendered:,} project{rendered}{current}, {site.written:,} files written; "
        f"index of {site.projects:,} project{plural}; open {site.index}"
    )


def parse_commit(text: str) -> str:
    """A git commit id: 7 to 64 hex digits (abbreviated, SHA-1 or SHA-256), lowercased."""
    value = text.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{7,64}", value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a git commit id (7 to 64 hex digits)")
    return value


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
