"""Severity: CVSS v2/v3/v4 scores and ratings, the database's own rating, malicious."""

from __future__ import annotations

import pytest

from auditor.advisories.severity import rate, rating_from_score, score_vector
from auditor.core.findings import Severity
from tests.advisories.support import edited, record


@pytest.mark.parametrize(
    ("kind", "vector", "score", "severity"),
    [
        ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, Severity.CRITICAL),
        ("CVSS_V3", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N", 6.5, Severity.MEDIUM),
        ("CVSS_V3", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:N", 0.0, Severity.LOW),
        ("CVSS_V2", "AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, Severity.HIGH),  # v2 has no critical
        ("CVSS_V2", "AV:N/AC:M/Au:N/C:P/I:N/A:N", 4.3, Severity.MEDIUM),
        (
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N",
            5.1,
            Severity.MEDIUM,
        ),
        (
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
            10.0,
            Severity.CRITICAL,
        ),
    ],
)
def test_cvss_vectors(kind: str, vector: str, score: float, severity: Severity) -> None:
    """Vectors of each CVSS version give the base score and its qualitative band."""
    rating = score_vector(kind, vector)
    assert rating is not None
    assert (score, severity, kind) == (rating.score, rating.severity, rating.basis)


@pytest.mark.parametrize(
    ("kind", "vector"),
    [("CVSS_V3", "CVSS:3.1/AV:X"), ("CVSS_V2", "garbage"), ("CVSS_V4", ""), ("OTHER", "x")],
)
def test_malformed_vectors_are_skipped(kind: str, vector: str) -> None:
    """A vector the library rejects gives no rating (the next source of severity is used)."""
    assert score_vector(kind, vector) is None


def test_bands() -> None:
    """Score bands of CVSS v3/v4 (and v2, which stops at high)."""
    assert [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL] == [
        rating_from_score(s) for s in (3.9, 4.0, 7.0, 9.0)
    ]
    assert Severity.HIGH == rating_from_score(9.5, cvss_v2=True)


def test_real_records() -> None:
    """A PyPA record with a v3.1 vector, an npm record with v3.0, records without any."""
    gitpython = record("PYSEC-2023-161")
    assert (Severity.HIGH, 7.8) == (rate(gitpython).severity, rate(gitpython).score)
    assert Severity.MEDIUM == rate(record("NSWG-ECO-26")).severity
    assert Severity.UNKNOWN == rate(record("PYSEC-2021-98")).severity
    assert Severity.UNKNOWN == rate(record("GO-2024-3228")).severity


def test_malicious_is_critical() -> None:
    """MAL- records are critical whatever else they say."""
    assert (Severity.CRITICAL, "malicious") == (
        rate(record("MAL-2024-1334")).severity,
        rate(record("MAL-2024-1334")).basis,
    )


def test_newest_cvss_version_wins_and_per_package_severity_replaces_the_record() -> None:
    """v4 beats v3 beats v2; affected[].severity is used for that package instead."""
    both = edited(
        "PYSEC-2021-98",
        severity=[
            {"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:C/I:C/A:C"},
            {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"},
        ],
    )
    assert ("CVSS_V3", 5.3) == (rate(both).basis, rate(both).score)
    per_package = edited("NSWG-ECO-26")
    entry = per_package.affected[0]
    overriding = type(entry)(
        index=0,
        package=entry.package,
        ranges=entry.ranges,
        severity=(type(per_package.severity[0])(type="Ubuntu", score="negligible"),),
    )
    assert (Severity.LOW, "Ubuntu") == (
        rate(per_package, [overriding]).severity,
        rate(per_package, [overriding]).basis,
    )


def test_database_rating_when_there_is_no_vector() -> None:
    """GHSA's database_specific.severity (MODERATE = medium), else a bare cvss_score."""
    ghsa = edited("PYSEC-2021-98", database_specific={"severity": "MODERATE"})
    assert (Severity.MEDIUM, None, "database") == (
        rate(ghsa).severity,
        rate(ghsa).score,
        rate(ghsa).basis,
    )
    scored = edited("NSWG-ECO-26", severity=[])
    assert (Severity.MEDIUM, 6.5) == (rate(scored).severity, rate(scored).score)
    broken = edited("NSWG-ECO-26", severity=[{"type": "CVSS_V3", "score": "CVSS:3.0/junk"}])
    assert "database" == rate(broken).basis
