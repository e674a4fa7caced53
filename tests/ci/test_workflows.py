"""action.yml and .github/workflows: GitHub's schemas, zizmor, pinning and permissions.

check-jsonschema validates against the GitHub schemas it bundles (no download) and zizmor
runs offline with the repository's documented configuration (.github/zizmor.yml). The
copy-paste workflows of docs/github-action.md get the same checks.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parents[2]
ACTION = ROOT / "action.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ZIZMOR_CONFIG = ROOT / ".github" / "zizmor.yml"
DOC = ROOT / "docs" / "github-action.md"
BIN = Path(sys.executable).parent
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]], capture_output=True, text=True, check=False
    )


def schema_check(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return tool("check-jsonschema", "--builtin-schema", schema, *map(str, files))


def zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    return tool(
        "zizmor",
        "--offline",
        "--no-progress",
        "--persona=pedantic",
        "--format=plain",
        "--config",
        str(ZIZMOR_CONFIG),
        *map(str, paths),
    )


def load(path: Path) -> dict[str, Any]:
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def doc_workflows(tmp_path: Path) -> list[Path]:
    """The YAML workflows in docs/github-action.md, written to files (placeholders filled)."""
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    files = []
    for index, block in enumerate(b for b in blocks if b.lstrip().startswith(("name:", "on:"))):
        path = tmp_path / ".github" / "workflows" / f"doc-{index}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block.replace("COMMIT_SHA", "0123456789abcdef0123456789abcdef01234567"))
        files.append(path)
    return files


def steps_of(spec: dict[str, Any]) -> list[dict[str, Any]]:
    if "runs" in spec:
        return list(spec["runs"]["steps"])
    return [step for job in spec["jobs"].values() for step in job.get("steps", [])]


def test_workflows_and_action_match_githubs_schemas() -> None:
    """Both workflows validate as workflows and action.yml as an action."""
    workflows = schema_check("vendor.github-workflows", *WORKFLOWS)
    assert 0 == workflows.returncode, workflows.stdout + workflows.stderr
    action = schema_check("vendor.github-actions", ACTION)
    assert 0 == action.returncode, action.stdout + action.stderr
    assert {"ci.yml", "audit.yml"} == {p.name for p in WORKFLOWS}


def test_the_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    """A job without runs-on is refused (the check can fail)."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    steps:\n      - run: echo\n")
    assert 0 != schema_check("vendor.github-workflows", bad).returncode


def test_zizmor_finds_nothing() -> None:
    """zizmor (offline, pedantic persona) reports nothing on the workflows and the action;
    the one rule configured away is explained in .github/zizmor.yml."""
    result = zizmor(ROOT / ".github", ACTION)
    assert 0 == result.returncode, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_zizmor_catches_template_injection(tmp_path: Path) -> None:
    """The same zizmor run flags a `${{ }}` of attacker-controlled text inside `run:`."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "name: bad\non: pull_request\npermissions: {}\njobs:\n  x:\n    name: x\n"
        "    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo '${{ github.event.pull_request.title }}'\n"
    )
    result = zizmor(bad)
    assert 0 != result.returncode
    assert "template-injection" in result.stdout


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit(path: Path) -> None:
    """Each `uses:` is a full commit SHA with its version as a comment (or the action of
    this repository, `./`)."""
    lines = [
        line.split("uses:", 1)[1].strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"^\s*(- )?uses:", line)
    ]
    assert lines
    assert [] == [u for u in lines if u != "./" and not PINNED.match(u)]


def test_no_expression_inside_run_scripts() -> None:
    """action.yml hands every input to its scripts through env:, never `${{ }}` in run:."""
    for step in steps_of(load(ACTION)):
        assert "${{" not in str(step.get("run", "")), step.get("name")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_permissions(path: Path) -> None:
    """Workflows grant nothing by default; each job asks for what it needs."""
    spec = load(path)
    assert {} == spec["permissions"]
    for name, job in spec["jobs"].items():
        assert "permissions" in job, name
        assert "contents" in job["permissions"], name


def test_ci_runs_the_documented_script_on_every_supported_python() -> None:
    """CI runs scripts/test (the README's command) on Python 3.10 to 3.13."""
    jobs = load(ROOT / ".github" / "workflows" / "ci.yml")["jobs"]
    test = jobs["test"]
    assert ["3.10", "3.11", "3.12", "3.13"] == test["strategy"]["matrix"]["python"]
    assert ["scripts/test"] == [s["run"] for s in test["steps"] if "run" in s]
    assert "scripts/test" in (ROOT / "README.md").read_text()


def test_the_history_job_is_serialised() -> None:
    """The job that pushes the history branch runs in one concurrency group, queued."""
    jobs = load(ROOT / ".github" / "workflows" / "audit.yml")["jobs"]
    pushing = [j for j in jobs.values() if j["permissions"].get("contents") == "write"]
    assert 1 == len(pushing)
    assert {"group": "auditor-history", "cancel-in-progress": False} == pushing[0]["concurrency"]


def test_docs_list_every_input_and_output() -> None:
    """docs/github-action.md has a row for each input and output of action.yml."""
    spec, text = load(ACTION), DOC.read_text(encoding="utf-8")
    missing = [f"`{n}`" for n in [*spec["inputs"], *spec["outputs"]] if f"| `{n}` |" not in text]
    assert [] == missing


def test_doc_workflows_are_valid_secure_and_use_real_inputs(tmp_path: Path) -> None:
    """The copy-paste workflows validate, pass zizmor, and give the action only inputs it
    has (placeholders replaced by a commit-shaped value)."""
    files = doc_workflows(tmp_path)
    assert len(files) >= 2
    result = schema_check("vendor.github-workflows", *files)
    assert 0 == result.returncode, result.stdout + result.stderr
    linted = zizmor(*files)
    assert 0 == linted.returncode, linted.stdout + linted.stderr
    inputs = set(load(ACTION)["inputs"])
    for path in files:
        for step in steps_of(load(path)):
            if "/auditor@" in str(step.get("uses", "")):
                assert set(step.get("with", {})) <= inputs, path.name
