"""Advisory findings as CycloneDX ``vulnerabilities`` (the VEX part of the SBOM).

One vulnerability per advisory id, affecting every component it was found in (each with
its installed version ``affected`` and the fix version ``unaffected``). Ratings carry the
score, severity, CVSS method and vector; CWEs become integers; aliases are references;
the advisory's links are ``advisories``; the fix is the ``recommendation``. A finding the
user ignored carries an ``analysis`` of ``not_affected`` with the ignore's reason, origin
and expiry in ``detail`` (CycloneDX has no expiry field: it is also a property).

Each object is JSON-shaped (see ``cyclonedx``), its lists in the order cyclonedx-python-lib
wrote them. A score is rounded to one decimal as the library wrote it; a CVSS vector loses
its ``CVSS:x.y/`` prefix when the method already names the version (the spec's form).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from auditor.advisories.osv import parse_timestamp
from auditor.core.findings import Finding, IgnoreRule
from auditor.core.result import AuditResult
from auditor.core.vex import FIXED, cyclonedx_justification
from auditor.outputs.links import database, evidence, is_advisory
from auditor.outputs.sbom.common import Json, is_url, json_object

_CWE = re.compile(r"^CWE-(\d+)$", re.I)
# method → the vector prefix it makes redundant
_PREFIXES = {
    "CVSSv4": re.compile(r"^CVSS:4\.\d/?"),
    "CVSSv31": re.compile(r"^CVSS:3\.\d/?"),
    "CVSSv3": re.compile(r"^CVSS:3\.\d/?"),
    "CVSSv2": re.compile(r"^CVSS:2\.\d/?"),
}
_SINCE_1_5 = frozenset({"CVSSv4"})


def _source(advisory_id: str) -> Json:
    name, url = database(advisory_id)
    return {"name": name, "url": url}


def _method(finding: Finding, version: str) -> str | None:
    basis = evidence(finding, "severity-basis") or ""
    vector = evidence(finding, "severity-vector") or ""
    method = None
    if basis == "CVSS_V4":
        method = "CVSSv4"
    elif basis == "CVSS_V3":
        method = "CVSSv31" if vector.startswith("CVSS:3.1/") else "CVSSv3"
    elif basis == "CVSS_V2":
        method = "CVSSv2"
    elif basis:
        method = "other"
    if method in _SINCE_1_5 and version == "1.4":
        return "other"
    return method


def _rating(finding: Finding, version: str) -> Json:
    method = _method(finding, version)
    vector = evidence(finding, "severity-vector")
    prefix = _PREFIXES.get(method or "")
    if vector and prefix is not None:
        vector = prefix.sub("", vector)
    score = None
    if finding.score is not None:
        score = float(f"{Decimal(str(finding.score)):.1f}")
    return json_object(
        {
            "source": _source(finding.id),
            "score": score,
            "severity": finding.severity.value,
            "method": method,
            "vector": vector,
        }
    )


def _time(text: str | None) -> str | None:
    moment = parse_timestamp(text) if text else None
    return moment.isoformat() if moment else None


def _cwes(finding: Finding) -> list[int]:
    return sorted({int(m.group(1)) for c in finding.cwes if (m := _CWE.match(c.strip()))})


def _analysis(rule: IgnoreRule) -> Json:
    """An ignore: ``not_affected`` with its reason, origin and expiry in ``detail``. A VEX
    statement keeps its own status (``fixed`` is CycloneDX's ``resolved``) and its
    justification, in CycloneDX's words (the same one an OpenVEX document of the run says in
    OpenVEX's)."""
    if rule.is_vex:
        detail = f"VEX statement {rule.origin}: {rule.reason}"
        return json_object(
            {
                "detail": detail,
                "justification": cyclonedx_justification(rule.justification),
                "state": "resolved" if rule.status == FIXED else "not_affected",
            }
        )
    detail = f"ignored: {rule.reason}"
    if rule.origin:
        detail += f" ({rule.origin})"
    if rule.expires:
        detail += f"; the ignore holds until {rule.expires}"
    return {"detail": detail, "state": "not_affected"}


def _recommendation(result: AuditResult, group: Sequence[Finding]) -> str | None:
    fixes = []
    for finding in group:
        if finding.fix_version:
            package = result.graph.package(finding.package_id)
            fixes.append(f"Upgrade {package.name} to {finding.fix_version}")
    return "; ".join(sorted(set(fixes))) or None


def _affects(result: AuditResult, group: Sequence[Finding]) -> list[Json]:
    targets: dict[tuple[str, tuple[tuple[str, str], ...]], Json] = {}
    for finding in group:
        package = result.graph.package(finding.package_id)
        versions = {(package.version, "affected")}
        if finding.fix_version:
            versions.add((finding.fix_version, "unaffected"))
        ordered = tuple(sorted(versions))
        targets[(package.id, ordered)] = {
            "ref": package.id,
            "versions": [{"status": status, "version": text} for text, status in ordered],
        }
    return [targets[key] for key in sorted(targets)]


def _vulnerability(
    result: AuditResult, group: Sequence[Finding], rule: IgnoreRule | None, version: str
) -> Json:
    lead = group[0]
    # the library's order: id, then the source's name and URL (all fixed by the id)
    references: list[Json] = [
        {"id": alias, "source": _source(alias)} for alias in sorted(set(lead.aliases))
    ]
    links = sorted({ref for f in group for ref in f.references if is_url(ref)})
    properties = [{"name": "auditor:kind", "value": lead.kind.value}]
    if rule is not None and rule.expires:
        properties.append({"name": "auditor:ignore:expires", "value": rule.expires})
    return json_object(
        {
            "bom-ref": f"{lead.kind.value}:{lead.id}",
            "id": lead.id,
            "source": _source(lead.id),
            "references": references,
            "ratings": [_rating(lead, version)],
            "cwes": _cwes(lead),
            "description": lead.summary or None,
            "detail": lead.details or None,
            "recommendation": _recommendation(result, group),
            "advisories": [{"url": link} for link in links],
            "published": _time(lead.published),
            "updated": _time(lead.modified),
            "analysis": _analysis(rule) if rule is not None else None,
            "affects": _affects(result, group),
            "properties": sorted(properties, key=lambda p: (p["name"], p["value"])),
        }
    )


def vulnerabilities(result: AuditResult, version: str) -> list[Json]:
    """One vulnerability per advisory (kept findings first; an advisory only ignored
    carries the ignore's analysis), in id order."""
    kept: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    ignored: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    rules: dict[tuple[str, str], IgnoreRule] = {}
    for finding in result.findings:
        if is_advisory(finding):
            kept[(finding.kind.value, finding.id)].append(finding)
    for item in result.suppressed:
        if is_advisory(item.finding):
            key = (item.finding.kind.value, item.finding.id)
            ignored[key].append(item.finding)
            rules.setdefault(key, item.rule)
    found = []
    for key in kept.keys() | ignored.keys():
        if key in kept:
            found.append(_vulnerability(result, sorted(kept[key]), None, version))
        else:
            found.append(_vulnerability(result, sorted(ignored[key]), rules[key], version))
    return sorted(found, key=lambda v: (v["id"], v["bom-ref"]))
