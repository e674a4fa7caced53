"""The spellings names are compared in."""

from __future__ import annotations

import pytest

from auditor.checks.typosquat.forms import (
    affix_residues,
    fold,
    order_key,
    skeleton,
    split_scope,
    tokens,
)
from auditor.core.model import Ecosystem


def test_fold_ignores_case_and_separators() -> None:
    """cross-env, crossenv, Cross_Env and cross.env fold alike."""
    assert {"crossenv"} == {fold(n) for n in ("cross-env", "crossenv", "Cross_Env", "cross.env")}


@pytest.mark.parametrize(
    ("look_alike", "original"),
    [
        ("nurnpy", "numpy"),  # rn / m
        ("vvheel", "wheel"),  # vv / w
        ("cjango", "django"),  # not a homoglyph: different skeletons (checked below)
        ("djang0", "django"),  # 0 / o
        ("f1ask", "flask"),  # 1 / l
        ("Iodash", "lodash"),  # capital I / l (npm keeps case)
        ("clateutil", "dateutil"),  # cl / d
    ],
)
def test_skeleton_maps_look_alikes_together(look_alike: str, original: str) -> None:
    """Look-alike characters share a skeleton; other substitutions do not."""
    same = skeleton(look_alike) == skeleton(original)
    assert same is (look_alike != "cjango")


def test_affix_residues_per_ecosystem() -> None:
    """Ecosystem words are stripped from either end, glued or separated, longest first."""
    assert ("requests", "python-") in affix_residues(fold("python-requests"), Ecosystem.PYPI)
    assert ("requests", "-py") in affix_residues(fold("requests_py"), Ecosystem.PYPI)
    assert ("dateutil", "python3-") in affix_residues(fold("python3-dateutil"), Ecosystem.PYPI)
    assert ("jquery", "-js") in affix_residues(fold("jquery.js"), Ecosystem.NPM)
    assert ("mailer", "node-") in affix_residues(fold("node-mailer"), Ecosystem.NPM)
    assert [] == affix_residues(fold("py-re"), Ecosystem.PYPI)  # residue too short
    assert [] == affix_residues(fold("jquery.js"), Ecosystem.PYPI)  # js is not a PyPI affix


def test_order_key_and_tokens() -> None:
    """Word order is compared on sorted words; the scope is a word too."""
    assert order_key("mysql-import") == order_key("import-mysql")
    assert order_key("lodash") is None
    assert ("types", "node") == tokens("@types/node")


def test_split_scope() -> None:
    """Scoped npm names split into scope and name; others have no scope."""
    assert ("angular", "cli") == split_scope("@angular/cli")
    assert (None, "angular-cli") == split_scope("angular-cli")
