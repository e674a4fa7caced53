"""Audit results for output tests: real fixtures audited against the test advisories, and
a hand-built result that exercises every ecosystem, source kind and finding kind."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from auditor.advisories.base import SourceOptions
from auditor.advisories.osv_local import OsvLocalSource
from auditor.collectors import plugins
from auditor.core.findings import Epss, Finding, FindingKind, IgnoreRule, Severity, Suppression
from auditor.core.graph import DependencyGraph
from auditor.core.model import (
    REGISTRY,
    Ecosystem,
    Edge,
    FileError,
    Hash,
    Location,
    Package,
    Root,
    Source,
    SourceKind,
)
from auditor.core.result import AuditResult, SourceInfo, Status
from auditor.licenses.spdx import normalise
from auditor.outputs.base import RenderOptions
from auditor.pipeline.audit import AuditOptions, audit, collect_paths
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
    formats are checked on collectors that land later without touching this list. A file is
    a lockfile when its collector claims its name or its path inside the fixture's project
    (``requirements/main.txt``), as discovery decides."""
    found = []
    for name, collector in sorted(plugins.COLLECTORS.items()):
        real = FIXTURES / name / "real"
        for path in sorted(real.rglob("*")):
            if not path.is_file():
                continue
            inside = path.relative_to(real).parts[1:]  # below the project's folder
            if collector.claims(path.name) or collector.claims("/".join(inside)):
                found.append(path.relative_to(REPO).as_posix())
    return found


def small_and_medium_fixtures(limit: int = 150_000) -> list[str]:
    """Per collector, its smallest real lockfile and its largest one under ``limit`` bytes:
    every collector at least once, for oracles too slow to run on every file."""
    by_collector: dict[str, list[tuple[int, str]]] = {}
    for path in real_fixtures():
        collector = path.split("/")[2]
        by_collector.setdefault(collector, []).append(((REPO / path).stat().st_size, path))
    chosen = set()
    for sizes in by_collector.values():
        sizes.sort()
        chosen.add(sizes[0][1])
        under = [path for size, path in sizes if size < limit]
        if under:
            chosen.add(under[-1])
    return sorted(chosen)


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
    kind, a vulnerability with CVSS (known exploited, with EPSS), one suppressed by an ignore
    and one by a VEX statement, a typosquat, unchecked and errors."""
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
        kev=True,
        epss=Epss(score=0.03179, percentile=0.86512),
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
    vexed = Finding(
        package_id=text.id,
        kind=FindingKind.VULNERABILITY,
        id="GO-2026-5970",
        aliases=("CVE-2026-56852",),
        severity=Severity.UNKNOWN,
        summary="Infinite loop on invalid input in golang.org/x/text",
        fixed_versions=("v0.39.0",),
        fix_version="v0.39.0",
    )
    statement = IgnoreRule(
        id="CVE-2026-56852",
        reason="unicode/norm is never called on untrusted input",
        origin="vex.cdx.json: vulnerabilities[0]",
        package="pkg:golang/golang.org/x/text",
        status="not_affected",
        justification="code_not_reachable",
    )
    return AuditResult(
        graph=graph,
        findings=tuple(sorted((vuln, go_vuln, squat))),
        suppressed=(
            Suppression(finding=ignored, rule=rule),
            Suppression(finding=vexed, rule=statement),
        ),
        unchecked=((left.id, "git source: advisories describe registry releases"),),
        errors=(FileError(path="web/yarn.lock", message="unexpected end of file", line=3),),
        status=Status.INCOMPLETE,
        sources=(SourceInfo(name="osv-local", location="db"),),
    )  # fmt: skip


def generated_result(size: int, *, vulnerable: int | None = None, seed: int = 6) -> AuditResult:
    """A synthetic npm project of ``size`` packages (a real npm project has 2,000 and more):
    scoped and plain names, two hashes each, two or three edges per package, dev and optional
    scopes, and a vulnerability on ``vulnerable`` packages spread evenly (default: every
    fiftieth). Deterministic for a seed."""
    rng = random.Random(seed)
    root = Root(
        id="root:package-lock.json", name="app", ecosystem=Ecosystem.NPM, path="package-lock.json"
    )
    packages = []
    for index in range(size):
        name = f"@scope{index % 7}/pkg-{index}" if index % 5 == 0 else f"pkg-{index}"
        digest = f"{index:08x}" * 16
        packages.append(
            _pkg(
                Ecosystem.NPM,
                name,
                f"{index % 9}.{index % 13}.{index % 4}",
                10 + 7 * index,
                path="package-lock.json",
                hashes=frozenset(
                    {
                        Hash(algorithm="sha512", value=digest),
                        Hash(algorithm="sha1", value=digest[:40]),
                    }
                ),
            )
        )
    edges = [Edge(parent=root.id, child=p.id) for p in packages[: max(1, size // 40)]]
    for index, package in enumerate(packages[:-1]):
        for child in rng.sample(packages[index + 1 :], min(rng.randint(2, 3), size - index - 1)):
            scope = rng.choice((None, None, None, "dev", "optional"))
            edges.append(Edge(parent=package.id, child=child.id, scope=scope, requirement="^1.0.0"))
    step = 50 if vulnerable is None else max(1, size // max(1, vulnerable))
    findings = tuple(
        sorted(
            Finding(
                package_id=package.id,
                kind=FindingKind.VULNERABILITY,
                id=f"GHSA-gen{index:04d}-xxxx-yyyy",
                severity=(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)[
                    index % 4
                ],
                summary=f"Generated advisory {index}",
                fixed_versions=("99.0.0",),
                fix_version="99.0.0",
                aliases=(f"CVE-2099-{index:05d}",),
            )
            for index, package in enumerate(packages)
            if index % step == 0
        )
    )
    graph = DependencyGraph(packages=packages, roots=[root], edges=edges)
    return AuditResult(graph=graph, findings=findings)


DECLARED = {
    "lodash": "MIT",
    "@babel/core": "(MIT OR Apache-2.0) AND BSD-3-Clause",
    "left-pad": "SEE LICENSE IN LICENSE.md",
    "tar-thing": "LicenseRef-Tar-Thing",
    # reqests: no licence (unknown)
}


def licensed_result() -> AuditResult:
    """``rich_result`` with a licence on four of its packages (one of each form)."""
    result = rich_result()
    packages = []
    for package in result.graph.packages:
        text = DECLARED.get(package.name)
        license = normalise(text, source="lockfile") if text else None
        packages.append(replace(package, license=license))
    graph = type(result.graph)(
        packages=packages, roots=result.graph.roots, edges=result.graph.edges
    )
    return replace(result, graph=graph)
