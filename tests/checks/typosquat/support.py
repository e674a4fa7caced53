"""Small popular lists for rule tests (real names, simplified weights)."""

from __future__ import annotations

from auditor.checks.typosquat.popular import PopularList, WeightKind
from auditor.core.model import Ecosystem


def pypi_list(ranks: dict[str, int]) -> PopularList:
    return PopularList(ecosystem=Ecosystem.PYPI, kind=WeightKind.RANK, weights=ranks)


def npm_list(downloads: dict[str, int]) -> PopularList:
    return PopularList(ecosystem=Ecosystem.NPM, kind=WeightKind.DOWNLOADS, weights=downloads)
