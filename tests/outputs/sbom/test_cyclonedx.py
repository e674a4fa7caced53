"""CycloneDX: project and roots, components, scopes, hashes, graph, vulnerabilities."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from xml.etree import ElementTree

import pytest

from auditor.core.errors import UsageError
from auditor.core.graph import DependencyGraph
from auditor.core.model import Hash
from auditor.core.result import AuditResult
from auditor.outputs.base import RenderOptions
from auditor.outputs.sbom.common import cyclonedx_algorithm, scope_of, spdx_algorithm
from auditor.outputs.sbom.cyclonedx import (
    SPEC_VERSIONS,
    render_cyclonedx_json,
    render_cyclonedx_xml,
)
from tests.outputs.cases import OPTIONS, audited, licensed_result, rich_result
from tests.outputs.oracles import cyclonedx_json_errors, cyclonedx_xml_errors
from tests.outputs.sbom import library_reference


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
    """Ratings with method and vector, CWE integers, aliases, fix, the ignore analysis and
    a VEX statement's (its justification in CycloneDX's words)."""
    vulns = {v["id"]: v for v in _bom()["vulnerabilities"]}
    assert [
        "GHSA-35jh-r3h4-6jhm",
        "GHSA-xxxx-yyyy-zzzz",
        "GO-2022-1059",
        "GO-2026-5970",
    ] == sorted(vulns)
    assert {
        "state": "not_affected",
        "justification": "code_not_reachable",
        "detail": "VEX statement vex.cdx.json: vulnerabilities[0]: unicode/norm is never "
        "called on untrusted input",
    } == vulns["GO-2026-5970"]["analysis"]
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
                {"status": "affected", "version": "4.17.20"},
                {"status": "unaffected", "version": "4.17.21"},
            ],
        }
    ] == lodash["affects"]
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


# Small real lockfiles of several collectors: the library is quadratic, so not the large ones.
LIBRARY_CASES = [
    "tests/fixtures/pipfile-lock/real/pypa__pipenv__examples/Pipfile.lock",
    "tests/fixtures/pylock/real/pydantic__pydantic__2151025a/pylock.toml",
    "tests/fixtures/requirements/real/urllib3__urllib3/dev-requirements.txt",
    "tests/fixtures/go-mod/real/jsternberg__go-get-update/go.mod",
    "tests/fixtures/poetry-lock/real/python-poetry__poetry__29d3c5f4/poetry.lock",
    "tests/fixtures/uv-lock/real/astral-sh__uv__26a9dd4b/uv.lock",
]


def _library_cases() -> list[tuple[str, str]]:
    names = ("rich", "licensed", "empty", "small")
    cases = [(name, version) for name in names for version in SPEC_VERSIONS]
    return cases + [(path, "1.6") for path in LIBRARY_CASES]


def _result(name: str) -> AuditResult:
    if name == "rich":
        return rich_result()
    if name == "licensed":
        return licensed_result()
    if name == "empty":
        return AuditResult(graph=DependencyGraph())
    return audited("tests/fixtures/scan/small" if name == "small" else name)


@pytest.mark.parametrize(("name", "version"), _library_cases())
def test_same_document_as_cyclonedx_python_lib(name: str, version: str) -> None:
    """The document auditor writes is the one cyclonedx-python-lib's model and outputters
    write for the same result: the same JSON value, and the same XML once canonicalised."""
    result = _result(name)
    options = replace(OPTIONS, spec_version=version)
    ours_json = render_cyclonedx_json(result, options)
    assert json.loads(library_reference.render_cyclonedx_json(result, options)) == json.loads(
        ours_json
    )
    ours_xml = render_cyclonedx_xml(result, options)
    theirs_xml = library_reference.render_cyclonedx_xml(result, options)
    assert ElementTree.canonicalize(theirs_xml, strip_text=True) == ElementTree.canonicalize(
        ours_xml, strip_text=True
    )


def test_npm_purls_keep_the_names_case() -> None:
    """JSONStream and jsonstream are two npm packages: the purl keeps the registry's case (the
    purl spec made npm names case-sensitive; packageurl-python still lowercases them)."""
    bom = json.loads(
        render_cyclonedx_json(
            audited("tests/fixtures/npm-package-lock/real/atom__atom__script/package-lock.json"),
            OPTIONS,
        )
    )
    stream = next(c for c in bom["components"] if c["name"] == "JSONStream")
    assert "pkg:npm/JSONStream@1.3.5" == stream["purl"] == stream["bom-ref"]


def test_xml_carries_text_xml_cannot_hold() -> None:
    """Control characters in an advisory's text become U+FFFD, markup is escaped, a carriage
    return survives; the document stays valid and reads back."""
    result = rich_result()
    hostile = replace(
        result.findings[0], summary="bad \x01 byte & <tag>", details="line\r\nnext\x1b[31m"
    )
    result = replace(result, findings=tuple(sorted((hostile, *result.findings[1:]))))
    text = render_cyclonedx_xml(result, OPTIONS)
    assert [] == cyclonedx_xml_errors(text)
    ns = {"c": "http://cyclonedx.org/schema/bom/1.6"}
    root = ElementTree.fromstring(text)  # noqa: S314 (the document under test)
    descriptions = [e.text for e in root.iterfind(".//c:vulnerability/c:description", ns)]
    assert "bad \ufffd byte & <tag>" in descriptions
    details = [e.text for e in root.iterfind(".//c:vulnerability/c:detail", ns)]
    assert "line\r\nnext\ufffd[31m" in details


def test_every_reference_names_a_declared_element() -> None:
    """The integrity check that replaces the library's output-time validation: a dependsOn
    or affects reference to an element the document does not declare is reported."""
    bom = _bom()
    assert [] == cyclonedx_json_errors(json.dumps(bom))
    bom["dependencies"][0]["dependsOn"] = ["pkg:npm/not-declared@1.0.0"]
    bom["vulnerabilities"][0]["affects"][0]["ref"] = "pkg:npm/nowhere@1.0.0"
    errors = cyclonedx_json_errors(json.dumps(bom))
    assert any("pkg:npm/not-declared@1.0.0" in e for e in errors)
    assert any("pkg:npm/nowhere@1.0.0" in e for e in errors)
