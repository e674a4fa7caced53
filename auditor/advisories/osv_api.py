"""``osv-api``: the OSV API, batched, paged and hydrated concurrently.

A run costs ``ceil(N / 1000)`` ``querybatch`` calls for N distinct packages, a follow-up
batch for the queries whose answer was paged, and one ``GET /v1/vulns/{id}`` per distinct
record that the record cache does not already hold at the same ``modified`` time:

1. ``POST {base}/v1/querybatch`` with at most 1,000 queries (ecosystem, name, version);
   the answer lists, per query, the id and ``modified`` time of each record that affects
   that version. A result with a ``next_page_token`` is asked again (only those queries,
   with ``page_token``) until none is left.
2. Every distinct id is fetched with ``GET {base}/v1/vulns/{id}`` from a small thread pool,
   through the run's ``HttpClient`` (timeouts, rate limit, retries with backoff and
   ``Retry-After`` inside the per-run budget), unless cached (``osv_cache.py``).

The records are candidates: the audit evaluates each one against the locked version again,
so osv-api and osv-local give the same findings for the same records. A batch that fails
after its retries leaves its packages unchecked with the reason, a failed record leaves the
packages that named it unchecked; nothing that failed is ever read as "no advisories".

Names and versions are sent as OSV spells them: PyPI names PEP 503-normalised, npm names
as they are (``@scope/name``), Go module paths as they are with the version's ``v`` prefix
dropped (OSV's Go records use plain SemVer).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from auditor.advisories.base import (
    AdvisorySource,
    SourceAnswer,
    SourceOptions,
    git_commit,
    precheck,
)
from auditor.advisories.osv import OsvRecord, record_from_value
from auditor.advisories.osv_cache import FOLDER, RecordCache, cache_ttl
from auditor.core.errors import SourceError
from auditor.core.model import Ecosystem, Package
from auditor.core.redact import redact_url
from auditor.core.result import SourceInfo
from auditor.core.times import rfc3339
from auditor.net.client import HttpClient, NetConfig

BATCH_SIZE = 1000  # the API's limit per querybatch call
MAX_PAGE_ROUNDS = 50  # a server that keeps handing out tokens must not hold the run forever
WORKERS = 8
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}$")


@dataclass
class _Query:
    """One distinct (ecosystem, name, version) and what the API said about it."""

    ecosystem: Ecosystem
    name: str
    version: str
    packages: list[Package] = field(default_factory=list)
    hits: dict[str, str] = field(default_factory=dict)  # id -> modified ("" if not given)
    token: str | None = None
    failure: str | None = None
    commit: str | None = None  # a git package: asked by commit, not by version
    batches: set[int] = field(default_factory=set)  # the querybatch calls that answered it

    def payload(self) -> dict[str, Any]:
        query: dict[str, Any]
        if self.commit is not None:
            query = {"commit": self.commit}
        else:
            query = {
                "package": {"ecosystem": self.ecosystem.value, "name": self.name},
                "version": self.version,
            }
        if self.token is not None:
            query["page_token"] = self.token
        return query


def api_name(package: Package) -> str:
    return package.ecosystem.normalize_name(package.name)


def api_version(package: Package) -> str:
    if package.ecosystem is Ecosystem.GO:
        return package.version.removeprefix("v")
    return package.version


class OsvApiSource(AdvisorySource):
    name = "osv-api"
    live = True
    description = "the OSV API (querybatch, then each record by id), with a record cache"

    def __init__(
        self,
        base_url: str,
        *,
        client: HttpClient | None = None,
        cache: RecordCache | None = None,
        options: SourceOptions | None = None,
    ) -> None:
        base = base_url.rstrip("/")
        self.base = base.removesuffix("/v1")  # tolerate a base given with the API version
        self.client = client or HttpClient(NetConfig.from_env())
        self.cache = cache
        self.options = options or SourceOptions()
        self._records = 0
        self._ecosystems: set[str] = set()
        self.notes: tuple[str, ...] = ()  # said with every answer (why ``auto`` chose it)
        self._batches = itertools.count()

    @classmethod
    def from_options(cls, options: SourceOptions) -> OsvApiSource:
        ttl = cache_ttl(options.environ)
        cache = None
        if options.cache_dir is not None and ttl > 0:
            cache = RecordCache(options.cache_dir / FOLDER, ttl)
        client = options.http or HttpClient(NetConfig.from_env(options.environ))
        return cls(options.osv_url, client=client, cache=cache, options=options)

    @property
    def location(self) -> str:
        return redact_url(self.base)

    def describe(self) -> SourceInfo:
        return SourceInfo(name=self.name, location=self.location, notes=self.notes)

    def info(self) -> SourceInfo:
        return SourceInfo(
            name=self.name,
            location=self.location,
            updated=rfc3339(self.options.now),
            age_days=0.0,
            records=self._records,
            ecosystems=tuple(sorted(self._ecosystems)),
            notes=self.notes,
        )

    # -- the batch hook -------------------------------------------------------------------

    def query_all(self, packages: Sequence[Package]) -> SourceAnswer:
        unchecked: list[tuple[str, str]] = []
        unaudited: list[tuple[str, str]] = []
        queries: dict[tuple[str, ...], _Query] = {}
        for package in packages:
            reason = precheck(package)
            commit = git_commit(package)
            if reason is not None and commit is None:
                unaudited.append((package.id, reason))
                continue
            if commit is not None:  # OSV knows which commits GIT ranges affect
                query = _Query(package.ecosystem, api_name(package), "", commit=commit)
                queries.setdefault(("commit", commit), query).packages.append(package)
                continue
            key = (package.ecosystem, api_name(package), api_version(package))
            queries.setdefault((key[0].value, *key[1:]), _Query(*key)).packages.append(package)
        self._ask_all(list(queries.values()))
        if queries and all(q.failure for q in queries.values()):
            first = next(iter(queries.values())).failure or "every query failed"
            raise SourceError(first.removeprefix(f"{self.name}: "))
        wanted = {i: m for q in queries.values() if not q.failure for i, m in q.hits.items()}
        records, failed = self._hydrate(wanted)
        self._distrust(queries.values(), records)
        self._records = len(records)
        self._ecosystems = {q.ecosystem.value for q in queries.values()}
        found: dict[str, tuple[OsvRecord, ...]] = {}
        confirmed: dict[str, tuple[str, ...]] = {}
        for query in queries.values():
            missing = sorted(i for i in query.hits if i in failed)
            for package in query.packages:
                if query.failure:
                    unchecked.append((package.id, query.failure))
                    continue
                if missing:
                    unchecked.append((package.id, failed[missing[0]]))
                have = tuple(records[i] for i in sorted(query.hits) if i in records)
                if have:
                    found[package.id] = have
                    if query.commit is not None:  # the API's word: this commit is affected
                        confirmed[package.id] = tuple(r.id for r in have)
        return SourceAnswer(
            records=found,
            unchecked=tuple(unchecked),
            unaudited=tuple(unaudited),
            confirmed=confirmed,
            info=self.info(),
        )

    def _distrust(self, queries: Iterable[_Query], records: dict[str, OsvRecord]) -> None:
        """A record whose ``affected`` does not name the package it was answered for means
        the batch's results are not where they belong (shuffled, or records without
        ``affected``): every query of that batch is unchecked, since a misplaced empty
        result would otherwise read as clean."""
        bad: dict[int, str] = {}
        for query in queries:
            if query.commit is not None:
                continue  # records affecting a commit name its repository, not always a package
            strange = sorted(i for i in query.hits if i in records and not names(records[i], query))
            if strange:
                why = (
                    f"{self.name}: record {strange[0]} was answered for {query.name} but its "
                    "'affected' does not name it (a wrong-shaped answer)"
                )
                bad.update(dict.fromkeys(query.batches, why))
        for query in queries:
            hit = next((bad[b] for b in sorted(query.batches) if b in bad), None)
            if hit is not None and not query.failure:
                query.failure = hit

    # -- querybatch, with paging ------------------------------------------------------------

    def _ask_all(self, queries: list[_Query]) -> None:
        pending = queries
        for _ in range(MAX_PAGE_ROUNDS):
            for chunk in _chunks(pending, BATCH_SIZE):
                self._ask(chunk)
            pending = [q for q in pending if q.token is not None and q.failure is None]
            if not pending:
                return
        for query in pending:
            query.failure = f"{self.name}: more than {MAX_PAGE_ROUNDS} pages of results"

    def _ask(self, chunk: list[_Query]) -> None:
        url = f"{self.base}/v1/querybatch"
        try:
            answer = self.client.post_json(url, {"queries": [q.payload() for q in chunk]})
            results = _results(answer, len(chunk), f"POST {redact_url(url)}")
        except SourceError as exc:
            for query in chunk:
                query.failure = f"{self.name}: {exc}"
            return
        batch = next(self._batches)
        for query, (hits, token) in zip(chunk, results, strict=True):
            query.hits.update(hits)
            query.token = token
            query.batches.add(batch)

    # -- hydration ---------------------------------------------------------------------------

    def _hydrate(self, wanted: dict[str, str]) -> tuple[dict[str, OsvRecord], dict[str, str]]:
        records: dict[str, OsvRecord] = {}
        todo: list[str] = []
        for record_id, modified in sorted(wanted.items()):
            cached = None
            if self.cache is not None and modified:
                cached = self.cache.get(record_id, modified, self._origin(record_id))
            if cached is None:
                todo.append(record_id)
            else:
                records[record_id] = cached
        failed: dict[str, str] = {}
        if todo:
            with ThreadPoolExecutor(max_workers=min(WORKERS, len(todo))) as pool:
                for record_id, outcome in zip(todo, pool.map(self._fetch, todo), strict=True):
                    if isinstance(outcome, str):
                        failed[record_id] = outcome
                    else:
                        records[record_id] = outcome
        return records, failed

    def _fetch(self, record_id: str) -> OsvRecord | str:
        """The record, or why it could not be had (one line)."""
        url = f"{self.base}/v1/vulns/{quote(record_id, safe='')}"
        try:
            value = self.client.get_json(url, cache=False)
            record = record_from_value(value, self._origin(record_id))
        except SourceError as exc:
            return f"{self.name}: {exc}"
        if record.id != record_id:
            return f"{self.name}: GET {redact_url(url)} answered record {record.id!r}"
        if self.cache is not None:
            self.cache.put(record, value)
        return record

    def _origin(self, record_id: str) -> str:
        return f"{self.location}/v1/vulns/{record_id}"


def names(record: OsvRecord, query: _Query) -> bool:
    """Whether the record's ``affected`` names the package asked about: a server that
    shuffles its answers, or returns records without ``affected``, must not read as clean."""
    ecosystem = query.ecosystem.value.lower()
    for entry in record.affected:
        package = entry.package
        if package is None or package.ecosystem.split(":", 1)[0].lower() != ecosystem:
            continue
        if query.ecosystem.normalize_name(package.name) == query.name:
            return True
    return False


def _chunks(items: list[_Query], size: int) -> Iterator[list[_Query]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _results(answer: Any, expected: int, shown: str) -> list[tuple[dict[str, str], str | None]]:
    """Validate a querybatch answer: ``[(id -> modified, next page token)]`` per query."""

    def bad(message: str) -> SourceError:
        return SourceError(f"{shown}: malformed answer: {message}")

    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, list):
        raise bad("no 'results' list")
    if len(results) != expected:
        raise bad(f"{len(results)} results for {expected} queries")
    parsed = []
    for i, result in enumerate(results):
        if not isinstance(result, dict):
            raise bad(f"results[{i}] is not an object")
        vulns = result.get("vulns", [])
        if not isinstance(vulns, list):
            raise bad(f"results[{i}].vulns is not a list")
        hits: dict[str, str] = {}
        for j, vuln in enumerate(vulns):
            record_id = vuln.get("id") if isinstance(vuln, dict) else None
            if not isinstance(record_id, str) or not _ID.match(record_id):
                raise bad(f"results[{i}].vulns[{j}].id is not an advisory id")
            modified = vuln.get("modified")
            hits[record_id] = modified if isinstance(modified, str) else ""
        token = result.get("next_page_token")
        if token is not None and (not isinstance(token, str) or not token):
            raise bad(f"results[{i}].next_page_token is not a string")
        parsed.append((hits, token))
    return parsed
