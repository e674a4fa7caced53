"""A package's declared licence in each SBOM format.

- CycloneDX: an SPDX expression as ``{"expression": ...}`` (valid for a single id too, and
  in every spec version, whatever SPDX list version the schema's id enumeration has); a
  text that is no SPDX expression as ``{"license": {"name": ...}}``; nothing when unknown.
- SPDX 2.3: ``licenseDeclared`` is the expression; a text that is no SPDX expression
  becomes ``LicenseRef-auditor-<digest of the text>`` with the text in the document's
  ``hasExtractedLicensingInfos`` (as are ``LicenseRef-`` ids a package declares itself);
  ``NOASSERTION`` when unknown. ``licenseConcluded`` stays ``NOASSERTION``: auditor reads
  what packages declare, it does not conclude.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from auditor.core.model import License

NOASSERTION = "NOASSERTION"
_REFS = re.compile(r"(?<![A-Za-z0-9.:-])LicenseRef-[A-Za-z0-9.-]+")


def cyclonedx_licenses(license: License | None) -> list[dict[str, Any]]:
    if license is None:
        return []
    if license.expression is not None:
        return [{"expression": license.expression}]
    return [{"license": {"name": license.text}}]


def spdx_declared(license: License | None) -> tuple[str, dict[str, dict[str, str]]]:
    """``licenseDeclared`` and the extracted licences it names (by licence id)."""
    if license is None:
        return NOASSERTION, {}
    if license.expression is not None:
        refs = sorted(set(_REFS.findall(license.expression)))
        return license.expression, {r: _extracted(r, license.text) for r in refs}
    digest = hashlib.sha256(license.text.encode()).hexdigest()[:16]
    ref = f"LicenseRef-auditor-{digest}"
    return ref, {ref: _extracted(ref, license.text)}


def _extracted(ref: str, text: str) -> dict[str, str]:
    return {
        "licenseId": ref,
        "extractedText": text,
        "name": text,
        "comment": "the licence as the package declares it (not an SPDX expression)",
    }
