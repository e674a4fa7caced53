"""What package metadata declares, in each ecosystem's own form, as one ``License``.

- npm (``package.json``, a lockfile's ``license``, a packument version): an SPDX
  expression as a string; older packages an object ``{"type": "MIT"}`` or a ``licenses``
  list of them (several mean a choice, as npm documented: joined with ``OR``); some write
  ``license`` itself as such a list.
- Composer (``composer.lock``): a list of SPDX ids, several meaning a choice (``OR``).
- Python core metadata: ``License-Expression`` (PEP 639) is authoritative; else the
  ``License`` field when it normalises; else the ``License ::`` classifiers when each names
  exactly one SPDX licence (several are a choice, read as PEP 639 reads them: joined with
  ``OR``, as most of them are dual licensing); else the text of the ``License`` field or of
  the classifiers, kept without an expression.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from auditor.core.model import License
from auditor.licenses.spdx import clip, expression_of, normalise

# Trove licence classifiers that name exactly one SPDX licence. Those that do not
# ("BSD License", "Apache Software License", "GNU General Public License (GPL)", ...) are
# absent: their text is kept, without an expression.
CLASSIFIERS = {
    "Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
    "CEA CNRS Inria Logiciel Libre License, version 2.1 (CeCILL-2.1)": "CECILL-2.1",
    "Common Development and Distribution License 1.0 (CDDL-1.0)": "CDDL-1.0",
    "Eclipse Public License 1.0 (EPL-1.0)": "EPL-1.0",
    "Eclipse Public License 2.0 (EPL-2.0)": "EPL-2.0",
    "European Union Public Licence 1.2 (EUPL 1.2)": "EUPL-1.2",
    "GNU Affero General Public License v3": "AGPL-3.0-only",
    "GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL-3.0-or-later",
    "GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
    "GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
    "GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later",
    "GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "ISC License (ISCL)": "ISC",
    "MIT License": "MIT",
    "MIT No Attribution License (MIT-0)": "MIT-0",
    "Mozilla Public License 1.1 (MPL 1.1)": "MPL-1.1",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "PostgreSQL License": "PostgreSQL",
    "Python Software Foundation License": "PSF-2.0",
    "The Unlicense (Unlicense)": "Unlicense",
    "Universal Permissive License (UPL)": "UPL-1.0",
    "zlib/libpng License": "Zlib",
    "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
}
CLASSIFIER_PREFIX = "License :: "
# what old setuptools wrote into ``License`` when the author gave nothing
NOTHING = frozenset({"UNKNOWN", "NONE", "N/A"})
# where a licence was read (``License.source``)
LOCKFILE = "lockfile"
REGISTRY = "registry"
ENVIRONMENT = "environment"


def npm_license(value: Any, *, source: str, legacy: Any = None) -> License | None:
    """npm's ``license`` (a string, or an old ``{"type": ...}`` object), else the old
    ``licenses`` list; None when neither says anything."""
    text = _npm_text(value)
    # some packages write ``license`` as a list, like the old ``licenses`` (npm copies it)
    listed = value if isinstance(value, list) else legacy
    if text is None and isinstance(listed, list):
        names = [t for t in (_npm_text(item) for item in listed) if t]
        if len(names) == 1:
            text = names[0]
        elif names:
            return _choice(names, source)
    return normalise(text, source=source) if text else None


def _npm_text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("type")
    return value if isinstance(value, str) and value.strip() else None


def composer_license(value: Any, *, source: str) -> License | None:
    """Composer's ``license``: a list of ids (a choice between them) or one string."""
    if isinstance(value, str):
        return normalise(value, source=source)
    if not isinstance(value, list):
        return None
    names = [v.strip() for v in value if isinstance(v, str) and v.strip()]
    if len(names) == 1:
        return normalise(names[0], source=source)
    return _choice(names, source) if names else None


def _choice(names: Sequence[str], source: str) -> License:
    """Several licences of which the user may pick one: ``A OR B`` when each normalises."""
    text = clip(" OR ".join(_grouped(n) for n in names))
    parts = [expression_of(n) for n in names]
    if any(p is None for p in parts):
        return License(text=text, source=source)
    expression = expression_of(" OR ".join(_grouped(p or "") for p in parts))
    return License(text=text, expression=expression, source=source)


def _grouped(expression: str) -> str:
    return f"({expression})" if " " in expression.strip() else expression


def python_license(
    *,
    expression: str | None,
    text: str | None,
    classifiers: Sequence[str],
    source: str,
) -> License | None:
    """A Python distribution's licence from its core metadata fields (module docstring)."""
    if expression and expression.strip():
        return normalise(expression, source=source)
    said = normalise(text, source=source) if text and text.strip().upper() not in NOTHING else None
    if said is not None and said.expression is not None:
        return said
    names = sorted(
        {c[len(CLASSIFIER_PREFIX) :] for c in classifiers if c.startswith(CLASSIFIER_PREFIX)}
    )
    # "License :: OSI Approved :: MIT License": the last part names the licence
    leaves = sorted({n.rsplit(" :: ", 1)[-1] for n in names} - {"OSI Approved"})
    mapped = [CLASSIFIERS.get(leaf) for leaf in leaves]
    if leaves and all(m is not None for m in mapped):
        spdx = expression_of(" OR ".join(_grouped(m or "") for m in mapped))
        shown = clip("; ".join(f"{CLASSIFIER_PREFIX}{n}" for n in names))
        return License(text=shown, expression=spdx, source=source)
    if said is not None:
        return said
    if names:
        shown = clip("; ".join(f"{CLASSIFIER_PREFIX}{n}" for n in names))
        return License(text=shown, source=source)
    return None
