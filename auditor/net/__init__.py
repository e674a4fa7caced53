"""The one HTTP client, its cache, settings, limits and errors."""
