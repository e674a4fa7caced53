"""Lockfile collectors: one module per format, registered in ``registry.py``."""
