"""A headless Chromium driven through the Chrome DevTools Protocol, for the report tests.

Debian's ``chromium`` is started with a fresh profile and ``--remote-debugging-port=0``;
the port it chose is read from ``DevToolsActivePort`` in the profile, and one page target
is driven over its WebSocket (``websocket-client``). Nothing is downloaded: no browser
build, no driver. Per page load it records what a reader would suffer from: console errors
and warnings, uncaught exceptions, log entries (CSP violations, blocked loads), failed or
non-2xx requests, and JavaScript dialogs (an ``alert`` a hostile page might open).
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websocket

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--no-default-browser-check",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)
START_TIMEOUT = 30.0
LOAD_TIMEOUT = 30.0


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageReport:
    """What happened while one page loaded."""

    url: str
    console: list[str] = field(default_factory=list)  # errors and warnings
    exceptions: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)  # browser log entries at warning or error
    failed: list[str] = field(default_factory=list)  # requests that failed or were not 2xx
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return self.console + self.exceptions + self.log + self.failed + self.dialogs


class Browser:
    """One Chromium process and one page, driven synchronously."""

    def __init__(self, executable: str) -> None:
        self._profile = tempfile.mkdtemp(prefix="auditor-chromium-")
        self._process = subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        try:
            port = self._port()
            self._socket = websocket.create_connection(
                self._page_socket(port), timeout=LOAD_TIMEOUT
            )
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.call(f"{domain}.enable")
        except BaseException:
            self.close()
            raise

    def _port(self) -> int:
        marker = Path(self._profile) / "DevToolsActivePort"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"chromium exited with {self._process.returncode}")
            with contextlib.suppress(OSError, ValueError, IndexError):
                return int(marker.read_text().splitlines()[0])
            time.sleep(0.05)
        raise RuntimeError("chromium did not open its DevTools port")

    @staticmethod
    def _page_socket(port: int) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", "/json/list")
                targets = json.loads(connection.getresponse().read())
            finally:
                connection.close()
            pages = [t for t in targets if t.get("type") == "page"]
            if pages:
                return str(pages[0]["webSocketDebuggerUrl"])
            if time.monotonic() > deadline:
                raise RuntimeError("chromium has no page target")
            time.sleep(0.05)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        ident = self._next_id
        self._socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            if "method" in message:
                self._events.append(message)
                self._answer_dialog(message)

    def _answer_dialog(self, message: dict[str, Any]) -> None:
        if message["method"] == "Page.javascriptDialogOpening":
            # A dialog blocks the page: dismiss it so the load can finish (and is recorded).
            self._next_id += 1
            self._socket.send(
                json.dumps(
                    {
                        "id": self._next_id,
                        "method": "Page.handleJavaScriptDialog",
                        "params": {"accept": False},
                    }
                )
            )

    def _wait_for(self, method: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if any(e["method"] == method for e in self._events):
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {method} within {timeout:.0f} s")
            self._socket.settimeout(remaining)
            message = json.loads(self._socket.recv())
            if "method" in message:
                self._events.append(message)
                self._answer_dialog(message)

    def load(self, url: str, *, settle: float = 0.05) -> PageReport:
        """Navigate to ``url``, wait for its load event and a short quiet spell, and report."""
        self._events.clear()
        result = self.call("Page.navigate", url=url)
        if result.get("errorText"):
            return PageReport(url=url, failed=[f"{url}: {result['errorText']}"])
        self._wait_for("Page.loadEventFired", LOAD_TIMEOUT)
        self.call("Runtime.evaluate", expression="1")  # flush events queued before load
        time.sleep(settle)
        self.call("Runtime.evaluate", expression="1")
        return self._report(url)

    def _report(self, url: str) -> PageReport:
        report = PageReport(url=url)
        for event in self._events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in (
                "error",
                "warning",
                "assert",
            ):
                text = " ".join(
                    str(a.get("value", a.get("description", ""))) for a in params.get("args", [])
                )
                report.console.append(f"console.{params['type']}: {text}")
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                report.exceptions.append(
                    str(details.get("exception", {}).get("description") or details.get("text"))
                )
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in (
                "error",
                "warning",
            ):
                entry = params["entry"]
                report.log.append(
                    f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip()
                )
            elif method == "Network.requestWillBeSent":
                report.requests.append(params.get("request", {}).get("url", ""))
            elif method == "Network.loadingFailed":
                reason = params.get("blockedReason") or ""
                report.failed.append(
                    f"{params.get('type')}: {params.get('errorText')} {reason}".strip()
                )
            elif method == "Network.responseReceived":
                response = params.get("response", {})
                status = int(response.get("status") or 0)
                if status >= 400:
                    report.failed.append(f"HTTP {status}: {response.get('url')}")
            elif method == "Page.javascriptDialogOpening":
                report.dialogs.append(f"{params.get('type')}: {params.get('message')}")
        return report

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def screenshot(
        self, path: Path, *, width: int = 1280, full_page: bool = True, max_height: int = 12000
    ) -> None:
        """A PNG of the current page laid out ``width`` CSS pixels wide: the whole page, up
        to ``max_height`` pixels, or the first screen."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=800,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        height = 800
        if full_page:
            metrics = self.call("Page.getLayoutMetrics")
            height = int(
                metrics.get("cssContentSize", metrics.get("contentSize", {})).get("height", 800)
            )
            height = max(200, min(height, max_height))
            self.call(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=width < 600,
            )
        shot = self.call(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=full_page,
            clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        self.call("Emulation.clearDeviceMetricsOverride")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._socket.close()
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        shutil.rmtree(self._profile, ignore_errors=True)


@contextlib.contextmanager
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        raise RuntimeError("chromium is not installed (scripts/test installs it)")
    instance = Browser(executable)
    try:
        yield instance
    finally:
        instance.close()
