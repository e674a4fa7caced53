"""The error hierarchy: every failure the user can cause or meet is an ``AuditorError``.

The CLI turns any ``AuditorError`` into one line on stderr and exit code 2; anything else
escaping is a bug. Errors carry their context (file, line, key path) as fields so that
callers can both print them and keep them as data (a per-file error in a partial run).
"""

from __future__ import annotations

# How much of a message or key path an error repeats: a value from a hostile file can be
# megabytes long (a 20 MB go.mod line), and an error is one line on a terminal.
MAX_MESSAGE = 500
MAX_KEY = 200


def excerpt(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` on one line (line breaks shown as ``\\n``), cut to ``limit`` characters with
    the length it had."""
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text)} characters)"
    return text.replace("\r", "\\r").replace("\n", "\\n")


class AuditorError(Exception):
    """Root of every error auditor reports to the user as a one-line message."""


class UsageError(AuditorError):
    """A bad flag, a bad combination of flags, or a path that does not exist."""


class LockfileError(AuditorError):
    """A lockfile or manifest that cannot be read or understood.

    ``path`` is the file as the user knows it (relative to the scan root or as given),
    ``line`` a 1-based line number when the format has lines, ``key`` a dotted key path
    such as ``package[12].version`` when the error is about structured data.
    """

    def __init__(
        self,
        path: str,
        message: str,
        *,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.path = excerpt(path, MAX_KEY)
        self.message = excerpt(message)
        self.line = line
        self.key = None if key is None else excerpt(key, MAX_KEY)
        super().__init__(self.render())

    def render(self) -> str:
        return render_place(self.path, self.message, line=self.line, key=self.key)


def render_place(path: str, message: str, *, line: int | None, key: str | None) -> str:
    """The one-line form of an error in a file: ``path[:line]: message[ in key]``. Both the
    raised ``LockfileError`` and the ``FileError`` a partial run keeps render through here."""
    where = path if line is None else f"{path}:{line}"
    return f"{where}: {message} in {key}" if key else f"{where}: {message}"


class SourceError(AuditorError):
    """An advisory or registry source failed (network, bad response, unreadable database)."""


class StoreError(AuditorError):
    """The snapshot store cannot be opened, migrated or written."""
