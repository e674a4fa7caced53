"""Licence policy: allow and deny lists evaluated against SPDX expressions."""

from __future__ import annotations

import pytest

from auditor.core.model import License
from auditor.licenses.policy import LicensePolicy, Outcome, Verdict, evaluate
from auditor.licenses.spdx import normalise

ALLOW = LicensePolicy(allow=frozenset({"MIT", "Apache-2.0", "BSD-3-Clause"}))
DENY = LicensePolicy(deny=frozenset({"GPL-3.0-only", "AGPL-3.0-only"}))


def _license(text: str) -> License | None:
    return normalise(text, source="lockfile")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MIT", Verdict(outcome=Outcome.ALLOWED)),
        ("MIT OR GPL-3.0-only", Verdict(outcome=Outcome.ALLOWED)),
        ("(MIT OR GPL-3.0)", Verdict(outcome=Outcome.ALLOWED)),
        ("MIT AND BSD-3-Clause", Verdict(outcome=Outcome.ALLOWED)),
        ("MIT AND GPL-3.0-only", Verdict(outcome=Outcome.NOT_ALLOWED, licenses=("GPL-3.0-only",))),
        ("ISC", Verdict(outcome=Outcome.NOT_ALLOWED, licenses=("ISC",))),
        ("Apache-2.0 WITH LLVM-exception", Verdict(outcome=Outcome.ALLOWED)),
        ("BSD", Verdict(outcome=Outcome.UNKNOWN)),
        ("UNLICENSED", Verdict(outcome=Outcome.UNKNOWN)),
    ],
)
def test_allow_list(text: str, expected: Verdict) -> None:
    """An OR passes when one side does, an AND needs both; text that is no SPDX expression
    cannot be shown to be allowed."""
    assert expected == evaluate(ALLOW, _license(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MIT", Verdict(outcome=Outcome.ALLOWED)),
        ("MIT OR GPL-3.0-only", Verdict(outcome=Outcome.ALLOWED)),
        ("GPL-3.0", Verdict(outcome=Outcome.DENIED, licenses=("GPL-3.0-only",))),
        ("MIT AND AGPL-3.0-only", Verdict(outcome=Outcome.DENIED, licenses=("AGPL-3.0-only",))),
        (
            "GPL-3.0-only OR AGPL-3.0-only",
            Verdict(outcome=Outcome.DENIED, licenses=("AGPL-3.0-only", "GPL-3.0-only")),
        ),
        ("BSD", Verdict(outcome=Outcome.ALLOWED)),
    ],
)
def test_deny_list(text: str, expected: Verdict) -> None:
    """Denied when every choice the expression leaves needs a denied licence; text that is
    no SPDX expression passes a deny-list alone."""
    assert expected == evaluate(DENY, _license(text))


def test_unknown_licence() -> None:
    """No licence at all: unknown under an allow-list, allowed under a deny-list alone."""
    assert Outcome.UNKNOWN == evaluate(ALLOW, None).outcome
    assert Outcome.ALLOWED == evaluate(DENY, None).outcome


def test_deny_wins_over_allow() -> None:
    """A licence on both lists is denied."""
    both = LicensePolicy(allow=frozenset({"MIT"}), deny=frozenset({"MIT"}))
    assert Outcome.DENIED == evaluate(both, _license("MIT")).outcome


def test_with_exception_entry() -> None:
    """An entry ``X WITH E`` allows exactly that; plain ``X`` allows it too."""
    exact = LicensePolicy(allow=frozenset({"GPL-2.0-only WITH Classpath-exception-2.0"}))
    assert (
        Outcome.ALLOWED == evaluate(exact, _license("GPL-2.0 WITH Classpath-exception-2.0")).outcome
    )
    assert Outcome.NOT_ALLOWED == evaluate(exact, _license("GPL-2.0-only")).outcome
