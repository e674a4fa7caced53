"""Start-up cost: loading the command registry does not load the store or the site."""

from __future__ import annotations

import json
import subprocess
import sys

# Libraries only the store (`report`, `history`, `diff`, `store`) and the site need.
HEAVY = ("sqlmodel", "sqlalchemy", "alembic", "jinja2", "nh3", "markdown_it", "auditor.store")


def test_the_registry_loads_neither_the_store_nor_the_site() -> None:
    """Every command's arguments are defined without importing the store or the site's
    libraries: they are imported when a command first needs them."""
    code = (
        "import json, sys\n"
        "from auditor.cli import build_parser\n"
        "build_parser()\n"
        f"print(json.dumps(sorted(m for m in {list(HEAVY)!r} if m in sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert [] == json.loads(done.stdout)


def test_the_site_names_are_still_importable() -> None:
    """`from auditor.site import render_site` works (the names load on first use)."""
    from auditor.site import SiteOptions, render_site

    assert callable(render_site)
    assert 20 == SiteOptions().snapshot_pages
