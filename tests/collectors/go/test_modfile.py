"""The go.mod parser: tokens, blocks, comments, quoting and the module path rules."""

from __future__ import annotations

import pytest

from auditor.collectors.base import InputFile
from auditor.collectors.go.modfile import (
    GoModFile,
    Replace,
    check_path_major,
    is_directory_path,
    parse_go_mod,
)


def parse(text: str) -> GoModFile:
    return parse_go_mod(InputFile(path="go.mod", text=text))


@pytest.mark.parametrize(
    ("comment", "indirect"),
    [
        ("// indirect", True),
        ("//indirect", True),
        ("//  indirect  ", True),
        ("// indirect; needed by x", True),
        ("// indirectly", False),
        ("// Indirect", False),
        ("// indirect needed", False),
        ("", False),
    ],
)
def test_indirect_comment_as_the_go_command_reads_it(comment: str, indirect: bool) -> None:
    """Only ``indirect`` alone or ``indirect;`` first marks a requirement indirect."""
    mod = parse(f"require example.com/a v1.0.0 {comment}\n")
    assert indirect is mod.requires[0].indirect


def test_blocks_quotes_and_lines() -> None:
    """Blocks, quoted and raw strings, comments between entries, and line numbers."""
    mod = parse(
        "module `example.com/raw`\n"
        "\n"
        "require (\n"
        "\t// the web stack\n"
        '\t"example.com/quoted" v1.0.0\n'
        "\n"
        "\texample.com/b v1.2.3-pre.1 // indirect\n"
        ")\n"
        "replace example.com/b => example.com/c v1.0.0\n"
        "replace (\n"
        "\texample.com/d v1.0.0 => ./d\n"
        ")\n"
    )
    assert "example.com/raw" == mod.module
    assert [
        ("example.com/quoted", "v1.0.0", False, 5),
        ("example.com/b", "v1.2.3-pre.1", True, 7),
    ] == [(r.path, r.version, r.indirect, r.line) for r in mod.requires]
    assert [
        Replace(
            old_path="example.com/b",
            old_version=None,
            new_path="example.com/c",
            new_version="v1.0.0",
            line=9,
        ),
        Replace(
            old_path="example.com/d",
            old_version="v1.0.0",
            new_path="./d",
            new_version=None,
            line=11,
        ),
    ] == mod.replaces


def test_retract_single_range_and_rationale() -> None:
    """``retract`` takes a version or a closed interval; the comment is the rationale."""
    mod = parse("module m\nretract v1.0.1 // oops\nretract [v1.1.0, v1.2.0]\n")
    assert [("v1.0.1", "v1.0.1", "oops"), ("v1.1.0", "v1.2.0", "")] == [
        (r.low, r.high, r.rationale) for r in mod.retracts
    ]


@pytest.mark.parametrize(
    ("path", "version", "problem"),
    [
        ("example.com/a", "v1.9.0", None),
        ("example.com/a", "v0.0.0-20220715151400-c0bba94af5f8", None),
        ("example.com/a", "v3.0.0+incompatible", None),
        ("example.com/a", "v2.0.0", 'version "v2.0.0" invalid: should be v0 or v1, not v2'),
        ("example.com/a/v2", "v2.1.0", None),
        ("example.com/a/v3", "v2.1.0", 'version "v2.1.0" invalid: should be v3, not v2'),
        ("example.com/a/v1", "v1.0.0", "invalid module path"),
        ("example.com/a/v02", "v2.0.0", "invalid module path"),
        ("gopkg.in/yaml.v2", "v2.4.0", None),
        ("gopkg.in/check.v1", "v0.0.0-20161208181325-20d25e280405", None),
        ("gopkg.in/src-d/go-git.v4-unstable", "v0.0.0-2018", None),
        ("gopkg.in/yaml", "v1.0.0", "invalid module path"),
    ],
)
def test_major_version_suffix_rules(path: str, version: str, problem: str | None) -> None:
    """A module path's /vN (or gopkg.in .vN) suffix must agree with the version's major."""
    assert problem == check_path_major(path, version)


@pytest.mark.parametrize(
    ("path", "directory"),
    [("./x", True), ("../x", True), ("/abs", True), ("C:\\x", True), ("example.com/x", False)],
)
def test_directory_paths(path: str, directory: bool) -> None:
    """Relative, rooted and Windows paths are local directories, the rest module paths."""
    assert directory is is_directory_path(path)
