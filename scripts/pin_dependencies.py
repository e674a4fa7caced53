#!/usr/bin/env python3
"""Write auditor's runtime dependencies, as pip resolves them today, as pinned requirements.

Usage:
    scripts/pin_dependencies.py OUTPUT [--extra NAME ...] [--report PIP_REPORT.json]

The repository has no lockfile of its own (it is a library), so the self-audit workflow
(.github/workflows/audit.yml) audits this file instead: `pip install --dry-run --report` of
the project with its extras in a throwaway virtual environment, turned into sorted
`name==version` lines (no index URL, no hashes). Nothing is installed. With --report, an
existing pip installation report is converted instead (the tests use this).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "auditor"


class PinError(Exception):
    """A report that cannot be turned into requirements, or a failed resolution."""


def resolve(extras: Sequence[str]) -> dict[str, Any]:
    """pip's installation report for the project with ``extras`` (a dry run)."""
    with tempfile.TemporaryDirectory(prefix="auditor-pin-") as tmp:
        venv, report = Path(tmp) / "venv", Path(tmp) / "report.json"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        target = f"{ROOT}[{','.join(extras)}]" if extras else str(ROOT)
        command = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        command += ["--dry-run", "--ignore-installed", "--report", str(report), target]
        if subprocess.run(command, check=False).returncode != 0:
            raise PinError("pip could not resolve the dependencies (its output is above)")
        return read_report(report)


def read_report(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PinError(f"{path}: cannot read the pip report: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("install"), list):
        raise PinError(f"{path}: not a pip installation report (no 'install' list)")
    return data


def requirements(report: dict[str, Any], source: str) -> str:
    """Sorted ``name==version`` lines of everything the report installs but the project."""
    pins: dict[str, str] = {}
    for index, item in enumerate(report["install"]):
        metadata = item.get("metadata") if isinstance(item, dict) else None
        name = metadata.get("name") if isinstance(metadata, dict) else None
        version = metadata.get("version") if isinstance(metadata, dict) else None
        if not isinstance(name, str) or not isinstance(version, str):
            raise PinError(f"{source}: install[{index}].metadata needs a name and a version")
        if name.lower() != PROJECT:
            pins[name] = version
    header = (
        "# auditor's runtime dependencies as pip resolved them (scripts/pin_dependencies.py).\n"
        "# Audited by .github/workflows/audit.yml; nothing installs from this file.\n"
    )
    lines = [f"{name}=={pins[name]}" for name in sorted(pins, key=str.lower)]
    return header + "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pin_dependencies.py", description=__doc__)
    parser.add_argument("output", type=Path, help="requirements file to write")
    parser.add_argument("--extra", action="append", default=[], help="extras to include")
    parser.add_argument("--report", type=Path, help="convert this pip report instead")
    args = parser.parse_args(argv)
    try:
        report = read_report(args.report) if args.report else resolve(args.extra)
        text = requirements(report, str(args.report or "pip report"))
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    except (PinError, OSError) as exc:
        print(f"pin_dependencies.py: error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.output}: {text.count('==')} pinned dependencies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
