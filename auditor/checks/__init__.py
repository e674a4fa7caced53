"""Checks: each turns the graph (and the data it needs) into findings of its own kind."""

# A default the settings read; here, not in base.py, so that reading it loads no check.
DEFAULT_UNMAINTAINED_DAYS = 730  # a project without a release for this long is unmaintained
