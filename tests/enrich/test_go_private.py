"""Private Go modules are never sent to the public proxy, whatever asks for them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.httpserver import HttpTestServer, Reply
from tests.support import run_cli

GO_MOD = """\
module example.invalid/shop

go 1.22

require (
\tgit.corp.invalid/team/billing v1.2.0
\tgolang.invalid/x/text v0.3.0
)
"""
GO_SUM = """\
git.corp.invalid/team/billing v1.2.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
git.corp.invalid/team/billing v1.2.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
golang.invalid/x/text v0.3.0 h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=
golang.invalid/x/text v0.3.0/go.mod h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=
"""


@pytest.mark.parametrize("variable", ["GOPRIVATE", "GONOPROXY"])
def test_scan_never_sends_a_private_module_to_the_proxy(
    tmp_path: Path, http_server: HttpTestServer, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """A scan with registry lookups on, the Go proxy a local server: the public module is
    looked up there, the private one (GOPRIVATE or GONOPROXY) never is, and it is listed as
    unverified with the reason instead."""
    project = tmp_path / "shop"
    project.mkdir()
    (project / "go.mod").write_text(GO_MOD)
    (project / "go.sum").write_text(GO_SUM)
    http_server.route("GET", "/golang.invalid/x/text/@v/list", Reply(body=b"v0.3.0\nv0.4.0\n"))
    for name in list(os.environ):
        if name.startswith(("AUDITOR_", "GO")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("AUDITOR_DB", str(tmp_path / "store.db"))
    monkeypatch.setenv("AUDITOR_NO_HTTP_CACHE", "1")
    monkeypatch.setenv("GOPROXY", f"{http_server.url},off")
    monkeypatch.setenv(variable, "*.corp.invalid")
    result = run_cli(["scan", str(project), "--json", "--source", "osv-local"])
    assert result.code in (0, 1, 3), result.err  # 1: the go 1.22 standard library
    paths = [r.path for r in http_server.requests]
    assert paths, "the public module was looked up"
    assert not any("corp.invalid" in p for p in paths), paths
    unverified = json.loads(result.out)["unverified"]
    reasons = {u["reason"] for u in unverified if "billing" in u["package"]}
    assert reasons
    assert all("private module" in r and "the proxy is not asked" in r for r in reasons)
