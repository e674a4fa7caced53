"""A licence policy: SPDX ids allowed and denied, evaluated against expressions.

An ``OR`` is a choice, so it passes when one side does (``MIT OR GPL-3.0-only`` passes an
allow-list holding MIT, and a deny-list holding GPL-3.0-only); an ``AND`` needs every side.
A licence passes when it is not denied and, with an allow-list, is on it; ``X WITH E``
matches an entry ``X WITH E`` or ``X``. A package whose licence is unknown, or declared in
text that is no SPDX expression, cannot be shown to be allowed: with an allow-list that is
a verdict of its own (``unknown``); with only a deny-list it passes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from auditor.core.model import License
from auditor.licenses.spdx import licensing, parse


class Outcome(str, enum.Enum):
    ALLOWED = "allowed"
    DENIED = "denied"  # every choice the expression leaves includes a denied licence
    NOT_ALLOWED = "not-allowed"  # some licence it needs is not on the allow-list
    UNKNOWN = "unknown"  # unknown or not SPDX, under an allow-list


@dataclass(frozen=True, kw_only=True)
class LicensePolicy:
    """Canonical SPDX ids (``spdx.canonical_id``) to allow and to deny."""

    allow: frozenset[str] = frozenset()
    deny: frozenset[str] = frozenset()

    @property
    def active(self) -> bool:
        return bool(self.allow or self.deny)


@dataclass(frozen=True, kw_only=True)
class Verdict:
    outcome: Outcome
    licenses: tuple[str, ...] = ()  # the denied, or not allowed, licences it names


def evaluate(policy: LicensePolicy, license: License | None) -> Verdict:
    """The policy's verdict on one package's licence (module docstring)."""
    expression = license.expression if license is not None else None
    parsed = parse(expression) if expression else None
    if parsed is None:
        return Verdict(outcome=Outcome.UNKNOWN if policy.allow else Outcome.ALLOWED)
    denied: set[str] = set()
    missing: set[str] = set()
    if _passes(parsed, policy, denied, missing):
        return Verdict(outcome=Outcome.ALLOWED)
    if denied:
        return Verdict(outcome=Outcome.DENIED, licenses=tuple(sorted(denied)))
    return Verdict(outcome=Outcome.NOT_ALLOWED, licenses=tuple(sorted(missing)))


def _passes(node: Any, policy: LicensePolicy, denied: set[str], missing: set[str]) -> bool:
    spdx = licensing()
    if isinstance(node, spdx.OR):
        results = [_passes(arg, policy, denied, missing) for arg in node.args]
        return any(results)
    if isinstance(node, spdx.AND):
        results = [_passes(arg, policy, denied, missing) for arg in node.args]
        return all(results)
    names = _names(node)
    if any(n in policy.deny for n in names):
        denied.add(names[0])
        return False
    if policy.allow and not any(n in policy.allow for n in names):
        missing.add(names[0])
        return False
    return True


def _names(symbol: Any) -> tuple[str, ...]:
    """``X WITH E`` is matched as itself and as ``X``; a plain licence as its id."""
    inner = getattr(symbol, "license_symbol", None)
    if inner is not None:
        return (str(symbol.render()), str(inner.key))
    return (str(symbol.key),)
