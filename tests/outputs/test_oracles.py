"""The oracles' faster engines give the verdicts of the reference ones: the linear
``uniqueItems``, the CycloneDX validator against the library's own, fastjsonschema against
jsonschema on the SPDX and graph schemas; and the reference checks catch what they claim."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from cyclonedx.validation.json import JsonStrictValidator
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from auditor.core.graph import DependencyGraph
from auditor.core.result import AuditResult
from auditor.outputs import plugins
from auditor.outputs.schemas import load_schema
from tests.outputs import oracles
from tests.outputs.cases import OPTIONS, rich_result

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from([0.0, 1.0, 2.5])
    | st.text("ab", max_size=2)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text("ab", max_size=2), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(st.lists(JSON, max_size=6))
def test_linear_unique_items_agrees_with_jsonschema(items: list[Any]) -> None:
    """For any array (numbers equal across int and float, booleans apart from numbers,
    objects by members), the linear check and jsonschema's pairwise one agree."""
    schema = {"type": "array", "uniqueItems": True}
    expected = Draft7Validator(schema).is_valid(items)
    assert expected == oracles.LinearValidator(schema).is_valid(items)


def test_linear_unique_items_examples() -> None:
    """The equalities JSON Schema defines, spelled out."""
    valid = oracles.LinearValidator({"uniqueItems": True}).is_valid
    assert not valid([1, 1.0])
    assert valid([1, True])
    assert valid([0, False])
    assert not valid([{"a": [1, 2]}, {"a": [1.0, 2]}])
    assert valid([{"a": [1, 2]}, {"a": [2, 1]}])
    assert not valid([{"a": 1, "b": 2}, {"b": 2, "a": 1}])


def _mutations(document: dict[str, Any], edits: list[Callable[[Any], None]]) -> Iterator[Any]:
    yield document
    for edit in edits:
        changed = copy.deepcopy(document)
        edit(changed)
        yield changed


def _cdx_edits() -> list[Callable[[Any], None]]:
    def duplicate(d: Any) -> None:
        d["components"].append(d["components"][0])

    return [
        duplicate,
        lambda d: d["components"][0].pop("name"),
        lambda d: d["components"][0].update(unknown="strict rejects it"),
        lambda d: d["components"][0].update(scope="sometimes"),
        lambda d: d["metadata"].update(timestamp="yesterday"),
        lambda d: d["vulnerabilities"][0]["ratings"][0].update(severity="dire"),
    ]


@pytest.mark.parametrize("version", sorted(oracles.CDX))
def test_cyclonedx_validator_agrees_with_the_library(version: str) -> None:
    """On a valid document and on one broken each way, the oracle's validator and the
    library's ``JsonStrictValidator`` give the same verdict."""
    text = plugins.get("cyclonedx-json").render(
        rich_result(), replace(OPTIONS, spec_version=version)
    )
    library = JsonStrictValidator(oracles.CDX[version])
    verdicts = []
    for document in _mutations(json.loads(text), _cdx_edits()):
        ours = oracles.cyclonedx_json_validator(version).is_valid(document)
        theirs = library.validate_str(json.dumps(document)) is None
        verdicts.append((ours, theirs))
    assert [(True, True)] + [(False, False)] * len(_cdx_edits()) == verdicts


def _graph_edits() -> list[Callable[[Any], None]]:
    return [
        lambda d: d.pop("status"),
        lambda d: d.update(status="fine"),
        lambda d: d["packages"][0].update(id="not a purl"),
        lambda d: d["packages"][0]["found_in"][0].update(line=0),
        lambda d: d["edges"][0].update(to=7),
        lambda d: d.update(schema="auditor.graph/2"),
    ]


def _spdx_edits() -> list[Callable[[Any], None]]:
    return [
        lambda d: d.pop("creationInfo"),
        lambda d: d["packages"][0].pop("downloadLocation"),
        lambda d: d["packages"][0].update(filesAnalyzed="no"),
        lambda d: d["relationships"][0].update(relationshipType="LIKES"),
        lambda d: d["packages"][0].update(unknown="additional property"),
        lambda d: d["packages"][0]["checksums"].append({"algorithm": "CRC", "checksumValue": "0"}),
    ]


@pytest.mark.parametrize(
    ("fmt", "compiled", "reference", "edits"),
    [
        (
            "graph-json",
            oracles.compiled_graph_schema,
            lambda: oracles.auditor_validator("auditor.graph/1"),
            _graph_edits,
        ),
        (
            "spdx-json",
            oracles.compiled_spdx_schema,
            lambda: Draft7Validator(oracles.spdx_schema()),
            _spdx_edits,
        ),
    ],
)
def test_compiled_schemas_agree_with_jsonschema(
    fmt: str, compiled: Any, reference: Any, edits: Any
) -> None:
    """fastjsonschema's verdict is jsonschema's, on valid documents and broken ones."""
    validate = compiled()
    for result in (rich_result(), AuditResult(graph=DependencyGraph())):
        document = json.loads(plugins.get(fmt).render(result, OPTIONS))
        for i, changed in enumerate(_mutations(document, edits() if result.graph else [])):
            try:
                validate(changed)
                ours = True
            except oracles.fastjsonschema.JsonSchemaValueException:
                ours = False
            assert (i == 0, i == 0) == (reference().is_valid(changed), ours)


# Keywords whose meaning is the same in draft 7 and 2020-12, so a 2020-12 schema made only
# of them is checked exactly by a draft 7 engine ($ref with only annotations beside it).
DRAFT7_SAFE = {
    "$schema", "$id", "$ref", "$defs", "title", "description", "type", "properties",
    "required", "const", "enum", "items", "minLength", "minimum", "pattern",
    "additionalProperties", "minItems", "anyOf", "oneOf",
}  # fmt: skip
ANNOTATIONS = {"$ref", "description", "title"}


def _keywords(schema: Any, under_properties: bool = False) -> Iterator[tuple[str, Any]]:
    if isinstance(schema, list):
        for item in schema:
            yield from _keywords(item)
    elif isinstance(schema, dict):
        for key, value in schema.items():
            if under_properties:
                yield from _keywords(value)
                continue
            yield key, schema
            if key in ("properties", "$defs"):
                yield from _keywords(value, under_properties=True)
            elif key not in ("enum", "const", "required"):
                yield from _keywords(value)


def test_graph_schema_uses_only_keywords_draft_7_reads_alike() -> None:
    """What lets fastjsonschema (draft 7) check ``auditor.graph/1`` (2020-12) exactly."""
    for key, holder in _keywords(load_schema("auditor.graph/1")):
        assert key in DRAFT7_SAFE, key
        if key == "$ref":
            assert set(holder) <= ANNOTATIONS, holder
        if key == "items":
            assert isinstance(holder["items"], dict), "array-form items changed meaning"


def test_cyclonedx_references_are_checked() -> None:
    """A duplicate bom-ref, a dangling dependsOn and a dangling affects ref are reported by
    both CycloneDX oracles."""
    bom = json.loads(plugins.get("cyclonedx-json").render(rich_result(), OPTIONS))
    assert [] == oracles.cyclonedx_reference_errors(bom)
    bom["metadata"]["component"]["components"][1]["bom-ref"] = "project"
    bom["dependencies"][0]["dependsOn"] = ["pkg:npm/ghost@1.0.0"]
    bom["vulnerabilities"][0]["affects"][0]["ref"] = "pkg:npm/nowhere@1.0.0"
    assert [
        "bom-ref 'project' declared twice",
        "reference to undeclared bom-ref 'root:svc/go.mod'",
        "reference to undeclared bom-ref 'pkg:npm/ghost@1.0.0'",
        "reference to undeclared bom-ref 'root:svc/go.mod'",
        "reference to undeclared bom-ref 'pkg:npm/nowhere@1.0.0'",
    ] == oracles.cyclonedx_reference_errors(bom)
    xml = plugins.get("cyclonedx-xml").render(rich_result(), OPTIONS)
    assert [] == oracles.cyclonedx_xml_errors(xml)
    broken = xml.replace('<dependency ref="pkg:npm/lodash@4.17.20"/>', '<dependency ref="x"/>', 1)
    assert ["reference to undeclared bom-ref 'x'"] == oracles.cyclonedx_xml_errors(broken)


def test_spdx_identifier_rules_are_checked() -> None:
    """A malformed or repeated SPDXID, a relationship to nothing, and a document that
    describes nothing are each reported."""
    doc = json.loads(plugins.get("spdx-json").render(rich_result(), OPTIONS))
    assert [] == oracles.spdx_reference_errors(doc)
    doc["packages"][0]["SPDXID"] = "SPDXRef-bad id"
    doc["packages"][2]["SPDXID"] = doc["packages"][1]["SPDXID"]
    doc["relationships"] = [r for r in doc["relationships"] if r["relationshipType"] != "DESCRIBES"]
    errors = oracles.spdx_reference_errors(doc)
    assert any("is not SPDXRef-" in e for e in errors)
    assert any("declared twice" in e for e in errors)
    assert any("names unknown" in e for e in errors)
    assert "the document DESCRIBES nothing" in errors
