"""A temporary, isolated configuration world for registry configuration tests."""

from __future__ import annotations

import stat
from pathlib import Path

from auditor.registries.config import ConfigContext


class World:
    """HOME, /etc, a project and a bin directory below ``root``; nothing real is read."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.etc = root / "etc"
        self.project = root / "project"
        self.bin = root / "bin"
        for folder in (self.home, self.etc, self.project, self.bin):
            folder.mkdir(parents=True, exist_ok=True)
        self.env: dict[str, str] = {"HOME": str(self.home), "PATH": str(self.bin)}

    def context(self) -> ConfigContext:
        return ConfigContext(env=dict(self.env), home=self.home, etc=self.etc, project=self.project)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def tool(self, name: str, script: str) -> Path:
        """A fake program on PATH (a shell script)."""
        path = self.bin / name
        path.write_text("#!/bin/sh\n" + script + "\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
        return path
