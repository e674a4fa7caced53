"""The official validators, one per output format: a new format must add its oracle here
(tests/outputs/test_plugins.py fails for a registered format without one).

What each oracle checks (``ORACLES``, run on every document every test renders):

- ``cyclonedx-json``: the strict CycloneDX JSON Schema of the spec version, with the
  registry and format checker cyclonedx-python-lib's ``JsonStrictValidator`` uses (the same
  validation, see ``cyclonedx_json_validator``), then the references: every bom-ref unique,
  every ``dependsOn`` and ``affects`` ref a declared bom-ref (the check the library's
  ``Bom.validate`` made before writing).
- ``cyclonedx-xml``: the library's ``XmlValidator`` (the CycloneDX XSD), then the same
  references.
- ``spdx-json``: the SPDX 2.3 JSON Schema from the SPDX specification (as packaged by
  lib4sbom), then SPDX's identifier rules: every ``SPDXID`` of the ``SPDXRef-`` form and
  unique, every relationship between declared elements, the document ``DESCRIBES`` one.
  ``spdx_tools_errors`` (spdx-tools' full validation plus the NTIA minimum elements check)
  is the deeper oracle; it takes seconds per hundred packages, so the tests run it on the
  documents named where they use it.
- ``sarif``: the OASIS SARIF 2.1.0 JSON Schema.
- ``openvex``: the OpenVEX 0.2.0 JSON Schema of the openvex/spec repository, with format
  checking (``date-time``, ``iri``, ``uri``). One deviation is allowed, the one
  docs/outputs.md states: a run without an advisory finding has an empty ``statements``
  list, which the schema's ``minItems: 1`` refuses; every other error counts.
- ``json`` and ``graph-json``: auditor's own JSON Schemas (auditor/schemas).
- ``markdown``: GitHub's renderer; ``table``/``summary``: plain text.

Every validator is built once per process (``functools.cache``). jsonschema checks
``uniqueItems`` by comparing every pair of array items, which is quadratic in the number of
components; ``LinearValidator`` checks the same equality (JSON Schema's: ``1 == 1.0``,
``true != 1``, objects by members) through a hashable key. Documents JSON Schema can check
without any keyword whose meaning changed between drafts are compiled with fastjsonschema
(``tests/outputs/test_oracles.py`` proves each engine gives jsonschema's verdict).
"""

from __future__ import annotations

import json
import tempfile
import warnings
from collections.abc import Callable, Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import cmarkgfm
import fastjsonschema
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from cyclonedx.validation.xml import XmlValidator
from jsonschema import Draft7Validator, Draft202012Validator, ValidationError
from jsonschema.validators import extend
from referencing import Registry, Resource

from auditor.outputs.schemas import SCHEMAS, load_schema
from tests.support import FIXTURES

SARIF_SCHEMA = FIXTURES / "schemas" / "sarif-schema-2.1.0.json"
OPENVEX_SCHEMA = FIXTURES / "schemas" / "openvex_json_schema_0.2.0.json"
SPDX_SCHEMA = files("lib4sbom") / "schemas" / "spdx" / "2.3-schema.json"
CDX = {"1.6": SchemaVersion.V1_6, "1.5": SchemaVersion.V1_5, "1.4": SchemaVersion.V1_4}
CDX_NAMESPACE = "{http://cyclonedx.org/schema/bom/%s}"
SPDX_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-")


# -- JSON Schema engines ------------------------------------------------------------------


def equality_key(value: Any) -> Any:
    """A hashable key equal for JSON values JSON Schema calls equal."""
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, (int, float)):
        return ("number", value)  # 1 and 1.0 are equal, and hash alike
    if isinstance(value, str):
        return ("string", value)
    if value is None:
        return ("null",)
    if isinstance(value, list):
        return ("array", tuple(equality_key(item) for item in value))
    return ("object", frozenset((k, equality_key(v)) for k, v in value.items()))


def _unique_items(
    validator: Any, unique: bool, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[Any] = set()
    for item in instance:
        key = equality_key(item)
        if key in seen:
            yield ValidationError(f"{instance!r} has non-unique elements")
            return
        seen.add(key)


LinearValidator: Any = extend(Draft7Validator, {"uniqueItems": _unique_items})


@cache
def cyclonedx_json_validator(version: str) -> Any:
    """The library's strict schema, registry and format checker (its ``JsonStrictValidator``
    builds exactly these), with the linear ``uniqueItems``."""
    library = JsonStrictValidator(CDX[version])._validator
    return LinearValidator(
        library.schema, registry=library._registry, format_checker=library.format_checker
    )


@cache
def _cyclonedx_xml_validator(version: str) -> XmlValidator:
    return XmlValidator(CDX[version])


@cache
def _sarif_validator() -> Draft7Validator:
    return Draft7Validator(json.loads(SARIF_SCHEMA.read_text()))


@cache
def openvex_validator() -> Draft202012Validator:
    schema = json.loads(OPENVEX_SCHEMA.read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def openvex_errors(text: str) -> list[str]:
    document = json.loads(text)
    errors = [
        f"{e.json_path}: {e.message}"
        for e in openvex_validator().iter_errors(document)
        if not (e.validator == "minItems" and e.json_path == "$.statements" and not e.instance)
    ]
    return sorted(errors)


@cache
def auditor_validator(name: str) -> Draft202012Validator:
    """jsonschema's validator of one of auditor's schemas (draft 2020-12)."""
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema))
        for schema in (load_schema(n) for n in SCHEMAS)
    )
    return Draft202012Validator(load_schema(name), registry=registry)


@cache
def compiled_graph_schema() -> Callable[[Any], Any]:
    """``auditor.graph/1`` compiled by fastjsonschema: exact because the schema uses no
    keyword whose meaning differs between draft 7 and 2020-12 (test_oracles checks)."""
    return fastjsonschema.compile(load_schema("auditor.graph/1"))


@cache
def compiled_spdx_schema() -> Callable[[Any], Any]:
    """The SPDX 2.3 JSON Schema (draft 7) compiled by fastjsonschema."""
    return fastjsonschema.compile(json.loads(SPDX_SCHEMA.read_text(encoding="utf-8")))


def spdx_schema() -> dict[str, Any]:
    return json.loads(SPDX_SCHEMA.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _jsonschema_errors(validator: Any, document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def _compiled_errors(validate: Callable[[Any], Any], document: Any) -> list[str]:
    try:
        validate(document)
    except fastjsonschema.JsonSchemaValueException as error:
        return [error.message]
    return []


# -- references ---------------------------------------------------------------------------


def _reference_errors(declared: list[str], used: list[str]) -> list[str]:
    errors = [f"bom-ref {ref!r} declared twice" for ref in _duplicates(declared)]
    known = set(declared)
    return errors + [f"reference to undeclared bom-ref {ref!r}" for ref in used if ref not in known]


def _duplicates(items: list[str]) -> list[str]:
    seen: set[str] = set()
    twice = []
    for item in items:
        if item in seen:
            twice.append(item)
        seen.add(item)
    return twice


def _components(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        yield from _components(item.get("components", []))


def cyclonedx_reference_errors(bom: dict[str, Any]) -> list[str]:
    """Every bom-ref unique; every dependency, dependsOn and affects ref declared."""
    metadata = bom.get("metadata", {})
    tops = ([metadata["component"]] if "component" in metadata else []) + bom.get("components", [])
    declared = [c["bom-ref"] for c in _components(tops) if "bom-ref" in c]
    declared += [v["bom-ref"] for v in bom.get("vulnerabilities", []) if "bom-ref" in v]
    used = [d["ref"] for d in bom.get("dependencies", [])]
    used += [r for d in bom.get("dependencies", []) for r in d.get("dependsOn", [])]
    used += [t["ref"] for v in bom.get("vulnerabilities", []) for t in v.get("affects", [])]
    return _reference_errors(declared, used)


def _xml_reference_errors(text: str, version: str) -> list[str]:
    ns = CDX_NAMESPACE % version
    root = ElementTree.fromstring(text)  # noqa: S314 (the document under test)
    declared = [
        e.attrib["bom-ref"]
        for tag in ("component", "vulnerability")
        for e in root.iter(ns + tag)
        if "bom-ref" in e.attrib
    ]
    used = [e.attrib["ref"] for e in root.iter(ns + "dependency")]
    used += [r.text or "" for t in root.iter(ns + "target") for r in t.iter(ns + "ref")]
    return _reference_errors(declared, used)


def spdx_reference_errors(doc: dict[str, Any]) -> list[str]:
    """SPDX identifiers (``SPDXRef-`` then letters, digits, ``.``, ``-``; unique), every
    relationship between declared elements, and something the document DESCRIBES."""
    ids = [doc.get("SPDXID", "")] + [p.get("SPDXID", "") for p in doc.get("packages", [])]
    errors = [f"SPDXID {i!r} declared twice" for i in _duplicates(ids)]
    errors += [
        f"SPDXID {i!r} is not SPDXRef-[A-Za-z0-9.-]+"
        for i in ids
        if not (i.startswith("SPDXRef-") and len(i) > 8 and set(i[8:]) <= SPDX_ID_CHARS)
    ]
    known = set(ids)
    for rel in doc.get("relationships", []):
        for end in (rel["spdxElementId"], rel["relatedSpdxElement"]):
            if end not in known:
                errors.append(f"relationship {rel['relationshipType']} names unknown {end!r}")
    if not any(r["relationshipType"] == "DESCRIBES" for r in doc.get("relationships", [])):
        errors.append("the document DESCRIBES nothing")
    return errors


# -- the oracles --------------------------------------------------------------------------


def sarif_errors(text: str) -> list[str]:
    return _jsonschema_errors(_sarif_validator(), json.loads(text))


def cyclonedx_json_errors(text: str, version: str = "1.6") -> list[str]:
    bom = json.loads(text)
    errors = _jsonschema_errors(cyclonedx_json_validator(version), bom)
    return errors or cyclonedx_reference_errors(bom)


def cyclonedx_xml_errors(text: str, version: str = "1.6") -> list[str]:
    error = _cyclonedx_xml_validator(version).validate_str(text)
    return [str(error)] if error is not None else _xml_reference_errors(text, version)


def spdx_errors(text: str) -> list[str]:
    """The SPDX 2.3 JSON Schema, then SPDX's identifier and relationship rules."""
    doc = json.loads(text)
    return _compiled_errors(compiled_spdx_schema(), doc) or spdx_reference_errors(doc)


def spdx_tools_errors(text: str) -> list[str]:
    """spdx-tools' full validation, then the NTIA minimum elements."""
    from ntia_conformance_checker.sbom_checker import SbomChecker
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sbom.spdx.json"
        path.write_text(text)
        messages = [
            m.validation_message for m in validate_full_spdx_document(parse_file(str(path)))
        ]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            checker = SbomChecker(str(path))
            if not checker.compliant:
                messages.append(
                    "NTIA minimum elements not met: suppliers"
                    f" {checker.components_without_suppliers}"
                    f" versions {checker.components_without_versions} names"
                    f" {checker.components_without_names} ids"
                    f" {checker.components_without_identifiers}"
                    f" author {checker.doc_author} timestamp {checker.doc_timestamp}"
                    f" relationships {checker.dependency_relationships}"
                )
    return messages


def graph_errors(text: str) -> list[str]:
    return _compiled_errors(compiled_graph_schema(), json.loads(text))


def findings_errors(text: str) -> list[str]:
    return _jsonschema_errors(auditor_validator("auditor.findings/1"), json.loads(text))


def markdown_errors(text: str) -> list[str]:
    """GitHub's own renderer (cmark-gfm): the text renders, and renders no raw HTML."""
    html = cmarkgfm.github_flavored_markdown_to_html(text)
    return [] if "<img" not in html and "<script" not in html else ["raw HTML rendered"]


def _text(text: str) -> list[str]:
    """Terminal text: no schema; it must be text without control characters."""
    bad = [c for c in text if ord(c) < 32 and c not in "\n"]
    return [f"control characters: {bad[:5]!r}"] if bad else []


ORACLES: dict[str, Callable[[str], list[str]]] = {
    "table": _text,
    "summary": _text,
    "json": findings_errors,
    "graph-json": graph_errors,
    "sarif": sarif_errors,
    "markdown": markdown_errors,
    "cyclonedx-json": cyclonedx_json_errors,
    "cyclonedx-xml": cyclonedx_xml_errors,
    "spdx-json": spdx_errors,
    "openvex": openvex_errors,
}
