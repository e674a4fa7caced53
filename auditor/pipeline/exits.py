"""The exit status of a run, shared by the command line and the GitHub Action."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.core.result import AuditResult

EXIT_OK = 0
EXIT_FINDINGS = 1  # findings at or above --fail-on (or: the package asked about is absent)
EXIT_ERROR = 2  # usage error, unreadable input, tool error
EXIT_INCOMPLETE = 3  # some packages could not be checked


def exit_code(
    result: AuditResult,
    fail_on: str | None,
    *,
    gate: bool = True,
    unknown: str | None = None,
) -> int:
    """2 for unreadable files, 1 for blocking findings (``unknown``: how findings without
    a severity count, ``--unknown-severity``; default the settings' default), 3 when
    incomplete, else 0."""
    # imported here: the command line reads the codes above before any command runs
    from auditor.core.result import Status
    from auditor.pipeline.policy import blocking
    from auditor.settings import DEFAULT_UNKNOWN_SEVERITY

    if unknown is None:
        unknown = DEFAULT_UNKNOWN_SEVERITY
    if result.errors:
        return EXIT_ERROR
    if gate and blocking(result.findings, fail_on, unknown=unknown):
        return EXIT_FINDINGS
    if result.status is Status.INCOMPLETE:
        return EXIT_INCOMPLETE
    return EXIT_OK
