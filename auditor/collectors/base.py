"""The collector plug-in interface.

A collector turns the text of one lockfile (plus any file it includes or sits beside, read
through a ``FileReader``) into a ``CollectResult``. It never opens files or reaches the
network itself, which keeps every collector testable with plain strings and keeps path
safety (no escaping the scanned tree) in one place.
"""

from __future__ import annotations

import fnmatch
from abc import ABC, abstractmethod
from typing import ClassVar, Protocol

from auditor.core.documents import InputFile
from auditor.core.model import CollectResult, Ecosystem

# InputFile (defined with the document readers in core) is part of the collector interface.
__all__ = ["Collector", "FileReader", "InputFile"]


class FileReader(Protocol):
    """Reads files next to or included by the file being collected."""

    def read_relative(self, base: InputFile, name: str) -> InputFile:
        """Read ``name`` relative to ``base``'s directory; raise ``LockfileError`` if missing
        or outside the scanned tree."""

    def read_sibling(self, base: InputFile, name: str) -> InputFile | None:
        """Read a companion file in ``base``'s directory, or ``None`` if there is none."""

    def list_dir(self, base: InputFile, name: str) -> tuple[str, ...]:
        """The entry names (sorted) of the folder ``name`` relative to ``base``'s directory;
        empty when there is no such folder; ``LockfileError`` if it is outside the tree."""


class Collector(ABC):
    """One lockfile format.

    ``filenames`` are ``fnmatch`` patterns on the file name used by directory discovery;
    ``sniff`` recognises the format from content when a file named on the command line has
    an unusual name.
    """

    name: ClassVar[str]
    ecosystem: ClassVar[Ecosystem]
    filenames: ClassVar[tuple[str, ...]]
    description: ClassVar[str]

    def claims(self, filename: str) -> bool:
        """True when discovery should hand a file of this name to this collector."""
        return any(fnmatch.fnmatchcase(filename, pattern) for pattern in self.filenames)

    def confirm(self, relative_path: str, head: str) -> bool:
        """Whether a file discovery found by name (``relative_path``, first bytes ``head``)
        really is this format; a collector whose patterns also catch other files (any
        ``.txt`` in a ``requirements/`` folder) checks the content here. Files named on the
        command line are not asked."""
        return True

    def sniff(self, text: str) -> bool:
        """True when ``text`` looks like this format (only used for explicitly named files)."""
        return False

    @abstractmethod
    def collect(self, file: InputFile, reader: FileReader) -> CollectResult:
        """Parse ``file``; raise ``LockfileError`` naming the file and place on bad input."""
