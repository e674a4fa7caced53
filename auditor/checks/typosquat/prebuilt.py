"""The prebuilt indexes of the bundled lists: ``data/typosquat/<ecosystem>.idx``.

``scripts/build_typosquat_index.py`` writes them from ``data/popular/`` and the default
settings; a test checks that the shipped files are what the script builds. Opening one maps
the file into memory and reads the name list (milliseconds); building the npm index takes a
second or two of CPU, which is what every process paid before. An index that does not match
the bundled list or the default settings (the list was regenerated without the script) is
not trusted: the index is then built in memory, slower but right.
"""

from __future__ import annotations

import functools
import mmap

from auditor.checks.typosquat.index import TargetIndex, build_payload, list_digest
from auditor.checks.typosquat.packed import IndexFormatError
from auditor.checks.typosquat.popular import (
    BUNDLED_ECOSYSTEMS,
    PopularListError,
    bundled,
    bundled_path,
    bundled_text,
)
from auditor.checks.typosquat.tuning import TyposquatSettings
from auditor.core.model import Ecosystem
from auditor.core.resources import bundled_data


def index_path(ecosystem: Ecosystem) -> str:
    return f"data/typosquat/{ecosystem.purl_type}.idx"


def build_index_file(ecosystem: Ecosystem) -> bytes:
    """The bytes of the prebuilt index of the bundled list with the default settings."""
    return build_payload(
        bundled(ecosystem),
        TyposquatSettings.for_ecosystem(ecosystem),
        digest=list_digest(bundled_text(ecosystem)),
    )


def current(index: TargetIndex, ecosystem: Ecosystem) -> bool:
    """Whether ``index`` was built from today's bundled list with today's defaults."""
    settings = TyposquatSettings.for_ecosystem(ecosystem).json()
    return index.digest == list_digest(bundled_text(ecosystem)) and (
        index.settings_json == settings
    )


@functools.cache
def prebuilt_index(ecosystem: Ecosystem) -> TargetIndex:
    """The bundled index of ``ecosystem`` (once per process)."""
    if ecosystem not in BUNDLED_ECOSYSTEMS:
        raise PopularListError(f"no bundled popular-package list for {ecosystem.value}")
    path = index_path(ecosystem)
    try:
        with bundled_data("typosquat", f"{ecosystem.purl_type}.idx").open("rb") as handle:
            # the map outlives the file object; the index holds views into it
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        index: TargetIndex | None = TargetIndex(memoryview(data), path)
    except (OSError, ValueError, IndexFormatError):
        index = None
    if index is not None and current(index, ecosystem):
        return index
    # missing, damaged or out of date: build it (slower, same answers)
    fallback = build_payload(
        bundled(ecosystem), TyposquatSettings.for_ecosystem(ecosystem), digest=""
    )
    return TargetIndex(fallback, bundled_path(ecosystem))
