"""The test HTTP server itself: routes, recording and each fault it can inject."""

from __future__ import annotations

import http.client
import json
import time

import pytest

from tests.httpserver import (
    HttpTestServer,
    Reply,
    drop,
    fail_every,
    invalid_json,
    json_reply,
    paged,
    retry_after,
    sequence,
    truncated,
)


def _call(
    server: HttpTestServer, method: str, path: str, body: bytes | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request(method, path, body=body, headers={"X-Test": "yes"})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_routes_json_and_recording(http_server: HttpTestServer) -> None:
    """A JSON route answers; the request is recorded with its query, headers and body."""
    http_server.json("POST", "/v1/query", {"vulns": []})
    status, headers, body = _call(http_server, "POST", "/v1/query?a=1", b'{"q": 1}')
    assert (200, {"vulns": []}) == (status, json.loads(body))
    assert "application/json" == headers["content-type"]
    [request] = http_server.calls("POST", "/v1/query")
    assert {"a": ["1"]} == request.query
    assert {"q": 1} == request.json()
    assert "yes" == request.header("X-Test")


def test_unknown_route_is_404_and_prefix_routes_match(http_server: HttpTestServer) -> None:
    """Unrouted paths are 404; the longest matching ``prefix*`` route wins."""
    http_server.route("GET", "/v1/*", Reply(body=b"short"))
    http_server.route("GET", "/v1/vulns/*", lambda r: Reply(body=r.path.encode()))
    assert 404 == _call(http_server, "GET", "/nothing")[0]
    assert b"/v1/vulns/GHSA-1" == _call(http_server, "GET", "/v1/vulns/GHSA-1")[2]
    assert b"short" == _call(http_server, "GET", "/v1/other")[2]


def test_sequence_fail_every_and_retry_after(http_server: HttpTestServer) -> None:
    """sequence answers in order then repeats the last; fail_every fails each n-th call."""
    http_server.route("GET", "/s", sequence(retry_after(7), Reply(status=500), Reply(body=b"ok")))
    first = _call(http_server, "GET", "/s")
    assert (429, "7") == (first[0], first[1]["retry-after"])
    assert [500, 200, 200] == [_call(http_server, "GET", "/s")[0] for _ in range(3)]
    http_server.route("GET", "/f", fail_every(3, Reply(body=b"ok")))
    assert [200, 200, 503, 200, 200, 503] == [_call(http_server, "GET", "/f")[0] for _ in range(6)]


def test_drop_and_truncated_faults(http_server: HttpTestServer) -> None:
    """drop closes without an answer; truncated sends fewer bytes than Content-Length."""
    http_server.route("GET", "/drop", drop())
    http_server.route("GET", "/cut", truncated(b"x" * 100, keep=10))
    with pytest.raises(http.client.RemoteDisconnected):
        _call(http_server, "GET", "/drop")
    with pytest.raises(http.client.IncompleteRead) as info:
        _call(http_server, "GET", "/cut")
    assert 10 == len(info.value.partial)


def test_invalid_json_and_latency(http_server: HttpTestServer) -> None:
    """invalid_json is a 200 that does not parse; delay holds the answer back."""
    http_server.route("GET", "/bad", invalid_json())
    http_server.route("GET", "/slow", Reply(body=b"late", delay=0.3))
    with pytest.raises(ValueError, match="Expecting value"):
        json.loads(_call(http_server, "GET", "/bad")[2])
    started = time.monotonic()
    assert b"late" == _call(http_server, "GET", "/slow")[2]
    assert time.monotonic() - started >= 0.3


def test_paged_follows_tokens_and_rejects_unknown_ones(http_server: HttpTestServer) -> None:
    """paged links pages with next_page_token (query or JSON body) and 400s bad tokens."""
    http_server.route("GET", "/p", paged([{"n": 0}, {"n": 1}, {"n": 2}]))
    http_server.route("POST", "/p", paged([{"n": 0}, {"n": 1}]))
    assert {"n": 0, "next_page_token": "1"} == json.loads(_call(http_server, "GET", "/p")[2])
    assert {"n": 2} == json.loads(_call(http_server, "GET", "/p?page_token=2")[2])
    assert {"n": 1} == json.loads(_call(http_server, "POST", "/p", b'{"page_token": "1"}')[2])
    assert 400 == _call(http_server, "GET", "/p?page_token=9")[0]


def test_handler_exception_is_reported() -> None:
    """A handler that raises answers 500 and lands in ``errors`` for the test to see."""

    def broken(_: object) -> Reply:
        raise RuntimeError("boom")

    with HttpTestServer() as server:
        server.route("GET", "/x", broken)
        assert 500 == _call(server, "GET", "/x")[0]
        assert ["GET /x: RuntimeError('boom')"] == server.errors


def test_json_reply_sets_content_type() -> None:
    """json_reply encodes the data and labels it."""
    reply = json_reply([1], status=201, headers={"ETag": '"a"'})
    assert (201, b"[1]") == (reply.status, reply.body)
    assert {"Content-Type": "application/json", "ETag": '"a"'} == dict(reply.headers)
