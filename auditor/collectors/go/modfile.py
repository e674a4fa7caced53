"""A parser of the go.mod grammar, written from the Go reference and ``golang.org/x/mod/modfile``.

The file is line-oriented: a statement is a verb and its arguments on one line, or a block
``verb (`` ... ``)`` whose lines each hold one statement of that verb. Tokens are separated by
spaces; ``(``, ``)``, ``[``, ``]``, ``{``, ``}`` and ``,`` are tokens of their own; strings are
Go ``"interpreted"`` or ``\\`raw\\``` literals; comments run from ``//`` to the end of the line,
and a ``// indirect`` comment after a requirement marks it indirect. Errors name the file and
the line, with the wording of the go command where it has one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from auditor.collectors.base import InputFile
from auditor.core.errors import LockfileError

BLOCK_VERBS = ("module", "require", "exclude", "replace", "retract", "godebug", "tool", "ignore")
GO_VERSION = re.compile(r"^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$")
TOOLCHAIN = re.compile(r"^local$|(^|-)go1")
_NUM = r"(?:0|[1-9][0-9]*)"
_PRE = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
CANONICAL_VERSION = re.compile(
    rf"^v({_NUM})\.({_NUM})\.({_NUM})(?:-({_PRE}(?:\.{_PRE})*))?(\+incompatible)?$"
)
_PUNCTUATION = "()[]{},"


@dataclass(frozen=True, kw_only=True)
class Require:
    path: str
    version: str  # as written: "v1.2.3"
    indirect: bool
    line: int


@dataclass(frozen=True, kw_only=True)
class Replace:
    old_path: str
    old_version: str | None  # None: every version of old_path
    new_path: str
    new_version: str | None  # None: new_path is a local directory
    line: int

    @property
    def is_local(self) -> bool:
        return self.new_version is None


@dataclass(frozen=True, kw_only=True)
class Exclude:
    path: str
    version: str
    line: int


@dataclass(frozen=True, kw_only=True)
class Retract:
    low: str
    high: str
    rationale: str
    line: int


@dataclass(kw_only=True)
class GoModFile:
    """The directives of one go.mod, each with its line."""

    module: str | None = None
    go: str | None = None
    go_line: int | None = None
    toolchain: str | None = None
    toolchain_line: int | None = None
    requires: list[Require] = field(default_factory=list)
    excludes: list[Exclude] = field(default_factory=list)
    replaces: list[Replace] = field(default_factory=list)
    retracts: list[Retract] = field(default_factory=list)
    godebug: list[tuple[str, str]] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    ignores: list[str] = field(default_factory=list)
    statements: int = 0


def parse_go_mod(file: InputFile) -> GoModFile:
    """Parse ``file``; raise ``LockfileError`` naming the file and line on any error."""
    return _Parser(file).parse()


@dataclass(frozen=True)
class _Line:
    tokens: list[str]
    comment: str | None  # the comment after the tokens, without "//"
    number: int


class _Parser:
    def __init__(self, file: InputFile) -> None:
        self.file = file
        self.mod = GoModFile()

    def fail(self, line: int, message: str) -> LockfileError:
        return LockfileError(self.file.path, message, line=line)

    def parse(self) -> GoModFile:
        block: tuple[str, int] | None = None
        for number, text in enumerate(self.file.text.split("\n"), 1):
            line = self._lex(text, number)
            tokens = line.tokens
            if block is not None:
                if tokens[:1] == [")"]:
                    if len(tokens) > 1:
                        raise self.fail(
                            number, "syntax error (expected newline after closing paren)"
                        )
                    block = None
                elif tokens:
                    self._statement(block[0], tokens, line)
                continue
            if not tokens:
                continue
            if tokens[-1] == "(":
                block = self._open_block(tokens[:-1], number)
            elif len(tokens) >= 3 and tokens[-2:] == ["(", ")"]:
                self._open_block(tokens[:-2], number)  # an empty block: "require ()"
            else:
                self._statement(tokens[0], tokens[1:], line)
        if block is not None:
            raise self.fail(
                block[1],
                f"syntax error (unterminated block started at {self.file.path}:{block[1]})",
            )
        return self.mod

    def _open_block(self, head: list[str], number: int) -> tuple[str, int]:
        if len(head) != 1 or head[0] not in BLOCK_VERBS:
            raise self.fail(number, f"unknown block type: {' '.join(head)}")
        return head[0], number

    # -- lexing ------------------------------------------------------------------------------

    def _lex(self, text: str, number: int) -> _Line:
        tokens: list[str] = []
        comment = None
        i, end = 0, len(text)
        while i < end:
            char = text[i]
            if char in " \t\r":
                i += 1
            elif text.startswith("//", i):
                comment = text[i + 2 :]
                break
            elif text.startswith("/*", i):
                raise self.fail(number, "mod files must use // comments (not /* */ comments)")
            elif char in _PUNCTUATION:
                tokens.append(char)
                i += 1
            elif char in '"`':
                close = self._string_end(text, i, number)
                tokens.append(text[i:close])
                i = close
            elif char.isprintable() and not char.isspace():
                start = i
                while i < end and _is_ident(text[i]) and not text.startswith("//", i):
                    if text.startswith("/*", i):
                        raise self.fail(
                            number, "mod files must use // comments (not /* */ comments)"
                        )
                    i += 1
                tokens.append(text[start:i])
            else:
                raise self.fail(number, f"unexpected input character {char!r}")
        return _Line(tokens=tokens, comment=comment, number=number)

    def _string_end(self, text: str, start: int, number: int) -> int:
        quote = text[start]
        i = start + 1
        while i < len(text):
            if text[i] == quote:
                return i + 1
            if text[i] == "\\" and quote == '"':
                i += 1
            i += 1
        raise self.fail(number, "unexpected newline in string")

    # -- statements --------------------------------------------------------------------------

    def _statement(self, verb: str, args: list[str], line: _Line) -> None:
        handler = _HANDLERS.get(verb)
        if handler is None:
            raise self.fail(line.number, f"unknown directive: {verb}")
        self.mod.statements += 1
        handler(self, args, line)

    def _module(self, args: list[str], line: _Line) -> None:
        if self.mod.module is not None:
            raise self.fail(line.number, "repeated module statement")
        if len(args) != 1:
            raise self.fail(line.number, "usage: module module/path")
        self.mod.module = self._string(args[0], line.number)

    def _go(self, args: list[str], line: _Line) -> None:
        if self.mod.go is not None:
            raise self.fail(line.number, "repeated go statement")
        if len(args) != 1:
            raise self.fail(line.number, "go directive expects exactly one argument")
        if not GO_VERSION.match(args[0]):
            raise self.fail(line.number, f"invalid go version '{args[0]}': must match format 1.23")
        self.mod.go, self.mod.go_line = args[0], line.number

    def _toolchain(self, args: list[str], line: _Line) -> None:
        if self.mod.toolchain is not None:
            raise self.fail(line.number, "repeated toolchain statement")
        if len(args) != 1:
            raise self.fail(line.number, "toolchain directive expects exactly one argument")
        if not TOOLCHAIN.search(args[0]):
            raise self.fail(
                line.number,
                f"invalid toolchain version '{args[0]}': must match format go1.23 or local",
            )
        self.mod.toolchain, self.mod.toolchain_line = args[0], line.number

    def _godebug(self, args: list[str], line: _Line) -> None:
        key, eq, value = (args[0] if len(args) == 1 else "").partition("=")
        if not eq or not key or not value or len(args) != 1:
            raise self.fail(line.number, "usage: godebug key=value")
        self.mod.godebug.append((key, value))

    def _require(self, args: list[str], line: _Line) -> None:
        path, version = self._path_version("require", args, line)
        self.mod.requires.append(
            Require(path=path, version=version, indirect=_indirect(line.comment), line=line.number)
        )

    def _exclude(self, args: list[str], line: _Line) -> None:
        path, version = self._path_version("exclude", args, line)
        self.mod.excludes.append(Exclude(path=path, version=version, line=line.number))

    def _path_version(self, verb: str, args: list[str], line: _Line) -> tuple[str, str]:
        if len(args) != 2:
            raise self.fail(line.number, f"usage: {verb} module/path v1.2.3")
        path = self._string(args[0], line.number)
        version = self._version(verb, path, args[1], line.number)
        self._check_major(verb, path, version, line.number)
        return path, version

    def _replace(self, args: list[str], line: _Line) -> None:
        arrow = 1 if len(args) >= 2 and args[1] == "=>" else 2
        if len(args) < arrow + 2 or len(args) > arrow + 3 or args[arrow] != "=>":
            raise self.fail(
                line.number,
                "usage: replace module/path [v1.2.3] => other/module v1.4"
                " or replace module/path [v1.2.3] => ../local/directory",
            )
        old = self._string(args[0], line.number)
        old_version = None
        if arrow == 2:
            old_version = self._version("replace", old, args[1], line.number)
            self._check_major("replace", old, old_version, line.number)
        elif _split_path_major(old) is None:
            raise self.fail(line.number, f"replace {old}: invalid module path")
        new = self._string(args[arrow + 1], line.number)
        new_version = None
        if len(args) == arrow + 2:
            if not is_directory_path(new):
                if "@" in new:
                    raise self.fail(
                        line.number,
                        "replacement module must match format 'path version', not 'path@version'",
                    )
                raise self.fail(
                    line.number,
                    "replacement module without version must be directory path"
                    " (rooted or starting with ./ or ../)",
                )
        else:
            new_version = self._version("replace", new, args[arrow + 2], line.number)
            if is_directory_path(new):
                raise self.fail(
                    line.number, f"replacement module directory path {new!r} cannot have version"
                )
        self.mod.replaces.append(
            Replace(
                old_path=old,
                old_version=old_version,
                new_path=new,
                new_version=new_version,
                line=line.number,
            )
        )

    def _retract(self, args: list[str], line: _Line) -> None:
        if not args:
            raise self.fail(line.number, "retract: expected '[' or version")
        if args[0] != "[":
            low = high = self._version("retract", "", args[0], line.number)
            rest = args[1:]
        else:
            if len(args) < 5 or args[2] != "," or args[4] != "]":
                raise self.fail(line.number, "retract: expected '[low, high]'")
            low = self._version("retract", "", args[1], line.number)
            high = self._version("retract", "", args[3], line.number)
            rest = args[5:]
        if rest:
            raise self.fail(line.number, f"unexpected token after version: {rest[0]!r}")
        self.mod.retracts.append(
            Retract(low=low, high=high, rationale=(line.comment or "").strip(), line=line.number)
        )

    def _tool(self, args: list[str], line: _Line) -> None:
        if len(args) != 1:
            raise self.fail(line.number, "usage: tool module/path/to/package")
        self.mod.tools.append(self._string(args[0], line.number))

    def _ignore(self, args: list[str], line: _Line) -> None:
        if len(args) != 1:
            raise self.fail(line.number, "usage: ignore path/to/directory")
        self.mod.ignores.append(self._string(args[0], line.number))

    # -- values ---------------------------------------------------------------------------------

    def _string(self, token: str, number: int) -> str:
        if token.startswith("`"):
            return token[1:-1]
        if token.startswith('"'):
            try:
                value = json.loads(token)
            except ValueError:
                raise self.fail(number, f"invalid quoted string: {token}") from None
            if not isinstance(value, str):  # pragma: no cover - a JSON string literal
                raise self.fail(number, f"invalid quoted string: {token}")
            return value
        if any(q in token for q in "\"'`"):
            raise self.fail(
                number, f"invalid quoted string: unquoted string cannot contain quote: {token}"
            )
        return token

    def _version(self, verb: str, path: str, token: str, number: int) -> str:
        version = self._string(token, number)
        if not CANONICAL_VERSION.match(version):
            where = f"{verb} {path}" if path else verb
            raise self.fail(
                number, f'{where}: version "{version}" invalid: must be of the form v1.2.3'
            )
        return version

    def _check_major(self, verb: str, path: str, version: str, number: int) -> None:
        problem = check_path_major(path, version)
        if problem:
            raise self.fail(number, f"{verb} {path}: {problem}")


_HANDLERS = {
    "module": _Parser._module,
    "go": _Parser._go,
    "toolchain": _Parser._toolchain,
    "godebug": _Parser._godebug,
    "require": _Parser._require,
    "exclude": _Parser._exclude,
    "replace": _Parser._replace,
    "retract": _Parser._retract,
    "tool": _Parser._tool,
    "ignore": _Parser._ignore,
}


def _is_ident(char: str) -> bool:
    return char not in " ()[]{}," and not char.isspace() and char.isprintable()


def _indirect(comment: str | None) -> bool:
    """``// indirect`` or ``// indirect; other text``, as the go command reads it."""
    if comment is None:
        return False
    fields = comment.split()
    return (len(fields) == 1 and fields[0] == "indirect") or (
        len(fields) > 1 and fields[0] == "indirect;"
    )


def is_directory_path(path: str) -> bool:
    """Relative and rooted paths are directories; anything else is a module path."""
    return path.startswith(("./", "../", "/", ".\\", "..\\", "\\")) or (
        len(path) >= 2 and path[0].isascii() and path[0].isalpha() and path[1] == ":"
    )


def _split_path_major(path: str) -> str | None:
    """The major-version suffix of a module path ("" when none; ``/v2``, ``.v3`` for
    gopkg.in), or ``None`` for an invalid path such as ``example.com/m/v1``."""
    if not path or any(c.isspace() for c in path):
        return None
    if path.startswith("gopkg.in/"):
        match = re.search(r"\.v(0|[1-9][0-9]*)(-unstable)?$", path)
        return match.group(0) if match else None
    match = re.search(r"/v([0-9.]+)$", path)
    if match is None:
        return ""
    digits = match.group(1)
    if "." in digits or digits.startswith("0") or digits == "1":
        return None
    return match.group(0)


def check_path_major(path: str, version: str) -> str | None:
    """Why ``version`` cannot be a version of ``path`` (major version suffix rules), or None."""
    major_suffix = _split_path_major(path)
    if major_suffix is None:
        return "invalid module path"
    if major_suffix.startswith(".v") and major_suffix.endswith("-unstable"):
        return None
    if version.startswith("v0.0.0-") and major_suffix == ".v1":
        return None  # an old go command bug made such pseudo-versions for gopkg.in .v1
    match = CANONICAL_VERSION.match(version)
    major = f"v{match.group(1)}" if match else ""
    if not major_suffix:
        if major in ("v0", "v1") or version.endswith("+incompatible"):
            return None
        return f'version "{version}" invalid: should be v0 or v1, not {major}'
    if major == major_suffix[1:].removesuffix("-unstable"):
        return None
    return f'version "{version}" invalid: should be {major_suffix[1:]}, not {major}'
