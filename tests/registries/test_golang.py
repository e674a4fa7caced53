"""The Go module proxy client: list, info and mod answers in the GOPROXY protocol's shape."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from auditor.core.errors import SourceError
from auditor.net.client import HttpClient
from auditor.registries.common import ConfiguredUrl
from auditor.registries.golang import GoProxyClient, escape_path, parse_requires
from auditor.registries.goproxy import GoProxy
from tests.httpserver import HttpTestServer, Reply, json_reply, quick_config

MODULE = "github.com/Azure/go-autorest"
ESCAPED = "github.com/!azure/go-autorest"


@pytest.fixture
def go(http_server: HttpTestServer) -> GoProxyClient:
    """A proxy on the local server with one module (the protocol's documented answers)."""
    base = f"/{ESCAPED}/@v"
    http_server.route("GET", f"{base}/list", Reply(body=b"v0.9.0\nv0.11.1\nv0.10.0\nv1.0.0-rc.1\n"))
    http_server.json(
        "GET", f"{base}/v0.10.0.info", {"Version": "v0.10.0", "Time": "2019-01-02T03:04:05Z"}
    )
    http_server.route(
        "GET",
        f"{base}/v0.10.0.mod",
        Reply(
            body=b"module github.com/Azure/go-autorest\n\ngo 1.12\n\n"
            b"require github.com/dgrijalva/jwt-go v3.2.0+incompatible\n"
            b"require (\n\tgolang.org/x/crypto v0.0.0-20191011191535-87dc89f01550 // indirect\n"
            b'\t"example.invalid/quoted" v1.0.0\n)\n'
        ),
    )
    http_server.route("GET", "/example.invalid/gone/@v/list", json_reply({}, status=410))
    return GoProxyClient(HttpClient(quick_config()), ConfiguredUrl(url=http_server.url, origin="t"))


def test_versions_in_module_order(go: GoProxyClient) -> None:
    """The list, ordered as Go orders versions; latest is the newest non-pre-release."""
    project = go.project(MODULE)
    assert project is not None
    assert ["v0.9.0", "v0.10.0", "v0.11.1", "v1.0.0-rc.1"] == [r.version for r in project.releases]
    assert project.latest is not None
    assert "v0.11.1" == project.latest.version


def test_release_time_from_info(go: GoProxyClient) -> None:
    """One version's time comes from its .info answer."""
    release = go.release(MODULE, "v0.10.0")
    assert release is not None
    assert datetime(2019, 1, 2, 3, 4, 5, tzinfo=timezone.utc) == release.published


def test_requirements_from_the_mod_file(go: GoProxyClient) -> None:
    """require lines and blocks, comments and quotes removed."""
    found = go.requirements(MODULE, "v0.10.0")
    assert found is not None
    assert (
        "github.com/dgrijalva/jwt-go v3.2.0+incompatible",
        "golang.org/x/crypto v0.0.0-20191011191535-87dc89f01550",
        "example.invalid/quoted v1.0.0",
    ) == found.dependencies


def test_gone_module_is_none(go: GoProxyClient) -> None:
    """410 Gone (and 404) mean no such module."""
    assert go.project("example.invalid/gone") is None


def test_escape_path() -> None:
    """Upper-case letters are escaped with '!'."""
    assert ESCAPED == escape_path(MODULE)
    assert [] == parse_requires("module x\n")


def test_private_modules_are_never_sent_to_the_proxy(http_server: HttpTestServer) -> None:
    """GOPRIVATE (or GONOPROXY) names modules the go command never asks the proxy for:
    the client refuses them with the reason before any request, and still asks for the
    others."""
    http_server.route("GET", "/golang.invalid/x/text/@v/list", Reply(body=b"v0.3.0\n"))
    proxy = ConfiguredUrl(url=http_server.url, origin="GOPROXY")
    routing = GoProxy(proxies=(proxy,), fallback="direct", private=("*.corp.invalid",))
    client = GoProxyClient(HttpClient(quick_config()), proxy, routing=routing)
    for call in (
        lambda: client.project("git.corp.invalid/team/billing"),
        lambda: client.release("git.corp.invalid/team/billing", "v1.2.0"),
        lambda: client.requirements("git.corp.invalid/team/billing", "v1.2.0"),
    ):
        with pytest.raises(SourceError) as info:
            call()
        assert (
            "git.corp.invalid/team/billing is a private module (GONOPROXY matches it): the "
            "proxy is not asked"
        ) == str(info.value)
    assert client.project("golang.invalid/x/text") is not None
    assert ["/golang.invalid/x/text/@v/list"] == [r.path for r in http_server.requests]
