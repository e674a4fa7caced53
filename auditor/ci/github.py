"""The GitHub Actions side of a run: step outputs, the job summary, the report's counts.

Step outputs go to the file ``$GITHUB_OUTPUT`` names and the job summary to
``$GITHUB_STEP_SUMMARY`` (both appended to, as the runner expects). Counts are read from the
report's ``findings.json``, the documented machine-readable output, never from its text.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from auditor.core.errors import AuditorError
from auditor.core.model import Severity

SEVERITIES = tuple(s.value for s in reversed(Severity))  # critical first
_SNAPSHOT_LINE = re.compile(r"^snapshot (\d+) of (.+) saved to ", re.MULTILINE)
EXIT_MEANINGS = {
    0: "clean",
    1: "findings at or above the fail-on threshold",
    2: "usage or tool error, or an unreadable input file",
    3: "incomplete: some packages could not be checked",
}


def write_outputs(path: Path | None, values: Mapping[str, str]) -> None:
    """Append ``values`` to the step output file (multi-line values in heredoc form)."""
    if path is None:
        return
    lines = []
    for name, value in values.items():
        if "\n" in value:
            delimiter = f"auditor_{secrets.token_hex(8)}"
            lines.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            lines.append(f"{name}={value}\n")
    _append(path, "".join(lines))


def append_summary(path: Path | None, text: str) -> None:
    if path is not None:
        _append(path, text if text.endswith("\n") else text + "\n")


def _append(path: Path, text: str) -> None:
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise AuditorError(f"{path}: cannot write: {exc.strerror or exc}") from None


def snapshot_from_stdout(text: str) -> tuple[str, str]:
    """(snapshot id, project) from ``auditor report``'s "snapshot N of P saved to" line."""
    match = _SNAPSHOT_LINE.search(text)
    return (match.group(1), match.group(2)) if match else ("", "")


def read_findings(out: Path) -> dict[str, Any] | None:
    """The report's findings document, or None when the run wrote none."""
    path = out / "findings.json"
    if not path.exists():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AuditorError(f"{path}: cannot read the findings: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("summary"), dict):
        raise AuditorError(f"{path}: not an auditor findings document (no 'summary')")
    return document


def count_outputs(document: Mapping[str, Any] | None) -> dict[str, str]:
    """``status``, ``packages``, ``findings``, ``findings-<severity>``, ``malicious``."""
    if document is None:
        values = {"status": "error", "packages": "", "findings": "", "malicious": ""}
        return values | {f"findings-{s}": "" for s in SEVERITIES}
    summary = document["summary"]
    by_severity = summary.get("by_severity") or {}
    values = {
        "status": str(document.get("status", "")),
        "packages": str(summary.get("packages", "")),
        "findings": str(summary.get("findings", "")),
        "malicious": str(summary.get("malicious", 0)),
    }
    return values | {f"findings-{s}": str(by_severity.get(s, 0)) for s in SEVERITIES}


def summary_text(out: Path, exit_code: int, fail_on: str) -> str:
    """The job summary: the report's Markdown summary, else its text summary, and the
    verdict of the gate."""
    markdown = out / "summary.md"
    text = out / "summary.txt"
    if markdown.exists():
        body = markdown.read_text(encoding="utf-8")
    elif text.exists():
        plain = text.read_text(encoding="utf-8").replace("```", "'''")
        body = f"## auditor\n\n```text\n{plain.rstrip()}\n```\n"
    else:
        body = "## auditor\n\nThe audit wrote no report; the job log says why.\n"
    meaning = EXIT_MEANINGS.get(exit_code, "unexpected exit code")
    threshold = f" (fail-on: `{fail_on}`)" if fail_on and exit_code == 1 else ""
    verdict = f"auditor exit code {exit_code}: {meaning}{threshold}."
    return f"{body.rstrip()}\n\n{verdict}\n"
