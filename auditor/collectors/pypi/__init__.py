"""Collectors of Python lockfiles and manifests."""
