"""osv-api against a local OSV API: batching, paging, hydration, the record cache, names,
retries and failures (every failure leaves packages unchecked, never clean)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from auditor.advisories.base import SourceOptions
from auditor.advisories.osv_api import BATCH_SIZE, MAX_PAGE_ROUNDS, OsvApiSource
from auditor.advisories.osv_cache import RecordCache, cache_ttl
from auditor.core.errors import SourceError, UsageError
from auditor.core.model import Package, Source, SourceKind
from auditor.net.client import HttpClient
from tests.advisories.support import pkg, raw
from tests.httpserver import FakeClock, HttpTestServer, Reply, json_reply, quick_config, retry_after
from tests.osvserver import OsvApi, RecordSet
from tests.support import FIXTURES

RECORDS = FIXTURES / "osv-api" / "records"
URLLIB3 = pkg("PyPI", "urllib3", "1.24.1")  # seven PYSEC records affect it
JINJA = pkg("PyPI", "jinja2", "2.10")
CLEAN = pkg("PyPI", "pyramid-services", "2.2")


@pytest.fixture(scope="module")
def records() -> RecordSet:
    """The real records the local API serves."""
    return RecordSet.load(RECORDS, FIXTURES / "advisories")


def source(
    server: HttpTestServer,
    cache: RecordCache | None = None,
    clock: FakeClock | None = None,
    **net: object,
) -> OsvApiSource:
    client = HttpClient(quick_config(**net), clock=clock or FakeClock())
    return OsvApiSource(server.url, client=client, cache=cache)


def ids(answer_records: dict[str, tuple[object, ...]], package: Package) -> list[str]:
    return sorted(r.id for r in answer_records.get(package.id, ()))  # type: ignore[attr-defined]


def test_one_batch_then_one_get_per_distinct_record(
    http_server: HttpTestServer, records: RecordSet
) -> None:
    """Three packages cost one querybatch and one GET per distinct affecting record."""
    api = OsvApi(records).install(http_server)
    answer = source(http_server).query_all([URLLIB3, JINJA, CLEAN])
    expected = sorted(r["id"] for r in records.matching("PyPI", "urllib3", "1.24.1", True))
    assert expected == ids(answer.records, URLLIB3)
    assert CLEAN.id not in answer.records
    distinct = {r.id for found in answer.records.values() for r in found}
    assert {"querybatch": 1, "vulns": len(distinct), "simple": 0} == {
        k: api.counts()[k] for k in ("querybatch", "vulns", "simple")
    }
    assert () == answer.unchecked
    assert ("osv-api", http_server.url, len(distinct)) == (
        answer.info.name,
        answer.info.location,
        answer.info.records,
    )


def test_same_record_for_two_packages_is_fetched_once(
    http_server: HttpTestServer, records: RecordSet
) -> None:
    """Two versions affected by the same record: the record is hydrated once."""
    api = OsvApi(records).install(http_server)
    older = pkg("PyPI", "urllib3", "1.24")
    answer = source(http_server).query_all([URLLIB3, older])
    shared = set(ids(answer.records, URLLIB3)) & set(ids(answer.records, older))
    assert shared
    fetched = [r.path.rsplit("/", 1)[1] for r in http_server.calls("GET")]
    assert sorted(set(fetched)) == sorted(fetched)
    assert 1 == api.counts()["querybatch"]


def test_more_than_1000_packages_are_split_into_batches(
    http_server: HttpTestServer, records: RecordSet
) -> None:
    """1,201 packages: two querybatch calls of 1,000 and 201 queries (the server refuses
    more than 1,000), same answers as one package at a time."""
    OsvApi(records).install(http_server)
    filler = [pkg("PyPI", f"unknown-{i}", "1.0") for i in range(BATCH_SIZE + 198)]
    packages = [URLLIB3, *filler, JINJA, CLEAN]
    answer = source(http_server).query_all(packages)
    sizes = [len(r.json()["queries"]) for r in http_server.calls("POST", "/v1/querybatch")]
    assert [1000, 201] == sizes
    assert {URLLIB3.id, JINJA.id} == set(answer.records)
    assert () == answer.unchecked


def test_paged_results_are_asked_again_alone(
    http_server: HttpTestServer, records: RecordSet
) -> None:
    """With two records per page, only the paged queries are re-sent (with page_token),
    until no token is left; nothing is lost to paging."""
    OsvApi(records, page_size=2).install(http_server)
    answer = source(http_server).query_all([URLLIB3, JINJA, CLEAN])
    batches = [r.json()["queries"] for r in http_server.calls("POST", "/v1/querybatch")]
    assert 3 == len(batches[0])
    later = [q for batch in batches[1:] for q in batch]
    assert later
    assert all("page_token" in q for q in later)
    assert {"urllib3"} == {q["package"]["name"] for q in later}
    expected = sorted(r["id"] for r in records.matching("PyPI", "urllib3", "1.24.1", True))
    assert len(expected) > 2
    assert expected == ids(answer.records, URLLIB3)


def test_endless_paging_is_bounded(http_server: HttpTestServer) -> None:
    """A server that always hands out a token: the package is unchecked, the run ends."""

    def endless(request: object) -> Reply:
        return json_reply({"results": [{"next_page_token": "again"}]})

    http_server.route("POST", "/v1/querybatch", endless)
    with pytest.raises(SourceError, match=f"more than {MAX_PAGE_ROUNDS} pages of results"):
        source(http_server).query_all([CLEAN])
    assert MAX_PAGE_ROUNDS == len(http_server.calls("POST", "/v1/querybatch"))


def test_names_and_versions_as_osv_spells_them(
    http_server: HttpTestServer, records: RecordSet
) -> None:
    """PyPI names PEP 503-normalised, npm scoped names as they are, Go without the v."""
    OsvApi(records).install(http_server)
    packages = [
        pkg("PyPI", "Zope.SQLAlchemy", "1.1"),
        pkg("npm", "@babel/core", "7.0.0"),
        pkg("Go", "golang.org/x/crypto", "v0.1.0"),
        pkg("Go", "github.com/docker/docker", "v20.10.0+incompatible"),
    ]
    source(http_server).query_all(packages)
    [batch] = http_server.calls("POST", "/v1/querybatch")
    sent = [
        (q["package"]["ecosystem"], q["package"]["name"], q["version"])
        for q in batch.json()["queries"]
    ]
    assert [
        ("PyPI", "zope-sqlalchemy", "1.1"),
        ("npm", "@babel/core", "7.0.0"),
        ("Go", "golang.org/x/crypto", "0.1.0"),
        ("Go", "github.com/docker/docker", "20.10.0+incompatible"),
    ] == sent


def test_packages_no_advisory_describes_are_unaudited_and_not_sent(
    http_server: HttpTestServer,
) -> None:
    """A versionless package, a git package locked at no full commit and an archive at a
    URL: no advisory describes them by version, so they are unaudited (not unchecked: no
    check failed), with the reason, and nothing is sent."""
    versionless = pkg("PyPI", "x", "")
    branch = pkg(
        "PyPI", "y", "1.0", Source(kind=SourceKind.GIT, url="https://g.invalid/y", reference="main")
    )
    archive = pkg("PyPI", "z", "1.0", Source(kind=SourceKind.URL, url="https://f.invalid/z.whl"))
    answer = source(http_server).query_all([versionless, branch, archive])
    assert () == answer.unchecked
    assert {
        versionless.id: "no version recorded: advisories describe versions",
        branch.id: "from git, not a registry: advisories describe registry releases",
        archive.id: "from url, not a registry: advisories describe registry releases",
    } == dict(answer.unaudited)
    assert [] == http_server.requests


WERKZEUG_FIX = "517cac5a804e8c4dc4ed038bb20dacd038e7a9f1"  # PYSEC-2023-58's GIT fix
BEFORE_FIX = "b1916c0c083e0be1c9d887ee2f3d696922bfc5c1"  # the server is told it is affected


def test_git_packages_are_asked_by_commit(http_server: HttpTestServer, records: RecordSet) -> None:
    """A git package locked at a full commit is asked by commit ({"commit": SHA}, OSV's
    commit query); the records the API names affect it on the API's word (confirmed)."""
    api = OsvApi(records, commits={BEFORE_FIX: ["PYSEC-2023-58"]}).install(http_server)
    git = Source(
        kind=SourceKind.GIT, url="https://github.com/pallets/werkzeug", reference=BEFORE_FIX
    )
    checkout = pkg("PyPI", "werkzeug", "2.2.0", git)
    fixed = pkg("PyPI", "werkzeug", "2.2.3", replace(git, reference=WERKZEUG_FIX))
    answer = source(http_server).query_all([checkout, fixed])
    (batch,) = [r.json() for r in http_server.requests if r.path == "/v1/querybatch"]
    assert [{"commit": BEFORE_FIX}, {"commit": WERKZEUG_FIX}] == batch["queries"]
    assert ["PYSEC-2023-58"] == ids(answer.records, checkout)
    assert {checkout.id: ("PYSEC-2023-58",)} == dict(answer.confirmed)
    assert fixed.id not in answer.records
    assert ((), ()) == (answer.unchecked, answer.unaudited)
    assert 1 == api.counts()["querybatch"]


# -- the record cache --------------------------------------------------------------------------


def test_cached_records_are_not_fetched_again(
    http_server: HttpTestServer, records: RecordSet, tmp_path: Path
) -> None:
    """A second run asks querybatch only; a record whose modified time changed is fetched
    again, the others come from the cache."""
    api = OsvApi(records).install(http_server)
    clock = FakeClock()
    cache = RecordCache(tmp_path, ttl=3600, now=clock.time)
    first = source(http_server, cache).query_all([URLLIB3])
    fetched = api.counts()["vulns"]
    assert fetched > 1
    second = source(http_server, cache).query_all([URLLIB3])
    assert (fetched, 2) == (api.counts()["vulns"], api.counts()["querybatch"])
    assert ids(first.records, URLLIB3) == ids(second.records, URLLIB3)
    changed = ids(first.records, URLLIB3)[0]
    records.by_id[changed] = {**records.by_id[changed], "modified": "2030-01-01T00:00:00Z"}
    try:
        third = source(http_server, cache).query_all([URLLIB3])
    finally:
        records.by_id[changed] = raw_record(changed)
    assert fetched + 1 == api.counts()["vulns"]
    assert [changed] == [r.path.rsplit("/", 1)[1] for r in http_server.calls("GET")][fetched:]
    assert (
        "2030-01-01T00:00:00Z"
        == next(r for r in third.records[URLLIB3.id] if r.id == changed).modified
    )


def raw_record(record_id: str) -> dict[str, object]:
    path = next(RECORDS.rglob(f"{record_id}.json"))
    value: dict[str, object] = json.loads(path.read_text())
    return value


def test_cache_ttl_and_damaged_entries(
    http_server: HttpTestServer, records: RecordSet, tmp_path: Path
) -> None:
    """Entries older than the TTL, and damaged ones, are fetched again."""
    api = OsvApi(records).install(http_server)
    clock = FakeClock()
    cache = RecordCache(tmp_path, ttl=60, now=clock.time)
    source(http_server, cache).query_all([JINJA])
    fetched = api.counts()["vulns"]
    clock.advance(61)
    source(http_server, cache).query_all([JINJA])
    assert 2 * fetched == api.counts()["vulns"]
    for entry in tmp_path.iterdir():
        entry.write_text('{"id": "broken"')
    source(http_server, cache).query_all([JINJA])
    assert 3 * fetched == api.counts()["vulns"]


def test_cache_ttl_setting() -> None:
    """AUDITOR_OSV_CACHE_TTL in seconds; 0 disables; nonsense is a usage error."""
    assert (604800.0, 30.0, 0.0) == (
        cache_ttl({}),
        cache_ttl({"AUDITOR_OSV_CACHE_TTL": "30"}),
        cache_ttl({"AUDITOR_OSV_CACHE_TTL": "0"}),
    )
    with pytest.raises(UsageError, match="AUDITOR_OSV_CACHE_TTL='soon'"):
        cache_ttl({"AUDITOR_OSV_CACHE_TTL": "soon"})


def test_from_options_uses_the_cache_root_and_url(tmp_path: Path) -> None:
    """The record cache lives in <cache>/osv-api; a base ending in /v1 is accepted."""
    made = OsvApiSource.from_options(
        SourceOptions(osv_url="http://127.0.0.1:9/v1", cache_dir=tmp_path, environ={})
    )
    assert made.cache is not None
    assert (tmp_path / "osv-api", "http://127.0.0.1:9") == (made.cache.folder, made.base)
    no_cache = OsvApiSource.from_options(
        SourceOptions(cache_dir=tmp_path, environ={"AUDITOR_OSV_CACHE_TTL": "0"})
    )
    assert (None, "https://api.osv.dev") == (no_cache.cache, no_cache.base)


# -- failures ----------------------------------------------------------------------------------


def test_querybatch_failing_after_retries_fails_the_source(http_server: HttpTestServer) -> None:
    """Every attempt 503: the source fails, naming the request and the attempts."""
    http_server.json("POST", "/v1/querybatch", {"error": "down"}, status=503)
    with pytest.raises(SourceError) as info:
        source(http_server).query_all([URLLIB3, JINJA])
    assert f"POST {http_server.url}/v1/querybatch: HTTP 503 after 4 attempts" == str(info.value)
    assert 4 == len(http_server.calls("POST"))


def test_one_failed_batch_leaves_only_its_packages_unchecked(
    http_server: HttpTestServer, records: RecordSet
) -> None:
    """First batch fails for good, second succeeds: only the first batch is unchecked."""
    api = OsvApi(records)
    api.install(http_server)
    answered = 0

    def first_fails(request: object) -> Reply:
        nonlocal answered
        answered += 1
        if answered <= 4:
            return json_reply({"error": "down"}, status=500)
        return api._querybatch(request)  # type: ignore[arg-type]

    http_server.route("POST", "/v1/querybatch", first_fails)
    filler = [pkg("PyPI", f"unknown-{i}", "1.0") for i in range(BATCH_SIZE - 1)]
    answer = source(http_server).query_all([URLLIB3, *filler, JINJA])
    unchecked = dict(answer.unchecked)
    assert BATCH_SIZE == len(unchecked)
    assert URLLIB3.id in unchecked
    assert (
        f"osv-api: POST {http_server.url}/v1/querybatch: HTTP 500 after 4 attempts"
        == unchecked[URLLIB3.id]
    )
    assert JINJA.id in answer.records


def test_failed_record_leaves_the_packages_naming_it_unchecked(
    http_server: HttpTestServer, records: RecordSet
) -> None:
    """A record that cannot be fetched: the packages it concerns are unchecked (their other
    records still count), the others are checked."""
    OsvApi(records).install(http_server)
    victim = sorted(r["id"] for r in records.matching("PyPI", "urllib3", "1.24.1", True))[0]
    http_server.json("GET", f"/v1/vulns/{victim}", {"error": "down"}, status=503)
    answer = source(http_server).query_all([URLLIB3, JINJA])
    assert [
        (URLLIB3.id, f"osv-api: GET {http_server.url}/v1/vulns/{victim}: HTTP 503 after 4 attempts")
    ] == list(answer.unchecked)
    assert victim not in ids(answer.records, URLLIB3)
    assert ids(answer.records, URLLIB3)
    assert JINJA.id in answer.records


def test_retry_after_is_honoured(http_server: HttpTestServer, records: RecordSet) -> None:
    """A 429 with Retry-After: 7 makes the client wait 7 s, then the answer is used."""
    api = OsvApi(records)
    api.install(http_server)
    calls = 0

    def limited(request: object) -> Reply:
        nonlocal calls
        calls += 1
        return retry_after(7) if calls == 1 else api._querybatch(request)  # type: ignore[arg-type]

    http_server.route("POST", "/v1/querybatch", limited)
    clock = FakeClock()
    answer = source(http_server, clock=clock).query_all([JINJA])
    assert 7.0 in clock.sleeps
    assert JINJA.id in answer.records


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"results": []}, "malformed answer: 0 results for 1 queries"),
        ([], "malformed answer: no 'results' list"),
        (
            {"results": [{"vulns": [{"id": "../../etc"}]}]},
            "results[0].vulns[0].id is not an advisory id",
        ),
        ({"results": [{"vulns": {}}]}, "results[0].vulns is not a list"),
        ({"results": [{"next_page_token": 3}]}, "results[0].next_page_token is not a string"),
    ],
)
def test_malformed_querybatch_answers(
    http_server: HttpTestServer, body: object, message: str
) -> None:
    """A querybatch answer of the wrong shape fails its packages with a clear message."""
    http_server.json("POST", "/v1/querybatch", body)
    with pytest.raises(SourceError, match=message.replace("[", r"\[").replace("]", r"\]")):
        source(http_server).query_all([CLEAN])


def test_record_with_another_id_or_invalid_is_refused(http_server: HttpTestServer) -> None:
    """GET /v1/vulns/X answering another record, or no record at all: unchecked."""
    http_server.json("POST", "/v1/querybatch", {"results": [{"vulns": [{"id": "PYSEC-2021-98"}]}]})
    http_server.json("GET", "/v1/vulns/PYSEC-2021-98", raw("PYSEC-2021-88"))
    answer = source(http_server).query_all([URLLIB3])
    assert [
        (
            URLLIB3.id,
            f"osv-api: GET {http_server.url}/v1/vulns/PYSEC-2021-98 answered record "
            "'PYSEC-2021-88'",
        )
    ] == list(answer.unchecked)
    http_server.json("GET", "/v1/vulns/PYSEC-2021-98", {"id": "PYSEC-2021-98"})
    answer = source(http_server).query_all([URLLIB3])
    assert "missing 'modified'" in dict(answer.unchecked)[URLLIB3.id]
