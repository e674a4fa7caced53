"""Typosquatting: package names that imitate a much more popular package.

The engine is self-contained: ``popular`` (the bundled lists), ``forms`` and ``edits`` (the
spellings compared), ``index`` (the lookup tables), ``detector`` (the rules, the popularity
ratio), ``allowlist``; ``check`` turns matches into findings for the graph check and for
``auditor check-name``. See docs/checks.md.
"""

from __future__ import annotations

from auditor.checks.typosquat.allowlist import AllowList, AllowListError, load_allow_list
from auditor.checks.typosquat.check import TyposquatCheck, typosquat_findings
from auditor.checks.typosquat.detector import Settings, TyposquatDetector, default_detector
from auditor.checks.typosquat.rules import Match, Rule

__all__ = [
    "AllowList",
    "AllowListError",
    "Match",
    "Rule",
    "Settings",
    "TyposquatCheck",
    "TyposquatDetector",
    "default_detector",
    "load_allow_list",
    "typosquat_findings",
]
