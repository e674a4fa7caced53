"""The default path's registry lookups, end to end: `auditor scan` of a package-lock against
a local npm registry that answers slowly, as a remote one does.

The lookups run concurrently (many requests in flight, never more than the host's
connections), each name is asked once even when it is locked at several versions, a second
run answers from the records the first kept without a request, and a run past the cache
lifetime sends conditional requests that a `304` answers.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from tests.httpserver import HttpTestServer, Reply, Request
from tests.registries.recorded import serve_registries
from tests.support import run_cli

NAMES = [f"pkg-{i:02d}" for i in range(16)]
TWICE = "pkg-00"  # locked at 1.0.0 and, nested, at 2.0.0
LATENCY = 0.2  # seconds before each answer


class SlowRegistry:
    """Packuments of NAMES, each answered after LATENCY, with an ETag; counts requests in
    flight at once and answers `304` to a matching `If-None-Match`."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most = 0
        self.asked: list[str] = []
        self.not_modified = 0

    def __call__(self, request: Request) -> Reply:
        name = request.path.rsplit("/", 1)[-1]
        with self.lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            self.asked.append(name)
        try:
            time.sleep(LATENCY)
        finally:
            with self.lock:
                self.in_flight -= 1
        etag = f'"{name}-1"'
        if request.header("if-none-match") == etag:
            with self.lock:
                self.not_modified += 1
            return Reply(status=304, headers={"ETag": etag})
        if name not in NAMES:
            return Reply(status=404, body=b"{}", headers={"Content-Type": "application/json"})
        versions = ("1.0.0", "2.0.0")
        document = {
            "name": name,
            "dist-tags": {"latest": "2.0.0"},
            "versions": {v: {"name": name, "version": v} for v in versions},
            "time": {"1.0.0": "2024-01-02T03:04:05.000Z", "2.0.0": "2025-01-02T03:04:05.000Z"},
            "maintainers": [{"name": "someone"}],
        }
        return Reply(
            body=json.dumps(document).encode(),
            headers={"Content-Type": "application/json", "ETag": etag},
        )


def package_lock(folder: Path) -> Path:
    """A package-lock v3 of NAMES at 1.0.0, and TWICE once more at 2.0.0 below pkg-01."""
    packages: dict[str, object] = {
        "": {"name": "app", "version": "1.0.0", "dependencies": dict.fromkeys(NAMES, "1.0.0")}
    }
    for name in NAMES:
        packages[f"node_modules/{name}"] = {
            "version": "1.0.0",
            "resolved": f"https://npm-registry.invalid/{name}/-/{name}-1.0.0.tgz",
        }
    packages["node_modules/pkg-01"] = {
        "version": "1.0.0",
        "resolved": "https://npm-registry.invalid/pkg-01/-/pkg-01-1.0.0.tgz",
        "dependencies": {TWICE: "2.0.0"},
    }
    packages[f"node_modules/pkg-01/node_modules/{TWICE}"] = {
        "version": "2.0.0",
        "resolved": f"https://npm-registry.invalid/{TWICE}/-/{TWICE}-2.0.0.tgz",
    }
    lock = {"name": "app", "version": "1.0.0", "lockfileVersion": 3, "packages": packages}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "package-lock.json"
    path.write_text(json.dumps(lock, indent=2))
    return path


@pytest.fixture
def registry(
    http_server: HttpTestServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> SlowRegistry:
    serve_registries(http_server, monkeypatch, tmp_path / "home")
    monkeypatch.delenv("AUDITOR_NO_HTTP_CACHE")  # this test is about the cache
    slow = SlowRegistry()
    http_server.route("GET", "/npm/*", slow)
    return slow


def scan(lockfile: Path, cache: Path) -> dict[str, object]:
    result = run_cli(["scan", "--json", "--cache-dir", str(cache), str(lockfile)])
    assert result.code in (0, 1), result.err
    doc: dict[str, object] = json.loads(result.out)
    return doc


def health_of(doc: dict[str, object]) -> dict[str, tuple[object, ...]]:
    """package -> (latest, its date, maintainers, error), as the health section says."""
    return {
        h["package"]: (h["latest"], h["latest_published"], h["maintainers"], h["error"])
        for h in doc["health"]["packages"]  # type: ignore[index]
    }


def test_lookups_are_concurrent_asked_once_and_kept(registry: SlowRegistry, tmp_path: Path) -> None:
    """Sixteen names (seventeen packages) at 200 ms an answer: several requests are in
    flight together, never more than the 32 a host may have; the name locked twice is asked
    once; the health of every package is known."""
    lockfile = package_lock(tmp_path / "app")
    doc = scan(lockfile, tmp_path / "cache")
    assert sorted(NAMES) == sorted(registry.asked)  # each name once, TWICE included
    assert 4 <= registry.most <= 32
    health = health_of(doc)
    assert 17 == len(health)
    assert {("2.0.0", "2025-01-02T03:04:05Z", 1, None)} == set(health.values())


def test_a_warm_run_asks_nothing_and_a_stale_one_revalidates(
    registry: SlowRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second run within the cache lifetime answers from the records the first kept
    (no request, the same health); past the lifetime each name is one conditional request,
    answered `304`, and the health is still the same."""
    lockfile = package_lock(tmp_path / "app")
    cache = tmp_path / "cache"
    first = health_of(scan(lockfile, cache))
    registry.asked.clear()
    assert first == health_of(scan(lockfile, cache))
    assert [] == registry.asked
    monkeypatch.setenv("AUDITOR_HTTP_CACHE_TTL", "0")
    assert first == health_of(scan(lockfile, cache))
    assert sorted(NAMES) == sorted(registry.asked)
    assert len(NAMES) == registry.not_modified
