"""Pull-request runs read auditor's config from the base branch, not from the proposed change.

A pull request is code anyone can propose; its ``auditor.toml`` could point the advisory
data at an empty folder or lower the gate (docs/security.md). On ``pull_request`` and
``pull_request_target`` events the report step therefore reads the config file as committed
on the base (the event's ``pull_request.base.sha``, else ``GITHUB_BASE_REF``), fetching
that commit when the checkout lacks it, and hands it to the report job as its config file
(relative paths in it still resolve against the scanned root: ``AUDITOR_CONFIG_FOLDER``).
A base without a config gives an empty one, so the change's own file is never read. When
the base cannot be read the step fails: a gate decided by the change is no gate.

The VEX files the action's ``vex`` input names are read from the base commit the same way:
a statement the change adds could otherwise silence the very finding it introduces. A VEX
file the base does not have is not applied (the step says so).
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from auditor.ci.git import Git, GitError
from auditor.pipeline.report import ReportRequest
from auditor.settings import (
    CONFIG_FILE,
    ENV_CONFIG_FOLDER,
    PYPROJECT,
    TOOL_SECTION,
    scan_root,
)

_SHA = re.compile(r"^[0-9a-f]{40,64}$")


def base_commit(git: Git, env: Mapping[str, str]) -> str:
    """The base branch's commit, fetched (depth 1) when the checkout does not have it."""
    wanted = _event_base_sha(env)
    ref = env.get("GITHUB_BASE_REF", "").strip()
    candidates = [wanted] if wanted else ([f"refs/remotes/origin/{ref}"] if ref else [])
    if not candidates:
        raise GitError("pull request without a base: no pull_request.base.sha nor GITHUB_BASE_REF")
    found = git.run("rev-parse", "--verify", "--quiet", f"{candidates[0]}^{{commit}}", check=False)
    if found.code == 0:
        return found.out.strip()
    git.run("fetch", "--quiet", "--no-tags", "--depth=1", "origin", wanted or ref)
    return git.run("rev-parse", "--verify", "FETCH_HEAD^{commit}").out.strip()


def _event_base_sha(env: Mapping[str, str]) -> str:
    path = env.get("GITHUB_EVENT_PATH", "")
    if not path:
        return ""
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
        sha = event["pull_request"]["base"]["sha"]
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    return sha if isinstance(sha, str) and _SHA.match(sha) else ""


def base_config(git: Git, commit: str, workspace: Path, paths: Sequence[str], config: str) -> Path:
    """The base's config file written to a new folder (an empty ``auditor.toml`` if none)."""
    top = Path(git.run("rev-parse", "--show-toplevel").out.strip()).resolve()
    root = scan_root(paths, workspace).resolve()
    if config.strip():
        names = [(workspace / config.strip()).resolve()]
    else:
        names = [root / CONFIG_FILE, root / PYPROJECT]
    chosen, text = Path(CONFIG_FILE), "# the base branch has no auditor config\n"
    for name in names:
        try:
            inside = name.relative_to(top).as_posix()
        except ValueError:
            continue  # a config outside the repository is the workflow's own, not the change's
        shown = git.run("show", f"{commit}:{inside}", check=False)
        if shown.code == 0 and (name.name != PYPROJECT or TOOL_SECTION.search(shown.out)):
            chosen, text = Path(name.name), shown.out
            break
    folder = Path(tempfile.mkdtemp(prefix="auditor-base-config-"))
    target = folder / chosen.name
    target.write_text(text, encoding="utf-8")
    return target


def apply(
    request: ReportRequest, env: Mapping[str, str], git: Git
) -> tuple[ReportRequest, dict[str, str], Path]:
    """``request`` reading the base branch's config, the environment it runs with (without
    the git token), and the config file written (its folder is the caller's to remove)."""
    workspace = Path(env.get("GITHUB_WORKSPACE") or ".").resolve()
    commit = base_commit(git, env)
    paths = request.audit.paths
    path = base_config(git, commit, workspace, paths, request.audit.config or "")
    print(f"pull request: auditor's config is read from the base commit {commit[:12]}")
    run_env = {k: v for k, v in env.items() if k != "AUDITOR_GIT_TOKEN"}
    run_env[ENV_CONFIG_FOLDER] = str(scan_root(paths, workspace))
    vex = base_vex(git, commit, workspace, request.audit.vex, path.parent)
    audit = replace(request.audit, config=str(path), vex=vex)
    return replace(request, audit=audit), run_env, path


def base_vex(
    git: Git, commit: str, workspace: Path, names: Sequence[str], folder: Path
) -> tuple[str, ...]:
    """The VEX files as committed on the base, written into ``folder``; a file outside the
    repository is the workflow's own and read as it is."""
    top = Path(git.run("rev-parse", "--show-toplevel").out.strip()).resolve()
    found: list[str] = []
    for number, name in enumerate(names):
        path = (workspace / name).resolve()
        try:
            inside = path.relative_to(top).as_posix()
        except ValueError:
            found.append(str(path))
            continue
        shown = git.run("show", f"{commit}:{inside}", check=False)
        if shown.code != 0:
            print(f"pull request: {inside} is not on the base commit {commit[:12]}: not applied")
            continue
        target = folder / f"vex-{number}-{path.name}"
        target.write_text(shown.out, encoding="utf-8")
        found.append(str(target))
    return tuple(found)
