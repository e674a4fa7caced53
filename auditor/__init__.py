"""auditor: dependency and supply-chain audit of a repository's lockfiles."""

__version__ = "0.1.0"
