"""The packaged JSON Schemas: valid schemas, found next to the code, and strict enough."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from auditor.outputs import plugins
from auditor.outputs.schemas import SCHEMAS, load_schema, schema_path
from tests.outputs.cases import OPTIONS, rich_result
from tests.outputs.oracles import auditor_validator


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    """Each schema file is itself valid and names its document version."""
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema_path(name).is_file()
    assert name == schema["properties"]["schema"]["const"]


@pytest.mark.parametrize(
    ("name", "fmt"), [("auditor.graph/1", "graph-json"), ("auditor.findings/1", "json")]
)
def test_schema_rejects_a_document_missing_a_key(name: str, fmt: str) -> None:
    """Dropping a documented key from a real document makes it invalid."""
    document = json.loads(plugins.get(fmt).render(rich_result(), OPTIONS))
    validator = auditor_validator(name)
    assert [] == list(validator.iter_errors(document))
    del document["status"]
    assert list(validator.iter_errors(document))
