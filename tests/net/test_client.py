"""The HTTP client against a real local server: success, every fault, budgets, redaction."""

from __future__ import annotations

import hashlib
import io
import logging
import shutil
import socket
import string
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor import __version__
from auditor.net.client import HttpClient, NetworkError, OfflineError
from tests.httpserver import (
    FakeClock,
    HttpTestServer,
    Reply,
    Request,
    drop,
    fail_every,
    http_date,
    invalid_json,
    json_reply,
    quick_config,
    retry_after,
    sequence,
    truncated,
)


def _client(**overrides: object) -> tuple[HttpClient, FakeClock]:
    clock = FakeClock()
    return HttpClient(quick_config(**overrides), clock=clock), clock


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_get_json_sends_user_agent_and_counts(http_server: HttpTestServer) -> None:
    """A plain GET returns the JSON, names auditor in the User-Agent and counts 1 request."""
    http_server.json("GET", "/v1/vulns/GHSA-1", {"id": "GHSA-1"})
    client, _ = _client()
    assert {"id": "GHSA-1"} == client.get_json(f"{http_server.url}/v1/vulns/GHSA-1")
    [request] = http_server.requests
    assert (request.header("User-Agent") or "").startswith(f"auditor/{__version__} ")
    assert "application/json" == request.header("Accept")
    assert 1 == client.stats.requests


def test_post_json_sends_canonical_body(http_server: HttpTestServer) -> None:
    """post_json sends compact, key-sorted JSON with its content type."""
    http_server.route("POST", "/v1/querybatch", lambda r: json_reply({"echo": r.json()}))
    client, _ = _client()
    assert {"echo": {"a": 1, "b": 2}} == client.post_json(
        f"{http_server.url}/v1/querybatch", {"b": 2, "a": 1}
    )
    [request] = http_server.requests
    assert b'{"a":1,"b":2}' == request.body
    assert "application/json" == request.header("Content-Type")


def test_params_are_encoded_sorted(http_server: HttpTestServer) -> None:
    """Query parameters are appended in a stable order."""
    http_server.json("GET", "/q", {})
    client, _ = _client()
    client.get(f"{http_server.url}/q?x=0", params={"b": "2", "a": "1 2"})
    assert "/q?x=0&a=1+2&b=2" == http_server.requests[0].target


@pytest.mark.parametrize(
    "fault",
    [
        Reply(status=500),
        Reply(status=502),
        Reply(status=503),
        Reply(status=504),
        Reply(status=408),
        Reply(status=429),
        drop(),
        truncated(b'{"id": "GHSA-1", "padding": "' + b"x" * 500 + b'"}'),
        invalid_json(),
    ],
    ids=["500", "502", "503", "504", "408", "429", "drop", "truncated", "invalid-json"],
)
def test_each_fault_is_retried_then_succeeds(http_server: HttpTestServer, fault: Reply) -> None:
    """One fault, then success: the caller gets the data; 2 requests, 1 jittered backoff."""
    http_server.route("GET", "/x", sequence(fault, json_reply({"ok": True})))
    client, clock = _client()
    assert {"ok": True} == client.get_json(f"{http_server.url}/x")
    assert (2, 1) == (client.stats.requests, client.stats.retries)
    [slept] = clock.sleeps
    assert 0 <= slept <= 0.01  # full jitter: uniform in [0, base * 2**0]


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Reply(status=503), "HTTP 503"),
        (drop(), "connection closed without a response"),
        (truncated(b"y" * 1000, keep=100), "body truncated: 100 of 1000 bytes"),
        (invalid_json(), "invalid JSON in the response body"),
    ],
)
def test_persistent_fault_fails_with_one_line(
    http_server: HttpTestServer, fault: Reply, reason: str
) -> None:
    """A fault on every attempt: one line naming method, URL, what failed and the attempts."""
    http_server.route("GET", "/v1/vulns/X", fault)
    client, clock = _client()
    url = f"{http_server.url}/v1/vulns/X"
    with pytest.raises(NetworkError) as info:
        client.get_json(url)
    assert f"GET {url}: {reason} after 4 attempts" == str(info.value)
    assert (4, 4) == (len(http_server.requests), info.value.attempts)
    assert 3 == len(clock.sleeps)
    assert all(0 <= s <= 0.05 for s in clock.sleeps)


def test_backoff_grows_exponentially_within_the_cap(http_server: HttpTestServer) -> None:
    """Each jittered sleep stays under min(cap, base * 2**(attempt-1))."""
    http_server.route("GET", "/x", Reply(status=503))
    client, clock = _client(max_attempts=6, backoff_base=1.0, backoff_cap=4.0)
    with pytest.raises(NetworkError):
        client.get(f"{http_server.url}/x")
    ceilings = [1.0, 2.0, 4.0, 4.0, 4.0]
    assert len(ceilings) == len(clock.sleeps)
    assert all(0 <= s <= c for s, c in zip(clock.sleeps, ceilings, strict=True))


def test_retry_after_seconds_is_honoured(http_server: HttpTestServer) -> None:
    """429 with Retry-After: 7 waits exactly 7 s before the retry."""
    http_server.route("GET", "/x", sequence(retry_after(7), json_reply([])))
    client, clock = _client()
    assert [] == client.get_json(f"{http_server.url}/x")
    assert [7.0] == clock.sleeps


def test_retry_after_http_date_is_honoured(http_server: HttpTestServer) -> None:
    """A Retry-After HTTP-date 12 s ahead of the clock waits 12 s."""
    client, clock = _client()
    when = http_date(clock.time() + 12)
    http_server.route("GET", "/x", sequence(retry_after(when, status=503), json_reply([])))
    client.get_json(f"{http_server.url}/x")
    assert [12.0] == clock.sleeps


def test_retry_after_is_capped(http_server: HttpTestServer) -> None:
    """A Retry-After of an hour waits only the configured cap."""
    http_server.route("GET", "/x", sequence(retry_after(3600), json_reply([])))
    client, clock = _client(retry_after_cap=5.0)
    client.get_json(f"{http_server.url}/x")
    assert [5.0] == clock.sleeps


def test_client_errors_are_not_retried(http_server: HttpTestServer) -> None:
    """A 404 fails at once, quoting the start of the server's explanation."""
    http_server.json("GET", "/v1/vulns/NOPE", {"message": "Bug not found."}, status=404)
    client, _ = _client()
    url = f"{http_server.url}/v1/vulns/NOPE"
    with pytest.raises(NetworkError) as info:
        client.get_json(url)
    assert f'GET {url}: HTTP 404 ({{"message": "Bug not found."}})' == str(info.value)
    assert (1, 404) == (len(http_server.requests), info.value.status)


def test_accepted_status_is_returned(http_server: HttpTestServer) -> None:
    """Statuses in ``accept`` (a registry's 404: no such package) come back as responses."""
    http_server.json("GET", "/pkg", {"error": "not found"}, status=404)
    client, _ = _client()
    response = client.get(f"{http_server.url}/pkg", accept={404})
    assert (404, {"error": "not found"}) == (response.status, response.json())


def test_oversized_response_fails_without_retry(http_server: HttpTestServer) -> None:
    """A body above the size limit is refused once, not retried."""
    http_server.route("GET", "/big", Reply(body=b"z" * 5000))
    client, _ = _client()
    with pytest.raises(NetworkError, match="response larger than 1000 bytes"):
        client.get(f"{http_server.url}/big", max_bytes=1000)
    assert 1 == len(http_server.requests)


def test_read_timeout_is_retried_then_reported(http_server: HttpTestServer) -> None:
    """A server slower than the read timeout: each attempt times out, the error says so."""
    http_server.route("GET", "/slow", Reply(body=b"late", delay=2.0))
    client, _ = _client(read_timeout=0.2, max_attempts=2)
    url = f"{http_server.url}/slow"
    started = time.monotonic()
    with pytest.raises(NetworkError) as info:
        client.get(url)
    assert f"GET {url}: read timed out after 2 attempts" == str(info.value)
    assert time.monotonic() - started < 1.5


def test_connection_refused_is_reported_and_not_retried() -> None:
    """Nothing listening: the error names the refused connection at once (no retry, no
    backoff), and the host is given up on for the rest of the run: a later request to it
    is not sent, whatever the failure limit."""
    client, clock = _client(max_attempts=4, host_failure_limit=10)
    host = f"127.0.0.1:{_free_port()}"
    url = f"http://{host}/v1/query"
    with pytest.raises(NetworkError) as info:
        client.get(url)
    assert f"GET {url}: connection failed: connection refused (not retried)" == str(info.value)
    assert [] == clock.sleeps
    assert 1 == client.stats.requests
    with pytest.raises(NetworkError) as again:
        client.post_json(f"http://{host}/v1/querybatch", {"queries": []})
    assert (
        f"POST http://{host}/v1/querybatch: not sent: {host} could not be reached earlier "
        "in this run (connection failed: connection refused)" == str(again.value)
    )
    assert 1 == client.stats.requests


def test_a_name_that_does_not_resolve_is_not_retried() -> None:
    """A host name with no address (the reserved .invalid domain never has one) fails at
    once too: retrying cannot make a name exist."""
    client, clock = _client(max_attempts=4)
    with pytest.raises(NetworkError, match=r"\(not retried\)$"):
        client.get("http://registry.invalid/simple/")
    assert [] == clock.sleeps


def test_retry_budget_is_shared_by_all_requests(http_server: HttpTestServer) -> None:
    """After the run's retries are spent, later requests fail after one attempt."""
    http_server.route("GET", "/x", Reply(status=503))
    client, _ = _client(retry_budget=3)
    url = f"{http_server.url}/x"
    with pytest.raises(NetworkError, match=r"after 4 attempts$"):
        client.get(url)
    with pytest.raises(NetworkError) as info:
        client.get(url)
    assert (
        f"GET {url}: HTTP 503 after 1 attempt (retry budget of 3 retries per run used up)"
        == str(info.value)
    )
    assert 5 == len(http_server.requests)


def test_time_budget_refuses_a_long_wait(http_server: HttpTestServer) -> None:
    """A Retry-After beyond the remaining retry time budget fails now instead of sleeping."""
    http_server.route("GET", "/x", retry_after(20))
    client, clock = _client(retry_time_budget=10.0, retry_after_cap=60.0)
    with pytest.raises(NetworkError, match=r"retry time budget of 10 s per run used up"):
        client.get(f"{http_server.url}/x")
    assert [] == clock.sleeps


def test_dead_server_fails_fast_with_the_real_clock() -> None:
    """Many requests to a host where nothing listens: one real attempt, then the host is
    given up on, without waiting on any backoff."""
    config = quick_config(max_attempts=4, retry_budget=5, backoff_base=0.5, backoff_cap=4.0)
    client = HttpClient(config)
    host = f"127.0.0.1:{_free_port()}"
    started = time.monotonic()
    errors = []
    for _ in range(50):
        with pytest.raises(NetworkError) as info:
            client.get(f"http://{host}/x")
        errors.append(str(info.value))
    assert 1 == client.stats.requests
    assert errors[0].endswith("connection refused (not retried)")
    expected = (
        f"GET http://{host}/x: not sent: {host} could not be reached earlier in this run "
        "(connection failed: connection refused)"
    )
    assert [expected] * 49 == errors[1:]
    assert time.monotonic() - started < 2


def test_unresponsive_server_costs_seconds_not_hours(http_server: HttpTestServer) -> None:
    """A server that never answers: 200 requests end after a handful of read timeouts."""
    http_server.route("GET", "/v1/vulns/*", Reply(body=b"{}", delay=30))
    client = HttpClient(quick_config(read_timeout=0.2, max_attempts=2, backoff_base=0.01))
    started = time.monotonic()
    for i in range(200):
        with pytest.raises(NetworkError):
            client.get(f"{http_server.url}/v1/vulns/GHSA-{i}")
    assert 6 == client.stats.requests  # 3 requests x 2 attempts, then the host is given up
    assert time.monotonic() - started < 5


def test_an_answer_resets_the_host_failure_count(http_server: HttpTestServer) -> None:
    """Failures must be consecutive: any answer from the host starts the count again."""
    http_server.route("GET", "/bad", Reply(status=503))
    http_server.json("GET", "/good", {})
    client, _ = _client(max_attempts=1, host_failure_limit=2)
    for _ in range(3):
        with pytest.raises(NetworkError, match="HTTP 503 after 1 attempt"):
            client.get(f"{http_server.url}/bad")
        client.get(f"{http_server.url}/good")
    with pytest.raises(NetworkError):
        client.get(f"{http_server.url}/bad")
    with pytest.raises(NetworkError):
        client.get(f"{http_server.url}/bad")
    with pytest.raises(NetworkError, match=r"not sent: .* failed 2 requests in a row"):
        client.get(f"{http_server.url}/good")
    unlimited, _ = _client(max_attempts=1, host_failure_limit=0)
    for _ in range(4):
        with pytest.raises(NetworkError, match="HTTP 503"):
            unlimited.get(f"{http_server.url}/bad")


def test_concurrent_requests_share_one_client(http_server: HttpTestServer) -> None:
    """Eight threads, each record failing once before it is served: all calls succeed."""
    seen: set[str] = set()
    lock = threading.Lock()

    def fail_first_time(request: Request) -> Reply:
        with lock:
            first = request.path not in seen
            seen.add(request.path)
        return Reply(status=503) if first else json_reply({"id": request.path.rsplit("/")[-1]})

    http_server.route("GET", "/v1/vulns/*", fail_first_time)
    client, _ = _client(retry_budget=1000)
    ids = [f"GHSA-{i}" for i in range(120)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda i: client.get_json(f"{http_server.url}/v1/vulns/{i}"), ids))
    assert ids == [doc["id"] for doc in got]
    stats = client.stats
    assert (240, 120) == (stats.requests, stats.retries)
    assert len(http_server.requests) == stats.requests


def test_every_third_call_failing_from_threads(http_server: HttpTestServer) -> None:
    """fail_every(3) under concurrency: with enough attempts every call still succeeds."""
    http_server.route("GET", "/x", fail_every(3, json_reply({"ok": 1})))
    client, _ = _client(retry_budget=1000, max_attempts=10)
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda _: client.get_json(f"{http_server.url}/x"), range(60)))
    assert [{"ok": 1}] * 60 == got
    assert client.stats.requests == 60 + client.stats.retries == len(http_server.requests)


def test_rate_limit_is_shared_across_threads(http_server: HttpTestServer) -> None:
    """20 req/s, burst 1, 11 requests from 4 threads: at least half a second in real time."""
    http_server.json("GET", "/x", {})
    client = HttpClient(quick_config(rate_limit=20.0, burst=1))
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: client.get(f"{http_server.url}/x"), range(11)))
    elapsed = time.monotonic() - started
    assert 0.45 <= elapsed < 3.0


def test_credentials_never_reach_errors_or_logs(
    http_server: HttpTestServer, caplog: pytest.LogCaptureFixture
) -> None:
    """user:pass@ and token query values are redacted in the error and every log line."""
    http_server.route("GET", "/simple/x/", Reply(status=503, body=b"echo token=tok-SECRET-9"))
    client, _ = _client(max_attempts=2)
    host = http_server.url.removeprefix("http://")
    url = f"http://alice:pw-SECRET-1@{host}/simple/x/?token=tok-SECRET-9"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(NetworkError) as info:
        client.get(url)
    message = str(info.value)
    assert f"GET http://****:****@{host}/simple/x/?token=**** after" not in message
    assert message.startswith(f"GET http://****:****@{host}/simple/x/?token=****: HTTP 503")
    assert "SECRET" not in message
    assert "SECRET" not in info.value.url
    assert caplog.records  # urllib3 and auditor.net.client did log the requests
    assert "SECRET" not in caplog.text
    assert "Basic " in (http_server.requests[0].header("Authorization") or "")


def test_credentials_never_reach_connection_errors() -> None:
    """A refused connection to a URL with credentials: no credential in the message."""
    client, _ = _client(max_attempts=1)
    with pytest.raises(NetworkError) as info:
        client.get(f"http://u:pw-SECRET@127.0.0.1:{_free_port()}/x?api_key=k-SECRET")
    assert "SECRET" not in str(info.value)


def test_offline_refuses_every_request(http_server: HttpTestServer) -> None:
    """Offline: a clear error, and nothing reaches the server."""
    client, _ = _client(offline=True)
    url = f"{http_server.url}/v1/query"
    with pytest.raises(OfflineError) as info:
        client.get_json(url)
    assert f"GET {url}: not sent: auditor is offline (--offline or AUDITOR_OFFLINE)" == str(
        info.value
    )
    with pytest.raises(OfflineError):
        client.download(url, io.BytesIO(), max_bytes=10)
    assert ([], 0) == (http_server.requests, client.stats.requests)


def test_proxy_environment_is_honoured(
    http_server: HttpTestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP_PROXY routes requests through the proxy (the test server plays the proxy)."""
    for name in ("NO_PROXY", "no_proxy", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", http_server.url)
    http_server.json("GET", "/simple/pkg/", {"proxied": True})
    client, _ = _client()
    assert {"proxied": True} == client.get_json("http://pypi-index.invalid/simple/pkg/")
    [request] = http_server.requests
    assert "http://pypi-index.invalid/simple/pkg/" == request.target


def test_unsupported_scheme_fails_once() -> None:
    """A URL requests cannot send is one clear error, not retried."""
    client, _ = _client()
    with pytest.raises(NetworkError) as info:
        client.get("ftp://mirror.invalid/x")
    assert "GET ftp://mirror.invalid/x: unsupported URL scheme" == str(info.value)


def test_download_streams_and_verifies_length(http_server: HttpTestServer) -> None:
    """download retries a truncated body, rewinding the sink; digests match the data."""
    payload = bytes(range(256)) * 100
    http_server.route(
        "GET",
        "/all.zip",
        sequence(truncated(payload), Reply(body=payload, headers={"ETag": '"v1"'})),
    )
    client, _ = _client()
    sink = io.BytesIO()
    result = client.download(f"{http_server.url}/all.zip", sink, max_bytes=10**6)
    assert payload == sink.getvalue()
    assert (len(payload), '"v1"', False) == (result.size, result.etag, result.not_modified)
    assert "identity" == http_server.requests[-1].header("Accept-Encoding")
    assert hashlib.sha256(payload).hexdigest() == result.sha256


def test_download_conditional_304(http_server: HttpTestServer) -> None:
    """With a known ETag or date the server's 304 writes nothing; validators are sent."""
    http_server.route(
        "GET",
        "/all.zip",
        lambda r: (
            Reply(status=304)
            if r.header("If-None-Match") == '"v1"' or r.header("If-Modified-Since")
            else Reply(body=b"new")
        ),
    )
    client, _ = _client()
    url = f"{http_server.url}/all.zip"
    sink = io.BytesIO()
    result = client.download(url, sink, etag='"v1"', max_bytes=100)
    assert (True, 304, b"") == (result.not_modified, result.status, sink.getvalue())
    date = "Wed, 01 Jan 2025 00:00:00 GMT"
    assert client.download(url, sink, last_modified=date, max_bytes=100).not_modified
    assert date == http_server.requests[-1].header("If-Modified-Since")
    assert not client.download(url, sink, max_bytes=100).not_modified
    assert b"new" == sink.getvalue()


def test_download_size_limit(http_server: HttpTestServer) -> None:
    """A download larger than its limit fails at once."""
    http_server.route("GET", "/all.zip", Reply(body=b"a" * 5000))
    client, _ = _client()
    with pytest.raises(NetworkError, match="download larger than 4096 bytes"):
        client.download(f"{http_server.url}/all.zip", io.BytesIO(), max_bytes=4096)


def test_sessions_are_per_thread_and_closed(http_server: HttpTestServer) -> None:
    """Each thread gets its own session; close() closes them all."""
    http_server.json("GET", "/x", {})
    client, _ = _client()
    threads = [
        threading.Thread(target=client.get, args=(f"{http_server.url}/x",)) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 3 == len(client._sessions)
    with client:
        pass
    assert [] == client._sessions


def test_tls_with_ca_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTPS: REQUESTS_CA_BUNDLE trusts the test certificate; without it, a TLS error."""
    cert, key = _self_signed(tmp_path)
    with HttpTestServer(tls=(cert, key)) as server:
        server.json("GET", "/x", {"tls": True})
        monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
        client, _ = _client()
        assert {"tls": True} == client.get_json(f"{server.url}/x")
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "other.pem"))
        _self_signed(tmp_path, name="other")
        untrusted, _ = _client()
        with pytest.raises(NetworkError) as info:
            untrusted.get(f"{server.url}/x")
        assert f"GET {server.url}/x: TLS error: certificate verify failed" == str(info.value)
        assert 1 == untrusted.stats.requests


def _self_signed(folder: Path, name: str = "server") -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def test_json_of_a_non_json_answer_names_the_request(http_server: HttpTestServer) -> None:
    """response.json() on a body that is not JSON is one NetworkError naming the request."""
    http_server.route("GET", "/page", Reply(body=b"<html>"))
    client, _ = _client()
    response = client.get(f"{http_server.url}/page")
    with pytest.raises(NetworkError) as info:
        response.json()
    assert f"GET {http_server.url}/page: invalid JSON in the response body" == str(info.value)


# the "Zq9" prefix keeps a generated secret from also being a piece of the message itself
_SECRET = st.text(alphabet=string.ascii_letters + string.digits + "-_.~", max_size=24).map(
    lambda text: "Zq9" + text
)


@given(user=_SECRET, password=_SECRET, token=_SECRET)
@settings(max_examples=25)
def test_generated_credentials_never_leak(user: str, password: str, token: str) -> None:
    """Whatever the credentials, neither the error nor the recorded URL contains them."""
    with HttpTestServer() as server:
        server.route("GET", "/x", Reply(status=503, body=f"echo {token} {password}".encode()))
        client, _ = _client(max_attempts=1)
        host = server.url.removeprefix("http://")
        with pytest.raises(NetworkError) as info:
            client.get(f"http://{user}:{password}@{host}/x?access_token={token}")
    for secret in (user, password, token):
        assert secret not in str(info.value)
        assert secret not in info.value.url
