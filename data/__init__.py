"""Bundled data: the advisory sample, popular-package lists, JSON Schemas (package data)."""
