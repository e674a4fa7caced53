"""PEP 440 versions (PyPI), ordered by ``packaging``: ``1.0.dev1 < 1.0a1 < 1.0 < 1.0.post1``."""

from __future__ import annotations

from typing import ClassVar

from packaging.version import InvalidVersion as PackagingInvalidVersion
from packaging.version import Version

from auditor.versions.base import InvalidVersion, VersionScheme


class Pep440Scheme(VersionScheme[Version]):
    name: ClassVar[str] = "PEP 440"

    def parse(self, text: str) -> Version:
        text = self.check_length(text)
        try:
            return Version(text)
        except PackagingInvalidVersion:
            raise InvalidVersion(self.name, text, "not a PEP 440 version") from None

    def canonical(self, text: str) -> str:
        return str(self.parse(text))
