"""``auto``, the default advisory source: the best data that can answer, per ecosystem.

- ``--offline``: ``osv-local``, on what ``auditor db sync`` downloaded if anything, else on
  the bundled sample (which every output then calls a sample);
- a database given (``--advisory-db``): ``osv-local`` on it;
- otherwise, per ecosystem: the synced database when it is there and not stale
  (``auditor db status`` says ``ok``), else the OSV API (batched, with its record cache).

What ``auto`` chose is what the run's ``sources[]`` lists: one ``osv-local`` for the
ecosystems with a fresh synced database, one ``osv-api`` for the rest. If the API cannot be
reached, its packages are unchecked (the run is incomplete, exit 3) and the reason says how
to give the run data of its own (``HINT``): a stale database is never used in its place.
"""

from __future__ import annotations

from auditor.advisories.base import AdvisorySource, SourceOptions
from auditor.advisories.dbstatus import read_status
from auditor.advisories.osv_api import OsvApiSource
from auditor.advisories.osv_local import OsvLocalSource, synced_database
from auditor.core.model import Ecosystem

NAME = "auto"
HINT = (
    "run auditor db sync (then the database is used, offline too), give --advisory-db a "
    "database of OSV records, or pass --offline to use the bundled sample on purpose"
)


def auto_sources(options: SourceOptions) -> tuple[AdvisorySource, ...]:
    """The sources ``auto`` stands for with these options (nothing is read or sent yet,
    except each synced database's ``meta.json``)."""
    if options.offline or options.advisory_db is not None:
        return (OsvLocalSource.from_options(options),)
    fresh, notes = _fresh_databases(options)
    chosen: list[AdvisorySource] = []
    folder = synced_database(options.cache_dir)
    if fresh and folder is not None:
        local = OsvLocalSource(folder, options=options, synced=True)
        chosen.append(local.only(frozenset(fresh)))
    rest = frozenset(Ecosystem) - frozenset(fresh)
    if rest:
        api = OsvApiSource.from_options(options)
        api.notes = tuple(notes)
        chosen.append(api.only(rest, HINT))
    return tuple(chosen)


def _fresh_databases(options: SourceOptions) -> tuple[list[Ecosystem], list[str]]:
    """The ecosystems whose synced database is there and current, and a note for each one
    that is there but cannot be used (stale or broken)."""
    if options.cache_dir is None:
        return [], []
    fresh: list[Ecosystem] = []
    notes: list[str] = []
    for ecosystem in Ecosystem:
        status = read_status(
            options.cache_dir, ecosystem, now=options.now, max_age=options.stale_days
        )
        if status.state == "ok":
            fresh.append(ecosystem)
        elif status.state == "stale":
            age = f"{status.age_days:.0f} days old" if status.age_days is not None else "stale"
            notes.append(
                f"the synced {ecosystem.value} database is stale ({age}): the OSV API was "
                f"asked instead (run auditor db sync --ecosystem {ecosystem.value})"
            )
        elif status.state == "broken":
            notes.append(
                f"the synced {ecosystem.value} database cannot be used ({status.problem}): "
                "the OSV API was asked instead"
            )
    return fresh, notes
