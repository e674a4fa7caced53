"""Reading untrusted structured documents with errors that name the file and key path.

``load_json``/``load_toml``/``load_yaml`` turn syntax errors into ``LockfileError`` with a
line number. ``Doc`` wraps a decoded value with the key path that reached it, so every
typed getter can say exactly where a document is wrong, e.g.
``poetry.lock: missing 'version' in package[12]``.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

# tomli is the library the standard tomllib was taken from, with the same behaviour and
# messages; its compiled wheels parse lockfiles about three times faster (bench/parse.py).
import tomli as tomllib

from auditor.core.errors import LockfileError
from auditor.core.redact import redact_text


@dataclass(frozen=True, kw_only=True)
class InputFile:
    """A file's display path (relative, ``/``-separated) and its decoded text."""

    path: str
    text: str


_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    list: "an array",
    dict: "a table",
    type(None): "null",
}


def type_name(value: object) -> str:
    for kind, name in _TYPE_NAMES.items():
        if type(value) is kind:
            return name
    return type(value).__name__


class Doc:
    """A value from an untrusted document plus the key path that reached it."""

    __slots__ = ("file", "key", "value")

    def __init__(self, file: str, value: Any, key: str = "") -> None:
        self.file = file
        self.value = value
        self.key = key

    # -- errors ---------------------------------------------------------------------------

    def fail(self, message: str, *, line: int | None = None) -> NoReturn:
        # Keys can be URLs with credentials (pnpm keys tarball packages by their URL).
        raise LockfileError(self.file, message, line=line, key=redact_text(self.key) or None)

    def _sub(self, name: str | int) -> str:
        if isinstance(name, int):
            return f"{self.key}[{name}]"
        if re.fullmatch(r"[A-Za-z0-9_-]+", name):
            return f"{self.key}.{name}" if self.key else name
        return f"{self.key}[{json.dumps(name)}]"

    # -- shape of this node ------------------------------------------------------------------

    def mapping(self) -> dict[str, Any]:
        if not isinstance(self.value, dict):
            what = "document" if not self.key else "value"
            self.fail(f"{what} is {type_name(self.value)}, expected a table")
        return self.value

    def as_str(self) -> str:
        if not isinstance(self.value, str):
            self.fail(f"value is {type_name(self.value)}, expected a string")
        return self.value

    def as_list(self) -> list[Doc]:
        if not isinstance(self.value, list):
            self.fail(f"value is {type_name(self.value)}, expected an array")
        return [Doc(self.file, item, self._sub(i)) for i, item in enumerate(self.value)]

    def items(self) -> Iterator[tuple[str, Doc]]:
        """Entries of this table as (key, child) pairs, in document order."""
        for name, item in self.mapping().items():
            yield str(name), Doc(self.file, item, self._sub(str(name)))

    # -- fields --------------------------------------------------------------------------------

    def has(self, name: str) -> bool:
        return name in self.mapping()

    def child(self, name: str) -> Doc:
        table = self.mapping()
        if name not in table:
            self.fail(f"missing {name!r}")
        return Doc(self.file, table[name], self._sub(name))

    def opt_child(self, name: str) -> Doc | None:
        table = self.mapping()
        if name not in table or table[name] is None:
            return None
        return Doc(self.file, table[name], self._sub(name))

    def _typed(self, name: str, kind: type | tuple[type, ...], expected: str) -> Any:
        table = self.mapping()
        if name not in table:
            self.fail(f"missing {name!r}")
        value = table[name]
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            self.fail(f"{name!r} is {type_name(value)}, expected {expected}")
        return value

    def string(self, name: str) -> str:
        value: str = self._typed(name, str, "a string")
        return value

    def opt_string(self, name: str) -> str | None:
        if self.opt_child(name) is None:
            return None
        return self.string(name)

    def flag(self, name: str, default: bool = False) -> bool:
        if self.opt_child(name) is None:
            return default
        value: bool = self._typed(name, bool, "a boolean")
        return value

    def table(self, name: str) -> Doc:
        self._typed(name, dict, "a table")
        return Doc(self.file, self.mapping()[name], self._sub(name))

    def opt_table(self, name: str) -> Doc | None:
        if self.opt_child(name) is None:
            return None
        return self.table(name)

    def array(self, name: str) -> list[Doc]:
        self._typed(name, list, "an array")
        return Doc(self.file, self.mapping()[name], self._sub(name)).as_list()

    def opt_array(self, name: str) -> list[Doc]:
        if self.opt_child(name) is None:
            return []
        return self.array(name)

    def strings(self, name: str) -> list[str]:
        return [item.as_str() for item in self.opt_array(name)]


class LineIndex:
    """Maps character offsets to 1-based line numbers, and finds lines by pattern."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0]
        self._starts.extend(m.end() for m in re.finditer("\n", text))

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)

    def lines_matching(self, pattern: str) -> list[int]:
        """Line numbers of every match of a multiline regex, in order."""
        return [self.line_of(m.start()) for m in re.finditer(pattern, self.text, re.MULTILINE)]

    def first(self, needle: str, start: int = 0) -> int | None:
        """Line of the first occurrence of ``needle`` at or after offset ``start``."""
        at = self.text.find(needle, start)
        return None if at < 0 else self.line_of(at)


def load_json(file: InputFile) -> Doc:
    if not file.text.strip():
        raise LockfileError(file.path, "file is empty, expected JSON")
    try:
        value = json.loads(file.text)
    except json.JSONDecodeError as exc:
        raise LockfileError(file.path, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise LockfileError(file.path, "not valid JSON: nested too deeply") from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        raise LockfileError(file.path, "not valid JSON: a number too long to read") from None
    if _SURROGATE.search(file.text):  # only an escape can put one in: "\ud800"
        _refuse_surrogates(Doc(file.path, value))
    return Doc(file.path, value)


_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _refuse_surrogates(root: Doc) -> None:
    """A lone surrogate (``"\\ud800"``) is valid JSON but no text: no output could encode it."""
    stack = [root]
    while stack:
        doc = stack.pop()
        value = doc.value
        if isinstance(value, str):
            _check_text(doc, value)
        elif isinstance(value, list):
            stack.extend(doc.as_list())
        elif isinstance(value, dict):
            for name, child in doc.items():
                _check_text(doc, name)
                stack.append(child)


def _check_text(doc: Doc, text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        doc.fail("a lone surrogate (an unpaired \\ud800-\\udfff escape) is not text")


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$|\s*\(at end of document\)$")


def load_toml(file: InputFile) -> Doc:
    if not file.text.strip():
        raise LockfileError(file.path, "file is empty, expected TOML")
    try:
        value = tomllib.loads(file.text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc.args[0]) if exc.args else str(exc)
        match = _TOML_POSITION.search(message)
        line = int(match.group(1)) if match and match.group(1) else None
        if match:
            message = message[: match.start()]
        if line is None and "end of document" in str(exc):
            line = file.text.count("\n") + 1
        raise LockfileError(file.path, f"not valid TOML: {message}", line=line) from None
    except RecursionError:
        raise LockfileError(file.path, "not valid TOML: nested too deeply") from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        raise LockfileError(file.path, "not valid TOML: a number too long to read") from None
    return Doc(file.path, value)


def _yaml() -> Any:
    """PyYAML, imported with the first YAML document (a run without one never loads it)."""
    import yaml

    return yaml


def yaml_error() -> type[Exception]:
    """PyYAML's base exception (importing PyYAML if no YAML document did)."""
    error: type[Exception] = _yaml().YAMLError
    return error


@functools.cache
def _yaml_loader() -> Any:
    """The safe loader, with timestamps kept as the text they are written as.

    YAML 1.1 turns an unquoted ``modified: 2023-11-08T05:13:00Z`` into a datetime, but every
    format auditor reads spells times as RFC 3339 strings (OSV records are JSON first; the
    PyPA database's YAML form leaves some unquoted): the same record must read the same in
    either form. Built with the first YAML document, as PyYAML is imported.
    """
    yaml = _yaml()
    safe: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader: Any = type("_YamlLoader", (safe,), {})
    loader.add_constructor("tag:yaml.org,2002:timestamp", loader.construct_yaml_str)
    return loader


def yaml_value(text: str, path: str) -> Any:
    """The value of a YAML document with a safe loader; a ``LockfileError`` for an alias
    (``*name``): an alias is the node its anchor names, met a second time."""
    loader = _yaml_loader()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "*" in text:  # no alias is possible without one
            _refuse_aliases(node, path)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _refuse_aliases(root: Any, path: str) -> None:
    yaml = _yaml()
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            line = node.start_mark.line + 1 if node.start_mark is not None else None
            raise LockfileError(
                path,
                "YAML aliases are not allowed (this format never uses them): the node "
                "anchored here is used again",
                line=line,
            )
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)


def load_yaml(file: InputFile) -> Doc:
    """A YAML document, without aliases: no format auditor reads uses them, and a few
    kilobytes of aliases can stand for gigabytes of expanded tables (a 117 KB pnpm-lock.yaml
    took 531 MB). An alias is an error naming its line."""
    if not file.text.strip():
        raise LockfileError(file.path, "file is empty, expected YAML")
    yaml = _yaml()
    try:
        value = yaml_value(file.text, file.path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "syntax error"
        raise LockfileError(file.path, f"not valid YAML: {problem}", line=line) from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        raise LockfileError(file.path, f"not valid YAML: {type(exc).__name__}") from None
    return Doc(file.path, value)
