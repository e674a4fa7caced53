"""Declared licences in CycloneDX (JSON, XML) and SPDX: forms, validity, coverage."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from auditor.core.model import License
from auditor.outputs.sbom.cyclonedx import render_cyclonedx_json, render_cyclonedx_xml
from auditor.outputs.sbom.spdx import render_spdx_json
from auditor.pipeline.audit import AuditOptions, audit, collect_paths
from tests.outputs.cases import OPTIONS, licensed_result, rich_result
from tests.outputs.oracles import (
    cyclonedx_json_errors,
    cyclonedx_xml_errors,
    spdx_errors,
    spdx_tools_errors,
)
from tests.support import run_cli

WAREHOUSE = Path("tests/fixtures/npm-package-lock/real/pypi__warehouse/package-lock.json")


def _components(bom: dict[str, Any]) -> dict[str, Any]:
    return {c["name"]: c for c in bom["components"]}


def test_cyclonedx_expression_name_or_nothing() -> None:
    """An SPDX expression is ``expression`` (a single id too); other text is a named
    licence; an unknown licence is no ``licenses`` member at all."""
    components = _components(json.loads(render_cyclonedx_json(licensed_result(), OPTIONS)))
    assert [{"expression": "MIT"}] == components["lodash"]["licenses"]
    assert [{"expression": "(MIT OR Apache-2.0) AND BSD-3-Clause"}] == components["core"][
        "licenses"
    ]
    assert [{"license": {"name": "SEE LICENSE IN LICENSE.md"}}] == components["left-pad"][
        "licenses"
    ]
    assert [{"expression": "LicenseRef-Tar-Thing"}] == components["tar-thing"]["licenses"]
    assert "licenses" not in components["reqests"]


@pytest.mark.parametrize("version", ["1.6", "1.5", "1.4"])
def test_cyclonedx_with_licences_validates(version: str) -> None:
    """JSON and XML with every licence form validate strictly in each spec version, and
    the XML carries the same licences in the schema's place."""
    options = replace(OPTIONS, spec_version=version)
    result = licensed_result()
    xml = render_cyclonedx_xml(result, options)
    assert [] == cyclonedx_json_errors(render_cyclonedx_json(result, options), version)
    assert [] == cyclonedx_xml_errors(xml, version)
    ns = {"c": f"http://cyclonedx.org/schema/bom/{version}"}
    root = ElementTree.fromstring(xml)  # noqa: S314 (the document under test)
    found = {
        c.findtext("c:name", namespaces=ns): (
            c.findtext("c:licenses/c:expression", namespaces=ns),
            c.findtext("c:licenses/c:license/c:name", namespaces=ns),
        )
        for c in root.iterfind("c:components/c:component", ns)
    }
    assert ("MIT", None) == found["lodash"]
    assert (None, "SEE LICENSE IN LICENSE.md") == found["left-pad"]
    assert (None, None) == found["reqests"]


def test_spdx_declared_and_extracted_licences() -> None:
    """licenseDeclared holds the expression; text that is none becomes a LicenseRef with
    the text extracted; a declared LicenseRef is extracted too; unknown is NOASSERTION;
    nothing is concluded. spdx-tools and the NTIA check accept the document."""
    text = render_spdx_json(licensed_result(), OPTIONS)
    doc = json.loads(text)
    packages = {p["name"]: p for p in doc["packages"]}
    assert "MIT" == packages["lodash"]["licenseDeclared"]
    assert "NOASSERTION" == packages["lodash"]["licenseConcluded"]
    assert "NOASSERTION" == packages["reqests"]["licenseDeclared"]
    ref = packages["left-pad"]["licenseDeclared"]
    assert ref.startswith("LicenseRef-auditor-")
    extracted = {e["licenseId"]: e["extractedText"] for e in doc["hasExtractedLicensingInfos"]}
    assert {ref: "SEE LICENSE IN LICENSE.md", "LicenseRef-Tar-Thing": "LicenseRef-Tar-Thing"} == (
        extracted
    )
    assert [] == spdx_tools_errors(text)
    assert [] == spdx_errors(text)


def test_spdx_validator_sees_a_missing_extracted_licence() -> None:
    """The oracle is not vacuous: a LicenseRef without its extracted text is an error."""
    doc = json.loads(render_spdx_json(licensed_result(), OPTIONS))
    del doc["hasExtractedLicensingInfos"]
    assert spdx_tools_errors(json.dumps(doc))


def test_no_licence_no_extracted_infos() -> None:
    """A document without licences has no hasExtractedLicensingInfos member (byte-stable
    with what earlier versions wrote)."""
    doc = json.loads(render_spdx_json(rich_result(), OPTIONS))
    assert "hasExtractedLicensingInfos" not in doc
    assert {"NOASSERTION"} == {p["licenseDeclared"] for p in doc["packages"]}


def test_warehouse_offline_carries_recorded_licences_in_both_sboms() -> None:
    """The issue's target: of warehouse's package-lock.json (v3) packages that record a
    licence, at least 95% carry it in both SBOMs, offline (all of them do)."""
    lock = json.loads(WAREHOUSE.read_text(encoding="utf-8"))
    recorded = {
        (entry.get("name") or key.rsplit("node_modules/", 1)[-1], entry["version"]): entry[
            "license"
        ]
        for key, entry in lock["packages"].items()
        if "node_modules/" in key and entry.get("license") and entry.get("version")
    }
    result = audit(collect_paths([str(WAREHOUSE)]), AuditOptions(checks=()))
    bom = json.loads(render_cyclonedx_json(result, OPTIONS))
    spdx_text = render_spdx_json(result, OPTIONS)
    spdx = json.loads(spdx_text)

    def cdx_name(c: dict[str, Any]) -> str:
        return f"{c['group']}/{c['name']}" if c.get("group") else str(c["name"])

    in_cdx = {(cdx_name(c), c["version"]) for c in bom["components"] if c.get("licenses")}
    in_spdx = {
        (p["name"], p["versionInfo"])
        for p in spdx["packages"]
        if p["licenseDeclared"] != "NOASSERTION"
    }
    carried = set(recorded) & in_cdx & in_spdx
    assert len(recorded) > 900
    assert len(carried) / len(recorded) >= 0.95
    assert set(recorded) == carried
    # a deprecated id is written in its current form
    jqvmap = next(c for c in bom["components"] if c["name"] == "jqvmap-novulnerability")
    assert [{"expression": "MIT OR GPL-3.0-only"}] == jqvmap["licenses"]
    assert [] == cyclonedx_json_errors(json.dumps(bom))
    assert [] == spdx_tools_errors(spdx_text)


def test_license_value_redacts_credentials() -> None:
    """A declared text is third-party: a credential in a URL it holds is redacted."""
    license = License(text="SEE LICENSE IN https://user:secret@example.invalid/LICENSE")
    assert "secret" not in license.text


def test_the_coverage_script_measures_warehouse(tmp_path: Path) -> None:
    """scripts/licence_coverage.py (the issue's measurement) on warehouse's SBOMs written by
    ``auditor sbom --offline``: every package that records a licence carries it in both."""
    out = tmp_path / "out"
    formats = ["--format", "cyclonedx-json,spdx-json", "--output-dir", str(out)]
    run = run_cli(["sbom", str(WAREHOUSE), "--offline", *formats])
    assert 0 == run.code, run.err
    measured = subprocess.run(
        [
            sys.executable,
            "scripts/licence_coverage.py",
            *(str(out / name) for name in ("sbom.cdx.json", "sbom.spdx.json")),
            *("--lockfile", str(WAREHOUSE)),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert (
        "lockfile packages recording a licence: 988; carried in both: 988 (100.0%)\n"
    ) in measured.stdout


def test_hostile_licence_text_is_clipped_and_terminal_safe(tmp_path: Path) -> None:
    """A lockfile's licence with terminal escapes and a megabyte of text: clipped in the
    SBOM, and no escape reaches the terminal table of a policy finding."""
    hostile = "\x1b]8;;https://evil.invalid\x07click\x1b[2J" + "A" * 1_000_000
    lock = {
        "lockfileVersion": 3,
        "packages": {
            "": {"dependencies": {"a": "1"}},
            "node_modules/a": {"version": "1.0.0", "license": hostile},
        },
    }
    (tmp_path / "package-lock.json").write_text(json.dumps(lock))
    (tmp_path / "auditor.toml").write_text('[licenses]\nallow = ["MIT"]\n')
    bom = run_cli(["sbom", str(tmp_path), "--offline"])
    assert 0 == bom.code, bom.err
    (component,) = json.loads(bom.out)["components"]
    name = component["licenses"][0]["license"]["name"]
    assert 300 >= len(name)
    table = run_cli(["scan", str(tmp_path), "--offline"])
    assert "LICENSE-UNKNOWN" in table.out
    assert "\x1b" not in table.out + table.err
    assert "\x07" not in table.out + table.err
