"""The allow-list: names a team has checked and uses on purpose (never reported as typosquats).

Format (UTF-8 text, one entry per line)::

    # comment lines and blank lines are ignored
    pypi:grequests          # an entry for one ecosystem (pypi or npm)
    npm:@acme/lodash
    internal-tool           # no prefix: every ecosystem

Names are compared after the ecosystem's normalisation (PEP 503 for PyPI), so ``Foo_Bar``
allows ``foo-bar``. A text after ``#`` preceded by a space is a comment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from auditor.core.errors import AuditorError
from auditor.core.model import Ecosystem

MAX_BYTES = 4 * 1024 * 1024


class AllowListError(AuditorError):
    """An allow-list file that cannot be read; names the file and the line."""


@dataclass(frozen=True, kw_only=True)
class AllowList:
    """Allowed (ecosystem, normalised name) pairs."""

    entries: frozenset[tuple[Ecosystem, str]] = frozenset()

    def allows(self, ecosystem: Ecosystem, name: str) -> bool:
        return (ecosystem, ecosystem.normalize_name(name)) in self.entries

    @classmethod
    def of(cls, names: Iterable[str], path: str = "<allow-list>") -> AllowList:
        """Build from entry strings (``[ecosystem:]name``), as if they were lines of a file."""
        return parse_allow_list("\n".join(names), path)


EMPTY = AllowList()


def parse_allow_list(text: str, path: str) -> AllowList:
    entries: set[tuple[Ecosystem, str]] = set()
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.split(" #", 1)[0].split("\t#", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        ecosystem: Ecosystem | None = None
        name = line
        prefix, sep, rest = line.partition(":")
        if sep:
            try:
                ecosystem = Ecosystem.parse(prefix)
            except ValueError:
                ecosystem = None
            if ecosystem not in (Ecosystem.PYPI, Ecosystem.NPM):  # the ecosystems checked
                raise AllowListError(
                    f"{path}:{number}: unknown ecosystem {prefix!r} (expected pypi or npm)"
                ) from None
            name = rest.strip()
        if not name or any(c.isspace() for c in name):
            raise AllowListError(f"{path}:{number}: expected one package name, got {line!r}")
        for each in Ecosystem if ecosystem is None else (ecosystem,):
            entries.add((each, each.normalize_name(name)))
    return AllowList(entries=frozenset(entries))


def load_allow_list(path: Path) -> AllowList:
    """Read an allow-list file; a missing or unreadable file is an error naming it."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise AllowListError(f"{path}: cannot read allow-list: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise AllowListError(f"{path}: allow-list larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AllowListError(f"{path}:{line}: allow-list is not UTF-8 text") from None
    return parse_allow_list(text.replace("\r\n", "\n"), str(path))
