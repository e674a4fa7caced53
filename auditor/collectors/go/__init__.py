"""Collectors of go.mod and go.sum."""
