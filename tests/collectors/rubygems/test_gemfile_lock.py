"""Gemfile.lock: peer fixtures, real files against a line reader (and Bundler's own parser
when Ruby is installed), sources, platforms, checksums, BUNDLED WITH, errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from auditor.collectors.rubygems.gemfile_lock import GemfileLockCollector
from auditor.core.errors import LockfileError
from auditor.core.graph import DependencyGraph
from auditor.core.model import Hash, SourceKind
from tests.support import FIXTURES, PeerCase, collect_file, collect_text, name_versions, peer_cases

HERE = FIXTURES / "gemfile-lock"
COLLECTOR = GemfileLockCollector()
REAL = sorted(p.parent.name for p in (HERE / "real").rglob("Gemfile.lock"))


def _without_bundler(pairs: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    """Peers do not report BUNDLED WITH; auditor makes it the ``bundler`` package (Bundler
    2.3+ installs with that version), so it is taken out before comparing."""
    match = re.search(r"^BUNDLED WITH\n\s+(\S+)", text, re.M)
    return [p for p in pairs if not (match and p == ("bundler", match[1]))]


@pytest.mark.parametrize("case", peer_cases(HERE / "peer"), ids=lambda c: c.id)
def test_peer_fixture(case: PeerCase) -> None:
    """Each osv-scalibr / osv-scanner expectation matches, BUNDLED WITH aside; a platform
    gem (nokogiri 1.13.3-x86_64-linux) is its version, as the peers say too."""
    found = name_versions(collect_file(COLLECTOR, case.fixture))
    assert case.expected == _without_bundler(found, case.fixture.read_text())


def _line_reader(text: str) -> tuple[set[tuple[str, str]], str | None]:
    """The independent reading: four-space spec lines of GEM sections, by regular
    expression, platform suffix cut at the first hyphen; and BUNDLED WITH."""
    found = set()
    section = ""
    for line in text.splitlines():
        if line and not line.startswith(" "):
            section = line
        spec = re.fullmatch(r" {4}(\S+) \(([^-)]+)(?:-[^)]+)?\)", line)
        if section == "GEM" and spec:
            found.add((spec[1], spec[2]))
    bundled = re.search(r"^BUNDLED WITH\n\s+(\S+)", text, re.M)
    return found, bundled[1] if bundled else None


@pytest.mark.parametrize("folder", REAL)
def test_real_file_registry_gems_equal_a_line_reading(folder: str) -> None:
    """The registry packages are exactly the GEM specs (plus bundler at BUNDLED WITH);
    PATH gems are path packages; every package hangs from the root; every locked gem has
    its CHECKSUMS sha256 unless it is the project's own."""
    path = HERE / "real" / folder / "Gemfile.lock"
    text = path.read_text()
    gems, bundled = _line_reader(text)
    result = collect_file(COLLECTOR, path)
    registry = {(p.name, p.version) for p in result.packages if p.source.is_registry}
    assert gems | {("bundler", bundled)} == registry
    graph = DependencyGraph.from_results([result])
    assert [] == [p.display for p in graph.packages if graph.depth(p.id) is None]
    assert all(p.hashes for p in result.packages if p.source.is_registry and p.name != "bundler")
    assert all(p.found_in[0].line for p in result.packages)


def test_rails_path_gems_platform_variants_and_other_platform_declarations() -> None:
    """rails: the PATH gems (``.`` and ``tools/releaser``) are local; nokogiri locked for
    several platforms is one package found at each line; wdm and tzinfo-data are declared
    for platforms the lock does not cover, so they are skipped with that reason."""
    result = collect_file(COLLECTOR, HERE / "real" / "rails__rails__2a2db1e8" / "Gemfile.lock")
    local = {(p.name, p.source.url) for p in result.packages if p.source.kind is SourceKind.PATH}
    assert ("railties", ".") in local
    assert ("releaser", "tools/releaser") in local
    nokogiri = [p for p in result.packages if p.name == "nokogiri"]
    assert 1 == len(nokogiri)
    assert [
        "nokogiri (1.19.1)",
        "nokogiri (1.19.1-aarch64-linux-gnu)",
        "nokogiri (1.19.1-arm64-darwin)",
        "nokogiri (1.19.1-x86_64-darwin)",
        "nokogiri (1.19.1-x86_64-linux-gnu)",
    ] == [loc.key for loc in nokogiri[0].found_in]
    # the hashes of every platform's gem file
    assert 5 == len(nokogiri[0].hashes)
    assert [
        ("tzinfo-data", "declared in DEPENDENCIES, not locked for the lock's PLATFORMS"),
        ("wdm", "declared in DEPENDENCIES, not locked for the lock's PLATFORMS"),
    ] == [(s.name, s.reason) for s in result.skipped]
    bundler = [e for e in result.edges if e.child.startswith("pkg:gem/bundler@")]
    assert {
        "root:Gemfile.lock",
        "pkg:gem/rails@8.2.0.alpha?source=path:.",
        "pkg:gem/bundler-audit@0.9.3",
    } == {e.parent for e in bundler}


GIT_LOCK = """GIT
  remote: https://token@git.invalid/hanami/utils.git
  revision: 5904fc9a70683b8749aa2861257d0c8c01eae4aa
  branch: unstable
  specs:
    hanami-utils (2.0.0.alpha1)
      concurrent-ruby (~> 1.0)

GEM
  remote: https://gems.invalid/
  specs:
    concurrent-ruby (1.1.7)
    nokogiri (1.16.0-x86_64-linux)
      racc (~> 1.4)
    nokogiri (1.16.0-arm64-darwin)
      racc (~> 1.4)
    racc (1.7.3)

PLATFORMS
  arm64-darwin
  x86_64-linux

DEPENDENCIES
  hanami-utils!
  nokogiri (>= 1.15)

CHECKSUMS
  concurrent-ruby (1.1.7) sha256=00
  nokogiri (1.16.0-x86_64-linux) sha256=AB12
  racc (1.7.3)

BUNDLED WITH
   2.5.6
"""


def test_git_source_checksums_and_declared_edges() -> None:
    """A GIT gem keeps its remote (redacted) and revision; CHECKSUMS give sha256 per
    platform variant; DEPENDENCIES are the root's edges, ``!`` dropped from the name."""
    result = collect_text(COLLECTOR, GIT_LOCK, "Gemfile.lock")
    by_name = {p.name: p for p in result.packages}
    utils = by_name["hanami-utils"]
    assert SourceKind.GIT is utils.source.kind
    assert (
        "https://****@git.invalid/hanami/utils.git",
        "5904fc9a70683b8749aa2861257d0c8c01eae4aa",
    ) == (
        utils.source.url,
        utils.source.reference,
    )
    assert frozenset({Hash(algorithm="sha256", value="ab12")}) == by_name["nokogiri"].hashes
    root_edges = sorted(
        (e.child, e.requirement) for e in result.edges if e.parent == "root:Gemfile.lock"
    )
    assert [
        ("pkg:gem/bundler@2.5.6", "bundler (BUNDLED WITH)"),
        (utils.id, "hanami-utils"),
        ("pkg:gem/nokogiri@1.16.0", "nokogiri (>= 1.15)"),
    ] == root_edges
    assert ("https://gems.invalid/",) == result.registries
    assert (utils.id, "pkg:gem/concurrent-ruby@1.1.7") in {
        (e.parent, e.child) for e in result.edges
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Gemfile.lock: file is empty, expected a Gemfile.lock"),
        ("hello\n", "Gemfile.lock:1: unexpected line 'hello', expected a section such as GEM"),
        ("  remote: x\n", "Gemfile.lock:1: indented line before any section"),
        ("GEM\n  remote: x\n    a (1.0)\n", "Gemfile.lock:3: unexpected spec 'a (1.0)'"),
        ("GEM\n  specs:\n      b (>= 1)\n", "Gemfile.lock:3: dependency line outside a spec"),
        ("GEM\n  specs:\n    a (1.0) (2.0)\n", "Gemfile.lock:3: unexpected spec 'a (1.0) (2.0)'"),
        ("GEM\n  what is this\n", "Gemfile.lock:2: unexpected line 'what is this' in GEM"),
        ("DEPENDENCIES\n  a (\n", "Gemfile.lock:2: unexpected dependency 'a ('"),
        ("CHECKSUMS\n  a\n", "Gemfile.lock:2: unexpected checksum line 'a'"),
    ],
)
def test_malformed_files_name_the_line(text: str, message: str) -> None:
    """Each broken shape is one LockfileError naming the file and line."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "Gemfile.lock")
    assert message == str(info.value)


def _bundler_reading(path: Path, tmp: Path) -> list[tuple[str, str]]:
    script = (
        "require 'bundler'; require 'json'; "
        "p = Bundler::LockfileParser.new(File.read(ARGV[0])); "
        "puts JSON.generate(p.specs.map { |s| [s.name, s.version.to_s, s.source.class.name] })"
    )
    (tmp / "Gemfile").write_text("")  # Bundler resolves PATH sources against a Gemfile
    done = subprocess.run(
        ["ruby", "-e", script, str(path)],
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"HOME": str(tmp), "PATH": "/usr/bin:/bin"},
    )
    assert 0 == done.returncode, done.stderr
    return sorted({(n, v) for n, v, kind in json.loads(done.stdout) if kind.endswith("Rubygems")})


@pytest.mark.skipif(shutil.which("ruby") is None, reason="Ruby (with Bundler) is not installed")
@pytest.mark.parametrize("folder", REAL)
def test_real_file_registry_gems_equal_bundlers_own_parser(folder: str, tmp_path: Path) -> None:
    """Bundler's Bundler::LockfileParser (the real tool) lists the same registry gems."""
    path = HERE / "real" / folder / "Gemfile.lock"
    result = collect_file(COLLECTOR, path)
    ours = sorted(
        {
            (p.name, p.version)
            for p in result.packages
            if p.source.is_registry and p.name != "bundler"
        }
    )
    assert _bundler_reading(path, tmp_path) == ours
