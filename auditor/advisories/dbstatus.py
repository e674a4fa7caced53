"""``auditor db status``: what the local OSV databases hold and how old they are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from auditor.advisories.sync import META_NAME, ZIP_NAME, DbMeta, database_dir
from auditor.core.errors import SourceError
from auditor.core.model import Ecosystem


@dataclass(frozen=True, kw_only=True)
class DbStatus:
    """One ecosystem's database: ``state`` is ok, stale, missing or broken."""

    ecosystem: Ecosystem
    state: str
    meta: DbMeta | None = None
    age_days: float | None = None
    problem: str | None = None


def read_status(
    cache_dir: Path, ecosystem: Ecosystem, *, now: datetime, max_age: float
) -> DbStatus:
    """Inspect ``<cache>/osv/<Ecosystem>/`` without reading the whole zip."""
    folder = database_dir(cache_dir, ecosystem)
    zip_path, meta_path = folder / ZIP_NAME, folder / META_NAME
    if not zip_path.exists() and not meta_path.exists():
        return DbStatus(ecosystem=ecosystem, state="missing")
    if not zip_path.exists():
        return _broken(ecosystem, f"{zip_path}: missing (run auditor db sync)")
    try:
        meta = DbMeta.read(meta_path)
    except SourceError as exc:
        return _broken(ecosystem, f"{exc} (run auditor db sync)")
    size = zip_path.stat().st_size
    if size != meta.size:
        return _broken(
            ecosystem,
            f"{zip_path}: {size} bytes but {meta_path.name} records {meta.size} "
            "(interrupted sync?); run auditor db sync",
            meta,
        )
    age = max(0.0, (now - meta.downloaded_at).total_seconds() / 86400)
    state = "stale" if age > max_age else "ok"
    return DbStatus(ecosystem=ecosystem, state=state, meta=meta, age_days=age)


def _broken(ecosystem: Ecosystem, problem: str, meta: DbMeta | None = None) -> DbStatus:
    return DbStatus(ecosystem=ecosystem, state="broken", meta=meta, problem=problem)
