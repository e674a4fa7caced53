"""The version-scheme plug-in interface: parse a version string into an ordered key.

Each ecosystem orders versions its own way (PEP 440, npm's SemVer, Go modules). A scheme
turns a version string into a key whose natural ordering is the scheme's precedence, so the
advisory matcher can compare an installed version with range boundaries without knowing
which ecosystem it is in. Keys compare equal exactly when the scheme says two spellings are
the same version (``1.0`` and ``1.0.0`` in PEP 440; ``1.0.0+a`` and ``1.0.0+b`` in SemVer).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from auditor.core.errors import AuditorError

if TYPE_CHECKING:
    from _typeshed import SupportsDunderLT

K = TypeVar("K", bound="SupportsDunderLT[Any]")

# Version strings come from untrusted files; nothing legitimate is longer (npm uses 256 too).
MAX_VERSION_LENGTH = 256


class InvalidVersion(AuditorError):  # noqa: N818 - mirrors packaging.version.InvalidVersion
    """A string that is not a valid version in a scheme."""

    def __init__(self, scheme: str, text: str, reason: str) -> None:
        self.scheme = scheme
        self.text = text
        self.reason = reason
        shown = text if len(text) <= 80 else text[:77] + "..."
        super().__init__(f"invalid {scheme} version {shown!r}: {reason}")


class VersionScheme(ABC, Generic[K]):
    """One version ordering. ``parse`` is the only method a scheme must implement."""

    name: ClassVar[str]

    @abstractmethod
    def parse(self, text: str) -> K:
        """The ordering key of ``text``; raise ``InvalidVersion`` when it is not a version."""

    def canonical(self, text: str) -> str:
        """A normalised spelling (for display and de-duplication); ``text`` by default."""
        self.parse(text)
        return text.strip()

    def is_valid(self, text: str) -> bool:
        try:
            self.parse(text)
        except InvalidVersion:
            return False
        return True

    def compare(self, a: str, b: str) -> int:
        """-1, 0 or 1 as ``a`` sorts before, equal to or after ``b``."""
        ka, kb = self.parse(a), self.parse(b)
        if ka < kb:
            return -1
        return 1 if kb < ka else 0

    def equal(self, a: str, b: str) -> bool:
        return self.compare(a, b) == 0

    def ascending(self, versions: Iterable[str]) -> list[str]:
        """Distinct versions in ascending order; one spelling kept per equal version.

        Strings the scheme cannot parse go last, in text order, so a bad version in a
        record is still shown rather than dropped.
        """
        parsed: list[tuple[K, str]] = []
        invalid: list[str] = []
        for text in sorted(set(versions)):
            try:
                parsed.append((self.parse(text), text))
            except InvalidVersion:
                invalid.append(text)
        parsed.sort(key=lambda item: item[0])  # stable: equal keys stay in text order
        result: list[str] = []
        previous: K | None = None
        for key, text in parsed:
            if previous is None or previous < key:
                result.append(text)
                previous = key
        return result + invalid

    def check_length(self, text: str) -> str:
        """Reject oversized input before any regular expression sees it."""
        if len(text) > MAX_VERSION_LENGTH:
            raise InvalidVersion(self.name, text, f"longer than {MAX_VERSION_LENGTH} characters")
        return text.strip()
