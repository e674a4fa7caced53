"""Package-registry metadata: where each ecosystem's registry is (``config.py``), the clients
that read releases, dates, yanked/deprecated flags, maintainers and requirements from it
(``pypi.py``, ``npm.py``, ``golang.py``), and the registries of one run (``lookup.py``)."""
