"""Contract tests for every registered output format: an official validator, a docs
section, validity on every real lockfile, byte-stable golden files.

On every real lockfile of every collector, every format is rendered and checked by its
oracle (tests/outputs/oracles.py says exactly what each checks): CycloneDX JSON against the
strict CycloneDX schema with the validator cyclonedx-python-lib uses, CycloneDX XML against
the XSD with the library's XML validator, both with every reference resolved; SPDX against
the SPDX 2.3 JSON Schema and SPDX's identifier and relationship rules; SARIF against the
OASIS schema; auditor's JSON against its own schemas. spdx-tools' full validation and the
NTIA minimum-elements check run on each collector's smallest real lockfile and its largest
under 150 kB (``small_and_medium_fixtures``): they take seconds per few hundred packages.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from auditor.core.result import AuditResult
from auditor.outputs import plugins
from auditor.outputs.base import RenderOptions
from tests.outputs.cases import (
    OPTIONS,
    audited,
    real_fixtures,
    rich_result,
    small_and_medium_fixtures,
)
from tests.outputs.oracles import ORACLES, spdx_tools_errors
from tests.support import FIXTURES

DOCS = Path(__file__).parents[2] / "docs" / "outputs.md"
GOLDEN = FIXTURES / "golden"
NAMES = plugins.names()
REAL = real_fixtures()


def test_every_format_has_an_oracle_and_a_docs_section() -> None:
    """A format without an official validator or a section in docs/outputs.md fails."""
    text = DOCS.read_text()
    assert set(NAMES) == set(ORACLES)
    for name in NAMES:
        assert re.search(rf"^## `{re.escape(name)}`", text, re.M), name
        assert f"`{plugins.get(name).filename}`" in text, name


def _check_all(result: AuditResult, options: RenderOptions = OPTIONS) -> None:
    for name in NAMES:
        text = plugins.get(name).render(result, options)
        assert [] == ORACLES[name](text), name


@pytest.mark.parametrize("path", REAL)
def test_every_format_validates_on_every_real_lockfile(path: str) -> None:
    """Each real fixture of each collector, audited, renders valid documents in every format
    (a file yields packages, or requirements it had to skip: never nothing)."""
    result = audited(path)
    assert len(result.graph) > 0 or result.skipped
    _check_all(result)


@pytest.mark.parametrize("path", small_and_medium_fixtures())
def test_spdx_tools_and_ntia_accept_small_and_medium_real_lockfiles(path: str) -> None:
    """spdx-tools' full validation and the NTIA minimum elements, on every collector's
    smallest real lockfile and its largest under 150 kB."""
    result = audited(path)
    assert len(result.graph) > 0 or result.skipped
    assert [] == spdx_tools_errors(plugins.get("spdx-json").render(result, OPTIONS))


def test_every_format_validates_on_a_hand_built_result() -> None:
    """Every ecosystem, source kind and finding kind, an error and an unchecked package
    (spdx-tools and NTIA too)."""
    _check_all(rich_result())
    assert [] == spdx_tools_errors(plugins.get("spdx-json").render(rich_result(), OPTIONS))


def test_every_format_validates_on_an_empty_result() -> None:
    """No lockfile found: the documents are still valid (spdx-tools and NTIA too)."""
    from auditor.core.graph import DependencyGraph

    result = AuditResult(graph=DependencyGraph())
    _check_all(result)
    assert [] == spdx_tools_errors(plugins.get("spdx-json").render(result, OPTIONS))


CASES = {
    "small": lambda: audited("tests/fixtures/scan/small"),
    "rich": rich_result,
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("name", NAMES)
def test_golden_files(case: str, name: str) -> None:
    """Each format's output for a fixed input and time is byte-for-byte the golden file
    (AUDITOR_UPDATE_GOLDEN=1 rewrites them; review the diff)."""
    output = plugins.get(name)
    text = output.render(CASES[case](), OPTIONS)
    golden = GOLDEN / case / output.filename
    if os.environ.get("AUDITOR_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
    assert golden.read_text() == text


@pytest.mark.parametrize("name", NAMES)
def test_output_is_byte_stable(name: str) -> None:
    """The same input and fixed time give the same bytes twice."""
    render = plugins.get(name).render
    assert render(rich_result(), OPTIONS) == render(rich_result(), OPTIONS)


def test_report_default_set_is_registered() -> None:
    """The report's default formats exist and have distinct file names."""
    files = [plugins.get(n).filename for n in plugins.REPORT_DEFAULT]
    assert len(set(files)) == len(files)
    assert {"graph.json", "findings.json", "sbom.cdx.json", "results.sarif", "summary.md"} <= set(
        files
    )
