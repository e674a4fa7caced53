"""A local OSV API (and PyPI JSON API) over a directory of real OSV records, for tests and
benchmarks: ``POST /v1/query``, ``POST /v1/querybatch`` (at most 1,000 queries, paged per
query with ``next_page_token``), ``GET /v1/vulns/{id}`` and Warehouse's
``GET /pypi/{name}/{version}/json`` with its ``vulnerabilities`` list.

The server decides which records affect a version itself, as the real API does, with its
own implementation of the OSV schema's evaluation (sorted events, ``introduced``/``fixed``/
``last_affected``/``limit``, ``versions`` lists): ``packaging`` for PEP 440 and a small
SemVer comparison written here, sharing no code with ``auditor.advisories.match`` or
``auditor.versions``. That is what makes the comparisons meaningful: auditor re-evaluates
every record the API returns, so a server that returned every record of the package name
would let auditor's matcher grade its own homework, and pip-audit and uv audit (which trust
the API's answer) would report records that do not affect the version. With
``evaluate=False`` the server does return every record naming the package (to show that
auditor's answer does not depend on the API's filtering).

A query by git commit (``{"commit": SHA}``) answers the records given for that commit
(``commits=``: the real API computes them from the repository's history) and those whose GIT
range is introduced or last affected at exactly that commit.

Faults: ``fail_every=n`` turns every n-th request (all endpoints counted together) into
``failure(real_reply)``, e.g. a 500, a 429 with Retry-After, a dropped connection or a
truncated body. ``counts()`` tells how many requests each endpoint got.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from tests.httpserver import HttpTestServer, Reply, Request, json_reply

MAX_BATCH = 1000
Failure = Callable[[Reply], Reply]


# -- versions, independently of auditor.versions -------------------------------------------

_SEMVER = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def semver_key(text: str) -> tuple[Any, ...]:
    """SemVer 2.0 precedence (a leading ``v`` and build metadata ignored)."""
    match = _SEMVER.match(text.strip())
    if match is None:
        raise ValueError(f"not SemVer: {text!r}")
    major, minor, patch, pre = match.groups()
    core = (int(major), int(minor), int(patch))
    if pre is None:
        return (core, 1, ())
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (core, 0, parts)


def version_key(ecosystem: str, text: str) -> Any:
    if ecosystem == "PyPI":
        try:
            return Version(text)
        except InvalidVersion:
            raise ValueError(f"not PEP 440: {text!r}") from None
    return semver_key(text)


def normalise(ecosystem: str, name: str) -> str:
    return canonicalize_name(name) if ecosystem == "PyPI" else name


def range_includes(ecosystem: str, events: list[dict[str, str]], version: str) -> bool:
    """The OSV schema's pseudo-code: walk the events sorted by version."""
    key = version_key(ecosystem, version)
    limits = [e["limit"] for e in events if "limit" in e]
    if limits and not any(v == "*" or key < version_key(ecosystem, v) for v in limits):
        return False
    timeline = []
    for order, event in enumerate(events):
        kind, value = next(iter(event.items()))
        if kind == "limit":
            continue
        at = None if (kind == "introduced" and value == "0") else version_key(ecosystem, value)
        timeline.append((at is not None, at, order, kind))
    timeline.sort(key=lambda t: (t[0], t[1] if t[0] else 0, t[2]))
    affected = False
    for _, at, _, kind in timeline:
        if kind == "introduced" and (at is None or key >= at):
            affected = True
        elif (kind == "fixed" and at is not None and key >= at) or (
            kind == "last_affected" and at is not None and key > at
        ):
            affected = False
    return affected


def affects(record: dict[str, Any], ecosystem: str, name: str, version: str) -> bool:
    for entry in record.get("affected", []):
        package = entry.get("package") or {}
        if package.get("ecosystem") != ecosystem:
            continue
        if normalise(ecosystem, package.get("name", "")) != normalise(ecosystem, name):
            continue
        listed = entry.get("versions", [])
        if version in listed:
            return True
        try:
            key = version_key(ecosystem, version)
            if any(_same(ecosystem, v, key) for v in listed):
                return True
        except ValueError:
            pass
        for rng in entry.get("ranges", []):
            if rng.get("type") not in ("ECOSYSTEM", "SEMVER"):
                continue
            try:
                if range_includes(ecosystem, rng.get("events", []), version):
                    return True
            except ValueError:
                continue  # an event the server cannot compare: that range says nothing
    return False


def _same(ecosystem: str, text: str, key: Any) -> bool:
    try:
        return bool(version_key(ecosystem, text) == key)
    except ValueError:
        return False


# -- the record set ----------------------------------------------------------------------------


@dataclass
class RecordSet:
    """Real OSV records by id and by (ecosystem, normalised name)."""

    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_package: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, *folders: Path) -> RecordSet:
        records = cls()
        for folder in folders:
            for path in sorted(folder.rglob("*.json")):
                value = json.loads(path.read_text(encoding="utf-8"))
                if not value.get("id"):
                    value["id"] = path.stem
                records.add(value)
        return records

    def add(self, record: dict[str, Any]) -> None:
        self.by_id[record["id"]] = record
        for entry in record.get("affected", []):
            package = entry.get("package") or {}
            key = (
                package.get("ecosystem", ""),
                normalise(package.get("ecosystem", ""), package.get("name", "")),
            )
            ids = self.by_package.setdefault(key, [])
            if record["id"] not in ids:
                ids.append(record["id"])

    def matching(
        self, ecosystem: str, name: str, version: str | None, evaluate: bool
    ) -> list[dict[str, Any]]:
        ids = self.by_package.get((ecosystem, normalise(ecosystem, name)), [])
        found = [self.by_id[i] for i in sorted(ids)]
        if evaluate and version is not None:
            found = [r for r in found if affects(r, ecosystem, name, version)]
        return found


# -- the API -----------------------------------------------------------------------------------


class OsvApi:
    """Routes for an ``HttpTestServer`` speaking the OSV API over a ``RecordSet``."""

    def __init__(
        self,
        records: RecordSet,
        *,
        page_size: int = 1000,
        evaluate: bool = True,
        fail_every: int = 0,
        failure: Failure | None = None,
        known_packages: Iterable[str] | None = None,
        commits: dict[str, list[str]] | None = None,
        reorder: bool = False,
        record_fault: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> None:
        # wrong-shaped but 200 answers: querybatch results in reverse order, records changed
        self.reorder = reorder
        self.record_fault = record_fault
        self.records = records
        # commit → ids of the records the real API computes as affecting it (it walks the
        # repository's history from each GIT range; this server cannot)
        self.commits = commits or {}
        self.page_size = page_size
        self.evaluate = evaluate
        self.fail_every = fail_every
        self.failure = failure or (lambda _real: json_reply({"error": "unavailable"}, status=500))
        self.known = (
            None if known_packages is None else {canonicalize_name(n) for n in known_packages}
        )
        self.server: HttpTestServer | None = None
        self._calls = itertools.count(1)
        self._lock = threading.Lock()

    def install(self, server: HttpTestServer) -> OsvApi:
        self.server = server
        server.route("POST", "/v1/query", self._faulty(self._query))
        server.route("POST", "/v1/querybatch", self._faulty(self._querybatch))
        server.route("GET", "/v1/vulns/*", self._faulty(self._vuln))
        server.route("GET", "/pypi/*", self._faulty(self._pypi_json))
        # uv audit also asks the lock's index for each project's status (PEP 792)
        server.route("GET", "/simple/*", self._simple)
        return self

    def counts(self) -> Counter[str]:
        """Requests per endpoint: ``query``, ``querybatch``, ``vulns``, ``pypi``."""
        assert self.server is not None
        counter: Counter[str] = Counter()
        for request in self.server.requests:
            parts = request.path.strip("/").split("/")
            counter[parts[1] if parts[0] == "v1" and len(parts) > 1 else parts[0]] += 1
        return counter

    def _faulty(self, handler: Callable[[Request], Reply]) -> Callable[[Request], Reply]:
        def serve(request: Request) -> Reply:
            with self._lock:
                call = next(self._calls)
            real = handler(request)
            if self.fail_every and call % self.fail_every == 0:
                return self.failure(real)
            return real

        return serve

    # -- endpoints ---------------------------------------------------------------------------

    def _page(
        self, records: list[dict[str, Any]], token: str | None
    ) -> tuple[list[dict[str, Any]], str | None] | None:
        start = 0
        if token is not None:
            if not token.startswith("page-") or not token[5:].isdigit():
                return None
            start = int(token[5:])
        end = start + self.page_size
        return records[start:end], (f"page-{end}" if end < len(records) else None)

    def _lookup(self, query: Any) -> list[dict[str, Any]] | None:
        if isinstance(query, dict) and isinstance(query.get("commit"), str):
            return self._by_commit(query["commit"])
        if not isinstance(query, dict) or not isinstance(query.get("package"), dict):
            return None
        package = query["package"]
        ecosystem, name = package.get("ecosystem"), package.get("name")
        if not isinstance(ecosystem, str) or not isinstance(name, str):
            return None
        version = query.get("version")
        return self.records.matching(ecosystem, name, version, self.evaluate)

    def _by_commit(self, commit: str) -> list[dict[str, Any]]:
        """The records affecting a commit: those given for it, and those whose GIT range
        starts or last affects exactly there (all this server can know without the repo)."""
        ids = set(self.commits.get(commit, ()))
        for record_id, record in self.records.by_id.items():
            for entry in record.get("affected", []):
                for rng in entry.get("ranges", []):
                    if rng.get("type") != "GIT":
                        continue
                    events = rng.get("events", [])
                    if any(
                        e.get("introduced") == commit or e.get("last_affected") == commit
                        for e in events
                    ):
                        ids.add(record_id)
        return [self.records.by_id[i] for i in sorted(ids) if i in self.records.by_id]

    def _query(self, request: Request) -> Reply:
        query = request.json()
        found = self._lookup(query)
        page = None if found is None else self._page(found, query.get("page_token"))
        if page is None:
            return json_reply({"code": 3, "message": "Invalid query."}, status=400)
        vulns, token = page
        body: dict[str, Any] = {"vulns": vulns} if vulns else {}
        if token:
            body["next_page_token"] = token
        return json_reply(body)

    def _querybatch(self, request: Request) -> Reply:
        queries = request.json().get("queries")
        if not isinstance(queries, list) or len(queries) > MAX_BATCH:
            return json_reply({"code": 3, "message": "Too many queries."}, status=400)
        results = []
        for query in queries:
            found = self._lookup(query)
            page = None if found is None else self._page(found, query.get("page_token"))
            if page is None:
                return json_reply({"code": 3, "message": "Invalid query."}, status=400)
            vulns, token = page
            result: dict[str, Any] = {}
            if vulns:
                result["vulns"] = [{"id": r["id"], "modified": r["modified"]} for r in vulns]
            if token:
                result["next_page_token"] = token
            results.append(result)
        return json_reply({"results": results[::-1] if self.reorder else results})

    def _vuln(self, request: Request) -> Reply:
        record_id = unquote(request.path.rsplit("/", 1)[1])
        record = self.records.by_id.get(record_id)
        if record is None:
            return json_reply({"code": 5, "message": "Bug not found."}, status=404)
        return json_reply(self.record_fault(dict(record)) if self.record_fault else record)

    def _simple(self, request: Request) -> Reply:
        """A PEP 691 project page with no files and no adverse status."""
        name = unquote(request.path.strip("/").split("/")[1]) if "/" in request.path[1:] else ""
        body = {"meta": {"api-version": "1.0"}, "name": canonicalize_name(name), "files": []}
        return json_reply(body, headers={"Content-Type": "application/vnd.pypi.simple.v1+json"})

    def _pypi_json(self, request: Request) -> Reply:
        """Warehouse's ``/pypi/<name>/<version>/json``: PyPI's vulnerabilities for a release."""
        parts = request.path.strip("/").split("/")
        if len(parts) != 4 or parts[3] != "json":
            return json_reply({"message": "Not Found"}, status=404)
        name, version = unquote(parts[1]), unquote(parts[2])
        if self.known is not None and canonicalize_name(name) not in self.known:
            return json_reply({"message": "Not Found"}, status=404)
        vulns = []
        for record in self.records.matching("PyPI", name, version, evaluate=True):
            fixed = sorted(
                {
                    e["fixed"]
                    for a in record.get("affected", [])
                    if normalise("PyPI", (a.get("package") or {}).get("name", ""))
                    == canonicalize_name(name)
                    for r in a.get("ranges", [])
                    if r.get("type") == "ECOSYSTEM"
                    for e in r.get("events", [])
                    if "fixed" in e
                },
                key=_pep440_or_text,
            )
            vulns.append(
                {
                    "aliases": record.get("aliases", []),
                    "details": record.get("details"),
                    "summary": record.get("summary"),
                    "fixed_in": fixed,
                    "id": record["id"],
                    "link": f"https://osv.dev/vulnerability/{record['id']}",
                    "source": "osv",
                    "withdrawn": record.get("withdrawn"),
                }
            )
        info = {"name": name, "version": version}
        return json_reply({"info": info, "last_serial": 1, "urls": [], "vulnerabilities": vulns})


def _pep440_or_text(text: str) -> tuple[int, Any]:
    try:
        return (0, Version(text))
    except InvalidVersion:
        return (1, text)
