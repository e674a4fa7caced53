"""pipeline/setup.py resolves the settings of every run (CLI and Action alike): a config inside
the scanned tree is the tree's, its paths stay inside it, and what it chose is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.pipeline.setup import AuditRequest, prepare
from auditor.settings import ConfigError

ENV = {"AUDITOR_NO_REGISTRY": "1"}


def test_the_trees_choices_reach_the_audit_options(tmp_path: Path) -> None:
    """The settings the tree's auditor.toml chose ride on the options to the verdict."""
    (tmp_path / "db").mkdir()
    (tmp_path / "auditor.toml").write_text('advisory-db = "db"\nfail-on = "malicious"\n')
    with prepare(AuditRequest(paths=(str(tmp_path),)), environ=ENV, cwd=tmp_path) as setup:
        expected = ("auditor.toml", ("advisory-db", "fail-on"))  # as shown from cwd
        assert expected == setup.options.tree_settings
    with prepare(
        AuditRequest(paths=(str(tmp_path),), fail_on="high"), environ=ENV, cwd=tmp_path
    ) as setup:  # a flag wins: that setting is not the tree's any more
        assert ("advisory-db",) == (setup.options.tree_settings or ("", ()))[1]


@pytest.mark.parametrize("key", ["advisory-db", "typosquat-allow-list"])
def test_a_tree_path_outside_the_tree_is_refused(tmp_path: Path, key: str) -> None:
    """``../`` out of the tree and an absolute path are refused before any file is read."""
    project = tmp_path / "project"
    project.mkdir()
    for value in ("../outside", "/etc/passwd"):
        (project / "auditor.toml").write_text(f'{key} = "{value}"\n')
        with pytest.raises(ConfigError, match="outside the scanned tree"):
            prepare(AuditRequest(paths=(str(project),)), environ=ENV, cwd=tmp_path)


def test_a_config_from_elsewhere_resolves_against_the_config_folder(tmp_path: Path) -> None:
    """The Action's base-branch copy lies outside the tree: it is trusted, and its relative
    paths resolve against AUDITOR_CONFIG_FOLDER (the scanned root), not its temp folder."""
    project, elsewhere = tmp_path / "project", tmp_path / "base"
    (project / "db").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "auditor.toml").write_text('advisory-db = "db"\n')
    env = {**ENV, "AUDITOR_CONFIG_FOLDER": str(project)}
    request = AuditRequest(paths=(str(project),), config=str(elsewhere / "auditor.toml"))
    with prepare(request, environ=env, cwd=tmp_path) as setup:
        assert project / "db" == setup.settings.advisory_db
        assert setup.options.tree_settings is None
