"""The import rules of the package (docs/architecture.md), read from the source with ``ast``.

Every ``import`` counts, also those inside functions and under ``TYPE_CHECKING``: a lazy
import is still a dependency. The rules:

- the top-level parts (``auditor/<part>/`` and the loose ``auditor/<part>.py``) import each
  other without cycles;
- a part imports only parts of its own layer or of lower layers (``LAYERS``, lowest
  first); every part has a layer, so a new folder must be placed;
- only ``cli/`` and ``ci/`` import argparse;
- a plug-in list (a module-level dict of plug-ins: their classes or instances, or values
  that carry their key as ``name``, or a ``LazyPlugins``) is defined in a module named
  ``plugins.py``;
- a plug-in list whose entries are imported lazily (by name) names modules of its own part,
  so that the rules above, which read ``import`` statements, miss no dependency.
"""

from __future__ import annotations

import abc
import ast
import importlib
import importlib.util
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import auditor
from auditor.cli.plugins import COMMANDS
from auditor.core.lazy import LazyPlugins

PACKAGE = Path(auditor.__file__).parent
# Lowest first. Data flows up: core values are collected, checked, then written, stored and
# rendered by the pipeline, which the command line and the Action call. A part may import
# its own layer (without cycles) and the layers below it.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"core"}),
    frozenset({"versions", "net", "licenses"}),
    frozenset({"collectors", "registries", "advisories"}),
    frozenset({"enrich"}),
    frozenset({"checks"}),
    frozenset({"settings"}),
    frozenset({"outputs", "store", "site"}),
    frozenset({"pipeline"}),
    frozenset({"cli", "ci", "__main__"}),
)
ARGPARSE_PARTS = frozenset({"cli", "ci"})
# The package's own __init__ (its version) sits below everything.
ROOT = "__init__"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(module: str) -> str:
    """``auditor.collectors.npm.pnpm`` -> ``collectors``; ``auditor`` -> ``__init__``."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else ROOT


def imports(path: Path) -> Iterator[tuple[str, int]]:
    """Every module ``path`` imports (absolute or relative), with the line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield module, node.lineno
            # `from auditor import settings` imports the module auditor.settings
            for alias in node.names:
                yield f"{module}.{alias.name}", node.lineno


def sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def part_edges() -> dict[tuple[str, str], list[str]]:
    """(importing part, imported part) -> where, for every import across parts."""
    edges: dict[tuple[str, str], list[str]] = {}
    known = {part_of(module_name(p)) for p in sources()}
    for path in sources():
        mine = part_of(module_name(path))
        for module, line in imports(path):
            if not module.startswith("auditor."):
                continue
            theirs = part_of(module)
            if theirs != mine and theirs in known:
                where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
                edges.setdefault((mine, theirs), []).append(where)
    return edges


def layer_of(part: str) -> int:
    if part == ROOT:
        return -1
    for index, layer in enumerate(LAYERS):
        if part in layer:
            return index
    raise AssertionError(f"auditor/{part}: no layer; add it to LAYERS in {__file__}")


def test_every_part_has_a_layer() -> None:
    """A new top-level folder or module must be placed in the layer order."""
    parts = {part_of(module_name(p)) for p in sources()} - {ROOT}
    placed = set().union(*LAYERS)
    assert [] == sorted(parts - placed)
    assert [] == sorted(placed - parts), "LAYERS names parts that no longer exist"


def test_no_cycle_between_top_level_parts() -> None:
    """The parts' import graph has no cycle (each cycle is shown with its imports)."""
    edges = part_edges()
    graph: dict[str, set[str]] = {}
    for mine, theirs in edges:
        graph.setdefault(mine, set()).add(theirs)
    cycles = []
    for start in sorted(graph):
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for following in sorted(graph.get(node, ())):
                if following == start:
                    cycles.append(path)
                elif following not in path and following > start:
                    stack.append((following, [*path, following]))
    shown = [
        " -> ".join([*cycle, cycle[0]])
        + "\n"
        + "\n".join(
            f"    {edges[(a, b)][0]}" for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True)
        )
        for cycle in cycles
    ]
    assert [] == shown


def test_no_part_imports_a_higher_layer() -> None:
    """Data flows one way: a part never imports a part of a higher layer."""
    upward = [
        where
        for (mine, theirs), places in sorted(part_edges().items())
        if layer_of(theirs) > layer_of(mine)
        for where in places
    ]
    assert [] == upward


def test_only_cli_and_ci_import_argparse() -> None:
    """Everything below the command line and the Action takes typed values, not a
    Namespace."""
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for path in sources()
        if part_of(module_name(path)) not in ARGPARSE_PARTS
        for module, line in imports(path)
        if module == "argparse" or module.startswith("argparse.")
    ]
    assert [] == offenders


def _is_plugin(value: object) -> bool:
    kind = value if inspect.isclass(value) else type(value)
    return any(
        isinstance(base, abc.ABCMeta) and base.__dict__.get("__abstractmethods__")
        for base in kind.__mro__[1:]
    )


def _carries_key(key: object, value: object) -> bool:
    name = getattr(value, "name", None)
    return name is not None and name in (key, getattr(key, "value", key))


def plugin_lists() -> Iterator[tuple[str, str, dict[object, object]]]:
    """(module, name, dict) for every module-level plug-in list of the package."""
    for info in pkgutil.walk_packages(auditor.__path__, "auditor."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, LazyPlugins):
                yield info.name, name, dict(value.targets)
                continue
            if not isinstance(value, dict) or len(value) < 2:
                continue
            items = list(value.items())
            if all(_is_plugin(v) for _, v in items) or all(_carries_key(k, v) for k, v in items):
                yield info.name, name, value


def test_plugin_lists_live_in_plugins_modules() -> None:
    """Every plug-in list is defined in a ``plugins.py`` (other modules may import it)."""
    lists = list(plugin_lists())
    defined = {id(v) for module, _, v in lists if module.rsplit(".", 1)[-1] == "plugins"}
    elsewhere = sorted(f"{module}.{name}" for module, name, v in lists if id(v) not in defined)
    assert [] == elsewhere
    assert {"advisories", "checks", "cli", "collectors", "outputs", "versions"} <= {
        part_of(module) for module, _, _ in lists
    }


def lazy_targets() -> Iterator[tuple[str, str]]:
    """(plug-in list's module, target module) for every entry imported by name."""
    for info in pkgutil.walk_packages(auditor.__path__, "auditor."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        for value in vars(importlib.import_module(info.name)).values():
            if isinstance(value, LazyPlugins):
                for target in value.targets.values():
                    yield info.name, target.partition(":")[0]
    for entry in COMMANDS.values():
        yield "auditor.cli.plugins", entry.target.partition(":")[0]


def test_lazy_plugins_point_inside_their_part() -> None:
    """A plug-in imported by name lives in the part of its list (and its module exists)."""
    targets = list(lazy_targets())
    assert len(targets) > 20
    outside = [(mine, target) for mine, target in targets if part_of(mine) != part_of(target)]
    assert [] == outside
    for _, target in targets:
        assert importlib.util.find_spec(target) is not None, target


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("import argparse\n", "auditor.pipeline.x", ["argparse"]),
        ("def f():\n    from auditor.site import site\n", "auditor.store.x", ["auditor.site"]),
        ("from . import base\n", "auditor.checks.x", ["auditor.checks", "auditor.checks.base"]),
        ("from ..core import model\n", "auditor.checks.x", ["auditor.core"]),
    ],
)
def test_the_import_reader_sees_every_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, module: str, expected: list[str]
) -> None:
    """Lazy imports inside functions and relative imports are read too (the rules would
    miss them otherwise)."""
    folder = tmp_path / "auditor" / module.split(".")[1]
    folder.mkdir(parents=True)
    path = folder / "x.py"
    path.write_text(source)
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "auditor")
    found = [name for name, _ in imports(path)]
    assert expected == found[: len(expected)]
