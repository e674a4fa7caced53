"""The GitHub Actions side of a run: step outputs, the job summary, the report's counts.

Step outputs go to the file ``$GITHUB_OUTPUT`` names and the job summary to
``$GITHUB_STEP_SUMMARY`` (both appended to, as the runner expects). Counts come from the
report job's typed result (``auditor.pipeline.report``), never from its printed text.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path

from auditor.core.errors import AuditorError
from auditor.core.findings import Severity
from auditor.pipeline.report import Counts

SEVERITIES = tuple(s.value for s in reversed(Severity))  # critical first
EXIT_MEANINGS = {
    0: "clean",
    1: "findings at or above the fail-on threshold",
    2: "usage or tool error, nothing to audit, or an unreadable input file",
    3: "incomplete: a check that should have run for some packages could not",
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


def count_outputs(counts: Counts | None) -> dict[str, str]:
    """``status``, ``packages``, ``findings``, ``findings-<severity>``, ``malicious``; with
    no result (the job failed before writing a report) the status is ``error``."""
    if counts is None:
        values = {"status": "error", "packages": "", "findings": "", "malicious": ""}
        return values | {f"findings-{s}": "" for s in SEVERITIES}
    by_severity = {severity.value: n for severity, n in counts.by_severity}
    values = {
        "status": counts.status.value,
        "packages": str(counts.packages),
        "findings": str(counts.findings),
        "malicious": str(counts.malicious),
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
