"""A strict parser for the yarn classic (v1) lockfile syntax.

The format looks like YAML but is yarn's own: two-space indentation, entry headers listing
one or more specifiers (``"a@^1.0.0", a@^1.1.0:``), ``key value`` pairs whose values are
quoted (JSON escapes) or bare words, ``key:`` opening a nested block, and whole-line ``#``
comments. Anything else is an error naming the line, so a hand-edited or conflicted lock
is reported instead of half read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from auditor.collectors.npm.common import clip
from auditor.core.errors import LockfileError

_TOKEN = re.compile(r'[ \t]*(?:"((?:[^"\\\n]|\\.)*)"|([^\s:,"]+)|(:)|(,))')
_CONFLICT = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")
_SIMPLE = re.compile(
    r'((?:  )*)(?:"([^"\\\n]*)"|([^\s:,"#][^\s:,"]*))'
    r'(?: (?:"([^"\\\n]*)"|([^\s:,"]+))|(:))[ \t]*'
)


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
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw.startswith(_CONFLICT):
            raise LockfileError(
                path, "merge conflict marker; resolve the conflict first", line=number
            )
        simple = _SIMPLE.fullmatch(raw)
        if simple is not None:  # the common shapes, `key "value"`, `key value`, `key:`
            level = len(simple[1]) // 2
            keys, opens, value = _simple(simple)
        else:
            level = _level(path, raw, number)
            keys, opens, value = _line(path, raw, number)
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


def _line(path: str, raw: str, number: int) -> tuple[tuple[str, ...], bool, str | bool]:
    """(keys, opens a block, value) of one non-blank line."""
    tokens = _tokens(path, raw, number)
    keys: list[str] = []
    at = 0
    while True:
        if at >= len(tokens) or tokens[at][0] not in ("quoted", "word"):
            raise LockfileError(path, "expected a key", line=number)
        keys.append(tokens[at][1])
        at += 1
        if at < len(tokens) and tokens[at][0] == ",":
            at += 1
            continue
        break
    colon = at < len(tokens) and tokens[at][0] == ":"
    if colon:
        at += 1
    rest = tokens[at:]
    if not rest:
        if not colon:
            raise LockfileError(path, f"key {clip(keys[0])} has no value", line=number)
        return tuple(keys), True, ""
    if len(rest) > 1 or rest[0][0] not in ("quoted", "word"):
        raise LockfileError(path, "expected one value after the key", line=number)
    if len(keys) > 1:
        raise LockfileError(path, "only entry headers may list several keys", line=number)
    kind, text = rest[0]
    if kind == "word" and text in ("true", "false"):
        return tuple(keys), False, text == "true"
    return tuple(keys), False, text


def _tokens(path: str, raw: str, number: int) -> list[tuple[str, str]]:
    """``(kind, text)`` pairs: ``quoted``, ``word`` (bare), ``:`` and ``,``."""
    tokens: list[tuple[str, str]] = []
    position = 0
    end = len(raw.rstrip())
    while position < end:
        match = _TOKEN.match(raw, position, end)
        if match is None or match.end() == position:
            rest = raw[position:end].lstrip()
            if rest.startswith('"'):
                raise LockfileError(path, "unterminated string", line=number)
            raise LockfileError(path, f"unexpected character {rest[0]!r}", line=number)
        quoted, bare, colon, comma = match.groups()
        if quoted is not None:
            tokens.append(("quoted", _unquote(path, quoted, number)))
        elif bare is not None:
            tokens.append(("word", bare))
        else:
            tokens.append((colon or comma, colon or comma))
        position = match.end()
    return tokens


def _unquote(path: str, body: str, number: int) -> str:
    if "\\" not in body:
        return body
    try:
        value = json.loads(f'"{body}"')
    except json.JSONDecodeError:
        raise LockfileError(path, "invalid escape in a quoted string", line=number) from None
    return str(value)
