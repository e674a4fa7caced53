"""Collectors of npm, pnpm and yarn lockfiles."""
