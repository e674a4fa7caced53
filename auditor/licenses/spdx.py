"""Declared licence text to an SPDX expression, with license-expression's SPDX list.

What a lockfile or a registry declares is kept as it was said (``License.text``); the SPDX
expression is set only when the text *is* one (ids matched case-insensitively, deprecated
ids such as ``GPL-3.0`` replaced by their current form) or is one of a few spellings that
name exactly one SPDX licence (``Apache 2.0``, ``MIT License``). Everything else (``BSD``,
``UNLICENSED``, ``SEE LICENSE IN LICENSE``, a whole licence text) keeps its text and no
expression: a licence is never guessed. license-expression is imported with the first
expression read (the settings import this module; start-up does not load the SPDX list).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from auditor.core.model import License

if TYPE_CHECKING:
    from license_expression import Licensing

MAX_TEXT = 300  # a declared text longer than this (a whole licence file) is clipped
MAX_EXPRESSION = 200  # longer text is not parsed as an expression
_LICENSE_REF = re.compile(r"(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+")
_SPACES = re.compile(r"\s+")

# Spellings registries see often that name exactly one SPDX licence. Ambiguous ones
# ("BSD", "GPL", "Apache") are deliberately absent: they stay text without an expression.
ALIASES = {
    "apache 2": "Apache-2.0",
    "apache 2.0": "Apache-2.0",
    "apache-2": "Apache-2.0",
    "apache2": "Apache-2.0",
    "apache 2 license": "Apache-2.0",
    "apache license 2.0": "Apache-2.0",
    "apache license, version 2.0": "Apache-2.0",
    "apache license version 2.0": "Apache-2.0",
    "apache software license 2.0": "Apache-2.0",
    "apache software license, version 2.0": "Apache-2.0",
    "asl 2.0": "Apache-2.0",
    "mit license": "MIT",
    "the mit license": "MIT",
    "the mit license (mit)": "MIT",
    "mit/expat": "MIT",
    "expat": "MIT",
    "isc license": "ISC",
    "isc license (iscl)": "ISC",
    "bsd 3-clause": "BSD-3-Clause",
    "bsd-3": "BSD-3-Clause",
    "3-clause bsd": "BSD-3-Clause",
    "3-clause bsd license": "BSD-3-Clause",
    "bsd 3-clause license": "BSD-3-Clause",
    "new bsd": "BSD-3-Clause",
    "new bsd license": "BSD-3-Clause",
    "modified bsd license": "BSD-3-Clause",
    "bsd 2-clause": "BSD-2-Clause",
    "bsd-2": "BSD-2-Clause",
    "2-clause bsd": "BSD-2-Clause",
    "bsd 2-clause license": "BSD-2-Clause",
    "simplified bsd": "BSD-2-Clause",
    "simplified bsd license": "BSD-2-Clause",
    "mpl 2.0": "MPL-2.0",
    "mpl-2": "MPL-2.0",
    "mozilla public license 2.0": "MPL-2.0",
    "mozilla public license 2.0 (mpl 2.0)": "MPL-2.0",
    "public domain (cc0)": "CC0-1.0",
    "cc0": "CC0-1.0",
    "unlicense": "Unlicense",
    "the unlicense": "Unlicense",
    "zlib/libpng": "Zlib",
    "lgplv3+": "LGPL-3.0-or-later",
    "gplv3+": "GPL-3.0-or-later",
    "gplv2+": "GPL-2.0-or-later",
    "lgplv2+": "LGPL-2.0-or-later",
}


@lru_cache(maxsize=1)
def licensing() -> Licensing:
    """The SPDX licence list license-expression ships (loaded once, on first use)."""
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


def normalise(text: str, *, source: str) -> License | None:
    """The licence ``text`` declares, read by ``source``; None for an empty text."""
    said = _SPACES.sub(" ", text).strip()
    if not said:
        return None
    return License(text=clip(said), expression=expression_of(said), source=source)


def clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


@lru_cache(maxsize=4096)
def expression_of(text: str) -> str | None:
    """The SPDX expression ``text`` is (or that its one alias names), else None."""
    said = _SPACES.sub(" ", text).strip()
    alias = ALIASES.get(said.lower().rstrip("."))
    if alias is not None:
        return alias
    if not said or len(said) > MAX_EXPRESSION:
        return None
    parsed = parse(said)
    if parsed is None:
        return None
    rendered: str = parsed.render()
    return rendered


def parse(expression: str) -> Any | None:
    """The parsed expression when every licence in it is on the SPDX list (or a
    ``LicenseRef-``), else None. license-expression reports some malformed input with
    exceptions of its own and some with others, so any failure means "not SPDX"."""
    from license_expression import ExpressionError

    spdx = licensing()
    try:
        parsed = spdx.parse(expression, validate=False, strict=True)
    except (ExpressionError, ValueError, TypeError, AttributeError, KeyError):
        return None
    if parsed is None:
        return None
    unknown = spdx.unknown_license_keys(parsed)
    if any(not _LICENSE_REF.fullmatch(key) for key in unknown):
        return None
    return parsed


def canonical_id(text: str) -> str | None:
    """``text`` as one SPDX licence id (or ``id WITH exception``) in its canonical case,
    else None: what a policy's allow and deny lists may hold."""
    parsed = parse(text.strip()) if text.strip() else None
    if parsed is None or not (hasattr(parsed, "key") or hasattr(parsed, "license_symbol")):
        return None
    rendered: str = parsed.render()
    return rendered
