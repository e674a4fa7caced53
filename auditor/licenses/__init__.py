"""Licences: declared licence text normalised to SPDX expressions, and the policy that
evaluates them (``spdx.py``, ``pypi.py``, ``policy.py``)."""
