"""pip-compile's input: the ``.in`` file a requirements file was compiled from.

``pip-compile requirements/main.in`` writes ``requirements/main.txt``. Since pip-tools 5
the output says, in ``# via`` comments, which input asked for each pin; older output (and
``--no-annotate``) does not, and then only the ``.in`` file beside it tells the packages the
project asks for (direct) from those they bring in. It is read like a requirements file:
requirement lines name packages, ``-r other.in`` includes are followed (relative to the
including file, each read once), ``-c`` constraints and options name nothing direct.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.collectors.base import FileReader, InputFile
from auditor.collectors.pypi.requirements_syntax import (
    OptionError,
    break_args_options,
    logical_lines,
    parse_options,
    parse_target,
    shorten,
)
from auditor.core.errors import LockfileError

MAX_INPUT_FILES = 100


@dataclass(frozen=True, kw_only=True)
class CompileInput:
    """What the ``.in`` files declare: PEP 503 names, and every file read."""

    names: frozenset[str]
    files: tuple[str, ...]


def compile_input(output: InputFile, reader: FileReader) -> CompileInput | None:
    """The ``.in`` beside a ``.txt`` requirements file (same stem), or None without one."""
    if not output.path.endswith(".txt"):
        return None
    stem = output.path.rsplit("/", 1)[-1].removesuffix(".txt")
    source = reader.read_sibling(output, stem + ".in")
    if source is None:
        return None
    names: set[str] = set()
    files = [source.path]
    pending = [source]
    while pending:
        current = pending.pop()
        for include in _read(current, names):
            included = reader.read_relative(current, include)
            if included.path not in files:
                if len(files) >= MAX_INPUT_FILES:
                    raise LockfileError(
                        current.path, f"includes more than {MAX_INPUT_FILES} input files"
                    )
                files.append(included.path)
                pending.append(included)
    return CompileInput(names=frozenset(names), files=tuple(files))


def _read(file: InputFile, names: set[str]) -> list[str]:
    """Add the names ``file`` asks for to ``names``; the ``-r`` includes it names."""
    includes: list[str] = []
    for line in logical_lines(file.text):
        if not line.body:
            continue
        args, option_text = break_args_options(line.body)
        try:
            options = parse_options(option_text)
        except OptionError as exc:
            raise LockfileError(file.path, str(exc), line=line.number) from None
        if args:
            try:
                target = parse_target(args)
            except ValueError as exc:
                shown = shorten(args)
                raise LockfileError(
                    file.path, f"invalid requirement {shown!r}: {exc}", line=line.number
                ) from None
            if target.name:
                names.add(target.name)
        for editable in options.all("--editable"):
            try:
                name = parse_target(editable).name
            except ValueError:
                name = ""
            if name:
                names.add(name)
        includes.extend(options.all("--requirement")[:1])  # pip reads one include per line
    return includes
