"""A source that asks each package version once: many audits in one process (the periods of
``report --backfill``) share most of their packages, and a package version's candidate
records do not change between them. A failed query is not remembered: the next audit
asks again (and its packages are unchecked if it fails again)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from auditor.advisories.base import AdvisorySource, SourceAnswer, SourceOptions
from auditor.advisories.osv import OsvRecord
from auditor.core.model import Package
from auditor.core.result import SourceInfo


@dataclass(frozen=True, kw_only=True)
class _Known:
    records: tuple[OsvRecord, ...]
    unchecked: tuple[str, ...]
    unaudited: tuple[str, ...]
    confirmed: tuple[str, ...]


class MemoSource(AdvisorySource):
    """``inner``, with its answer for each package id remembered."""

    def __init__(self, inner: AdvisorySource) -> None:
        self.inner = inner
        self.name = inner.name  # type: ignore[misc]
        self.live = inner.live  # type: ignore[misc]
        self.description = inner.description  # type: ignore[misc]
        self.ecosystems = inner.ecosystems
        self.hint = inner.hint
        self._known: dict[str, _Known] = {}
        self._info: SourceInfo | None = None
        self.asked = 0  # package versions the inner source was asked about

    @classmethod
    def from_options(cls, options: SourceOptions) -> AdvisorySource:
        raise NotImplementedError("a MemoSource wraps a source built elsewhere")

    def covers(self, package: Package) -> bool:
        return self.inner.covers(package)

    def describe(self) -> SourceInfo:
        return self.inner.describe()

    def query_all(self, packages: Sequence[Package]) -> SourceAnswer:
        todo = list({p.id: p for p in packages if p.id not in self._known}.values())
        fresh: dict[str, _Known] = {}
        if todo:
            answer = self.inner.query_all(todo)
            self.asked += len(todo)
            self._info = answer.info
            unchecked = _by_id(answer.unchecked)
            unaudited = _by_id(answer.unaudited)
            for package in todo:
                fresh[package.id] = _Known(
                    records=tuple(answer.records.get(package.id, ())),
                    unchecked=unchecked.get(package.id, ()),
                    unaudited=unaudited.get(package.id, ()),
                    confirmed=tuple(answer.confirmed.get(package.id, ())),
                )
            # what could not be checked is asked again by the next audit
            self._known.update((pid, k) for pid, k in fresh.items() if not k.unchecked)
        ids = sorted({p.id for p in packages})
        known = {pid: fresh.get(pid) or self._known[pid] for pid in ids}
        return SourceAnswer(
            records={pid: k.records for pid, k in known.items() if k.records},
            unchecked=tuple((pid, why) for pid, k in known.items() for why in k.unchecked),
            info=self._info or self.inner.describe(),
            unaudited=tuple((pid, why) for pid, k in known.items() for why in k.unaudited),
            confirmed={pid: k.confirmed for pid, k in known.items() if k.confirmed},
        )


def _by_id(pairs: Sequence[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for package_id, reason in pairs:
        out.setdefault(package_id, []).append(reason)
    return {k: tuple(v) for k, v in out.items()}
