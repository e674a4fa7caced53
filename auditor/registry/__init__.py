"""Package-registry metadata: where each ecosystem's registry is (``config.py``) and, later,
the clients that read release dates, yanked/deprecated flags and maintainers from it."""
