"""VEX in (``--vex``: OpenVEX and CycloneDX) and out (``--format openvex``, CycloneDX
``analysis``), on saleor's real lockfile and the real advisory records it matches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.advisories.vex import read_vex, rules_of
from auditor.core.errors import LockfileError
from tests.outputs.oracles import cyclonedx_json_errors, openvex_errors
from tests.support import FIXTURES, run_cli

VEX = FIXTURES / "vex"
REAL = VEX / "real"
OPENVEX = VEX / "saleor.openvex.json"
CDX = VEX / "saleor.cdx.json"
SALEOR = Path(__file__).parents[2] / "examples" / "saleor-2020"
WHEN = "2025-06-01T00:00:00Z"


def scan(*args: str) -> tuple[int, dict[str, object], str]:
    result = run_cli(["scan", str(SALEOR), "--offline", "--json", *args])
    return result.code, json.loads(result.out), result.err


def suppressed_by_vex(doc: dict[str, object]) -> dict[str, tuple[str, str | None, str]]:
    """finding id → (status, justification, statement) of each VEX suppression."""
    items = doc["suppressed"]
    assert isinstance(items, list)
    return {
        s["finding"]["id"]: (
            s["ignore"]["status"],
            s["ignore"]["justification"],
            s["ignore"]["origin"],
        )
        for s in items
        if s["ignore"]["status"]
    }


@pytest.mark.parametrize(
    ("name", "skipped"),
    [
        ("vexctl-v020-1.vex.json", []),  # under_investigation: states nothing to apply
        ("vexctl-v001-1.vex.json", []),
        ("vexctl-demo.vex.json", ["statements[0] (CVE-2014-123456): names no package URL"]),
        ("cyclonedx-vex.json", ["vulnerabilities[0] (CVE-2020-25649): names no package URL"]),
        (
            "cyclonedx-cisa-case-1-not_affected.json",
            ["vulnerabilities[0] (CVE-2021-44228): names no package URL"],
        ),
    ],
)
def test_real_vex_documents_are_read(name: str, skipped: list[str]) -> None:
    """Published OpenVEX (vexctl, 0.2.0 and 0.0.x) and CycloneDX VEX (bom-examples) read
    without error; what they say about apk, Maven or a product without purl cannot match a
    package auditor audits, and each such statement is named."""
    vex = read_vex(REAL / name, shown=name)
    rules, lines = rules_of([vex])
    assert () == rules
    assert [f"{name}: {line}" for line in skipped] == list(lines)


def test_statements_suppress_what_they_name_and_the_rest_is_reported() -> None:
    """not_affected with a justification (or impact statement, or CycloneDX false_positive)
    and fixed suppress by id or alias and by purl with or without version, through a
    product's subcomponents, a bom-ref and a BOM-Link; the latest statement wins; the
    statement without justification and the one matching nothing are reported."""
    code, doc, err = scan("--vex", str(OPENVEX), "--vex", str(CDX))
    assert 1 == code
    vex = suppressed_by_vex(doc)
    open_ = f"{OPENVEX}: statements"
    cdx = f"{CDX}: vulnerabilities"
    assert {
        "PYSEC-2021-98": ("not_affected", "vulnerable_code_not_in_execute_path", f"{open_}[0]"),
        "PYSEC-2021-137": ("fixed", None, f"{open_}[1]"),
        "PYSEC-2023-74": (
            "not_affected",
            "vulnerable_code_cannot_be_controlled_by_adversary",
            f"{open_}[6]",
        ),
        "PYSEC-2023-192": ("not_affected", "code_not_reachable", f"{cdx}[0]"),
        "PYSEC-2023-161": ("fixed", None, f"{cdx}[1]"),
        "PYSEC-2024-60": ("not_affected", None, f"{cdx}[2]"),
    } == vex
    open_ids = {f["id"] for f in doc["findings"]}  # type: ignore[attr-defined]
    # celery: not_affected, then affected a day later; lxml: no justification
    assert {"PYSEC-2021-858", "PYSEC-2020-62"} <= open_ids
    assert [
        {
            "statement": f"{open_}[3]",
            "id": "CVE-2099-0001",
            "aliases": [],
            "status": "not_affected",
            "packages": ["pkg:pypi/django@3.0.6"],
        }
    ] == doc["vex_unmatched"]
    assert (
        f"auditor: warning: VEX statement {open_}[2] (CVE-2020-27783): not_affected without a "
        "justification: not applied\n"
    ) in err
    assert (
        f"auditor: warning: 1 VEX statement matches no finding: {open_}[3] (CVE-2099-0001)\n" in err
    )


def test_a_version_in_the_purl_must_match(tmp_path: Path) -> None:
    """A statement about another version of the package does not apply."""
    doc = json.loads(OPENVEX.read_text())
    doc["statements"][1]["products"] = [{"@id": "pkg:pypi/pillow@7.2.0"}]
    path = tmp_path / "other.openvex.json"
    path.write_text(json.dumps(doc))
    _, result, _ = scan("--vex", str(path))
    assert "PYSEC-2021-137" not in suppressed_by_vex(result)
    assert "pkg:pypi/pillow@7.2.0" in [p for s in result["vex_unmatched"] for p in s["packages"]]  # type: ignore[attr-defined]


def test_openvex_out_keeps_the_decisions_and_validates(tmp_path: Path) -> None:
    """The OpenVEX document has a statement per advisory finding, valid against the OpenVEX
    schema: affected with an action, the suppressed ones with the statement's status and
    justification in OpenVEX's words; the CycloneDX BOM keeps CycloneDX's; reading the
    OpenVEX document back suppresses the same findings, and the same run gives the same
    bytes."""
    args = ["scan", str(SALEOR), "--offline", "--vex", str(OPENVEX), "--vex", str(CDX),
            "--timestamp", WHEN, "--output-dir", str(tmp_path),
            "--format", "openvex,cyclonedx-json,json"]  # fmt: skip
    assert 1 == run_cli(args).code
    text = (tmp_path / "vex.openvex.json").read_text()
    assert [] == openvex_errors(text)
    vex = json.loads(text)
    doc = json.loads((tmp_path / "findings.json").read_text())
    assert len(doc["findings"]) + len(doc["suppressed"]) == len(vex["statements"])
    by_id = {s["vulnerability"]["name"]: s for s in vex["statements"]}
    assert "affected" == by_id["PYSEC-2021-858"]["status"]
    assert "Upgrade celery to 5.2.2 or later." == by_id["PYSEC-2021-858"]["action_statement"]
    urllib3 = by_id["PYSEC-2023-192"]
    assert ("not_affected", "vulnerable_code_not_in_execute_path") == (
        urllib3["status"],
        urllib3["justification"],
    )
    assert "no request of ours sets a Cookie header across redirects" == urllib3["impact_statement"]
    assert [
        {"@id": "pkg:pypi/urllib3@1.25.9", "identifiers": {"purl": "pkg:pypi/urllib3@1.25.9"}}
    ] == urllib3["products"]
    assert "fixed" == by_id["PYSEC-2021-137"]["status"]

    bom = (tmp_path / "sbom.cdx.json").read_text()
    assert [] == cyclonedx_json_errors(bom)
    analyses = {v["id"]: v.get("analysis") for v in json.loads(bom)["vulnerabilities"]}
    assert "code_not_reachable" == analyses["PYSEC-2021-98"]["justification"]  # mapped back
    assert "code_not_reachable" == analyses["PYSEC-2023-192"]["justification"]  # kept
    assert "resolved" == analyses["PYSEC-2021-137"]["state"]

    again = tmp_path / "again"
    run_cli([*args[:-4], "--output-dir", str(again), "--format", "openvex"])
    assert text == (again / "vex.openvex.json").read_text()

    _, back, _ = scan("--vex", str(tmp_path / "vex.openvex.json"))
    assert set(suppressed_by_vex(doc)) == set(suppressed_by_vex(back))
    assert "vulnerable_code_not_in_execute_path" == suppressed_by_vex(back)["PYSEC-2023-192"][1]


def test_ignores_become_not_affected_statements(tmp_path: Path) -> None:
    """An ignore of the config is a not_affected statement with the reason as impact
    statement and the origin and expiry as notes."""
    (tmp_path / "poetry.lock").write_text((SALEOR / "poetry.lock").read_text())
    (tmp_path / "pyproject.toml").write_text(
        (SALEOR / "pyproject.toml").read_text()
        + '\n[[tool.auditor.ignore]]\nid = "CVE-2021-33203"\nreason = "admindocs unused"\n'
        "until = 2030-01-31\n"
    )
    result = run_cli(
        ["scan", str(tmp_path), "--offline", "--format", "openvex", "--timestamp", WHEN]
    )
    statement = next(
        s
        for s in json.loads(result.out)["statements"]
        if s["vulnerability"]["name"] == "PYSEC-2021-98"
    )
    assert {
        "status": "not_affected",
        "impact_statement": "admindocs unused",
        "status_notes": (
            f"ignored by {tmp_path}/pyproject.toml: tool.auditor.ignore[0] until 2030-01-31"
        ),
    } == {k: statement[k] for k in ("status", "impact_statement", "status_notes")}
    assert [] == openvex_errors(result.out)


OPEN = {"@context": "https://openvex.dev/ns/v0.2.0"}
STATEMENT = {"vulnerability": {"name": "X-1"}}
BAD = [
    ("[]", "document is an array, expected a table"),
    (
        '{"bomFormat": "SPDX"}',
        "neither an OpenVEX document (@context https://openvex.dev/ns/...) nor a CycloneDX "
        "BOM (bomFormat CycloneDX)",
    ),
    (
        json.dumps({**OPEN, "statements": [{**STATEMENT, "status": "maybe"}]}),
        "'maybe' is not an OpenVEX status in statements[0].status",
    ),
    (
        json.dumps(
            {**OPEN, "statements": [{**STATEMENT, "status": "not_affected", "justification": "x"}]}
        ),
        "'x' is not an OpenVEX justification in statements[0].justification",
    ),
    (
        json.dumps(
            {
                "bomFormat": "CycloneDX",
                "vulnerabilities": [{"id": "X-1", "analysis": {"state": "ok"}}],
            }
        ),
        "'ok' is not a CycloneDX analysis state in vulnerabilities[0].analysis.state",
    ),
    (json.dumps(OPEN)[:-1] + ', "statements": [', "bad.json:1: not valid JSON: Expecting value"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_a_bad_vex_file_is_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    """A file that is not VEX, or a statement with a word neither standard has, is a
    usage error naming the file and the key; nothing is audited."""
    (tmp_path / "bad.json").write_text(text)
    monkeypatch.chdir(tmp_path)
    result = run_cli(["scan", str(SALEOR), "--offline", "--vex", "bad.json"])
    place = message if message.startswith("bad.json") else f"bad.json: {message}"
    assert (2, f"auditor: error: --vex {place}\n") == (result.code, result.err)


def test_reading_is_bounded_and_names_the_file(tmp_path: Path) -> None:
    """Not UTF-8 is refused with the byte; the reader raises the file's own error."""
    path = tmp_path / "v.json"
    path.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(LockfileError, match="not UTF-8 text"):
        read_vex(path, shown="v.json")
