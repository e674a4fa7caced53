"""Where an advisory id can be read: the database's name and a page for it.

Every id also has an OSV page; the databases named here have their own, which readers know.
"""

from __future__ import annotations

from urllib.parse import quote

from auditor.core.findings import ADVISORY_KINDS, Finding

OSV_PAGE = "https://osv.dev/vulnerability/"
_DATABASES = (
    ("GHSA-", "GitHub Advisory Database", "https://github.com/advisories/"),
    ("CVE-", "NVD", "https://nvd.nist.gov/vuln/detail/"),
    ("PYSEC-", "PyPA Advisory Database", OSV_PAGE),
    ("GO-", "Go Vulnerability Database", "https://pkg.go.dev/vuln/"),
    ("MAL-", "OpenSSF Malicious Packages", OSV_PAGE),
)


def database(advisory_id: str) -> tuple[str, str]:
    """``(database name, page URL)`` for an advisory id."""
    for prefix, name, base in _DATABASES:
        if advisory_id.upper().startswith(prefix):
            return name, base + quote(advisory_id, safe="-_.")
    return "OSV", OSV_PAGE + quote(advisory_id, safe="-_.")


def is_advisory(finding: Finding) -> bool:
    """Findings backed by an advisory record (they have an id a database knows)."""
    return finding.kind in ADVISORY_KINDS


def evidence(finding: Finding, name: str) -> str | None:
    """The first value of a named evidence pair."""
    return next((value for key, value in finding.evidence if key == name), None)
