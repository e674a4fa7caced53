"""The command plug-in interface and the exit codes every command shares."""

from __future__ import annotations

import argparse
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar, TextIO

from auditor.pipeline.exits import EXIT_ERROR, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK

# The exit codes are the pipeline's (the Action records the same ones); commands take them
# from here with the rest of the command interface.
__all__ = [
    "EXIT_ERROR",
    "EXIT_FINDINGS",
    "EXIT_INCOMPLETE",
    "EXIT_OK",
    "Command",
    "Console",
]


@dataclass
class Console:
    """Where a command writes: tests pass string buffers, the CLI the real streams."""

    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)

    def print(self, text: str = "") -> None:
        self.out.write(text if text.endswith("\n") else text + "\n")

    def error(self, text: str) -> None:
        self.err.write(f"auditor: error: {text}\n")

    def warn(self, text: str) -> None:
        self.err.write(f"auditor: warning: {text}\n")


class Command(ABC):
    """One ``auditor <name>`` sub-command."""

    name: ClassVar[str]
    description: ClassVar[str] = ""  # the one-line help is the command's entry in plugins.py

    @abstractmethod
    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Declare this command's options (each with ``help``)."""

    @abstractmethod
    def run(self, args: argparse.Namespace, console: Console) -> int:
        """Do the work and return the exit code."""
