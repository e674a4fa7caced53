"""Lockfile collectors: one folder per ecosystem, one module per format, each registered
in ``plugins.py``."""
