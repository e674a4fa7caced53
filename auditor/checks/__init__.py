"""Checks: each turns the graph (and the data it needs) into findings of its own kind."""
