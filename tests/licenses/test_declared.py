"""Each ecosystem's licence fields as one declared licence."""

from __future__ import annotations

from auditor.core.model import License
from auditor.licenses.declared import composer_license, npm_license, python_license


def test_npm_string_object_and_legacy_list() -> None:
    """npm's string, the old object form and the old list (a choice: OR)."""
    assert License(text="ISC", expression="ISC", source="lockfile") == npm_license(
        "ISC", source="lockfile"
    )
    assert "MIT" == _expression(npm_license({"type": "MIT", "url": "x"}, source="registry"))
    both = npm_license(None, source="registry", legacy=[{"type": "MIT"}, {"type": "Apache-2.0"}])
    assert "MIT OR Apache-2.0" == _expression(both)
    assert None is npm_license(None, source="registry")
    assert None is npm_license(12, source="registry", legacy="MIT")


def test_npm_unlicensed_is_kept_as_text() -> None:
    """UNLICENSED (proprietary) is no SPDX expression: the text stays, nothing is guessed."""
    assert License(text="UNLICENSED", source="lockfile") == npm_license(
        "UNLICENSED", source="lockfile"
    )


def test_composer_list_is_a_choice() -> None:
    """Several ids in composer.lock are a choice between them."""
    assert "MIT" == _expression(composer_license(["MIT"], source="lockfile"))
    assert "LGPL-2.1-only OR GPL-3.0-or-later" == _expression(
        composer_license(["LGPL-2.1-only", "GPL-3.0-or-later"], source="lockfile")
    )
    mixed = composer_license(["MIT", "proprietary"], source="lockfile")
    assert License(text="MIT OR proprietary", source="lockfile") == mixed
    assert None is composer_license([], source="lockfile")
    assert None is composer_license({"MIT": 1}, source="lockfile")


def test_python_license_expression_wins() -> None:
    """PEP 639 License-Expression is authoritative over License and classifiers."""
    found = python_license(
        expression="BSD-3-Clause",
        text="MIT",
        classifiers=["License :: OSI Approved :: MIT License"],
        source="registry",
    )
    assert "BSD-3-Clause" == _expression(found)


def test_python_license_field_then_classifiers() -> None:
    """A License field that normalises is used; else classifiers that each name one
    licence; ambiguous classifiers and text are kept without an expression."""
    assert "Apache-2.0" == _expression(
        python_license(expression=None, text="Apache 2.0", classifiers=[], source="registry")
    )
    mit = python_license(
        expression=None,
        text="UNKNOWN",
        classifiers=["License :: OSI Approved :: MIT License", "Framework :: Django"],
        source="registry",
    )
    assert (
        License(text="License :: OSI Approved :: MIT License", expression="MIT", source="registry")
        == mit
    )
    bsd = python_license(
        expression=None,
        text="BSD",
        classifiers=["License :: OSI Approved :: BSD License"],
        source="registry",
    )
    assert License(text="BSD", source="registry") == bsd
    only = python_license(
        expression=None,
        text=None,
        classifiers=["License :: OSI Approved :: Apache Software License"],
        source="registry",
    )
    assert (
        License(text="License :: OSI Approved :: Apache Software License", source="registry")
        == only
    )
    assert None is python_license(expression=None, text="", classifiers=[], source="registry")


def _expression(license: License | None) -> str | None:
    return license.expression if license is not None else None
