"""pip-compile output without ``# via`` annotations: the ``.in`` file it was compiled from
says which pins the project asks for (direct); the others only fix versions."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from auditor.collectors.pypi.requirements import RequirementsCollector
from auditor.core.errors import LockfileError
from auditor.core.graph import DependencyGraph
from auditor.core.model import CollectResult, Ecosystem, Edge, canonical_pypi_name
from auditor.enrich.edges import complete
from auditor.registries.metadata import Requirements
from auditor.versions.markers import TargetEnvironment
from tests.support import FIXTURES, collect_file, collect_text

COLLECTOR = RequirementsCollector()
REAL = FIXTURES / "requirements" / "real"
# warehouse's requirements/main.txt at two points of 2016-2020, when pip-compile wrote no
# annotations, each with the main.in it was compiled from
UNANNOTATED = ["pypi__warehouse__2016-06-30", "pypi__warehouse__2019-06-21"]
_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)", re.M)


def declared(folder: str) -> set[str]:
    """An independent reading of main.in: the name that starts each requirement line."""
    text = (REAL / folder / "requirements" / "main.in").read_text()
    return {canonical_pypi_name(n) for n in _NAME.findall(text)}


def direct(result: CollectResult) -> set[str]:
    graph = DependencyGraph.from_results([result])
    return {p.name for p in graph.packages if graph.is_direct(p.id)}


@pytest.mark.parametrize(
    ("folder", "pins", "asked"), [(UNANNOTATED[0], 64, 37), (UNANNOTATED[1], 112, 58)]
)
def test_the_in_file_says_what_is_direct(folder: str, pins: int, asked: int) -> None:
    """2016: 37 of 64 pins are asked for in main.in, 2019: 58 of 112 (before, every pin was
    direct). The rest hang from the root by an edge that only fixes the version, so each is
    still reachable; main.in is one of the files read."""
    result = collect_file(COLLECTOR, REAL / folder / "requirements" / "main.txt", REAL / folder)
    names = {p.name for p in result.packages}
    assert (pins, asked) == (len(names), len(direct(result)))
    assert declared(folder) & names == direct(result)
    assert all(
        e.indirect == (e.child.split("/")[1].split("@")[0] not in declared(folder))
        for e in result.edges
    )
    graph = DependencyGraph.from_results([result])
    assert all(graph.depth(p.id) is not None for p in graph.packages)
    assert ("requirements/main.txt", "requirements/main.in") == result.files


def test_without_an_in_file_every_pin_hangs_from_the_root(tmp_path: Path) -> None:
    """The same file alone: nothing says what is direct, so every pin is (as before)."""
    shutil.copy(REAL / UNANNOTATED[1] / "requirements" / "main.txt", tmp_path / "main.txt")
    result = collect_file(COLLECTOR, tmp_path / "main.txt")
    assert 112 == len(direct(result))
    assert not any(e.indirect for e in result.edges)


def test_annotations_win_over_the_in_file() -> None:
    """warehouse today: `# via` annotations say it all, main.in beside it changes nothing."""
    folder = REAL / "pypi__warehouse"
    result = collect_file(COLLECTOR, folder / "requirements" / "main.txt", folder)
    assert not any(e.indirect for e in result.edges)
    assert "requirements/main.in" not in result.files


def test_includes_extras_editables_and_constraints(tmp_path: Path) -> None:
    """`-r base.in` is followed; extras, markers and specifiers name their package; `-e`
    names what it can; a `-c` constraint asks for nothing."""
    (tmp_path / "base.in").write_text("Requests[socks]>=2 ; python_version > '3'\n")
    (tmp_path / "c.txt").write_text("idna==3.7\n")
    (tmp_path / "app.in").write_text("-r base.in\n-c c.txt\nflask\n-e ./src#egg=mylib\n")
    (tmp_path / "app.txt").write_text("requests==2.31.0\nidna==3.7\nflask==3.0.0\nmylib==1.0\n")
    result = collect_file(COLLECTOR, tmp_path / "app.txt")
    assert {"requests", "flask", "mylib"} == direct(result)
    assert ("app.txt", "app.in", "base.in") == result.files


def test_a_broken_in_file_is_an_error_naming_it(tmp_path: Path) -> None:
    """An input pip-compile could not have read is an error of the lockfile, naming the
    .in file and its line: the file is not audited with made-up direct dependencies."""
    (tmp_path / "app.in").write_text("flask\nnot a requirement!\n")
    (tmp_path / "app.txt").write_text("flask==3.0.0\n")
    with pytest.raises(LockfileError) as info:
        collect_file(COLLECTOR, tmp_path / "app.txt")
    assert str(info.value).startswith("app.in:2: invalid requirement 'not a requirement!'")


def test_completion_keeps_what_the_in_file_asks_for() -> None:
    """With registry metadata: flask (asked for) stays direct although nothing needs it;
    click (asked for too) stays direct although flask requires it; werkzeug (not asked for)
    loses its version-pinning root edge once it hangs from flask."""
    text = "flask==3.0.0\nclick==8.1.7\nwerkzeug==3.0.1\n"
    result = collect_text(COLLECTOR, text, "app.txt", Path("/nonexistent"))
    root = result.roots[0]
    as_declared = CollectResult(
        path=result.path,
        collector=result.collector,
        ecosystem=Ecosystem.PYPI,
        roots=(root,),
        packages=result.packages,
        edges=tuple(
            Edge(
                parent=e.parent,
                child=e.child,
                requirement=e.requirement,
                indirect="werkzeug" in e.child,
            )
            for e in result.edges
        ),
    )
    flask = next(p for p in result.packages if p.name == "flask")
    metadata = {
        flask.id: Requirements(
            ecosystem=Ecosystem.PYPI,
            name="flask",
            version="3.0.0",
            dependencies=("click>=8", "werkzeug>=3"),
        )
    }
    done = complete([as_declared], metadata, TargetEnvironment())
    graph = DependencyGraph.from_results(done.results)
    assert {"flask", "click"} == {p.name for p in graph.packages if graph.is_direct(p.id)}
    assert not any(e.parent == root.id and "werkzeug" in e.child for e in done.results[0].edges)
