"""Fix plans in `scan --json` never claim a safety nobody checked: the real case of
warehouse's 2020 pins (requests 2.25.0 requires idna<3; the `# via` file does not say so)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import CLOSED_PORT
from tests.support import FIXTURES, run_cli

WAREHOUSE_2020 = FIXTURES / "requirements/real/pypi__warehouse__2020-11-29/requirements/main.txt"
PIPENV = FIXTURES / "scan" / "saleor-2020" / "Pipfile.lock"


def plans(*args: str) -> dict[str, dict[str, object]]:
    doc = json.loads(run_cli(["scan", "--json", *args]).out)
    return {p["name"]: p for p in doc["fix_plans"]}


def test_unknown_requirements_make_the_plan_unverified() -> None:
    """--no-registry: idna's plan is `compatible: null`, naming requests 2.25.0 as the parent
    whose requirement is unknown; the table marks its fix unverified."""
    idna = plans("--no-registry", str(WAREHOUSE_2020))["idna"]
    assert None is idna["compatible"]
    assert [
        {
            "parent": "pkg:pypi/requests@2.25.0",
            "parent_label": "requests@2.25.0",
            "reason": "not in the lockfile, and not looked up: --no-registry",
        }
    ] == idna["unknown"]
    table = run_cli(["scan", "--no-registry", str(WAREHOUSE_2020)]).out
    assert any(
        line.startswith("idna ") and "3.7 (unverified)" in line for line in table.splitlines()
    )


def test_a_flat_lockfile_without_registry_has_unknown_parents() -> None:
    """A Pipfile.lock records no edges: without the registry nobody knows which packages
    require django, so its plan is unverified too."""
    django = plans("--no-registry", str(PIPENV))["django"]
    assert None is django["compatible"]
    [unknown] = django["unknown"]
    assert None is unknown["parent"]
    assert "records no dependencies between its pins" in unknown["reason"]


def test_a_registry_outage_leaves_flat_lockfile_plans_unverified(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The registry refuses every connection: a Pipfile.lock's edges cannot be completed,
    so django's plan is unverified (and the file is not said to be completed)."""
    monkeypatch.delenv("AUDITOR_NO_REGISTRY")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AUDITOR_PYPI_URL", f"http://127.0.0.1:{CLOSED_PORT}/simple")
    result = run_cli(["scan", "--json", str(PIPENV)])
    doc = json.loads(result.out)
    django = next(p for p in doc["fix_plans"] if p["name"] == "django")
    assert None is django["compatible"]
    [unknown] = django["unknown"]
    # Lookups run concurrently (which one meets the refusal first varies): the line names the
    # host and its cause, the same every run.
    assert unknown["reason"].endswith(
        "Pipfile.lock: the requirements of 184 of its pins could not be looked up "
        f"(127.0.0.1:{CLOSED_PORT}: connection failed: connection refused)"
    )
    assert "edges filled in" not in result.err
    assert 1 == sum("registry lookups failed" in line for line in result.err.splitlines())
