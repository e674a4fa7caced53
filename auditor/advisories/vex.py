"""Reading VEX documents (``--vex FILE``): OpenVEX (0.2.0, and the earlier 0.0.x form whose
``vulnerability`` is a bare string) and CycloneDX JSON with ``vulnerabilities[].analysis``.

A statement is about a vulnerability (its name and aliases) in products named by package
URL. It suppresses the matching findings when it says the product is ``not_affected`` with a
justification (OpenVEX: a ``justification`` or an ``impact_statement``; CycloneDX: a
``justification`` or a ``detail``, or the state ``false_positive``) or that the vulnerability
is ``fixed`` there (CycloneDX: ``resolved``, ``resolved_with_pedigree``). Statements are a
history: for each vulnerability and product the latest one decides (by its timestamp, else
the document's; a later statement of the same time wins), so an ``affected`` statement after
a ``not_affected`` one brings the finding back.

Products are package URLs, with or without version: an OpenVEX product's ``subcomponents``
when it has any (the product is then the application that contains them), else the product
itself (its ``@id`` or ``identifiers.purl``); a CycloneDX ``affects[].ref`` is a bom-ref of
the document's components, a package URL, or a BOM-Link ``urn:cdx:...#bom-ref``. A
statement that names no package URL cannot match a package and is reported
(``VexFile.skipped``), as is a ``not_affected`` one without a justification.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from auditor.advisories.osv import parse_timestamp
from auditor.core.documents import Doc, InputFile, load_json
from auditor.core.errors import LockfileError
from auditor.core.findings import IgnoreRule
from auditor.core.fsutil import read_at_most
from auditor.core.purl import parse_purl
from auditor.core.vex import (
    CYCLONEDX_JUSTIFICATIONS,
    FIXED,
    NOT_AFFECTED,
    OPENVEX_JUSTIFICATIONS,
    SUPPRESSING,
)

MAX_VEX_BYTES = 64 * 1024**2
OPENVEX_CONTEXT = "https://openvex.dev/ns"
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
_CYCLONEDX_STATES = {
    "not_affected": NOT_AFFECTED,
    "false_positive": NOT_AFFECTED,
    "resolved": FIXED,
    "resolved_with_pedigree": FIXED,
    "exploitable": "affected",
    "in_triage": "under_investigation",
}


@dataclass(frozen=True, kw_only=True)
class Statement:
    """One statement about one vulnerability in one product."""

    origin: str  # "vex.json: statements[3]"
    id: str
    aliases: tuple[str, ...]
    purl: str
    status: str  # OpenVEX's words: not_affected, fixed, affected, under_investigation
    justification: str | None
    reason: str
    when: datetime
    order: tuple[int, int]  # (file, statement): a later one wins a tie of times


@dataclass(frozen=True, kw_only=True)
class VexFile:
    statements: tuple[Statement, ...]
    skipped: tuple[str, ...]  # why a statement was not applied, one line each


def read_vex(path: Path, *, shown: str, number: int = 0) -> VexFile:
    """Read one VEX file (``number``: its place among the files, for ties); a
    ``LockfileError`` naming the file and key path when it is neither format."""
    doc = load_json(InputFile(path=shown, text=_text(path, shown)))
    doc.mapping()
    context = doc.value.get("@context")
    if isinstance(context, str) and context.startswith(OPENVEX_CONTEXT):
        return _openvex(doc, shown, number)
    if doc.value.get("bomFormat") == "CycloneDX":
        return _cyclonedx(doc, shown, number)
    return doc.fail(
        "neither an OpenVEX document (@context https://openvex.dev/ns/...) nor a CycloneDX "
        "BOM (bomFormat CycloneDX)"
    )


def rules_of(files: list[VexFile]) -> tuple[tuple[IgnoreRule, ...], tuple[str, ...]]:
    """The suppressing rules of the latest statement per (vulnerability, product), and the
    lines about statements that were not applied."""
    latest: dict[tuple[str, str], Statement] = {}
    for vex in files:
        for item in vex.statements:
            key = (item.id.upper(), item.purl)
            known = latest.get(key)
            if known is None or (item.when, item.order) >= (known.when, known.order):
                latest[key] = item
    rules = tuple(
        sorted(
            IgnoreRule(
                id=s.id,
                aliases=s.aliases,
                reason=s.reason,
                origin=s.origin,
                package=s.purl,
                status=s.status,
                justification=s.justification,
            )
            for s in latest.values()
            if s.status in SUPPRESSING
        )
    )
    return rules, tuple(line for vex in files for line in vex.skipped)


# -- OpenVEX ---------------------------------------------------------------------------------


def _openvex(doc: Doc, shown: str, number: int) -> VexFile:
    default = _time(doc.opt_child("timestamp"))
    statements: list[Statement] = []
    skipped: list[str] = []
    for index, item in enumerate(doc.array("statements")):
        origin = f"{shown}: {item.key}"
        name, aliases = _openvex_vulnerability(item.child("vulnerability"))
        status = item.string("status").strip()
        if status not in (NOT_AFFECTED, FIXED, "affected", "under_investigation"):
            item.child("status").fail(f"{status[:60]!r} is not an OpenVEX status")
        justification = item.opt_string("justification")
        if justification is not None and justification not in OPENVEX_JUSTIFICATIONS:
            item.child("justification").fail(
                f"{justification[:60]!r} is not an OpenVEX justification"
            )
        impact = (item.opt_string("impact_statement") or "").strip()
        notes = (item.opt_string("status_notes") or "").strip()
        when = _time(item.opt_child("last_updated")) or _time(item.opt_child("timestamp"))
        base = Statement(
            origin=origin,
            id=name,
            aliases=aliases,
            purl="",
            status=status,
            justification=justification,
            reason=_reason(status, justification, impact or notes),
            when=when or default or _EARLIEST,
            order=(number, index),
        )
        _keep(
            base,
            _openvex_products(item),
            justified=bool(justification or impact),
            into=(statements, skipped),
        )
    return VexFile(statements=tuple(statements), skipped=tuple(skipped))


def _openvex_vulnerability(node: Doc) -> tuple[str, tuple[str, ...]]:
    if isinstance(node.value, str):  # OpenVEX 0.0.x
        return _name(node, node.value), ()
    name = _name(node.child("name"), node.string("name"))
    aliases = (
        tuple(a.strip() for a in node.strings("aliases") if a.strip())
        if node.has("aliases")
        else ()
    )
    return name, aliases


def _openvex_products(item: Doc) -> tuple[str, ...]:
    purls: list[str] = []
    for product in item.opt_array("products"):
        nested = product.opt_array("subcomponents") if isinstance(product.value, dict) else []
        parts = nested or [product]
        purls.extend(p for p in (_component_purl(part) for part in parts) if p)
    return tuple(dict.fromkeys(purls))


def _component_purl(node: Doc) -> str | None:
    if isinstance(node.value, str):  # OpenVEX 0.0.x: a product is its identifier
        text = node.value.strip()
        return text if parse_purl(text) is not None else None
    if not isinstance(node.value, dict):
        node.fail(f"is {type(node.value).__name__}, expected a component")
    identifiers = node.opt_table("identifiers")
    candidates = [node.opt_string("@id")]
    if identifiers is not None:
        candidates.insert(0, identifiers.opt_string("purl"))
    return next((c.strip() for c in candidates if c and parse_purl(c) is not None), None)


# -- CycloneDX -------------------------------------------------------------------------------


def _cyclonedx(doc: Doc, shown: str, number: int) -> VexFile:
    refs = _bom_refs(doc)
    metadata = doc.opt_table("metadata")
    default = _time(metadata.opt_child("timestamp")) if metadata is not None else None
    statements: list[Statement] = []
    skipped: list[str] = []
    for index, item in enumerate(doc.opt_array("vulnerabilities")):
        origin = f"{shown}: {item.key}"
        name = _name(item.child("id"), item.string("id"))
        analysis = item.opt_table("analysis")
        if analysis is None or not analysis.has("state"):
            continue  # a vulnerability without an analysis states nothing about it
        state = analysis.string("state").strip()
        if state not in _CYCLONEDX_STATES:
            analysis.child("state").fail(f"{state[:60]!r} is not a CycloneDX analysis state")
        status = _CYCLONEDX_STATES[state]
        justification = analysis.opt_string("justification")
        if justification is not None and justification not in CYCLONEDX_JUSTIFICATIONS:
            analysis.child("justification").fail(
                f"{justification[:60]!r} is not a CycloneDX justification"
            )
        detail = (analysis.opt_string("detail") or "").strip()
        if state == "false_positive":
            detail = f"false positive: {detail}" if detail else "false positive"
        if status == NOT_AFFECTED and justification is None and not detail:
            skipped.append(f"{origin} ({name}): not_affected without a justification")
            continue
        purls = tuple(
            dict.fromkeys(
                p for p in (_affected_purl(a, refs) for a in item.opt_array("affects")) if p
            )
        )
        if not purls:
            skipped.append(f"{origin} ({name}): names no package URL")
            continue
        aliases = tuple(
            dict.fromkeys(
                r.string("id").strip() for r in item.opt_array("references") if r.has("id")
            )
        )
        when = (
            _time(analysis.opt_child("lastUpdated"))
            or _time(analysis.opt_child("firstIssued"))
            or _time(item.opt_child("updated"))
            or _time(item.opt_child("published"))
        )
        base = Statement(
            origin=origin,
            id=name,
            aliases=aliases,
            purl="",
            status=status,
            justification=justification,
            reason=_reason(status, justification, detail),
            when=when or default or _EARLIEST,
            order=(number, index),
        )
        _keep(base, purls, justified=bool(justification or detail), into=(statements, skipped))
    return VexFile(statements=tuple(statements), skipped=tuple(skipped))


def _bom_refs(doc: Doc) -> dict[str, str]:
    """bom-ref → purl of every component, nested ones included."""
    refs: dict[str, str] = {}
    stack = list(doc.opt_array("components"))
    metadata = doc.opt_table("metadata")
    if metadata is not None and metadata.opt_table("component") is not None:
        stack.append(metadata.child("component"))
    while stack:
        node = stack.pop()
        if not isinstance(node.value, dict):
            node.fail(f"is {type(node.value).__name__}, expected a component")
        ref, purl = node.opt_string("bom-ref"), node.opt_string("purl")
        if ref and purl:
            refs[ref] = purl.strip()
        stack.extend(node.opt_array("components"))
    return refs


def _affected_purl(node: Doc, refs: dict[str, str]) -> str | None:
    ref = node.string("ref").strip()
    if ref.startswith("urn:cdx:") and "#" in ref:  # a BOM-Link to a component elsewhere
        ref = ref.split("#", 1)[1]
    found = refs.get(ref, ref)
    return found if parse_purl(found) is not None else None


# -- shared ----------------------------------------------------------------------------------


def _keep(
    base: Statement,
    purls: tuple[str, ...],
    *,
    justified: bool,
    into: tuple[list[Statement], list[str]],
) -> None:
    """One statement per product, or the line saying why the statement cannot apply."""
    statements, skipped = into
    where = f"{base.origin} ({base.id})"
    if base.status not in SUPPRESSING and not purls:
        return  # states nothing auditor could apply, nor needs to
    if base.status == NOT_AFFECTED and not justified:
        skipped.append(f"{where}: not_affected without a justification")
    elif not purls:
        skipped.append(f"{where}: names no package URL")
    else:
        statements.extend(replace(base, purl=purl) for purl in purls)


def _text(path: Path, shown: str) -> str:
    try:
        data = read_at_most(path, MAX_VEX_BYTES)
    except OSError as exc:
        raise LockfileError(shown, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_VEX_BYTES:
        raise LockfileError(shown, f"larger than {MAX_VEX_BYTES} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LockfileError(shown, f"not UTF-8 text (byte {exc.start})") from None


def _name(node: Doc, text: str) -> str:
    value = text.strip()
    if not value or len(value) > 256 or any(c.isspace() for c in value):
        node.fail(f"{value[:60]!r} is not a vulnerability id")
    return value


def _reason(status: str, justification: str | None, text: str) -> str:
    """What the suppression says: the statement's own words, else its justification."""
    if text:
        return text
    if justification:
        return justification.replace("_", " ")
    return "fixed" if status == FIXED else status.replace("_", " ")


def _time(node: Doc | None) -> datetime | None:
    """A statement's time (RFC 3339; a time that does not parse counts as none)."""
    if node is None or not isinstance(node.value, str):
        return None
    return parse_timestamp(node.value)
