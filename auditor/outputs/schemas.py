"""The JSON Schemas of auditor's own JSON documents (packaged with the code).

``graph.schema.json`` describes ``auditor.graph/1``, ``findings.schema.json`` describes
``auditor.findings/1`` (which refers to the graph schema for the package shape).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.core.resources import bundled_data

SCHEMAS = {
    "auditor.graph/1": "graph.schema.json",
    "auditor.findings/1": "findings.schema.json",
}


def schema_path(name: str) -> Path:
    return bundled_data("schemas", SCHEMAS[name])


def load_schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return data
