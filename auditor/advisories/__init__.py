"""Advisory sources (OSV records on disk, the OSV API, PyPI) and the OSV evaluation."""

# Defaults the settings read; here, not in base.py, so that reading them loads no source.
DEFAULT_STALE_DAYS = 7.0
DEFAULT_OSV_URL = "https://api.osv.dev"  # OSV's public API (not a package registry)
