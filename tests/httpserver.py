"""A real HTTP server on 127.0.0.1 for testing network clients, with fault injection.

Every live client (OSV API, package registries, ``auditor db sync``) is tested against this
server, never the internet. Routes map (method, path) to a ``Reply`` or to a handler that
computes one from the recorded ``Request``; a path ending in ``*`` matches every path with
that prefix (the longest pattern wins). Faults are plain ``Reply`` values:

- ``Reply(delay=...)``: latency before the answer (read timeouts);
- ``retry_after(...)``: 429 (or 503) with ``Retry-After`` in seconds or as an HTTP-date;
- ``drop()``: the connection is closed without any answer;
- ``truncated(body)``: headers promise the whole body, only part of it is sent, then the
  connection is closed (a dropped connection mid-response);
- ``invalid_json()``: a 200 whose JSON body is cut short;
- ``sequence(...)``: successive answers for successive calls; ``fail_every(n, ...)`` fails
  every n-th call; ``paged(...)`` serves pages linked by a page token.

Use the ``http_server`` fixture (tests/conftest.py), or ``with HttpTestServer() as server``
(``HttpTestServer(tls=(cert, key))`` serves HTTPS). ``FakeClock`` makes backoff and rate-limit
waits instant and observable; ``quick_config`` is a client configuration for tests.
"""

from __future__ import annotations

import itertools
import json
import socket
import ssl
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from auditor.net.client import NetConfig


@dataclass(frozen=True)
class Request:
    """One request as the server received it (header names lowercase)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    target: str  # the raw request target: absolute-form when sent through a proxy

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        return json.loads(self.body)

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass(frozen=True, kw_only=True)
class Reply:
    """What the server sends back, faults included."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0  # seconds to wait before answering
    drop: bool = False  # close the connection without answering
    cut_after: int | None = None  # send only this many body bytes, then close


Handler = Callable[[Request], Reply]
Target = Reply | Handler


def json_reply(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
    body = json.dumps(data).encode()
    return Reply(
        status=status, headers={"Content-Type": "application/json", **(headers or {})}, body=body
    )


def retry_after(value: int | float | str, status: int = 429) -> Reply:
    """A 429/503 asking to retry after ``value`` seconds, or at an HTTP-date (a str)."""
    header = value if isinstance(value, str) else str(int(value))
    return json_reply({"error": "slow down"}, status=status, headers={"Retry-After": header})


def http_date(unix_time: float) -> str:
    return formatdate(unix_time, usegmt=True)


def drop() -> Reply:
    return Reply(drop=True)


def truncated(
    body: bytes, keep: int | None = None, headers: Mapping[str, str] | None = None
) -> Reply:
    """Content-Length says ``len(body)`` but only ``keep`` bytes (default half) arrive."""
    return Reply(
        body=body, headers=headers or {}, cut_after=len(body) // 2 if keep is None else keep
    )


def invalid_json(status: int = 200) -> Reply:
    return Reply(
        status=status, headers={"Content-Type": "application/json"}, body=b'{"vulns": [{"id": '
    )


def sequence(*steps: Target) -> Handler:
    """Answer the n-th call with the n-th step; the last step repeats."""
    if not steps:
        raise ValueError("sequence needs at least one step")
    counter = itertools.count()
    lock = threading.Lock()

    def handler(request: Request) -> Reply:
        with lock:
            index = min(next(counter), len(steps) - 1)
        return _resolve(steps[index], request)

    return handler


def fail_every(n: int, target: Target, failure: Reply | None = None) -> Handler:
    """Every n-th call (the n-th, 2n-th, ...) gets ``failure`` (default a 503)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    counter = itertools.count(1)
    lock = threading.Lock()
    fault = failure or json_reply({"error": "unavailable"}, status=503)

    def handler(request: Request) -> Reply:
        with lock:
            call = next(counter)
        return fault if call % n == 0 else _resolve(target, request)

    return handler


def paged(
    pages: list[dict[str, Any]],
    *,
    token_param: str = "page_token",  # noqa: S107 - a field name, not a secret
    token_field: str = "next_page_token",  # noqa: S107
) -> Handler:
    """Serve ``pages`` in order: page k carries ``token_field`` = "k+1" until the last.

    The token is read from the query string or, for a JSON body, from its top level.
    An unknown token is a 400, as real APIs answer.
    """

    def handler(request: Request) -> Reply:
        token = request.param(token_param)
        if token is None and request.body:
            body = request.json()
            token = body.get(token_param) if isinstance(body, dict) else None
        index = int(token) if token and token.isdigit() else (0 if not token else -1)
        if not 0 <= index < len(pages):
            return json_reply({"error": f"bad {token_param}"}, status=400)
        page = dict(pages[index])
        if index + 1 < len(pages):
            page[token_field] = str(index + 1)
        return json_reply(page)

    return handler


def _resolve(target: Target, request: Request) -> Reply:
    return target if isinstance(target, Reply) else target(request)


class FakeClock:
    """A clock whose ``sleep`` returns at once and advances time; sleeps are recorded."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        with self._lock:
            return self._now

    def time(self) -> float:
        return self.monotonic()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._now += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


def quick_config(**overrides: Any) -> NetConfig:
    """A client configuration for tests: short timeouts, no rate limit, no cache."""
    values: dict[str, Any] = {
        "connect_timeout": 2.0,
        "read_timeout": 5.0,
        "rate_limit": 0.0,
        "backoff_base": 0.01,
        "backoff_cap": 0.05,
        "cache_dir": None,
    }
    values.update(overrides)
    return NetConfig(**values)


class HttpTestServer:
    """A threaded HTTP/1.1 server on a free port of 127.0.0.1."""

    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        self._routes: dict[tuple[str, str], Target] = {}
        self._requests: list[Request] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self.errors: list[str] = []  # exceptions raised by handlers (a test bug)
        self._httpd = _QuietServer(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def route(self, method: str, path: str, target: Target) -> None:
        with self._lock:
            self._routes[(method.upper(), path)] = target

    def json(self, method: str, path: str, data: Any, status: int = 200, **headers: str) -> None:
        self.route(method, path, json_reply(data, status=status, headers=headers))

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    def calls(self, method: str | None = None, path: str | None = None) -> list[Request]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper()) and (path is None or r.path == path)
        ]

    def reset(self) -> None:
        """Forget routes and recorded requests."""
        with self._lock:
            self._routes.clear()
            self._requests.clear()

    def close(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> HttpTestServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _record(self, request: Request) -> None:
        with self._lock:
            self._requests.append(request)

    def _find(self, method: str, path: str) -> Target | None:
        with self._lock:
            if (method, path) in self._routes:
                return self._routes[(method, path)]
            prefixes = [
                (len(p), t)
                for (m, p), t in self._routes.items()
                if m == method and p.endswith("*") and path.startswith(p[:-1])
            ]
        return max(prefixes, key=lambda item: item[0])[1] if prefixes else None


class _QuietServer(ThreadingHTTPServer):
    """Clients hanging up mid-answer is normal in fault tests: no traceback on stderr."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, ssl.SSLError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def _make_handler(server: HttpTestServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes; without TCP_NODELAY the second waits for
        # the client's delayed ACK (about 40 ms per keep-alive request)
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read ``server.requests`` instead."""

        def do_GET(self) -> None:
            self._serve()

        do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_GET  # noqa: N815

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            request = Request(
                method=self.command,
                path=parts.path or "/",
                query=parse_qs(parts.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                target=self.path,
            )
            server._record(request)
            target = server._find(request.method, request.path)
            try:
                reply = _resolve(target, request) if target is not None else _not_found(request)
            except Exception as exc:  # noqa: BLE001 - reported to the test, answered as 500
                server.errors.append(f"{request.method} {request.path}: {exc!r}")
                reply = json_reply({"error": repr(exc)}, status=500)
            if reply.delay and server.stopping.wait(reply.delay):
                return
            self._send(reply)

        def _send(self, reply: Reply) -> None:
            if reply.drop:
                self._hang_up()
                return
            self.send_response(reply.status)
            names = {k.lower() for k in reply.headers}
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if "content-length" not in names:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command == "HEAD":
                return
            if reply.cut_after is None:
                self.wfile.write(reply.body)
                return
            self.wfile.write(reply.body[: reply.cut_after])
            self.wfile.flush()
            self._hang_up()

        def _hang_up(self) -> None:
            self.close_connection = True
            try:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    return _Handler


def _not_found(request: Request) -> Reply:
    return json_reply({"error": f"no route for {request.method} {request.path}"}, status=404)
