"""Audit results for output tests: real fixtures audited against the test advisories, and
a hand-built result that exercises every ecosystem, source kind and finding kind."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from auditor.advisories.base import SourceOptions
from auditor.advisories.osv_local import OsvLocalSource
from auditor.audit import AuditOptions, audit, collect_paths
from auditor.collectors import registry
from auditor.formats.base import RenderOptions
from auditor.graph import DependencyGraph
from auditor.model import (
    REGISTRY,
    AuditResult,
    Ecosystem,
    Edge,
    FileError,
    Finding,
    FindingKind,
    Hash,
    IgnoreRule,
    Location,
    Package,
    Root,
    Severity,
    Source,
    SourceInfo,
    SourceKind,
    Status,
    Suppression,
)
from tests.support import FIXTURES

REPO = FIXTURES.parent.parent
NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
OPTIONS = RenderOptions(project_name="example", timestamp=NOW)


@contextmanager
def in_repo() -> Iterator[None]:
    """Relative paths keep documents independent of where the checkout lives."""
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        yield
    finally:
        os.chdir(cwd)


def audited(*paths: str, ignores: tuple[IgnoreRule, ...] = ()) -> AuditResult:
    """``paths`` (relative to the repository) audited against tests/fixtures/advisories."""
    with in_repo():
        source = OsvLocalSource(Path("tests/fixtures/advisories"), options=SourceOptions(now=NOW))
        collection = collect_paths(list(paths))
        return audit(collection, AuditOptions(sources=(source,), ignores=ignores, today=NOW.date()))


def real_fixtures() -> list[str]:
    """Every real lockfile of every registered collector (relative to the repository), so
    formats are checked on collectors that land later without touching this list."""
    found = []
    for name, collector in sorted(registry.COLLECTORS.items()):
        for path in sorted((FIXTURES / name / "real").rglob("*")):
            if path.is_file() and collector.claims(path.name):
                found.append(path.relative_to(REPO).as_posix())
    return found


def _pkg(
    eco: Ecosystem,
    name: str,
    version: str,
    line: int,
    *,
    path: str = "app/package-lock.json",
    hashes: frozenset[Hash] = frozenset(),
    scopes: frozenset[str] = frozenset(),
    source: Source = REGISTRY,
) -> Package:
    return Package(
        ecosystem=eco,
        name=name,
        version=version,
        found_in=(Location(path=path, line=line),),
        hashes=hashes,
        scopes=scopes,
        source=source,
    )


def rich_result() -> AuditResult:
    """Two roots (npm and Go), scoped npm names, git/url/workspace sources, hashes of every
    kind, a vulnerability with CVSS, a suppressed one, a typosquat, unchecked and errors."""
    npm_root = Root(
        id="root:app/package-lock.json",
        name="app",
        ecosystem=Ecosystem.NPM,
        path="app/package-lock.json",
    )
    go_root = Root(
        id="root:svc/go.mod", name="example.com/svc", ecosystem=Ecosystem.GO, path="svc/go.mod"
    )
    lodash = _pkg(
        Ecosystem.NPM,
        "lodash",
        "4.17.20",
        12,
        hashes=frozenset({Hash(algorithm="sha512", value="ab" * 64)}),
    )
    babel = _pkg(
        Ecosystem.NPM,
        "@babel/core",
        "7.1.0",
        30,
        hashes=frozenset(
            {
                Hash(algorithm="sha1", value="cd" * 20),
                Hash(algorithm="yarn-cache-10c0-sha512", value="ef" * 64),
            }
        ),
    )
    left = _pkg(
        Ecosystem.NPM,
        "left-pad",
        "1.3.0",
        44,
        scopes=frozenset({"dev"}),
        source=Source(
            kind=SourceKind.GIT, url="https://github.com/left/pad.git", reference="0123abc"
        ),
    )
    tarball = _pkg(
        Ecosystem.NPM,
        "tar-thing",
        "2.0.0",
        50,
        source=Source(kind=SourceKind.URL, url="https://files.example.com/tar-thing-2.0.0.tgz"),
    )
    local = _pkg(
        Ecosystem.NPM,
        "my-lib",
        "0.0.1",
        60,
        source=Source(kind=SourceKind.WORKSPACE, url="packages/my-lib"),
    )
    reqests = _pkg(Ecosystem.NPM, "reqests", "1.0.0", 70, scopes=frozenset({"optional"}))
    text = _pkg(
        Ecosystem.GO,
        "golang.org/x/text",
        "v0.3.7",
        5,
        path="svc/go.mod",
        hashes=frozenset({Hash(algorithm="go-h1", value="12" * 32)}),
    )
    graph = DependencyGraph(
        packages=[lodash, babel, left, tarball, local, reqests, text],
        roots=[npm_root, go_root],
        edges=[
            Edge(parent=npm_root.id, child=babel.id),
            Edge(parent=npm_root.id, child=left.id, scope="dev"),
            Edge(parent=npm_root.id, child=local.id),
            Edge(parent=npm_root.id, child=reqests.id, scope="optional"),
            Edge(parent=babel.id, child=lodash.id, requirement="^4.17.0"),
            Edge(parent=local.id, child=tarball.id),
            Edge(parent=go_root.id, child=text.id),
        ],
    )
    vuln = Finding(
        package_id=lodash.id,
        kind=FindingKind.VULNERABILITY,
        id="GHSA-35jh-r3h4-6jhm",
        severity=Severity.HIGH,
        score=7.2,
        aliases=("CVE-2021-23337",),
        summary="Command Injection in lodash | <img src=x onerror=alert(1)> [click](https://evil.invalid)",
        details="`template` is vulnerable.\n# Heading\n- list",
        fixed_versions=("4.17.21",),
        fix_version="4.17.21",
        references=("https://github.com/lodash/lodash/commit/3469357",),
        cwes=("CWE-77", "CWE-94"),
        published="2021-02-15T00:00:00Z",
        modified="2023-01-01T00:00:00Z",
        evidence=(
            ("severity-basis", "CVSS_V3"),
            ("severity-vector", "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"),
        ),
    )
    go_vuln = Finding(
        package_id=text.id,
        kind=FindingKind.VULNERABILITY,
        id="GO-2022-1059",
        severity=Severity.UNKNOWN,
        summary="Denial of service via crafted Accept-Language header",
        fixed_versions=("v0.3.8",),
        fix_version="v0.3.8",
    )
    squat = Finding(
        package_id=reqests.id,
        kind=FindingKind.TYPOSQUAT,
        id="typosquat",
        severity=Severity.MEDIUM,
        summary="reqests looks like requests",
        evidence=(("imitates", "requests"), ("distance", "1")),
    )
    ignored = Finding(
        package_id=babel.id,
        kind=FindingKind.VULNERABILITY,
        id="GHSA-xxxx-yyyy-zzzz",
        severity=Severity.LOW,
        summary="A low one",
        fix_version="7.2.0",
    )
    rule = IgnoreRule(
        id="GHSA-xxxx-yyyy-zzzz",
        reason="only used at build time",
        expires="2026-01-31",
        origin="auditor.toml: ignore[0]",
    )
    return AuditResult(
        graph=graph,
        findings=tuple(sorted((vuln, go_vuln, squat))),
        suppressed=(Suppression(finding=ignored, rule=rule),),
        unchecked=((left.id, "git source: advisories describe registry releases"),),
        errors=(FileError(path="web/yarn.lock", message="unexpected end of file", line=3),),
        status=Status.INCOMPLETE,
        sources=(SourceInfo(name="osv-local", location="db"),),
    )  # fmt: skip
