"""go.mod (+ go.sum, + go mod graph): peer fixtures, real files, selection, replace, errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from auditor.collectors.go.mod import GoModCollector
from auditor.core.errors import LockfileError
from auditor.core.graph import DependencyGraph
from auditor.core.model import CollectResult, Hash, root_id
from tests.support import FIXTURES, PeerCase, collect_file, collect_text, name_versions, peer_cases

HERE = FIXTURES / "go-mod"
COLLECTOR = GoModCollector()
# Where auditor deliberately differs from a peer expectation, and why (each is asserted in
# test_peer_fixture with auditor's own result).
DEVIATIONS = {
    # An empty go.mod declares nothing; the go command refuses it ("missing module
    # declaration") and auditor reports it instead of auditing nothing.
    "osv-scalibr/empty.mod": "empty",
    "osv-scanner-v1/empty.mod": "empty",
    # osv-scalibr adds every module with a zip hash in go.sum when go < 1.17. go.sum is a
    # checksum cache, not a resolution: the real go-get-update go.sum holds zip hashes of
    # module versions minimal version selection did not pick (see
    # test_go_sum_lists_versions_the_build_does_not_use). auditor takes the full graph from a
    # `go mod graph` file instead, and otherwise reports what go.mod requires.
    "osv-scalibr/indirect-1.16.mod": "go.sum is not a module list",
    # The fixture's go.sum beside it is deliberately malformed (the peer never reads it for
    # go >= 1.17). auditor reads go.sum for hashes and, like the go command, refuses a
    # malformed one; without it auditor matches the peer (asserted below).
    "osv-scalibr/indirect-1.23.mod": "malformed go.sum",
    # A module replaced by a local directory is not a package: auditor skips it with the
    # reason, under the module's own path (the peers list it as ("./fork/net", "")).
    "osv-scalibr/replace-local.mod": "local replacement",
    "osv-scanner-v1/replace-local.mod": "local replacement",
}


def graph_of(result: CollectResult) -> DependencyGraph:
    return DependencyGraph(packages=result.packages, edges=result.edges, roots=result.roots)


@pytest.mark.parametrize("case", peer_cases(HERE / "peer"), ids=lambda c: c.id)
def test_peer_fixture(case: PeerCase) -> None:
    """Each peer expectation (name, version) matches exactly, deviations explained above."""
    deviation = DEVIATIONS.get(case.id)
    if deviation == "empty":
        with pytest.raises(LockfileError, match=r"^empty\.mod: file is empty, expected a go\.mod$"):
            collect_file(COLLECTOR, case.fixture)
        return
    if deviation == "malformed go.sum":
        with pytest.raises(LockfileError) as info:
            collect_file(COLLECTOR, case.fixture)
        assert (
            "indirect-1.23.sum:1: malformed go.sum line: expected 'module version hash',"
            " found 8 fields" == str(info.value)
        )
        alone = collect_text(COLLECTOR, case.fixture.read_text(), "indirect-1.23.mod")
        assert case.expected == name_versions(alone)
        return
    result = collect_file(COLLECTOR, case.fixture)
    if deviation == "go.sum is not a module list":
        assert [("github.com/sirupsen/logrus", "1.9.3"), ("stdlib", "1.16")] == name_versions(
            result
        )
        assert set(name_versions(result)) < set(case.expected)
        return
    if deviation == "local replacement":
        assert [("github.com/BurntSushi/toml", "1.0.0")] == name_versions(result)
        assert [("golang.org/x/net", "replaced by local path ./fork/net")] == [
            (s.name, s.reason) for s in result.skipped
        ]
        assert sorted([*name_versions(result), ("./fork/net", "")]) == case.expected
        return
    assert deviation is None
    assert case.expected == name_versions(result)


def test_go_sum_lists_versions_the_build_does_not_use() -> None:
    """The evidence for the go.sum deviation: go-get-update's go.sum has zip hashes of
    golang.org/x/net and golang.org/x/tools versions that its committed `go mod graph` output
    shows as required but not selected; counting go.sum lines as packages would add them."""
    folder = HERE / "real/jsternberg__go-get-update"
    zipped = {
        tuple(line.split()[:2])
        for line in (folder / "go.sum").read_text().splitlines()
        if not line.split()[1].endswith("/go.mod")
    }
    result = collect_file(COLLECTOR, folder / "go.mod")
    selected = {(p.name, f"v{p.version}") for p in result.packages}
    assert {
        ("golang.org/x/net", "v0.0.0-20181005035420-146acd28ed58"),
        ("golang.org/x/tools", "v0.0.0-20181004163742-59602fdee893"),
    } == zipped - selected


# -- real files -------------------------------------------------------------------------------


def real(folder: str) -> CollectResult:
    return collect_file(COLLECTOR, HERE / "real" / folder / "go.mod")


def test_real_terraform_counts_and_directness() -> None:
    """terraform: 307 requirements (227 ``// indirect``), 10 of them replaced by local
    directories (skipped), so 297 modules + stdlib (``go 1.26.4``) = 298 packages; direct =
    80 direct requirements - 10 local + stdlib = 71; every module has go.sum hashes."""
    result = real("hashicorp__terraform")
    graph = graph_of(result)
    assert 298 == len(result.packages)
    assert 10 == len(result.skipped)
    assert {s.reason.split(" ./")[0] for s in result.skipped} == {"replaced by local path"}
    assert 71 == sum(graph.is_direct(p.id) for p in result.packages)
    assert ("stdlib", "1.26.4") in name_versions(result)
    assert all(p.hashes for p in result.packages if p.name != "stdlib")
    assert ("go.mod", "go.sum") == result.files
    # an indirect module hangs from the root but is not direct, and is two steps away
    sys_pkg = next(p for p in result.packages if p.name == "k8s.io/api")
    assert not graph.is_direct(sys_pkg.id)
    assert 2 == graph.depth(sys_pkg.id)


def test_real_prometheus_counts_exclude_and_replace() -> None:
    """prometheus: 250 requirements (141 indirect) + stdlib (``go 1.25.10``) = 251 packages;
    ``replace cloud.google.com/go => cloud.google.com/go v0.123.0`` replaces a module nothing
    requires, and the excluded versions are not required either, so neither changes anything."""
    result = real("prometheus__prometheus")
    graph = graph_of(result)
    assert 251 == len(result.packages)
    assert [] == list(result.skipped)
    assert 110 == sum(graph.is_direct(p.id) for p in result.packages)
    versions = dict(name_versions(result))
    assert "cloud.google.com/go" not in versions
    assert "1.25.10" == versions["stdlib"]


def test_real_prometheus_replace_block_names_the_replacement() -> None:
    """prometheus in October 2024 replaced k8s.io/klog (required at v1.0.0) by
    github.com/simonpasquier/klog-gokit v0.3.0: the package is the replacement, and the
    root's edge records both the requirement and what replaced it."""
    result = real("prometheus__prometheus__65f61035")
    versions = dict(name_versions(result))
    assert "k8s.io/klog" not in versions
    assert "0.3.0" == versions["github.com/simonpasquier/klog-gokit"]
    assert "3.5.0" == versions["github.com/simonpasquier/klog-gokit/v3"]
    requirements = {e.child: e.requirement for e in result.edges}
    assert (
        "k8s.io/klog v1.0.0 => github.com/simonpasquier/klog-gokit v0.3.0"
        == (requirements["pkg:golang/github.com/simonpasquier/klog-gokit@v0.3.0"])
    )


def test_real_graph_file_gives_the_selected_build_list() -> None:
    """go-get-update commits `go mod graph` output (modgraph.txt): 52 lines over 49 modules
    (x/net at 3 versions, x/tools at 2); selection keeps the highest of each, so 49 packages,
    and every module go.mod lists is selected at go.mod's version (go.mod is tidy)."""
    result = real("jsternberg__go-get-update")
    assert ("go.mod", "go.sum", "modgraph.txt") == result.files
    assert 49 == len(result.packages)
    listed = re.findall(
        r"^\s+(\S+) (v\S+)", (HERE / "real/jsternberg__go-get-update/go.mod").read_text(), re.M
    )
    versions = dict(name_versions(result))
    assert [(path, version[1:]) for path, version in listed] == [
        (p, versions[p]) for p, _ in listed
    ]
    graph = graph_of(result)
    assert all(graph.depth(p.id) is not None for p in result.packages)
    net = next(p for p in result.packages if p.name == "golang.org/x/net")
    assert not graph.is_direct(net.id)  # // indirect in go.mod
    assert 2 == graph.depth(net.id)  # ... and required by flux, the path the graph records
    flux = "pkg:golang/github.com/influxdata/flux@v0.0.0-20181011143358-bd7c7ff9a2f4"
    assert (flux, net.id, "golang.org/x/net v0.0.0-20181005035420-146acd28ed58") in {
        (e.parent, e.child, e.requirement) for e in result.edges
    }
    older = real("jsternberg__go-get-update__8ed1db5a")
    assert 49 == len(older.packages)


def test_go_sum_hashes_are_hex_of_the_h1_sha256() -> None:
    """``h1:`` (module files) and ``/go.mod h1:`` (its go.mod) become go-h1 / go-h1-mod."""
    result = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/indirect-1.16.mod")
    logrus = next(p for p in result.packages if p.name == "github.com/sirupsen/logrus")
    assert {
        Hash(
            algorithm="go-h1",
            value="76e794409d42daaf6813717bc2f992180695b539948b345ebba7e337cbaacdb4",
        ),
        Hash(
            algorithm="go-h1-mod",
            value="9da1cbb8ba0388fe231cda3d474b0204cb5619e229ae86fbe2656c213e2a6044",
        ),
    } == logrus.hashes


# -- minimal version selection against the go command -----------------------------------------

MVS = HERE / "cases/mvs"


def go_list(folder: Path) -> list[str]:
    return (folder / "go-list-m-all.txt").read_text().splitlines()[1:]


@pytest.mark.parametrize("go", ["go1.16", "go1.17"])
def test_selection_matches_go_list_m_all(go: str, tmp_path: Path) -> None:
    """The go command's own answer, recorded offline (cases/mvs/regenerate.sh): with every
    module replaced by a local directory, the skipped requirements read exactly like
    `go list -m all`; with the replace block removed, the packages are its modules. In the
    unpruned go 1.16 graph the unselected a v1.0.0 still brings c v1.2.0 and d v1.0.0."""
    folder = MVS / go
    replaced = collect_file(COLLECTOR, folder / "go.mod")
    assert go_list(folder) == [s.requirement for s in replaced.skipped]
    text = re.sub(r"replace \([^)]*\)\n", "", (folder / "go.mod").read_text())
    (tmp_path / "go.mod").write_text(text)
    shutil.copy(folder / "go.mod.graph", tmp_path)
    plain = collect_file(COLLECTOR, tmp_path / "go.mod")
    expected = [line.split(" => ")[0].split() for line in go_list(folder)]
    assert sorted([(path, version[1:]) for path, version in expected] + [("stdlib", go[2:])]) == (
        name_versions(plain)
    )
    graph = graph_of(plain)
    assert all(graph.depth(p.id) is not None for p in plain.packages)


def test_unselected_requirements_are_attributed_to_the_selected_version(tmp_path: Path) -> None:
    """An edge from a version that lost selection is kept on the selected version of that
    module, saying which version required it."""
    (tmp_path / "go.mod").write_text(
        re.sub(r"replace \([^)]*\)\n", "", (MVS / "go1.16/go.mod").read_text())
    )
    shutil.copy(MVS / "go1.16/go.mod.graph", tmp_path)
    result = collect_file(COLLECTOR, tmp_path / "go.mod")
    assert (
        "pkg:golang/example.com/a@v1.1.0",
        "pkg:golang/example.com/d@v1.0.0",
        "example.com/d v1.0.0 (required by example.com/a v1.0.0)",
    ) in {(e.parent, e.child, e.requirement) for e in result.edges}


# -- replace, exclude, stdlib, edges -------------------------------------------------------------


def test_replace_forms_and_exclude() -> None:
    """Version-specific replace wins over a general one; module → module gives the
    replacement; module → directory is skipped; an excluded requirement is skipped."""
    text = """module example.com/m

go 1.22

require (
\tgolang.org/x/net v0.1.0
\tgolang.org/x/text v0.3.0 // indirect; needed by net
\texample.com/old v1.2.3
\t"example.com/quoted/v2" v2.1.0
\texample.com/gone v1.0.0
\tgopkg.in/yaml.v3 v3.0.1
)

replace golang.org/x/net => example.com/fork/net v0.2.0
replace golang.org/x/net v0.1.0 => example.com/fork/net v0.3.0
replace example.com/old v1.2.3 => ../old
exclude example.com/gone v1.0.0
"""
    result = collect_text(COLLECTOR, text, "go.mod")
    assert [
        ("example.com/fork/net", "0.3.0"),
        ("example.com/quoted/v2", "2.1.0"),
        ("golang.org/x/text", "0.3.0"),
        ("gopkg.in/yaml.v3", "3.0.1"),
        ("stdlib", "1.22"),
    ] == name_versions(result)
    assert [
        ("example.com/gone", "example.com/gone v1.0.0", "excluded by go.mod"),
        ("example.com/old", "example.com/old v1.2.3 => ../old", "replaced by local path ../old"),
    ] == [(s.name, s.requirement, s.reason) for s in result.skipped]
    edges = {(e.child, e.requirement, e.indirect) for e in result.edges}
    fork_edge = "golang.org/x/net v0.1.0 => example.com/fork/net v0.3.0"
    assert ("pkg:golang/example.com/fork/net@v0.3.0", fork_edge, False) in edges
    assert ("pkg:golang/golang.org/x/text@v0.3.0", "golang.org/x/text v0.3.0", True) in edges
    assert ("pkg:golang/stdlib@1.22", "go 1.22", False) in edges
    fork = next(p for p in result.packages if p.name == "example.com/fork/net")
    assert [6, 15] == [loc.line for loc in fork.found_in]  # the require and the replace


def test_incompatible_and_pseudo_versions_keep_their_suffixes() -> None:
    """``+incompatible`` and pseudo-versions are kept whole (OSV records write them so)."""
    text = (
        "module m\n\nrequire (\n\tgithub.com/docker/docker v24.0.7+incompatible\n"
        "\tgolang.org/x/sys v0.0.0-20220715151400-c0bba94af5f8\n)\n"
    )
    assert [
        ("github.com/docker/docker", "24.0.7+incompatible"),
        ("golang.org/x/sys", "0.0.0-20220715151400-c0bba94af5f8"),
    ] == name_versions(collect_text(COLLECTOR, text, "go.mod"))


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("go 1.21", ("1.21", "go 1.21")),
        ("go 1.21.3\ntoolchain go1.22.1", ("1.22.1", "toolchain go1.22.1")),
        ("go 1.21rc2", ("1.21rc2", "go 1.21rc2")),
        ("go 1.23.5\ntoolchain go1.23.6-xyz", ("1.23.6", "toolchain go1.23.6-xyz")),
        ("go 1.20\ntoolchain local", ("1.20", "go 1.20")),
        ("go 1.20\ntoolchain gccgo-go1.21.0", ("1.21.0", "toolchain gccgo-go1.21.0")),
    ],
)
def test_stdlib_from_go_or_toolchain(lines: str, expected: tuple[str, str]) -> None:
    """``stdlib`` carries the toolchain version when there is one, else the go version."""
    result = collect_text(COLLECTOR, f"module m\n\n{lines}\n", "go.mod")
    (stdlib,) = result.packages
    edge = next(iter(result.edges))
    assert expected == (stdlib.version, edge.requirement)
    assert "pkg:golang/stdlib@" + expected[0] == stdlib.id


def test_directives_without_packages_parse() -> None:
    """godebug, tool, ignore and retract (single and ranges, in blocks) are read, and do
    not become packages."""
    text = """// a comment
module "example.com/m" // the module
go 1.25
godebug (
\tdefault=go1.21
\tpanicnil=1
)
godebug winsymlink=0
tool golang.org/x/tools/cmd/stringer
tool (
\tgolang.org/x/tools/cmd/goimports
)
ignore ./node_modules
retract v1.0.0 // published by accident
retract [v1.1.0, v1.1.9]
retract (
\tv0.9.0
\t[v0.8.0, v0.8.5] // broken
)
require ()
"""
    result = collect_text(COLLECTOR, text, "go.mod")
    assert [("stdlib", "1.25")] == name_versions(result)


def test_graph_file_must_match_go_mod(tmp_path: Path) -> None:
    """A graph for another module or an older go.mod is refused with the difference."""
    (tmp_path / "go.mod").write_text("module example.com/app\n\nrequire example.com/b v1.1.0\n")
    (tmp_path / "go.mod.graph").write_text("example.com/app example.com/b@v1.0.0\n")
    with pytest.raises(LockfileError) as info:
        collect_file(COLLECTOR, tmp_path / "go.mod")
    assert (
        "go.mod: go.mod.graph does not match it: only go.mod requires example.com/b v1.1.0"
        " (regenerate it with `go mod graph > go.mod.graph`)" == str(info.value)
    )
    (tmp_path / "go.mod").write_text("module example.com/app\n")
    with pytest.raises(LockfileError) as info:
        collect_file(COLLECTOR, tmp_path / "go.mod")
    assert (
        "go.mod: go.mod.graph does not match it: only the graph requires example.com/b v1.0.0"
        " (regenerate it with `go mod graph > go.mod.graph`)" == str(info.value)
    )
    (tmp_path / "go.mod.graph").write_text("example.com/other example.com/b@v1.1.0\n")
    with pytest.raises(LockfileError) as info:
        collect_file(COLLECTOR, tmp_path / "go.mod")
    assert (
        "go.mod: go.mod.graph is the graph of module example.com/other, not of example.com/app"
        " (regenerate it with `go mod graph > go.mod.graph`)" == str(info.value)
    )


def test_graph_file_go_and_toolchain_nodes_are_not_modules(tmp_path: Path) -> None:
    """Go 1.21+ graphs name ``go@`` and ``toolchain@`` requirements; they are skipped."""
    (tmp_path / "go.mod").write_text(
        "module example.com/app\n\ngo 1.21\n\nrequire example.com/b v1.1.0\n"
    )
    (tmp_path / "go.mod.graph").write_text(
        "example.com/app example.com/b@v1.1.0\nexample.com/app go@1.21\n"
        "example.com/b@v1.1.0 go@1.20\nexample.com/b@v1.1.0 toolchain@go1.21.0\n"
    )
    result = collect_file(COLLECTOR, tmp_path / "go.mod")
    assert [("example.com/b", "1.1.0"), ("stdlib", "1.21")] == name_versions(result)
    assert root_id("go.mod") == result.roots[0].id


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "go.mod: file is empty, expected a go.mod"),
        ("// only a comment\n", "go.mod: no directives, expected a go.mod"),
        ("this is not a go.mod file!\n", "go.mod:1: unknown directive: this"),
        ("module m\nmodule n\n", "go.mod:2: repeated module statement"),
        ("go 1.21\ngo 1.22\n", "go.mod:2: repeated go statement"),
        ("go 1.21.x\n", "go.mod:1: invalid go version '1.21.x': must match format 1.23"),
        ("go\n", "go.mod:1: go directive expects exactly one argument"),
        (
            "toolchain 1.21\n",
            "go.mod:1: invalid toolchain version '1.21': must match format go1.23 or local",
        ),
        (
            "require (\n\ta v1.0.0\n",
            "go.mod:1: syntax error (unterminated block started at go.mod:1)",
        ),
        ("require (\n) x\n", "go.mod:2: syntax error (expected newline after closing paren)"),
        ("go (\n)\n", "go.mod:1: unknown block type: go"),
        ("require a\n", "go.mod:1: usage: require module/path v1.2.3"),
        (
            "require a v1.0\n",
            'go.mod:1: require a: version "v1.0" invalid: must be of the form v1.2.3',
        ),
        (
            "require a 1.0.0\n",
            'go.mod:1: require a: version "1.0.0" invalid: must be of the form v1.2.3',
        ),
        (
            "require example.com/a v2.0.0\n",
            'go.mod:1: require example.com/a: version "v2.0.0" invalid: should be v0 or v1, not v2',
        ),
        (
            "require example.com/a/v2 v1.0.0\n",
            'go.mod:1: require example.com/a/v2: version "v1.0.0" invalid: should be v2, not v1',
        ),
        (
            "require gopkg.in/yaml.v3 v2.0.0\n",
            'go.mod:1: require gopkg.in/yaml.v3: version "v2.0.0" invalid: should be v3, not v2',
        ),
        (
            "require example.com/a/v1 v1.0.0\n",
            "go.mod:1: require example.com/a/v1: invalid module path",
        ),
        (
            "replace a => b\n",
            "go.mod:1: replacement module without version must be directory path"
            " (rooted or starting with ./ or ../)",
        ),
        (
            "replace a => b@v1.0.0\n",
            "go.mod:1: replacement module must match format 'path version', not 'path@version'",
        ),
        (
            "replace a => ../b v1.0.0\n",
            "go.mod:1: replacement module directory path '../b' cannot have version",
        ),
        (
            "replace a v1.0.0 b v1.0.0\n",
            "go.mod:1: usage: replace module/path [v1.2.3] => other/module v1.4"
            " or replace module/path [v1.2.3] => ../local/directory",
        ),
        ("retract [v1.0.0 v1.1.0]\n", "go.mod:1: retract: expected '[low, high]'"),
        ("retract v1.0.0 v1.1.0\n", "go.mod:1: unexpected token after version: 'v1.1.0'"),
        ("godebug x\n", "go.mod:1: usage: godebug key=value"),
        ('module "m\n', "go.mod:1: unexpected newline in string"),
        (
            "module 'm'\n",
            "go.mod:1: invalid quoted string: unquoted string cannot contain quote: 'm'",
        ),
        ("module m /* c */\n", "go.mod:1: mod files must use // comments (not /* */ comments)"),
        ("module m\x01\n", "go.mod:1: unexpected input character '\\x01'"),
    ],
)
def test_malformed_go_mod_names_file_and_line(text: str, message: str) -> None:
    """Each broken shape gives one precise message naming the file and the line."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "go.mod")
    assert message == str(info.value)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "go.sum",
            "a v1.0.0 h1:dueUQJ1C2q9oE3F7wvmSGAaVtTmUizReu6fjN8uqzbQ=\nbroken line\n",
            "go.sum:2: malformed go.sum line: expected 'module version hash', found 2 fields",
        ),
        ("go.sum", "a 1.0.0 h1:x\n", "go.sum:1: invalid version '1.0.0' of a"),
        (
            "go.sum",
            "a v1.0.0 h1:c2hvcnQ=\n",
            "go.sum:1: invalid h1 hash 'h1:c2hvcnQ=': expected base64 of 32 bytes",
        ),
        (
            "go.mod.graph",
            "m a@v1.0.0 b@v1.0.0\n",
            "go.mod.graph:1: expected 'module@version module@version' (go mod graph output)",
        ),
        ("go.mod.graph", "m b\n", "go.mod.graph:1: 'b' has no version"),
        ("go.mod.graph", "m a@1.0\n", "go.mod.graph:1: invalid module version 'a@1.0'"),
        (
            "go.mod.graph",
            "m a@v1.0.0\nn a@v1.0.0\n",
            "go.mod.graph:2: more than one main module (m and n)",
        ),
    ],
)
def test_malformed_companions_name_their_file_and_line(
    name: str, text: str, message: str, tmp_path: Path
) -> None:
    """A broken go.sum or graph file is an error about that file, with the line."""
    (tmp_path / "go.mod").write_text("module m\n\nrequire a v1.0.0\n")
    (tmp_path / name).write_text(text)
    with pytest.raises(LockfileError) as info:
        collect_file(COLLECTOR, tmp_path / "go.mod")
    assert message == str(info.value)


def test_sniffs_content_of_unusually_named_file() -> None:
    """A renamed go.mod is recognised by its first directive."""
    assert COLLECTOR.sniff("// comment\nmodule example.com/m\n")
    assert not COLLECTOR.sniff('{"module": 1}')
    assert not COLLECTOR.sniff("lockfileVersion: '9.0'\n")


def test_a_long_chain_of_local_replacements_does_not_recurse(tmp_path: Path) -> None:
    """A graph through 2,000 modules replaced by local directories reaches the module at
    its end without hitting a recursion limit."""
    count = 2000
    mods = [f"example.com/m{i}" for i in range(count)]
    (tmp_path / "go.mod").write_text(
        "module example.com/app\n\nrequire example.com/m0 v1.0.0\n\n"
        + "".join(f"replace {m} => ./{m.rsplit('/', 1)[1]}\n" for m in mods)
    )
    chain = [("example.com/app", "example.com/m0@v1.0.0")]
    chain += [(f"{mods[i]}@v1.0.0", f"{mods[i + 1]}@v1.0.0") for i in range(count - 1)]
    chain.append((f"{mods[-1]}@v1.0.0", "example.com/leaf@v1.0.0"))
    (tmp_path / "go.mod.graph").write_text("".join(f"{a} {b}\n" for a, b in chain))
    result = collect_file(COLLECTOR, tmp_path / "go.mod")
    assert [("example.com/leaf", "1.0.0")] == name_versions(result)
    assert {(root_id("go.mod"), "pkg:golang/example.com/leaf@v1.0.0")} == {
        (e.parent, e.child) for e in result.edges
    }
    assert count == len(result.skipped)
