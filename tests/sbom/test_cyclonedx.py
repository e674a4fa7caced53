"""CycloneDX: project and roots, components, scopes, hashes, graph, vulnerabilities."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from auditor.errors import UsageError
from auditor.formats.base import RenderOptions
from auditor.model import Hash
from auditor.sbom.common import cyclonedx_algorithm, scope_of, spdx_algorithm
from auditor.sbom.cyclonedx import render_cyclonedx_json, render_cyclonedx_xml
from tests.formats.cases import OPTIONS, audited, rich_result
from tests.formats.oracles import cyclonedx_json_errors, cyclonedx_xml_errors


def _bom(options: RenderOptions = OPTIONS) -> dict[str, Any]:
    return json.loads(render_cyclonedx_json(rich_result(), options))  # type: ignore[no-any-return]


def _props(item: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p["name"], p["value"]) for p in item.get("properties", [])]


def test_several_roots_are_nested_applications_under_the_project() -> None:
    """Two lockfiles: the project depends on both roots, each root on its direct packages."""
    bom = _bom()
    project = bom["metadata"]["component"]
    assert ("project", "example", "application") == (
        project["bom-ref"],
        project["name"],
        project["type"],
    )
    assert ["root:app/package-lock.json", "root:svc/go.mod"] == [
        c["bom-ref"] for c in project["components"]
    ]
    deps = {d["ref"]: d.get("dependsOn", []) for d in bom["dependencies"]}
    assert ["root:app/package-lock.json", "root:svc/go.mod"] == deps["project"]
    assert ["pkg:golang/golang.org/x/text@v0.3.7"] == deps["root:svc/go.mod"]
    assert ["pkg:npm/lodash@4.17.20"] == deps["pkg:npm/%40babel/core@7.1.0"]
    refs = {c["bom-ref"] for c in bom["components"]}
    assert set(deps) == refs | {"project", "root:app/package-lock.json", "root:svc/go.mod"}
    assert [d["ref"] for d in bom["dependencies"]] == sorted(d["ref"] for d in bom["dependencies"])


def test_one_root_is_the_project_itself() -> None:
    """A single lockfile: its root id is the metadata component's bom-ref."""
    bom = json.loads(render_cyclonedx_json(audited("tests/fixtures/scan/small"), OPTIONS))
    project = bom["metadata"]["component"]
    assert "root:Pipfile.lock" == project["bom-ref"]
    assert "components" not in project
    assert {"name": "auditor:status", "value": "incomplete"} in bom["metadata"]["properties"]
    assert "auditor" == bom["metadata"]["tools"]["components"][0]["name"]


def test_components_scope_hashes_and_references() -> None:
    """npm scope as group; scopes mapped; unrepresentable hashes kept as properties; VCS
    and distribution references."""
    components = {c["bom-ref"]: c for c in _bom()["components"]}
    babel = components["pkg:npm/%40babel/core@7.1.0"]
    assert ("@babel", "core", "7.1.0") == (babel["group"], babel["name"], babel["version"])
    assert [{"alg": "SHA-1", "content": "cd" * 20}] == babel["hashes"]
    assert ("auditor:hash", "yarn-cache-10c0-sha512:" + "ef" * 64) in _props(babel)
    text = components["pkg:golang/golang.org/x/text@v0.3.7"]
    assert "hashes" not in text
    assert ("auditor:hash", "go-h1:" + "12" * 32) in _props(text)
    left = next(c for ref, c in components.items() if ref.startswith("pkg:npm/left-pad"))
    assert "excluded" == left["scope"]
    assert [
        {"comment": "reference 0123abc", "type": "vcs", "url": "https://github.com/left/pad.git"}
    ] == left["externalReferences"]
    tar = next(c for ref, c in components.items() if ref.startswith("pkg:npm/tar-thing"))
    assert "distribution" == tar["externalReferences"][0]["type"]
    assert "optional" == components["pkg:npm/reqests@1.0.0"]["scope"]
    assert ("auditor:finding:typosquat", "typosquat") in _props(components["pkg:npm/reqests@1.0.0"])
    assert "required" == components["pkg:npm/lodash@4.17.20"]["scope"]
    assert ("auditor:found_in", "app/package-lock.json:12") in _props(
        components["pkg:npm/lodash@4.17.20"]
    )


def test_vulnerabilities_ratings_affects_and_analysis() -> None:
    """Ratings with method and vector, CWE integers, aliases, fix, and the ignore analysis."""
    vulns = {v["id"]: v for v in _bom()["vulnerabilities"]}
    assert ["GHSA-35jh-r3h4-6jhm", "GHSA-xxxx-yyyy-zzzz", "GO-2022-1059"] == sorted(vulns)
    lodash = vulns["GHSA-35jh-r3h4-6jhm"]
    rating = lodash["ratings"][0]
    assert (7.2, "high", "CVSSv31") == (rating["score"], rating["severity"], rating["method"])
    assert rating["vector"].endswith("AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H")
    assert [77, 94] == lodash["cwes"]
    assert "CVE-2021-23337" == lodash["references"][0]["id"]
    assert "Upgrade lodash to 4.17.21" == lodash["recommendation"]
    assert [
        {
            "ref": "pkg:npm/lodash@4.17.20",
            "versions": [
                {"status": "unaffected", "version": "4.17.21"},
                {"status": "affected", "version": "4.17.20"},
            ],
        }
    ] == sorted(lodash["affects"], key=str) or lodash["affects"][0][
        "ref"
    ] == "pkg:npm/lodash@4.17.20"
    assert "2021-02-15" in lodash["published"]
    ignored = vulns["GHSA-xxxx-yyyy-zzzz"]["analysis"]
    assert "not_affected" == ignored["state"]
    assert "only used at build time" in ignored["detail"]
    assert "2026-01-31" in ignored["detail"]
    assert "analysis" not in lodash


@pytest.mark.parametrize("version", ["1.6", "1.5", "1.4"])
def test_spec_versions_validate(version: str) -> None:
    """JSON and XML validate strictly for each supported spec version."""
    options = replace(OPTIONS, spec_version=version)
    result = rich_result()
    assert [] == cyclonedx_json_errors(render_cyclonedx_json(result, options), version)
    assert [] == cyclonedx_xml_errors(render_cyclonedx_xml(result, options), version)
    assert version == json.loads(render_cyclonedx_json(result, options))["specVersion"]


def test_unknown_spec_version_is_a_usage_error() -> None:
    """Only the supported versions are accepted."""
    with pytest.raises(UsageError, match=r"--spec-version 1\.2: CycloneDX 1\.6, 1\.5, 1\.4"):
        render_cyclonedx_json(rich_result(), replace(OPTIONS, spec_version="1.2"))


def test_serial_is_content_derived_only_when_the_time_is_fixed() -> None:
    """Fixed time: the same serial for the same input, another for other input; no fixed
    time: a random serial each run."""
    fixed = _bom()["serialNumber"]
    assert fixed == _bom()["serialNumber"]
    other = json.loads(render_cyclonedx_json(audited("tests/fixtures/scan/small"), OPTIONS))
    assert fixed != other["serialNumber"]
    free = replace(OPTIONS, timestamp=None)
    assert _bom(free)["serialNumber"] != _bom(free)["serialNumber"]


def test_validator_is_not_vacuous() -> None:
    """The strict validator rejects a component without a name."""
    bom = _bom()
    del bom["components"][0]["name"]
    assert cyclonedx_json_errors(json.dumps(bom))


@pytest.mark.parametrize(
    ("algorithm", "value", "cdx", "spdx"),
    [
        ("sha256", "a" * 64, "SHA-256", "SHA256"),
        ("sha512", "a" * 128, "SHA-512", "SHA512"),
        ("sha1", "a" * 40, "SHA-1", "SHA1"),
        ("md5", "a" * 32, "MD5", "MD5"),
        ("sha224", "a" * 56, None, "SHA224"),
        ("blake2b", "a" * 128, "BLAKE2b-512", "BLAKE2b-512"),
        ("blake2b", "a" * 64, "BLAKE2b-256", "BLAKE2b-256"),
        ("go-h1", "a" * 64, None, None),
        ("sha256", "a" * 10, None, None),
    ],
)
def test_hash_algorithm_mapping(
    algorithm: str, value: str, cdx: str | None, spdx: str | None
) -> None:
    """Our algorithms to each standard's names; malformed digests and Go's h1 are left out."""
    digest = Hash(algorithm=algorithm, value=value)
    assert (cdx, spdx) == (cyclonedx_algorithm(digest), spdx_algorithm(digest))


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        ((), "required"),
        (("main",), "required"),
        (("dev", "main"), "required"),
        (("optional",), "optional"),
        (("peer",), "optional"),
        (("dev", "optional"), "optional"),
        (("dev",), "excluded"),
        (("group:docs",), "excluded"),
    ],
)
def test_scope_mapping(scopes: tuple[str, ...], expected: str) -> None:
    """main → required; optional/peer → optional; dev and groups → excluded."""
    assert expected == scope_of(scopes)
