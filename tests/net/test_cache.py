"""The on-disk response cache through the client: hits, TTL, revalidation, corruption."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from auditor.net.cache import CacheEntry, ResponseCache, cache_key
from auditor.net.client import HttpClient, OfflineError
from tests.httpserver import (
    FakeClock,
    Handler,
    HttpTestServer,
    Reply,
    Request,
    json_reply,
    quick_config,
)


def _client(cache: Path, **overrides: object) -> tuple[HttpClient, FakeClock]:
    clock = FakeClock()
    config = quick_config(cache_dir=cache, cache_ttl=60.0, **overrides)
    return HttpClient(config, clock=clock), clock


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.entry"))


def _conditional(etag: str | None = None, modified: str | None = None) -> Handler:
    """A handler answering 304 when the client's validator matches."""
    headers = {k: v for k, v in (("ETag", etag), ("Last-Modified", modified)) if v}

    def handler(request: Request) -> Reply:
        if etag and request.header("If-None-Match") == etag:
            return Reply(status=304, headers={"ETag": etag})
        if modified and request.header("If-Modified-Since") == modified:
            return Reply(status=304)
        return json_reply({"v": 1}, headers=headers)

    return handler


def test_second_get_is_a_cache_hit(http_server: HttpTestServer, tmp_path: Path) -> None:
    """Within the TTL the second GET is served from disk: one request in total."""
    http_server.json("GET", "/v1/vulns/A", {"id": "A"})
    client, _ = _client(tmp_path)
    url = f"{http_server.url}/v1/vulns/A"
    first, second = client.get(url), client.get(url)
    assert (False, True) == (first.from_cache, second.from_cache)
    assert {"id": "A"} == client.get_json(url)
    assert (1, 2) == (client.stats.requests, client.stats.cache_hits)
    assert 1 == len(_entries(tmp_path))


def test_expired_entry_without_validators_is_fetched_again(
    http_server: HttpTestServer, tmp_path: Path
) -> None:
    """After the TTL an entry without ETag/Last-Modified is simply fetched again."""
    http_server.json("GET", "/x", {"n": 1})
    client, clock = _client(tmp_path)
    client.get(f"{http_server.url}/x")
    clock.advance(61)
    assert not client.get(f"{http_server.url}/x").from_cache
    assert [None, None] == [r.header("If-None-Match") for r in http_server.requests]


@pytest.mark.parametrize(
    ("etag", "modified"), [('"abc"', None), (None, "Wed, 01 Jan 2025 00:00:00 GMT")]
)
def test_expired_entry_is_revalidated(
    http_server: HttpTestServer, tmp_path: Path, etag: str | None, modified: str | None
) -> None:
    """After the TTL the client revalidates; a 304 serves the cached body and renews it."""
    http_server.route("GET", "/x", _conditional(etag, modified))
    client, clock = _client(tmp_path)
    url = f"{http_server.url}/x"
    client.get_json(url)
    clock.advance(120)
    again = client.get(url)
    assert (True, {"v": 1}) == (again.from_cache, again.json())
    second = http_server.requests[1]
    assert (etag, modified) == (second.header("If-None-Match"), second.header("If-Modified-Since"))
    client.get(url)  # renewed by the 304: fresh again, no request
    assert (2, 1, 1) == (client.stats.requests, client.stats.revalidated, client.stats.cache_hits)


def test_changed_resource_replaces_the_entry(http_server: HttpTestServer, tmp_path: Path) -> None:
    """A 200 to the conditional request replaces the stored body."""
    client, clock = _client(tmp_path)
    url = f"{http_server.url}/x"
    http_server.route("GET", "/x", json_reply({"v": 1}, headers={"ETag": '"1"'}))
    client.get(url)
    http_server.route("GET", "/x", json_reply({"v": 2}, headers={"ETag": '"2"'}))
    clock.advance(61)
    assert {"v": 2} == client.get_json(url)
    assert {"v": 2} == client.get_json(url)
    assert 2 == client.stats.requests


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"garbage",
        lambda data: data[:-3],
        lambda data: data[:-1] + b"X",
        lambda data: data.replace(b'"status": 200', b'"status": "x"'),
        lambda data: data.split(b"\n")[0],
    ],
    ids=["garbage", "cut", "flipped-byte", "bad-meta", "no-meta"],
)
def test_corrupted_entry_is_ignored_and_replaced(
    http_server: HttpTestServer, tmp_path: Path, damage: object, caplog: pytest.LogCaptureFixture
) -> None:
    """A damaged cache file is discarded with a warning, refetched and rewritten."""
    http_server.json("GET", "/x", {"v": 1})
    client, _ = _client(tmp_path)
    url = f"{http_server.url}/x"
    client.get(url)
    [entry] = _entries(tmp_path)
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    assert {"v": 1} == client.get_json(url)
    assert 2 == client.stats.requests
    assert "is corrupted; discarding it" in caplog.text
    assert {"v": 1} == client.get_json(url)  # the rewritten entry is good again
    assert 2 == client.stats.requests


def test_only_good_get_answers_are_cached(http_server: HttpTestServer, tmp_path: Path) -> None:
    """POST (by default), accepted 404s and no-store answers are not cached."""
    http_server.json("POST", "/q", {"r": 1})
    http_server.json("GET", "/missing", {}, status=404)
    http_server.route("GET", "/private", json_reply({}, headers={"Cache-Control": "no-store"}))
    client, _ = _client(tmp_path)
    for _ in range(2):
        client.post_json(f"{http_server.url}/q", {"a": 1})
        client.get(f"{http_server.url}/missing", accept={404})
        client.get(f"{http_server.url}/private")
    assert (6, []) == (client.stats.requests, _entries(tmp_path))


def test_post_can_opt_in_and_is_keyed_by_body(http_server: HttpTestServer, tmp_path: Path) -> None:
    """A cacheable POST is keyed by its body: same body hits, another body misses."""
    http_server.route("POST", "/q", lambda r: json_reply(r.json()))
    client, _ = _client(tmp_path)
    url = f"{http_server.url}/q"
    assert {"a": 1} == client.post_json(url, {"a": 1}, cache=True)
    assert {"a": 1} == client.post_json(url, {"a": 1}, cache=True)
    assert {"a": 2} == client.post_json(url, {"a": 2}, cache=True)
    assert 2 == client.stats.requests


def test_cache_files_carry_no_credentials(http_server: HttpTestServer, tmp_path: Path) -> None:
    """Neither the file names nor the stored metadata contain a credential."""
    http_server.json("GET", "/simple/x/", {})
    client, _ = _client(tmp_path)
    host = http_server.url.removeprefix("http://")
    client.get(f"http://bob:pw-SECRET@{host}/simple/x/?token=tok-SECRET")
    [entry] = _entries(tmp_path)
    assert "SECRET" not in str(entry.relative_to(tmp_path))
    assert b"SECRET" not in entry.read_bytes()
    assert b"?token=****" in entry.read_bytes()


def test_offline_serves_fresh_entries_only(http_server: HttpTestServer, tmp_path: Path) -> None:
    """Offline runs use fresh cache entries and refuse to fetch anything else."""
    http_server.json("GET", "/x", {"v": 1})
    online, _ = _client(tmp_path)
    online.get(f"{http_server.url}/x")
    offline, clock = _client(tmp_path, offline=True)
    assert {"v": 1} == offline.get_json(f"{http_server.url}/x")
    clock.advance(61)
    with pytest.raises(OfflineError):
        offline.get(f"{http_server.url}/x")
    assert 1 == len(http_server.requests)


def test_unwritable_cache_does_not_fail_the_request(
    http_server: HttpTestServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A cache directory that cannot be created is logged and ignored."""
    http_server.json("GET", "/x", {"v": 1})
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    client, _ = _client(blocker / "cache")
    with caplog.at_level(logging.WARNING):
        assert {"v": 1} == client.get_json(f"{http_server.url}/x")
    assert "cannot write cache entry" in caplog.text


def test_entry_round_trip_and_key(tmp_path: Path) -> None:
    """store/load round-trips; keys differ by method, URL, body and auth, not by secret."""
    cache = ResponseCache(tmp_path)
    entry = CacheEntry(
        url="https://osv.invalid/x", status=200, headers=(("etag", '"e"'),), body=b"{}", stored=5.0
    )
    key = cache_key("GET", "https://osv.invalid/x", None)
    cache.store(key, entry)
    assert entry == cache.load(key)
    assert {"If-None-Match": '"e"'} == entry.validators
    assert key == cache_key("get", "https://osv.invalid/x", b"")
    with_auth = cache_key("GET", "https://u:p@osv.invalid/x", None)
    assert with_auth == cache_key("GET", "https://v:q@osv.invalid/x", None) != key
    assert key != cache_key("POST", "https://osv.invalid/x", None)
    assert key != cache_key("GET", "https://osv.invalid/y", None)
    assert key != cache_key("GET", "https://osv.invalid/x", b"1")
    assert cache.load("0" * 64) is None
