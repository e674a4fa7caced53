"""The official validators, one per output format: a new format must add its oracle here
(tests/formats/test_registry.py fails for a registered format without one)."""

from __future__ import annotations

import json
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cmarkgfm
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from cyclonedx.validation.xml import XmlValidator
from jsonschema import Draft7Validator, Draft202012Validator
from referencing import Registry, Resource

from auditor.schemas import SCHEMAS, load_schema
from tests.support import FIXTURES

SARIF_SCHEMA = FIXTURES / "schemas" / "sarif-schema-2.1.0.json"
CDX = {"1.6": SchemaVersion.V1_6, "1.5": SchemaVersion.V1_5, "1.4": SchemaVersion.V1_4}


def auditor_validator(name: str) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema))
        for schema in (load_schema(n) for n in SCHEMAS)
    )
    return Draft202012Validator(load_schema(name), registry=registry)


def _schema_errors(validator: Any, text: str) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(json.loads(text))
    ]


def sarif_errors(text: str) -> list[str]:
    return _schema_errors(Draft7Validator(json.loads(SARIF_SCHEMA.read_text())), text)


def cyclonedx_json_errors(text: str, version: str = "1.6") -> list[str]:
    error = JsonStrictValidator(CDX[version]).validate_str(text)
    return [] if error is None else [str(error)]


def cyclonedx_xml_errors(text: str, version: str = "1.6") -> list[str]:
    error = XmlValidator(CDX[version]).validate_str(text)
    return [] if error is None else [str(error)]


def spdx_errors(text: str) -> list[str]:
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
    "json": lambda text: _schema_errors(auditor_validator("auditor.findings/1"), text),
    "graph-json": lambda text: _schema_errors(auditor_validator("auditor.graph/1"), text),
    "sarif": sarif_errors,
    "markdown": markdown_errors,
    "cyclonedx-json": cyclonedx_json_errors,
    "cyclonedx-xml": cyclonedx_xml_errors,
    "spdx-json": spdx_errors,
}
