"""A strict parser for the yarn classic (v1) lockfile syntax.

The format looks like YAML but is yarn's own: two-space indentation, entry headers listing
one or more specifiers (``"a@^1.0.0", a@^1.1.0:``), ``key value`` pairs whose values are
quoted (JSON escapes) or bare words, ``key:`` opening a nested block, and ``#`` comments.
Tokens are read as yarn's own tokenizer reads them (``src/lockfile/parse.js``): a bare word
starts with a letter, ``/``, ``.`` or ``-`` and runs to a space, ``:``, ``,`` or the end of
the line; digits are a number, ``true``/``false`` a boolean. What yarn cannot read (a
stray ``}``, a key that is a number, two values on a line, a cut string) is an error naming
the line, so a damaged, hand-edited or conflicted lock is reported instead of half read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from auditor.collectors.npm.common import clip
from auditor.core.errors import LockfileError

_CONFLICT = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")
# The common shapes (`key "value"`, `key value`, `key:`) in one regex; a line it does not
# match goes through the tokenizer below, which reads it the way yarn does (or refuses it).
_WORD = r'(?!true|false)[a-zA-Z/.-][^\s:,"#]*'
_SIMPLE = re.compile(
    rf'((?:  )*)(?:"([^"\\\x00-\x1f]*)"|({_WORD}))'
    rf'(?: (?:"([^"\\\x00-\x1f]*)"|({_WORD}|true|false|[0-9]+))|(:)) *'
)
_BARE_START = re.compile(r"[a-zA-Z/.-]")
_BARE = re.compile(r"[^: \n\r,]*")  # yarn: a bare word runs to ' ', ':', ',' or the line end
_DIGITS = re.compile(r"[0-9]+")


@dataclass(kw_only=True)
class Block:
    """A mapping in the lockfile, with the line each key was written on."""

    line: int
    values: dict[str, str | bool | Block] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One top-level entry: its specifiers, header line and fields."""

    keys: tuple[str, ...]
    line: int
    fields: Block


def parse(path: str, text: str) -> list[Entry]:
    """Every entry of a yarn classic lockfile, in file order."""
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    stack: list[Block] = []  # stack[i] is the open block at indentation level i + 1
    for number, physical in enumerate(text.split("\n"), start=1):
        raw = physical.removesuffix("\r")  # yarn reads CRLF line ends too
        if not raw.strip(" ") or raw.lstrip(" ").startswith("#"):
            if raw.startswith(" "):  # yarn counts the indentation of every line
                _level(path, raw, number)
            continue
        if raw.startswith(_CONFLICT):
            raise LockfileError(
                path, "merge conflict marker; resolve the conflict first", line=number
            )
        more: list[tuple[str, str | bool]] = []  # further `key value` pairs of the line
        simple = _SIMPLE.fullmatch(raw)
        if simple is not None:  # the common shapes, `key "value"`, `key value`, `key:`
            level = len(simple[1]) // 2
            keys, opens, value = _simple(simple)
        else:
            level = _level(path, raw, number)
            keys, opens, value, more = _line(path, raw, number)
        if level > len(stack):
            raise LockfileError(path, "unexpected indentation", line=number)
        del stack[level:]
        if level == 0:
            if not opens:
                raise LockfileError(path, "expected an entry header ending with ':'", line=number)
            for key in keys:
                if key in seen:
                    raise LockfileError(
                        path,
                        f"duplicate entry {clip(key)} (first on line {seen[key]})",
                        line=number,
                    )
                seen[key] = number
            block = Block(line=number)
            entries.append(Entry(keys=keys, line=number, fields=block))
            stack.append(block)
            continue
        parent = stack[-1]
        if len(keys) != 1:
            raise LockfileError(path, "only entry headers may list several keys", line=number)
        key = keys[0]
        for other, other_value in more:
            _put(path, parent, other, other_value, number)
        if key in parent.values:
            raise LockfileError(path, f"duplicate key {clip(key)}", line=number)
        parent.lines[key] = number
        if opens:
            child = Block(line=number)
            parent.values[key] = child
            stack.append(child)
        else:
            parent.values[key] = value
    return entries


def _put(path: str, block: Block, key: str, value: str | bool, number: int) -> None:
    if key in block.values:
        raise LockfileError(path, f"duplicate key {clip(key)}", line=number)
    block.values[key] = value
    block.lines[key] = number


def _simple(match: re.Match[str]) -> tuple[tuple[str, ...], bool, str | bool]:
    key = match[2] if match[2] is not None else match[3]
    if match[6]:
        return (key,), True, ""
    if match[4] is not None:
        return (key,), False, match[4]
    word = match[5]
    return (key,), False, (word == "true") if word in ("true", "false") else word


def _level(path: str, raw: str, number: int) -> int:
    stripped = raw.lstrip(" ")
    if stripped.startswith("\t"):
        raise LockfileError(path, "tab in indentation (yarn uses two spaces)", line=number)
    spaces = len(raw) - len(stripped)
    if spaces % 2:
        raise LockfileError(
            path, f"indentation of {spaces} spaces is not a multiple of 2", line=number
        )
    return spaces // 2


Line = tuple[tuple[str, ...], bool, str | bool, list[tuple[str, str | bool]]]


def _line(path: str, raw: str, number: int) -> Line:
    """(keys, opens a block, value, further pairs) of one non-blank line. yarn reads more
    ``key value`` pairs after the first on the same line as keys of the same block."""
    tokens = _tokens(path, raw, number)
    keys, opens, value, at = _pair(path, tokens, 0, number)
    more: list[tuple[str, str | bool]] = []
    while at < len(tokens):
        if opens or len(keys) > 1:
            raise LockfileError(path, "expected one value after the key", line=number)
        other, other_opens, other_value, at = _pair(path, tokens, at, number)
        if other_opens or len(other) > 1:
            raise LockfileError(path, "expected one value after the key", line=number)
        more.append((other[0], other_value))
    return keys, opens, value, more


def _pair(
    path: str, tokens: list[tuple[str, str]], at: int, number: int
) -> tuple[tuple[str, ...], bool, str | bool, int]:
    """(keys, opens a block, value, where the next pair starts) from ``tokens[at:]``."""
    keys: list[str] = []
    while True:
        if at >= len(tokens) or tokens[at][0] not in ("quoted", "word"):
            found = f" ({tokens[at][1]!r}, a {tokens[at][0]})" if at < len(tokens) else ""
            raise LockfileError(path, f"expected a key{found}", line=number)
        keys.append(tokens[at][1])
        at += 1
        if at < len(tokens) and tokens[at][0] == ",":
            at += 1
            continue
        break
    colon = at < len(tokens) and tokens[at][0] == ":"
    if colon:
        at += 1
    if at >= len(tokens):
        if not colon:
            raise LockfileError(path, f"key {clip(keys[0])} has no value", line=number)
        return tuple(keys), True, "", at
    kind, text = tokens[at]
    if kind in (":", ",") or (colon and at + 1 < len(tokens)):
        raise LockfileError(path, "expected one value after the key", line=number)
    if len(keys) > 1:
        raise LockfileError(path, "only entry headers may list several keys", line=number)
    return tuple(keys), False, (text == "true") if kind == "boolean" else text, at + 1


def _tokens(path: str, raw: str, number: int) -> list[tuple[str, str]]:
    """The tokens of one line as yarn's tokenizer reads them, as ``(kind, text)`` pairs:
    ``quoted``, ``word`` (bare), ``number``, ``boolean``, ``:`` and ``,``; a ``#`` at a
    token's start comments out the rest of the line."""
    tokens: list[tuple[str, str]] = []
    position = 0
    end = len(raw)
    while position < end:
        char = raw[position]
        if char == " ":
            position += 1
        elif char == "#":
            break
        elif char in ":,":
            tokens.append((char, char))
            position += 1
        elif char == '"':
            closing = _closing_quote(raw, position)
            if closing < 0:
                raise LockfileError(path, "unterminated string", line=number)
            tokens.append(("quoted", _unquote(path, raw[position + 1 : closing], number)))
            position = closing + 1
        elif char.isascii() and char.isdigit():
            digits = _DIGITS.match(raw, position)
            assert digits is not None  # noqa: S101 - a digit starts here
            tokens.append(("number", digits.group()))
            position = digits.end()
        elif raw.startswith(("true", "false"), position):
            word = "true" if raw.startswith("true", position) else "false"
            tokens.append(("boolean", word))
            position += len(word)
        elif _BARE_START.match(char):
            bare = _BARE.match(raw, position)
            assert bare is not None  # noqa: S101 - the pattern matches the empty string
            tokens.append(("word", bare.group()))
            position = bare.end()
        else:
            raise LockfileError(
                path, f"unexpected character {char!r} (yarn cannot read it)", line=number
            )
    return tokens


def _closing_quote(raw: str, start: int) -> int:
    """Where the string opened at ``start`` ends, by yarn's rule: at the first ``"`` not
    escaped by one backslash (a doubled backslash escapes nothing); -1 if it does not."""
    at = start + 1
    while True:
        at = raw.find('"', at)
        if at < 0:
            return -1
        if not (raw[at - 1] == "\\" and raw[at - 2] != "\\"):
            return at
        at += 1


def _unquote(path: str, body: str, number: int) -> str:
    if "\\" not in body and not _CONTROL.search(body):
        return body
    try:
        value = json.loads(f'"{body}"')  # what yarn does (JSON.parse)
    except json.JSONDecodeError:
        raise LockfileError(
            path, "invalid quoted string (yarn cannot read it)", line=number
        ) from None
    return str(value)


_CONTROL = re.compile(r"[\x00-\x1f]")
