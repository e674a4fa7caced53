"""Fix plans in `scan --json` never claim a safety nobody checked: the real case of
warehouse's 2020 pins (requests 2.25.0 requires idna<3; the `# via` file does not say so)."""

from __future__ import annotations

import json

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
