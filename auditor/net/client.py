"""The one HTTP client every network source uses: timeouts, retries, budget, rate, cache.

One ``HttpClient`` per run, shared by every thread of that run. It

- sends each request with a connect and a read timeout;
- retries 408/429/5xx answers, connection errors, timeouts and truncated or (when JSON was
  asked for) unparseable bodies, with exponential backoff and full jitter, honouring
  ``Retry-After`` up to a cap, at most ``max_attempts`` times per request and inside a
  per-run ``RetryBudget``, so a dead server fails the run quickly instead of hanging it;
- lets each host have ``connections`` requests in flight, halving that on a 429 or 503
  and holding every request to the host for its ``Retry-After`` (``HostGate``), and paces
  requests with an optional token bucket shared across threads;
- optionally caches responses on disk (``cache.py``) with a TTL and ETag/Last-Modified
  revalidation, or, for documents of which a caller keeps only a few fields
  (``get_record``), those fields alone with the document's validators;
- counts what it does (``stats``) so tests and benchmarks can assert request counts;
- never lets a credential from a URL reach an exception message, a log line or a cache file
  name (``auditor.core.redact``);
- refuses to send anything when offline.

Proxies and CA bundles come from the standard environment variables through requests
(``HTTPS_PROXY``, ``NO_PROXY``, ``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``). Every failure is
a ``NetworkError`` (a ``SourceError``) whose message is one line naming the request.

Helpers beside it in ``auditor/net/``: ``config.py`` (settings), ``limits.py`` (clock, host
gate, token bucket, budget, backoff), ``cache.py`` (response cache), ``entries.py`` (responses
and records as cache entries), ``wire.py`` (hosts, headers, query strings, body checks),
``model.py`` (responses, errors, messages).
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from auditor import __version__
from auditor.core.redact import redact_url, url_secrets
from auditor.net.cache import CacheEntry, ResponseCache, cache_key
from auditor.net.config import NetConfig, default_cache_dir
from auditor.net.entries import (
    entry_from_response,
    record_entry,
    record_key,
    record_value,
    response_from_entry,
)
from auditor.net.limits import (
    Clock,
    HostGate,
    RetryBudget,
    SystemClock,
    TokenBucket,
    full_jitter,
    parse_retry_after,
)
from auditor.net.model import (
    UNSET,
    DownloadResult,
    HttpResponse,
    NetStats,
    NetworkError,
    OfflineError,
    ShapeError,
    TruncatedError,
    describe_exception,
    snippet,
    unreachable,
)
from auditor.net.wire import (
    check_length,
    host_of,
    json_values,
    request_headers,
    with_params,
)

__all__ = [
    "RETRY_STATUSES",
    "DownloadResult",
    "HttpClient",
    "HttpRecord",
    "HttpResponse",
    "NetConfig",
    "NetStats",
    "NetworkError",
    "OfflineError",
    "default_cache_dir",
    "describe_exception",
    "user_agent",
]

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
THROTTLE_STATUSES = frozenset({429, 503})  # the host asks for less: fewer connections
_CHUNK = 1 << 16
_T = TypeVar("_T")
logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    import requests


def _requests() -> ModuleType:
    """requests, imported when the first request is sent: a run that sends none (offline,
    local advisories, no registry lookups) never loads it."""
    import requests

    return requests


def user_agent() -> str:
    version = _requests().__version__
    return f"auditor/{__version__} (+dependency audit; python-requests/{version})"


@dataclass(frozen=True)
class _Retry:
    reason: str
    retry_after: float | None = None
    status: int | None = None
    counts: bool = True  # False: a throttle of a wave already charged to the budget


@dataclass(frozen=True)
class _Raw:
    status: int
    headers: dict[str, str]
    body: bytes
    new_wave: bool = True  # for a throttled answer: whether it began a throttle wave


@dataclass(frozen=True, kw_only=True)
class HttpRecord:
    """What ``get_record`` returns: the status and, for a 200 (or a fresh or revalidated
    cache entry), the caller's compact value."""

    status: int
    value: Any = None
    from_cache: bool = False


class _FinalError(Exception):
    """Every attempt failed (or the budget ran out): the host may be down. ``host_down``:
    it certainly is (the connection was refused, the name does not exist)."""

    def __init__(self, error: NetworkError, *, host_down: bool = False, why: str = "") -> None:
        super().__init__(str(error))
        self.error = error
        self.host_down = host_down
        self.why = why


def _retryable() -> tuple[type[BaseException], ...]:
    exceptions = _requests().exceptions
    return (
        exceptions.ConnectionError,
        exceptions.Timeout,
        exceptions.ChunkedEncodingError,
        exceptions.ContentDecodingError,
        TruncatedError,
    )


class HttpClient:
    """The shared HTTP client of one run (thread-safe; one requests session per thread)."""

    def __init__(
        self,
        config: NetConfig | None = None,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config or NetConfig()
        self._clock = clock or SystemClock()
        # jitter only spreads retries out; it needs no cryptographic randomness
        self._rng = rng or random.Random()  # noqa: S311
        self._bucket = (
            TokenBucket(self.config.rate_limit, self.config.burst, self._clock)
            if self.config.rate_limit > 0
            else None
        )
        self._gate = HostGate(self.config.connections, self._clock)
        self._budget = RetryBudget(self.config.retry_budget, self.config.retry_time_budget)
        self._cache = ResponseCache(self.config.cache_dir) if self.config.cache_dir else None
        self._local = threading.local()
        self._lock = threading.Lock()
        self._sessions: list[requests.Session] = []
        self._host_failures: dict[str, int] = {}
        # hosts that refused a connection or have no address, with what happened
        self._unreachable: dict[str, str] = {}
        self._large = threading.Lock()  # one large body read and parsed at a time
        self._counts: dict[str, float] = dict.fromkeys(
            ("requests", "retries", "cache_hits", "revalidated", "backoff", "throttled"), 0
        )

    # -- public API ------------------------------------------------------------------

    @property
    def stats(self) -> NetStats:
        with self._lock:
            c = dict(self._counts)
        return NetStats(
            requests=int(c["requests"]),
            retries=int(c["retries"]),
            cache_hits=int(c["cache_hits"]),
            revalidated=int(c["revalidated"]),
            backoff_seconds=c["backoff"],
            throttled_seconds=c["throttled"],
        )

    def get(self, url: str, **kwargs: Any) -> HttpResponse:
        return self.request("GET", url, **kwargs)

    def get_json(self, url: str, **kwargs: Any) -> Any:
        return self.request("GET", url, expect_json=True, **kwargs).json()

    def post_json(self, url: str, payload: Any, **kwargs: Any) -> Any:
        return self.request("POST", url, json_body=payload, expect_json=True, **kwargs).json()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        data: bytes | None = None,
        expect_json: bool = False,
        accept: Collection[int] = (),
        cache: bool | None = None,
        ttl: float | None = None,
        max_bytes: int | None = None,
        parse: Callable[[bytes], Any] | None = None,
    ) -> HttpResponse:
        """Send one request (with retries) and return the whole response.

        2xx answers and the statuses in ``accept`` (e.g. 404 for "no such package") are
        returned; any other status raises ``NetworkError``. ``cache`` defaults to on for GET
        when the client has a cache directory; ``ttl`` overrides the configured TTL.
        ``parse`` reads a JSON body instead of ``json.loads`` (a typed decoder that keeps
        only the fields a caller reads); a ``ValueError`` from it is a malformed body.
        """
        method = method.upper()
        full = with_params(url, params)
        if json_body is not None:
            data = json.dumps(json_body, sort_keys=True, separators=(",", ":")).encode()
        shown = f"{method} {redact_url(full)}"
        send = request_headers(headers, json_body is not None, expect_json)
        use_cache = self._cache is not None and (cache if cache is not None else method == "GET")
        key = cache_key(method, full, data) if use_cache else ""
        entry = self._cache.load(key) if self._cache is not None and use_cache else None
        if entry is not None:
            ttl = self.config.cache_ttl if ttl is None else ttl
            if entry.is_fresh(self._clock.time(), ttl):
                hit = response_from_entry(entry, expect_json, method, parse)
                if hit is not None:
                    self._count("cache_hits")
                    return hit
                entry = None
        self._refuse_if_offline(method, full, shown)
        if entry is not None:
            send = {**entry.validators, **send}
        accepted = frozenset(accept)
        limit = max_bytes or self.config.max_body

        def once() -> HttpResponse | _Retry:
            with _LargeBody(self._large) as large:
                return attempt(large)

        def attempt(large: _LargeBody) -> HttpResponse | _Retry:
            raw = self._fetch(
                method, url=full, data=data, headers=send, limit=limit, shown=shown, large=large
            )
            if raw.status == 304 and entry is not None and self._cache is not None:
                self._count("revalidated")
                fresh = self._cache.touch(key, entry, self._clock.time())
                return response_from_entry(fresh, expect_json, method, parse) or _Retry(
                    "cached body is not JSON"
                )
            response = self._judge(
                raw,
                url=full,
                shown=shown,
                accepted=accepted,
                expect_json=expect_json,
                parse=parse,
            )
            if (
                isinstance(response, HttpResponse)
                and self._cache is not None
                and use_cache
                and raw.status == 200
                and "no-store" not in raw.headers.get("cache-control", "")
            ):
                self._cache.store(key, entry_from_response(response, self._clock.time()))
            return response

        return self._with_retries(method, full, shown, once)

    def get_record(
        self,
        url: str,
        *,
        kind: str,
        derive: Callable[[HttpResponse], Any],
        headers: Mapping[str, str] | None = None,
        accept: Collection[int] = (),
        expect_json: bool = False,
        parse: Callable[[bytes], Any] | None = None,
        ttl: float | None = None,
        max_bytes: int | None = None,
        refresh: bool = False,
    ) -> HttpRecord:
        """GET ``url`` and keep only ``derive(response)``: a small JSON value (the fields a
        caller reads from a large document), cached under ``kind`` with the validators of
        the document it came from.

        A cache entry younger than the TTL answers without a request; an older one is
        revalidated (``If-None-Match`` / ``If-Modified-Since``), and a ``304`` keeps the
        value, so a later run pays a conditional request, not a download and a parse. A
        ``200`` is derived again. Statuses in ``accept`` (a 404) return with no value and
        are not cached. ``kind`` names the derivation: change it when the value's shape
        changes, and older entries are no longer read. ``refresh`` ignores a stored value
        (the caller needs the whole document this time) and stores the new one.
        """
        key = record_key(url, kind)
        entry, value = self._load_record(key) if not refresh else (None, None)
        lifetime = self.config.cache_ttl if ttl is None else ttl
        if entry is not None and entry.is_fresh(self._clock.time(), lifetime):
            self._count("cache_hits")
            return HttpRecord(status=entry.status, value=value, from_cache=True)
        send = {**(entry.validators if entry is not None else {}), **(headers or {})}
        response = self.request(
            "GET",
            url,
            headers=send,
            accept=(*accept, 304) if entry is not None else accept,
            cache=False,
            expect_json=expect_json,
            parse=parse,
            max_bytes=max_bytes,
        )
        if response.status == 304 and entry is not None and self._cache is not None:
            self._count("revalidated")
            self._cache.touch(key, entry, self._clock.time())
            return HttpRecord(status=entry.status, value=value, from_cache=True)
        if response.status != 200:
            return HttpRecord(status=response.status)
        value = derive(response)
        if self._cache is not None and "no-store" not in (response.header("cache-control") or ""):
            self._cache.store(key, record_entry(response, value, self._clock.time()))
        return HttpRecord(status=200, value=value)

    def cached_record(self, url: str, *, kind: str, ttl: float | None = None) -> Any:
        """The value ``get_record`` or ``keep_record`` stored for ``url`` and ``kind``, if it
        is younger than ``ttl`` (default: the configured TTL); else None. Sends nothing."""
        entry, value = self._load_record(record_key(url, kind))
        if entry is None:
            return None
        if not entry.is_fresh(self._clock.time(), self.config.cache_ttl if ttl is None else ttl):
            return None
        self._count("cache_hits")
        return value

    def keep_record(self, url: str, *, kind: str, value: Any, source: HttpResponse) -> None:
        """Store ``value`` as ``url``'s record of ``kind``, derived from the answer
        ``source`` (one document may give several records: a release's requirements)."""
        if self._cache is not None:
            entry = record_entry(source, value, self._clock.time())
            self._cache.store(record_key(url, kind), entry)

    def _load_record(self, key: str) -> tuple[CacheEntry | None, Any]:
        entry = self._cache.load(key) if self._cache is not None else None
        value = record_value(entry) if entry is not None else None
        if value is None:
            return None, None  # none, written by an older auditor, or damaged: fetch again
        return entry, value

    def download(
        self,
        url: str,
        sink: BinaryIO,
        *,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int,
    ) -> DownloadResult:
        """Stream a GET into the seekable ``sink`` (rewound on each retry).

        With ``etag``/``last_modified`` the request is conditional; a 304 answer writes
        nothing and returns ``not_modified=True``. Never cached by the response cache.
        """
        shown = f"GET {redact_url(url)}"
        self._refuse_if_offline("GET", url, shown)
        send = {"Accept-Encoding": "identity", **(headers or {})}
        if etag:
            send["If-None-Match"] = etag
        if last_modified:
            send["If-Modified-Since"] = last_modified

        def once() -> DownloadResult | _Retry:
            sink.seek(0)
            sink.truncate()
            return self._stream_to(url, send, sink, max_bytes, shown)

        return self._with_retries("GET", url, shown, once)

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- one attempt -----------------------------------------------------------------

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            library = _requests()
            session = library.Session()
            session.headers["User-Agent"] = self.config.user_agent or user_agent()
            adapter = library.adapters.HTTPAdapter(
                pool_connections=8, pool_maxsize=8, max_retries=0
            )
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def _open(
        self, method: str, url: str, data: bytes | None, headers: Mapping[str, str]
    ) -> requests.Response:
        if self._bucket is not None:
            waited = self._bucket.acquire()
            if waited:
                self._count("throttled", waited)
        self._count("requests")
        timeout = (self.config.connect_timeout, self.config.read_timeout)
        return self._session().request(
            method, url, data=data, headers=dict(headers), timeout=timeout, stream=True
        )

    def _fetch(
        self,
        method: str,
        *,
        url: str,
        data: bytes | None,
        headers: Mapping[str, str],
        limit: int,
        shown: str,
        large: _LargeBody,
    ) -> _Raw:
        with self._slot(url) as slot, self._open(method, url, data, headers) as resp:
            received = {k.lower(): v for k, v in resp.headers.items()}
            slot.answered(resp.status_code, received)
            body = self._read(
                resp,
                received=received,
                method=method,
                url=url,
                shown=shown,
                limit=limit,
                large=large,
            )
        logger.debug("%s -> HTTP %s (%d bytes)", shown, resp.status_code, len(body))
        return _Raw(resp.status_code, received, body, new_wave=slot.new_wave)

    def _slot(self, url: str) -> _Slot:
        return _Slot(self._gate, host_of(url), self)

    def _read(
        self,
        resp: requests.Response,
        *,
        received: dict[str, str],
        method: str,
        url: str,
        shown: str,
        limit: int,
        large: _LargeBody,
    ) -> bytes:
        """The whole body, within ``limit`` and the expansion bound."""
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_content(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise NetworkError(
                    f"{shown}: response larger than {limit} bytes (decompressed)",
                    method=method,
                    url=redact_url(url),
                )
            if size > self.config.large_body:
                self._check_expansion(resp, size, method, url, shown)
                large.acquire()
            chunks.append(chunk)
        check_length(received, size)
        return b"".join(chunks)

    def _check_expansion(
        self, resp: requests.Response, size: int, method: str, url: str, shown: str
    ) -> None:
        """Refuse a compressed body that expands more than ``max_expansion`` times."""
        wire = resp.raw.tell() if hasattr(resp.raw, "tell") else size
        if wire and size > wire * self.config.max_expansion:
            raise NetworkError(
                f"{shown}: compressed answer expands more than {self.config.max_expansion} "
                f"times ({wire} bytes on the wire, over {size} decompressed); refused",
                method=method,
                url=redact_url(url),
            )

    def _stream_to(
        self, url: str, headers: Mapping[str, str], sink: BinaryIO, limit: int, shown: str
    ) -> DownloadResult | _Retry:
        with self._slot(url) as slot:
            return self._stream_body(url, headers, sink=sink, limit=limit, shown=shown, slot=slot)

    def _stream_body(
        self,
        url: str,
        headers: Mapping[str, str],
        *,
        sink: BinaryIO,
        limit: int,
        shown: str,
        slot: _Slot,
    ) -> DownloadResult | _Retry:
        with self._open("GET", url, None, headers) as resp:
            received = {k.lower(): v for k, v in resp.headers.items()}
            status = resp.status_code
            slot.answered(status, received)
            if status == 304:
                return DownloadResult(not_modified=True, status=status, headers=received)
            if status in RETRY_STATUSES:
                after = parse_retry_after(received.get("retry-after"), self._clock.time())
                return _Retry(f"HTTP {status}", after, status)
            if not 200 <= status < 300:
                raise NetworkError(
                    f"{shown}: HTTP {status}", method="GET", url=redact_url(url), status=status
                )
            sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
            for chunk in resp.iter_content(_CHUNK * 16):
                size += len(chunk)
                if size > limit:
                    raise NetworkError(
                        f"{shown}: download larger than {limit} bytes",
                        method="GET",
                        url=redact_url(url),
                    )
                sink.write(chunk)
                sha.update(chunk)
                md5.update(chunk)
            check_length(received, size)
            sink.flush()
            return DownloadResult(
                not_modified=False,
                status=status,
                size=size,
                sha256=sha.hexdigest(),
                md5=md5.hexdigest(),
                headers=received,
            )

    def _judge(
        self,
        raw: _Raw,
        *,
        url: str,
        shown: str,
        accepted: frozenset[int],
        expect_json: bool,
        parse: Callable[[bytes], Any] | None = None,
    ) -> HttpResponse | _Retry:
        status = raw.status
        if status in RETRY_STATUSES and status not in accepted:
            after = parse_retry_after(raw.headers.get("retry-after"), self._clock.time())
            # a throttle that says when to come back, in a wave already charged, is free;
            # a bare 503 is a failing server, and every retry of it counts
            counts = status not in THROTTLE_STATUSES or raw.new_wave or after is None
            return _Retry(f"HTTP {status}", after, status, counts=counts)
        ok = 200 <= status < 300
        if not ok and status not in accepted:
            detail = snippet(raw.body, url_secrets(url))
            raise NetworkError(
                f"{shown}: HTTP {status}{detail}",
                method=shown.split(" ", 1)[0],
                url=redact_url(url),
                status=status,
                attempts=1,
            )
        parsed = UNSET
        if expect_json and ok:
            # a body shorter than the limit cannot hold more values: no need to count
            values = json_values(raw.body) if len(raw.body) >= self.config.max_json_values else 0
            if values > self.config.max_json_values:
                raise NetworkError(
                    f"{shown}: answer holds about {values} JSON values, more than the "
                    f"{self.config.max_json_values} auditor reads; refused",
                    method=shown.split(" ", 1)[0],
                    url=redact_url(url),
                    status=status,
                )
            try:
                parsed = (parse or json.loads)(raw.body)
            except ValueError as exc:
                if isinstance(exc, ShapeError):  # valid JSON, wrong shape: no retry helps
                    raise NetworkError(
                        f"{redact_url(url)}: unexpected answer: {exc}",
                        method=shown.split(" ", 1)[0],
                        url=redact_url(url),
                        status=status,
                    ) from None
                return _Retry("invalid JSON in the response body", None, status)
        return HttpResponse(
            method=shown.split(" ", 1)[0],
            url=redact_url(url),
            status=status,
            headers=raw.headers,
            body=raw.body,
            parsed=parsed,
        )

    # -- retries ---------------------------------------------------------------------

    def _with_retries(
        self, method: str, url: str, shown: str, once: Callable[[], _T | _Retry]
    ) -> _T:
        host = host_of(url)
        self._refuse_if_host_down(host, url, shown)
        try:
            result = self._attempts(url, shown, once)
        except _FinalError as failure:
            self._host_failed(host, down=failure.why if failure.host_down else None)
            raise failure.error from None
        self._host_answered(host)
        return result

    def _attempts(self, url: str, shown: str, once: Callable[[], _T | _Retry]) -> _T:
        secrets = url_secrets(url)
        exceptions = _requests().exceptions
        retryable = _retryable()
        attempt = 0
        while True:
            attempt += 1
            started = self._clock.monotonic()
            try:
                outcome = once()
            except NetworkError as exc:  # an answer that retrying cannot change (4xx, too big)
                exc.attempts = attempt
                raise
            except exceptions.SSLError as exc:
                reason = describe_exception(exc, secrets)
                raise _FinalError(self._error(shown, url, reason, attempt)) from None
            except retryable as exc:
                if unreachable(exc):  # nothing listens there: waiting will not change it
                    what = describe_exception(exc, secrets)
                    error = self._error(shown, url, f"{what} (not retried)", attempt)
                    raise _FinalError(error, host_down=True, why=what) from None
                outcome = _Retry(describe_exception(exc, secrets))
            except (exceptions.RequestException, ValueError) as exc:
                # malformed URL, unsupported scheme, too many redirects: retrying cannot help
                raise self._error(shown, url, describe_exception(exc, secrets), attempt) from None
            if not isinstance(outcome, _Retry):
                return outcome
            attempts = f"{attempt} attempt" + ("s" if attempt > 1 else "")
            if attempt >= self.config.max_attempts:
                message = f"{outcome.reason} after {attempts}"
                error = self._error(shown, url, message, attempt, outcome.status)
                raise _FinalError(error)
            delay = self._delay(attempt, outcome.retry_after)
            lost = self._clock.monotonic() - started
            refusal = self._budget.take(delay, lost=lost, counts=outcome.counts)
            if refusal is not None:
                message = f"{outcome.reason} after {attempts} ({refusal})"
                raise _FinalError(self._error(shown, url, message, attempt, outcome.status))
            logger.info("%s: %s; retrying in %.2f s", shown, outcome.reason, delay)
            self._count("retries")
            self._count("backoff", delay)
            self._clock.sleep(delay)

    # -- hosts that stopped answering -----------------------------------------------------

    def _refuse_if_host_down(self, host: str, url: str, shown: str) -> None:
        limit = self.config.host_failure_limit
        with self._lock:
            failures = self._host_failures.get(host, 0)
            why = self._unreachable.get(host)
        if why is not None:
            raise NetworkError(
                f"{shown}: not sent: {host} could not be reached earlier in this run ({why})",
                method=shown.split(" ", 1)[0],
                url=redact_url(url),
            )
        if limit and failures >= limit:
            raise NetworkError(
                f"{shown}: not sent: {host} failed {failures} requests in a row in this run",
                method=shown.split(" ", 1)[0],
                url=redact_url(url),
            )

    def _host_failed(self, host: str, *, down: str | None = None) -> None:
        """Count a failed request; a host that cannot be reached at all (``down``: what
        happened) is given up on at once, so the rest of the run does not wait on it."""
        with self._lock:
            self._host_failures[host] = self._host_failures.get(host, 0) + 1
            if down is not None:
                self._unreachable.setdefault(host, down)

    def _host_answered(self, host: str) -> None:
        with self._lock:
            self._host_failures.pop(host, None)

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.config.retry_after_cap)
        with self._lock:
            return full_jitter(
                attempt, self.config.backoff_base, self.config.backoff_cap, self._rng
            )

    def _error(
        self, shown: str, url: str, message: str, attempts: int, status: int | None = None
    ) -> NetworkError:
        method = shown.split(" ", 1)[0]
        return NetworkError(
            f"{shown}: {message}",
            method=method,
            url=redact_url(url),
            status=status,
            attempts=attempts,
        )

    def _refuse_if_offline(self, method: str, url: str, shown: str) -> None:
        if self.config.offline:
            raise OfflineError(
                f"{shown}: not sent: auditor is offline (--offline or AUDITOR_OFFLINE)",
                method=method,
                url=redact_url(url),
            )

    def _count(self, name: str, amount: float = 1) -> None:
        with self._lock:
            self._counts[name] += amount


class _Slot:
    """A request's place among those in flight to its host (``HostGate``): taken before
    sending, given back with what the answer said (a 429 or 503, and its Retry-After)."""

    def __init__(self, gate: HostGate, host: str, client: HttpClient) -> None:
        self._gate = gate
        self._host = host
        self._client = client
        self._status: int | None = None
        self._after: float | None = None
        self._wave = 0
        self.new_wave = True  # for a throttled answer: whether it began a throttle wave

    def answered(self, status: int, headers: Mapping[str, str]) -> None:
        self._status = status
        if status in THROTTLE_STATUSES:
            clock, cap = self._client._clock, self._client.config.retry_after_cap
            after = parse_retry_after(headers.get("retry-after"), clock.time())
            self._after = min(after, cap) if after else None

    def __enter__(self) -> _Slot:
        paused, self._wave = self._gate.acquire(self._host)
        if paused:
            self._client._count("throttled", paused)
        return self

    def __exit__(self, *_: object) -> None:
        throttled = self._status in THROTTLE_STATUSES
        self.new_wave = self._gate.release(
            self._host, wave=self._wave, throttled=throttled, retry_after=self._after
        )


class _LargeBody:
    """The run's one slot for a large body, taken when a body grows past ``large_body``
    and held until it is parsed; small bodies never wait."""

    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock
        self._held = False

    def acquire(self) -> None:
        if not self._held:
            self._lock.acquire()
            self._held = True

    def __enter__(self) -> _LargeBody:
        return self

    def __exit__(self, *_: object) -> None:
        if self._held:
            self._held = False
            self._lock.release()
