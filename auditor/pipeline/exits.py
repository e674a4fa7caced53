"""The exit status of a run, shared by the command line and the GitHub Action.

- 0: every check that should have run ran, and nothing blocks;
- 1: findings at or above ``--fail-on`` (any security finding without it, for ``scan``);
- 2: a usage or tool error, nothing to audit, or an input file that could not be read;
- 3: incomplete: a check that should have run for a package could not (a source down, a
  timeout, a spent budget). What could not be audited at all (packages from git or a URL
  that no advisory describes, unpinned dependencies, unsupported lockfiles) is listed
  without failing the run, unless ``--strict`` asks for 3 then too.

2 wins over 1, 1 over 3.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.core.result import AuditResult

EXIT_OK = 0
EXIT_FINDINGS = 1  # findings at or above --fail-on (or: the package asked about is absent)
EXIT_ERROR = 2  # usage error, unreadable input, nothing to audit, tool error
EXIT_INCOMPLETE = 3  # a check that should have run for a package could not


def exit_code(
    result: AuditResult,
    fail_on: str | None,
    *,
    gate: bool = True,
    unknown: str | None = None,
    strict: bool = False,
) -> int:
    """2 for unreadable files, 1 for blocking findings (``unknown``: how findings without
    a severity count, ``--unknown-severity``; default the settings' default), 3 when
    incomplete (or, with ``strict``, when anything could not be audited), else 0."""
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
    if strict and not_audited(result):
        return EXIT_INCOMPLETE
    return EXIT_OK


def not_audited(result: AuditResult) -> int:
    """How many things ``--strict`` fails on: packages no advisory source could describe
    (not acknowledged by an ignore), unpinned dependencies, unsupported files."""
    return len(result.unacknowledged) + len(result.skipped) + len(result.unsupported)
