"""Start-up cost: a command imports only what it uses.

``auditor --version`` and ``auditor --help`` load no command; ``auditor scan --help`` loads
the option declarations of ``scan`` and nothing that only running a command needs: not the
HTTP library, not the store, the site or pip-audit, not the checks, not packaging's version
machinery. Each case runs in a fresh interpreter and lists the modules it loaded.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import FIXTURES

# Libraries and parts of auditor that no `--version` or `--help` needs.
HEAVY = (
    "requests",
    "urllib3",
    "sqlmodel",
    "sqlalchemy",
    "alembic",
    "jinja2",
    "nh3",
    "markdown_it",
    "rich",
    "pip_audit",
    "packaging",
    "license_expression",
    "auditor.store",
    "auditor.site",
    "auditor.checks.",  # the package's own __init__ holds a default the settings read
    "auditor.pipeline.audit",
    "auditor.pipeline.report",
    "auditor.registries.lookup",
    "auditor.net.client",
    "auditor.collectors.pypi",
    "auditor.collectors.npm",
    "auditor.advisories.osv",
    "auditor.outputs.table",
    "auditor.outputs.sbom.cyclonedx",
)
# Run ``main(argv)`` and write the names of the loaded modules to a file.
SCRIPT = """
import json, sys
from auditor.cli import main
try:
    main(json.loads(sys.argv[1]))
except SystemExit:
    pass
with open(sys.argv[2], "w") as out:
    json.dump(sorted(sys.modules), out)
"""


def loaded(argv: list[str], tmp_path: Path) -> list[str]:
    listing = tmp_path / "modules.json"
    subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(argv), str(listing)],
        capture_output=True,
        check=True,
        timeout=120,
    )
    modules: list[str] = json.loads(listing.read_text())
    return modules


def heavy(modules: list[str]) -> list[str]:
    return [
        m
        for m in modules
        if any(m == h or m.startswith(h if h.endswith(".") else h + ".") for h in HEAVY)
    ]


@pytest.mark.parametrize(
    "argv", [["--version"], ["--help"], ["scan", "--help"], ["report", "--help"]]
)
def test_version_and_help_load_nothing_heavy(argv: list[str], tmp_path: Path) -> None:
    """Neither the HTTP library, the store, the site, pip-audit, packaging nor any check
    is imported to print the version or a command's options."""
    assert [] == heavy(loaded(argv, tmp_path))


@pytest.mark.parametrize("argv", [["--version"], ["--help"]])
def test_version_loads_no_command(argv: list[str], tmp_path: Path) -> None:
    """The version and the list of commands come from the command registry alone."""
    modules = loaded(argv, tmp_path)
    assert [] == [m for m in modules if m.startswith("auditor.cli.") and m.endswith("_cmd")]


def test_a_command_loads_only_its_own_module(tmp_path: Path) -> None:
    """`auditor scan --help` imports the scan command and no other."""
    modules = loaded(["scan", "--help"], tmp_path)
    commands = [m for m in modules if m.startswith("auditor.cli.") and m.endswith("_cmd")]
    assert ["auditor.cli.scan_cmd"] == commands


def test_an_offline_scan_never_loads_the_http_library(tmp_path: Path) -> None:
    """A scan that sends no request (local advisories, no registry lookups) does not pay
    for requests: the HTTP library is imported when the first request is sent. Nor does
    a scan that reads no YAML document pay for PyYAML."""
    lockfile = tmp_path / "requirements.txt"
    lockfile.write_text("six==1.16.0\n")
    modules = loaded(
        ["scan", "--offline", "--cache-dir", str(tmp_path / "cache"), str(lockfile)], tmp_path
    )
    assert "auditor.pipeline.audit" in modules
    assert [] == [m for m in modules if m.split(".")[0] in ("requests", "urllib3", "yaml")]


def test_pyyaml_is_loaded_with_the_first_yaml_document(tmp_path: Path) -> None:
    """A pnpm-lock.yaml is read with PyYAML, loaded when that document is met (the lazy
    import must not leave YAML lockfiles unread)."""
    lockfile = tmp_path / "pnpm-lock.yaml"
    shutil.copy(FIXTURES / "pnpm-lock/peer/osv-scalibr/one-package-v6-lockfile.yaml", lockfile)
    modules = loaded(["graph", str(lockfile)], tmp_path)
    assert "yaml" in modules


def test_the_registry_loads_neither_the_store_nor_the_site(tmp_path: Path) -> None:
    """Declaring every command's options (the full parser) does not import the store or
    the site's libraries: they are imported when a command first needs them."""
    code = (
        "import json, sys\n"
        "from auditor.cli import build_parser\n"
        "build_parser()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    site_and_store = ("sqlmodel", "sqlalchemy", "alembic", "jinja2", "nh3", "markdown_it")
    modules = json.loads(done.stdout)
    assert [] == [m for m in modules if m.split(".")[0] in site_and_store]
    assert [] == [m for m in modules if m.startswith(("auditor.store", "auditor.site."))]


def test_every_command_entry_loads_its_command() -> None:
    """Each entry of the command registry names a class whose ``name`` is the entry's."""
    from auditor.cli.plugins import COMMANDS

    for name, entry in COMMANDS.items():
        assert name == entry.load().name


def test_the_site_names_are_still_importable() -> None:
    """`from auditor.site import render_site` works (the names load on first use)."""
    from auditor.site import SiteOptions, render_site

    assert callable(render_site)
    assert 20 == SiteOptions().snapshot_pages
