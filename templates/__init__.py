"""The HTML site's Jinja2 templates, stylesheet and script (package data)."""
