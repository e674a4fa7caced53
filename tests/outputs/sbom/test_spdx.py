"""SPDX 2.3: packages, suppliers, checksums, relationships, NTIA minimum elements."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from auditor.outputs.sbom.spdx import render_spdx_json, spdx_document
from tests.outputs.cases import OPTIONS, rich_result
from tests.outputs.oracles import spdx_errors, spdx_tools_errors


def _doc() -> dict[str, Any]:
    return spdx_document(rich_result(), OPTIONS)


def _package(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in doc["packages"] if p["name"] == name)


def test_document_creation_info_and_namespace() -> None:
    """Creator tool and version, the fixed time, a namespace stable for the same input."""
    doc = _doc()
    assert "SPDX-2.3" == doc["spdxVersion"]
    assert ["Tool: auditor-0.1.0"] == doc["creationInfo"]["creators"]
    assert "2025-06-01T00:00:00Z" == doc["creationInfo"]["created"]
    assert doc["documentNamespace"].startswith("https://spdx.org/spdxdocs/auditor/example-")
    assert doc["documentNamespace"] == _doc()["documentNamespace"]
    free = spdx_document(rich_result(), replace(OPTIONS, timestamp=None))
    assert free["documentNamespace"] != doc["documentNamespace"]


def test_packages_suppliers_locations_and_checksums() -> None:
    """purl reference, SPDX checksums only, supplier by source, VCS download location."""
    doc = _doc()
    lodash = _package(doc, "lodash")
    assert "Organization: npm registry" == lodash["supplier"]
    assert [{"algorithm": "SHA512", "checksumValue": "ab" * 64}] == lodash["checksums"]
    assert "pkg:npm/lodash@4.17.20" == lodash["externalRefs"][0]["referenceLocator"]
    assert ("NOASSERTION", False) == (lodash["downloadLocation"], lodash["filesAnalyzed"])
    left = _package(doc, "left-pad")
    assert "git+https://github.com/left/pad.git@0123abc" == left["downloadLocation"]
    assert "Organization: github.com" == left["supplier"]
    assert "Organization: example" == _package(doc, "my-lib")["supplier"]
    text = _package(doc, "golang.org/x/text")
    assert "checksums" not in text  # Go's h1 is not a file checksum
    assert "Organization: Go module proxy" == text["supplier"]
    assert len({p["SPDXID"] for p in doc["packages"]}) == len(doc["packages"])


def test_relationships_describe_roots_and_every_edge() -> None:
    """DESCRIBES each root; DEPENDS_ON per edge; a dev edge says its scope in a comment."""
    doc = _doc()
    ids = {p["SPDXID"]: p["name"] for p in doc["packages"]}
    pairs = {
        (
            r["relationshipType"],
            ids.get(r["spdxElementId"], r["spdxElementId"]),
            ids[r["relatedSpdxElement"]],
        ): r
        for r in doc["relationships"]
    }
    assert ("DESCRIBES", "SPDXRef-DOCUMENT", "app") in pairs
    assert ("DESCRIBES", "SPDXRef-DOCUMENT", "example.com/svc") in pairs
    assert ("DEPENDS_ON", "core", "lodash") not in pairs
    assert ("DEPENDS_ON", "@babel/core", "lodash") in pairs
    assert "scope: dev" == pairs[("DEPENDS_ON", "app", "left-pad")]["comment"]
    assert 2 + 7 == len(doc["relationships"])


def test_valid_and_ntia_conformant() -> None:
    """spdx-tools finds nothing to complain about, and the NTIA minimum elements are met."""
    text = render_spdx_json(rich_result(), OPTIONS)
    assert [] == spdx_tools_errors(text)
    assert [] == spdx_errors(text)


def test_validators_are_not_vacuous() -> None:
    """A package without a supplier fails the NTIA check; a bad SPDXID fails spdx-tools and
    the schema oracle's identifier rules."""
    doc = _doc()
    doc["packages"][1]["supplier"] = "NOASSERTION"
    assert spdx_tools_errors(json.dumps(doc))
    doc = _doc()
    doc["packages"][1]["SPDXID"] = "not an id"
    assert spdx_tools_errors(json.dumps(doc))
    assert spdx_errors(json.dumps(doc))
