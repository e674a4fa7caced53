"""Where the bundled data lives: the top-level ``data/`` folder, shipped in the wheel as the
``auditor.data`` package (and mapped to the same folder by an editable install)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def bundled_data(*parts: str) -> Path:
    """The path of a bundled data file or folder (``bundled_data("popular", "npm.tsv")``)."""
    return Path(str(resources.files("auditor.data").joinpath(*parts)))
