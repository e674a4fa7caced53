"""The bundled snapshot: packaged with the code, parseable, documented, what saleor needs."""

from __future__ import annotations

import fnmatch
import sys
from pathlib import Path

from auditor.advisories.osv import load_record
from auditor.advisories.osv_local import BUNDLED

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).parents[2]


def test_every_bundled_file_is_package_data() -> None:
    """Each file under data/advisories matches a package-data pattern, so a
    non-editable install ships it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["auditor.data"]
    files = [p.relative_to(ROOT / "data").as_posix() for p in BUNDLED.rglob("*") if p.is_file()]
    assert len(files) > 100
    missing = [f for f in files if not any(fnmatch.fnmatchcase(f, pat) for pat in patterns)]
    assert [] == missing


def test_bundled_records_parse_and_the_readme_counts_them() -> None:
    """Every bundled record parses; the README's per-folder counts are true."""
    readme = (BUNDLED / "README.md").read_text()
    for folder in sorted(p for p in BUNDLED.iterdir() if p.is_dir()):
        records = sorted(folder.glob("*.json"))
        for path in records:
            assert load_record(path.read_text(), path.name, file_id=path.stem).affected
        assert f"| `{folder.name}/` | {len(records)} |" in readme
