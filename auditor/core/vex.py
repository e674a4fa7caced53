"""The words of VEX (Vulnerability Exploitability eXchange) in both vocabularies auditor
reads and writes: OpenVEX 0.2.0 and CycloneDX's ``analysis``.

A statement that a product is ``not_affected`` carries a justification from a closed list;
the two standards chose different lists. A justification is kept in the vocabulary it was
written in and mapped only when written in the other one (the usual mapping, as CISA's VEX
documents and Dependency-Track pair them), so a CycloneDX VEX read in and a CycloneDX BOM
written out say the same thing, and so do two OpenVEX documents.
"""

from __future__ import annotations

NOT_AFFECTED = "not_affected"
FIXED = "fixed"
AFFECTED = "affected"
UNDER_INVESTIGATION = "under_investigation"
# what suppresses a finding: the product is not affected (with a justification or an impact
# statement), or the vulnerability is fixed in it
SUPPRESSING = (NOT_AFFECTED, FIXED)

OPENVEX_JUSTIFICATIONS = (
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
)
CYCLONEDX_JUSTIFICATIONS = (
    "code_not_present",
    "code_not_reachable",
    "requires_configuration",
    "requires_dependency",
    "requires_environment",
    "protected_by_compiler",
    "protected_at_runtime",
    "protected_at_perimeter",
    "protected_by_mitigating_control",
)
_TO_OPENVEX = {
    "code_not_present": "vulnerable_code_not_present",
    "code_not_reachable": "vulnerable_code_not_in_execute_path",
    "requires_configuration": "vulnerable_code_cannot_be_controlled_by_adversary",
    "requires_dependency": "vulnerable_code_cannot_be_controlled_by_adversary",
    "requires_environment": "vulnerable_code_cannot_be_controlled_by_adversary",
    "protected_by_compiler": "inline_mitigations_already_exist",
    "protected_at_runtime": "inline_mitigations_already_exist",
    "protected_at_perimeter": "inline_mitigations_already_exist",
    "protected_by_mitigating_control": "inline_mitigations_already_exist",
}
_TO_CYCLONEDX = {
    "component_not_present": "code_not_present",
    "vulnerable_code_not_present": "code_not_present",
    "vulnerable_code_not_in_execute_path": "code_not_reachable",
    "vulnerable_code_cannot_be_controlled_by_adversary": "requires_environment",
    "inline_mitigations_already_exist": "protected_by_mitigating_control",
}


def is_justification(text: str) -> bool:
    """Whether ``text`` is a justification of either vocabulary."""
    return text in _TO_CYCLONEDX or text in _TO_OPENVEX


def openvex_justification(text: str | None) -> str | None:
    """``text`` in OpenVEX's vocabulary (None when it is in neither)."""
    if text is None or text in _TO_CYCLONEDX:
        return text
    return _TO_OPENVEX.get(text)


def cyclonedx_justification(text: str | None) -> str | None:
    """``text`` in CycloneDX's vocabulary (None when it is in neither)."""
    if text is None or text in _TO_OPENVEX:
        return text
    return _TO_CYCLONEDX.get(text)
