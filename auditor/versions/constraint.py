"""Version comparisons as a user writes them in a config file (an ignore's ``versions``),
judged in the package's own version order.

Clauses joined by ``,`` all hold (``>=3.0, <3.1``); alternatives are joined by ``||``
(``3.0.6 || >=3.2``); a bare version means ``==``. Operators: ``==`` (or ``=``), ``!=``,
``<``, ``<=``, ``>``, ``>=``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.core.model import Ecosystem
from auditor.versions.base import InvalidVersion
from auditor.versions.plugins import scheme_for

_CLAUSE = re.compile(r"^(==|!=|<=|>=|<|>|=)?\s*([^\s<>=!~^,|]\S*)$")
MAX_VERSIONS = 1024


@dataclass(frozen=True, kw_only=True)
class Clause:
    operator: str  # ==, !=, <, <=, >, >=
    version: str


def parse_versions(text: str) -> tuple[tuple[Clause, ...], ...]:
    """Alternatives of clauses; ``ValueError`` naming the clause that is not one."""
    if len(text) > MAX_VERSIONS:
        raise ValueError(f"is longer than {MAX_VERSIONS} characters")
    alternatives = []
    for alternative in text.split("||"):
        clauses = []
        for piece in alternative.split(","):
            match = _CLAUSE.match(piece.strip())
            if match is None:
                raise ValueError(
                    f"{piece.strip()!r} is not a version comparison (such as <3.1 or 2.0.1)"
                )
            operator = match.group(1) or "=="
            operator = "==" if operator == "=" else operator
            clauses.append(Clause(operator=operator, version=match.group(2)))
        alternatives.append(tuple(clauses))
    return tuple(alternatives)


def versions_admit(text: str, ecosystem: Ecosystem, version: str) -> bool:
    """Whether ``version`` satisfies ``text`` in ``ecosystem``'s order (False when a
    version does not parse there: a rule never covers what it cannot judge)."""
    scheme = scheme_for(ecosystem)
    try:
        for clauses in parse_versions(text):
            if all(_holds(scheme.compare(version, c.version), c.operator) for c in clauses):
                return True
    except (ValueError, InvalidVersion):
        return False
    return False


def _holds(order: int, operator: str) -> bool:
    return {
        "==": order == 0,
        "!=": order != 0,
        "<": order < 0,
        "<=": order <= 0,
        ">": order > 0,
        ">=": order >= 0,
    }[operator]
