"""Compact records with conditional requests, and a host that throttles concurrent clients.

A document of which a caller keeps a few fields is cached as those fields alone, with the
document's validators: a later run answers from the record, or revalidates it with
``If-None-Match`` and keeps it on a ``304``. Against a server that answers 429 to a burst
of concurrent requests, the client narrows the host's concurrency and charges the burst to
its retry budget once.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from auditor.net.client import HttpClient, HttpResponse, NetworkError, OfflineError
from tests.httpserver import FakeClock, HttpTestServer, Reply, Request, json_reply, quick_config

README = "x" * 100_000  # what a caller does not keep


class Document:
    """A document with an ETag that changes with its version; 304 when it matches."""

    def __init__(self) -> None:
        self.version = 1
        self.sent: list[Request] = []

    def __call__(self, request: Request) -> Reply:
        self.sent.append(request)
        etag = f'"v{self.version}"'
        if request.header("if-none-match") == etag:
            return Reply(status=304, headers={"ETag": etag})
        body = {"version": self.version, "readme": README}
        return json_reply(body, headers={"ETag": etag, "Last-Modified": "Wed, 02 Dec 2026"})


def client(cache: Path, clock: FakeClock | None = None, **overrides: object) -> HttpClient:
    return HttpClient(quick_config(cache_dir=cache, **overrides), clock=clock or FakeClock())


def keep_version(derived: list[int]) -> Any:
    def derive(response: HttpResponse) -> dict[str, int]:
        derived.append(response.json()["version"])
        return {"version": response.json()["version"]}

    return derive


@pytest.fixture
def document(http_server: HttpTestServer) -> Document:
    served = Document()
    http_server.route("GET", "/doc", served)
    return served


def test_a_record_answers_the_next_run_without_a_request(
    http_server: HttpTestServer, document: Document, tmp_path: Path
) -> None:
    """The record is derived once; a second client within the TTL sends nothing. What the
    cache holds is the record, not the 100 KB document."""
    derived: list[int] = []
    url = f"{http_server.url}/doc"
    first = client(tmp_path).get_record(url, kind="k/1", derive=keep_version(derived))
    second_client = client(tmp_path)
    second = second_client.get_record(url, kind="k/1", derive=keep_version(derived))
    assert ({"version": 1}, False) == (first.value, first.from_cache)
    assert ({"version": 1}, True) == (second.value, second.from_cache)
    assert ([1], 1) == (derived, len(document.sent))
    assert 1 == second_client.stats.cache_hits
    stored = sum(p.stat().st_size for p in tmp_path.rglob("*.entry"))
    assert stored < 1_000
    assert b"xxxx" not in b"".join(p.read_bytes() for p in tmp_path.rglob("*.entry"))


def test_a_stale_record_is_revalidated_and_kept_on_304(
    http_server: HttpTestServer, document: Document, tmp_path: Path
) -> None:
    """Past its TTL the record is asked for with If-None-Match; the 304 keeps it (nothing
    derived again) and makes it fresh; a changed document is derived again."""
    derived: list[int] = []
    url = f"{http_server.url}/doc"
    clock = FakeClock()
    client(tmp_path, clock).get_record(url, kind="k/1", derive=keep_version(derived))
    clock.advance(2 * 24 * 3600)
    again = client(tmp_path, clock)
    kept = again.get_record(url, kind="k/1", derive=keep_version(derived))
    assert ({"version": 1}, True, [1]) == (kept.value, kept.from_cache, derived)
    assert '"v1"' == document.sent[-1].header("if-none-match")
    assert "Wed, 02 Dec 2026" == document.sent[-1].header("if-modified-since")
    assert 1 == again.stats.revalidated
    assert again.get_record(url, kind="k/1", derive=keep_version(derived)).from_cache
    assert 2 == len(document.sent)  # the 304 renewed the record
    document.version = 2
    clock.advance(2 * 24 * 3600)
    changed = client(tmp_path, clock).get_record(url, kind="k/1", derive=keep_version(derived))
    assert ({"version": 2}, False, [1, 2]) == (changed.value, changed.from_cache, derived)


def test_kinds_are_separate_records(
    http_server: HttpTestServer, document: Document, tmp_path: Path
) -> None:
    """Two derivations of one URL do not read each other's records (a changed shape gets
    a new kind, and older entries are not misread)."""
    url = f"{http_server.url}/doc"
    http = client(tmp_path)
    http.get_record(url, kind="k/1", derive=lambda r: {"a": 1})
    assert {"b": 2} == http.get_record(url, kind="k/2", derive=lambda r: {"b": 2}).value
    assert 2 == len(document.sent)


def test_an_accepted_status_has_no_value_and_is_not_kept(
    http_server: HttpTestServer, tmp_path: Path
) -> None:
    """A 404 the caller accepts comes back with no value; the next run asks again."""
    http_server.route("GET", "/gone", json_reply({"error": "not found"}, status=404))
    url = f"{http_server.url}/gone"
    for _ in range(2):
        answer = client(tmp_path).get_record(url, kind="k/1", derive=dict, accept=(404,))
        assert (404, None) == (answer.status, answer.value)
    assert 2 == len(http_server.requests)


def test_a_damaged_record_is_fetched_again(
    http_server: HttpTestServer, document: Document, tmp_path: Path
) -> None:
    """A record file that does not decode is discarded, never misread."""
    url = f"{http_server.url}/doc"
    client(tmp_path).get_record(url, kind="k/1", derive=lambda r: {"a": 1})
    (entry,) = tmp_path.rglob("*.entry")
    entry.write_bytes(entry.read_bytes()[:-3] + b"xyz")
    assert {"a": 2} == client(tmp_path).get_record(url, kind="k/1", derive=lambda r: {"a": 2}).value


def test_offline_uses_a_fresh_record_and_refuses_a_stale_one(
    http_server: HttpTestServer, document: Document, tmp_path: Path
) -> None:
    """Offline, a record within its TTL answers; an older one is not revalidated."""
    url = f"{http_server.url}/doc"
    clock = FakeClock()
    client(tmp_path, clock).get_record(url, kind="k/1", derive=lambda r: {"a": 1})
    offline = client(tmp_path, clock, offline=True)
    assert {"a": 1} == offline.get_record(url, kind="k/1", derive=dict).value
    clock.advance(2 * 24 * 3600)
    with pytest.raises(OfflineError):
        offline.get_record(url, kind="k/1", derive=dict)


def test_no_store_answers_are_not_kept(http_server: HttpTestServer, tmp_path: Path) -> None:
    """Cache-Control: no-store is honoured for records as for responses."""
    http_server.route(
        "GET", "/private", json_reply({"a": 1}, headers={"Cache-Control": "no-store"})
    )
    client(tmp_path).get_record(f"{http_server.url}/private", kind="k/1", derive=lambda r: r.json())
    assert [] == list(tmp_path.rglob("*.entry"))


def test_records_kept_from_one_answer(http_server: HttpTestServer, tmp_path: Path) -> None:
    """keep_record stores a value derived from an answer; cached_record reads it back
    while it is fresh, and sends nothing."""
    http_server.json("GET", "/doc", {"versions": {"1": ["a"], "2": ["b"]}})
    url = f"{http_server.url}/doc"
    clock = FakeClock()
    http = client(tmp_path, clock)
    answer = http.get(url)
    for version, deps in json.loads(answer.body)["versions"].items():
        http.keep_record(url, kind=f"deps/{version}", value={"deps": deps}, source=answer)
    later = client(tmp_path, clock)
    assert {"deps": ["b"]} == later.cached_record(url, kind="deps/2")
    assert later.cached_record(url, kind="deps/3") is None
    clock.advance(100)
    assert later.cached_record(url, kind="deps/2", ttl=50) is None
    assert 1 == len(http_server.requests)


def test_a_throttled_burst_is_one_wave(http_server: HttpTestServer) -> None:
    """Sixteen requests in flight together are all answered 429 (Retry-After: 1): every
    one succeeds on a retry budget of two, because the requests that were in flight
    together are one throttle wave, charged once; the host's allowance is halved."""
    arrived = threading.Barrier(16, timeout=20)
    lock = threading.Lock()
    state = {"calls": 0}

    def handler(request: Request) -> Reply:
        with lock:
            state["calls"] += 1
            call = state["calls"]
        if call <= 16:
            arrived.wait()  # all sixteen are in flight before any is answered
            return Reply(status=429, headers={"Retry-After": "1"}, body=b"{}")
        return json_reply({"ok": True})

    http_server.route("GET", "/busy", handler)
    http = HttpClient(quick_config(retry_budget=2, connections=16), clock=FakeClock())
    host = http_server.url.split("//")[1]
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda _: http.get_json(f"{http_server.url}/busy"), range(16)))
    assert [{"ok": True}] * 16 == answers
    assert (16, 32) == (http.stats.retries, state["calls"])
    assert 8 <= http._gate.allowance(host) < 16  # halved, then regaining one by one


def test_a_failing_server_is_not_a_free_wave(http_server: HttpTestServer) -> None:
    """A bare 503 (no Retry-After) to requests in flight together is a failing server:
    each retry counts, so a budget of two ends the run's retries."""
    arrived = threading.Barrier(8, timeout=20)
    lock = threading.Lock()
    calls = [0]

    def handler(request: Request) -> Reply:
        with lock:
            calls[0] += 1
            first = calls[0] <= 8
        if first:
            arrived.wait()  # the eight are in flight together
        return json_reply({"error": "down"}, status=503)

    http_server.route("GET", "/down", handler)
    http = HttpClient(quick_config(retry_budget=2, host_failure_limit=0), clock=FakeClock())

    def ask(_: int) -> str:
        try:
            http.get_json(f"{http_server.url}/down")
        except NetworkError as exc:
            return str(exc)
        return "answered"

    with ThreadPoolExecutor(8) as pool:
        errors = list(pool.map(ask, range(8)))
    assert 2 == http.stats.retries
    assert all("HTTP 503" in e for e in errors), errors
