"""Declared licence text to SPDX expressions: normalised, kept, never guessed."""

from __future__ import annotations

import pytest

from auditor.licenses.spdx import MAX_TEXT, canonical_id, expression_of, normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MIT", "MIT"),
        ("mit", "MIT"),
        ("(MIT OR GPL-3.0)", "MIT OR GPL-3.0-only"),
        ("Apache-2.0 AND LGPL-3.0-or-later", "Apache-2.0 AND LGPL-3.0-or-later"),
        ("(CC-BY-4.0 AND OFL-1.1 AND MIT)", "CC-BY-4.0 AND OFL-1.1 AND MIT"),
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("GPL-2.0 WITH Classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"),
        ("LicenseRef-Acme-1", "LicenseRef-Acme-1"),
        ("Apache 2.0", "Apache-2.0"),
        ("MIT License", "MIT"),
        ("  BSD-3-Clause\n", "BSD-3-Clause"),
    ],
)
def test_spdx_text_normalises(text: str, expected: str) -> None:
    """SPDX ids in any case, deprecated ids, WITH, LicenseRef and unambiguous spellings."""
    assert expected == expression_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "BSD",  # which of them?
        "Apache",
        "LGPL",
        "Public Domain",
        "UNLICENSED",  # npm: proprietary
        "SEE LICENSE IN LICENSE.md",
        "MIT OR",
        "Apache 2.0 OR",
        "(MIT",
        "Custom Licence of Acme",
        "MIT OR Acme-Internal",
        "x" * 500,
    ],
)
def test_other_text_has_no_expression(text: str) -> None:
    """Ambiguous, proprietary, malformed or unknown text is kept without an expression."""
    assert None is expression_of(text)
    license = normalise(text, source="lockfile")
    assert license is not None
    assert None is license.expression
    assert license.text.startswith(" ".join(text.split())[:20])


def test_empty_text_is_unknown() -> None:
    """Nothing declared is no licence at all, not an empty one."""
    assert None is normalise("  \n", source="lockfile")


def test_long_text_is_clipped() -> None:
    """A whole licence file in a metadata field is kept, clipped."""
    license = normalise("Permission is hereby granted " * 100, source="registry")
    assert license is not None
    assert MAX_TEXT == len(license.text)
    assert license.text.endswith("…")


def test_canonical_ids_for_policies() -> None:
    """A policy entry is one id (or id WITH exception) in canonical case, nothing else."""
    assert "MIT" == canonical_id("mit")
    assert "GPL-3.0-only" == canonical_id("GPL-3.0")
    assert "GPL-2.0-only WITH Classpath-exception-2.0" == canonical_id(
        "GPL-2.0 WITH Classpath-exception-2.0"
    )
    assert None is canonical_id("MIT OR Apache-2.0")
    assert None is canonical_id("Not-A-Licence")
    assert None is canonical_id("")
