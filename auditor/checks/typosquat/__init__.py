"""Typosquatting: package names that imitate a much more popular package.

The engine is self-contained: ``popular`` (the bundled lists), ``forms`` and ``edits`` (the
spellings compared), ``index`` (the lookup tables), ``detector`` (the rules, the popularity
ratio), ``allowlist``. ``check`` (imported on its own, as it depends on the check base) turns
matches into findings for the graph check and for ``auditor check-name``. See docs/checks.md.
"""
