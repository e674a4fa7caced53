"""How bad an advisory is: a ``Severity`` rating and, when known, a numeric score.

CVSS vectors (v2, v3.x, v4) are scored with the ``cvss`` library; the newest CVSS version a
record carries wins, and per-package ``affected[].severity`` replaces the record's own
(the OSV schema allows only one of the two). Without a usable vector the database's own
rating counts: GHSA's ``database_specific.severity``, an Ubuntu priority, or a bare
``cvss_score``. A malicious-package record is critical whatever it says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cvss import CVSS2, CVSS3, CVSS4
from cvss.exceptions import CVSSError

from auditor.advisories.osv import Affected, OsvRecord, SeverityScore
from auditor.core.findings import Severity

# Newest first: when a record carries several, the newest scoring system is preferred.
CVSS_TYPES = ("CVSS_V4", "CVSS_V3", "CVSS_V2")
_NAMED = {
    "none": Severity.LOW,  # CVSS "None" (0.0): not a reason to hide the finding
    "negligible": Severity.LOW,  # Ubuntu
    "low": Severity.LOW,
    "moderate": Severity.MEDIUM,  # GHSA
    "medium": Severity.MEDIUM,
    "high": Severity.HIGH,
    "important": Severity.HIGH,  # Red Hat
    "critical": Severity.CRITICAL,
}


@dataclass(frozen=True, kw_only=True, order=True)
class Rating:
    """A severity with its score (0-10, None when the source gives only a word)."""

    severity: Severity = Severity.UNKNOWN
    score: float | None = None
    basis: str = ""  # e.g. "CVSS_V3", "database", "malicious"
    vector: str = ""  # the CVSS vector scored, when the rating comes from one

    @property
    def rank(self) -> tuple[int, float]:
        return self.severity.rank, -1.0 if self.score is None else self.score


UNKNOWN = Rating()


def rating_from_score(score: float, *, cvss_v2: bool = False) -> Severity:
    """The qualitative band of a score (CVSS v3/v4 bands; v2 has no critical)."""
    if score >= 9.0 and not cvss_v2:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    return Severity.LOW


def score_vector(kind: str, vector: str) -> Rating | None:
    """Score one CVSS vector; ``None`` when it is malformed (the next source is tried)."""
    try:
        if kind == "CVSS_V4":
            v4 = CVSS4(vector.strip())
            score = float(v4.base_score)
        elif kind == "CVSS_V3":
            score = float(CVSS3(vector.strip()).scores()[0])
        elif kind == "CVSS_V2":
            score = float(CVSS2(vector.strip()).scores()[0])
        else:
            return None
    except (CVSSError, ValueError, KeyError, IndexError, TypeError, ArithmeticError):
        return None
    return Rating(
        severity=rating_from_score(score, cvss_v2=kind == "CVSS_V2"),
        score=score,
        basis=kind,
        vector=vector.strip(),
    )


def _from_scores(scores: Iterable[SeverityScore]) -> Rating | None:
    scores = list(scores)
    for kind in CVSS_TYPES:
        rated = [r for s in scores if s.type == kind if (r := score_vector(kind, s.score))]
        if rated:
            return max(rated, key=lambda r: r.rank)
    for item in scores:
        if item.type.lower() == "ubuntu":
            named = _NAMED.get(item.score.strip().lower())
            if named is not None:
                return Rating(severity=named, basis="Ubuntu")
    return None


def _from_database(record: OsvRecord, entries: Iterable[Affected]) -> Rating | None:
    specifics = [record.database_specific or {}]
    for entry in entries:
        specifics.extend([entry.database_specific or {}, entry.ecosystem_specific or {}])
    for specific in specifics:
        word = specific.get("severity")
        if isinstance(word, str) and word.strip().lower() in _NAMED:
            return Rating(severity=_NAMED[word.strip().lower()], basis="database")
    for specific in specifics:
        score = specific.get("cvss_score")
        if isinstance(score, (int, float)) and not isinstance(score, bool) and 0 <= score <= 10:
            value = float(score)
            return Rating(severity=rating_from_score(value), score=value, basis="database")
    return None


def rate(record: OsvRecord, entries: Iterable[Affected] = ()) -> Rating:
    """The rating of ``record`` for a package matched through ``entries`` of it."""
    entries = list(entries)
    if record.is_malicious:
        return Rating(severity=Severity.CRITICAL, basis="malicious")
    per_package = [s for e in entries for s in e.severity]
    rating = _from_scores(per_package) if per_package else None
    rating = rating or _from_scores(record.severity) or _from_database(record, entries)
    return rating or UNKNOWN
