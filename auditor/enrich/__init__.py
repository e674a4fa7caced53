"""Completing the graph from the package registries: edges of flat files, health."""
