"""pip requirements-file syntax: logical lines, comments, options and what a line names.

This mirrors pip's own reader (``pip._internal.req.req_file``) wherever it decides what gets
installed: a ``\\`` at the end of a line joins it with the next one (unless the line is a
comment), a ``#`` starts a comment only at the start of a line or after whitespace (so
``#egg=`` in a URL is kept), the requirement is every space-separated token before the first
one starting with ``-`` and the rest is parsed as options. Unlike pip, ``${VAR}`` references
are never expanded: the collector must not read (or leak) the environment.
"""

from __future__ import annotations

import enum
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass

from packaging.requirements import Requirement
from packaging.specifiers import Specifier, SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)

from auditor.core.model import Hash, canonical_pypi_name
from auditor.core.redact import SCHEME_START, redact_url

ENV_VAR = re.compile(r"\$\{[A-Z0-9_]+\}")  # the only form pip expands
_HEX = re.compile(r"[0-9a-fA-F]+")
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_VCS_SCHEME = re.compile(r"(?:git|hg|svn|bzr)(?:\+[a-z-]+)?")
_URLISH = re.compile(SCHEME_START + r"[^\s;,]+")  # linear: see SCHEME_START
_ARCHIVES: tuple[str, ...] = (".whl", ".zip", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz")
_ARCHIVES += (".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma")
_PATH = re.compile(r"[^\s\"'{}<>|*?;\[\]]+(?:\[[^\]]*\])?")


# -- logical lines ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LogicalLine:
    """One line as pip sees it after joining continuations; blank when ``body`` is empty."""

    number: int  # the physical line where it starts
    body: str  # without the comment, stripped
    comment: str  # the comment including its ``#``, stripped; "" when none


def _is_comment_line(line: str) -> bool:
    return line.lstrip().startswith("#")


def _comment_start(text: str) -> int:
    """Where pip's comment starts: a ``#`` at the start or after whitespace; -1 if none.

    A scan instead of pip's regex ``(^|\\s+)#.*$``, which is quadratic on long runs of
    spaces without a ``#``.
    """
    at = text.find("#")
    while at >= 0:
        if at == 0 or text[at - 1].isspace():
            return at
        at = text.find("#", at + 1)
    return -1


def _logical(number: int, text: str) -> LogicalLine:
    at = _comment_start(text)
    if at < 0:
        return LogicalLine(number=number, body=text.strip(), comment="")
    return LogicalLine(number=number, body=text[:at].strip(), comment=text[at:].strip())


def logical_lines(text: str) -> Iterator[LogicalLine]:
    """Every logical line, blank ones included, numbered by the line where it starts."""
    start = 0
    parts: list[str] = []
    for number, physical in enumerate(text.split("\n"), start=1):
        comment = _is_comment_line(physical)
        if physical.endswith("\\") and not comment:
            if not parts:
                start = number
            # pip strips every backslash at both ends, so "4.5\\" continues too
            parts.append(physical.strip("\\"))
            continue
        line = " " + physical if comment else physical  # a joined comment stays a comment
        if parts:
            parts.append(line)
            yield _logical(start, "".join(parts))
            parts = []
        else:
            yield _logical(number, line)
    if parts:  # a backslash on the last line
        yield _logical(start, "".join(parts))


def break_args_options(body: str) -> tuple[str, str]:
    """Split a line into the requirement and the options, exactly as pip does: the
    requirement is every space-separated token before the first one starting with ``-``."""
    tokens = body.split(" ")
    for index, token in enumerate(tokens):
        if token.startswith("-"):
            return " ".join(tokens[:index]).strip(), " ".join(tokens[index:])
    return body.strip(), ""


# -- options ----------------------------------------------------------------------------------

# Long option → whether it takes a value. pip's requirements-file options, plus options older
# pip versions accepted that historical files still carry.
LONG_OPTIONS: dict[str, bool] = {
    "--index-url": True,
    "--pypi-url": True,
    "--extra-index-url": True,
    "--no-index": False,
    "--constraint": True,
    "--requirement": True,
    "--editable": True,
    "--find-links": True,
    "--no-binary": True,
    "--only-binary": True,
    "--prefer-binary": False,
    "--require-hashes": False,
    "--no-require-hashes": False,
    "--pre": False,
    "--all-releases": True,
    "--only-final": True,
    "--trusted-host": True,
    "--use-feature": True,
    "--hash": True,
    "--config-settings": True,
    # accepted by older pip versions
    "--global-option": True,
    "--install-option": True,
    "--allow-external": True,
    "--allow-unverified": True,
    "--allow-all-external": False,
    "--process-dependency-links": False,
}
SHORT_OPTIONS = {
    "-i": "--index-url",
    "-c": "--constraint",
    "-r": "--requirement",
    "-e": "--editable",
    "-f": "--find-links",
    "-C": "--config-settings",
}


class OptionError(ValueError):
    """An option that makes pip refuse the file; the message says which and why."""


@dataclass(frozen=True, kw_only=True)
class Options:
    """Options of one line in order, as (long name, value) pairs, and stray arguments."""

    values: tuple[tuple[str, str | None], ...] = ()
    leftovers: tuple[str, ...] = ()
    hashes: frozenset[Hash] = frozenset()  # the --hash values, checked and parsed

    def all(self, *names: str) -> list[str]:
        return [value or "" for name, value in self.values if name in names]


def _long_name(token: str) -> str:
    if token in LONG_OPTIONS:
        return token
    # optparse accepts any unambiguous prefix of a long option
    matches = [name for name in LONG_OPTIONS if name.startswith(token)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise OptionError(f"ambiguous option {token} ({', '.join(sorted(matches))})")
    raise OptionError(f"unknown option {token}")


def _check_value(name: str, value: str) -> None:
    if name == "--config-settings" and "=" not in value:
        raise OptionError(f"--config-settings value {value!r} is not KEY=VALUE")


_SHLEX_SPECIAL = re.compile(r"[\"'\\]")
_SHLEX_SPACE = re.compile(r"[ \t\r\n]+")


def _split_options(text: str) -> list[str]:
    """``shlex.split``, with a fast path: without quotes or backslashes it only splits on
    its whitespace, and pip-compile's long hash lists need no slow character loop."""
    if not _SHLEX_SPECIAL.search(text):
        return [token for token in _SHLEX_SPACE.split(text) if token]
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise OptionError(f"cannot split the options ({exc})") from None


def parse_options(text: str) -> Options:
    """Parse the options part of a line like pip's optparse parser; ``OptionError`` when pip
    would refuse the line."""
    if not text:
        return Options()
    tokens = _split_options(text)
    values: list[tuple[str, str | None]] = []
    leftovers: list[str] = []
    hashes: set[Hash] = set()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token == "--":  # noqa: S105 - optparse's end of options, not a secret
            leftovers.extend(tokens[index:])
            break
        if token.startswith("--"):
            key, sep, inline = token.partition("=")
            name = _long_name(key)
            value: str | None = inline if sep else None
        elif token.startswith("-") and len(token) > 1:
            if token[:2] not in SHORT_OPTIONS:
                raise OptionError(f"unknown option {token[:2]}")
            name = SHORT_OPTIONS[token[:2]]
            value = token[2:] or None
        else:
            leftovers.append(token)
            continue
        if not LONG_OPTIONS[name]:
            if value is not None:
                raise OptionError(f"{name} takes no value")
            values.append((name, None))
            continue
        if value is None:
            if index >= len(tokens):
                raise OptionError(f"{name} needs a value")
            value = tokens[index]
            index += 1
        if name == "--hash":
            parsed = hash_value(value)
            if parsed is not None:
                hashes.add(parsed)
        _check_value(name, value)
        values.append((name, value))
    return Options(values=tuple(values), leftovers=tuple(leftovers), hashes=frozenset(hashes))


# pip's --hash algorithms (pip._internal.utils.hashes.STRONG_HASHES) and the length of the
# hex digest pip compares with (hashlib's hexdigest)
PIP_HASH_DIGITS = {"sha256": 64, "sha384": 96, "sha512": 128}
_HEX_DIGITS = re.compile(r"[0-9a-fA-F]+")


def hash_value(text: str) -> Hash | None:
    """A ``--hash`` value, ``ALGORITHM:HEXDIGEST``; None for a digest no file can match;
    ``OptionError`` when pip refuses it.

    pip's parser refuses a value without ``:`` and an algorithm other than sha256, sha384
    and sha512. It accepts any digest, but then compares a file's hex digest with it (as
    lowercase text): a digest of another length or alphabet (one cut short, or run into
    other text) never matches. A line whose digests all fail that way makes pip refuse to
    install the file (``hash_problem``); beside one that can match, pip does not mind it.
    """
    algorithm, sep, digest = text.partition(":")
    if not sep:
        raise OptionError(f"--hash value {text!r} is not ALGORITHM:DIGEST")
    digits = PIP_HASH_DIGITS.get(algorithm)
    if digits is None:
        allowed = ", ".join(PIP_HASH_DIGITS)
        raise OptionError(f"--hash algorithm {algorithm!r} is not one pip allows ({allowed})")
    if len(digest) != digits or not _HEX_DIGITS.fullmatch(digest):
        return None
    return Hash(algorithm=algorithm, value=digest.lower())


def hash_problem(options: Options) -> str | None:
    """Why pip could never install the requirement of a line with these options: every
    ``--hash`` digest it names is one no file can match. None when it has none or one
    that can match."""
    values = options.all("--hash")
    if not values or options.hashes:
        return None
    digest = values[0].partition(":")[2]
    shown = digest if len(digest) <= 20 else digest[:8] + "…" + digest[-8:]
    algorithm = values[0].partition(":")[0]
    return (
        f"--hash digest {shown!r} is not {PIP_HASH_DIGITS[algorithm]} hex digits"
        + (" (nor is any other of the line)" if len(values) > 1 else "")
        + ", so no file can match it"
    )


# -- what a requirement names -------------------------------------------------------------------


class Kind(str, enum.Enum):
    NAMED = "named"  # a name with a specifier: a registry package
    URL = "url"  # a direct URL (``name @ https://...`` or a bare URL)
    VCS = "vcs"
    PATH = "path"  # a local directory or archive (or a file: URL)


@dataclass(frozen=True, kw_only=True)
class Target:
    """What the requirement part of a line asks for."""

    kind: Kind
    name: str  # PEP 503 name, "" when the line does not say
    requirement: Requirement | None = None  # for NAMED
    file_version: str | None = None  # the version a wheel or sdist file name carries


def _scheme(text: str) -> str:
    return text.split(":", 1)[0].lower() if ":" in text else ""


def _url_kind(url: str) -> Kind | None:
    scheme = _scheme(url)
    if _VCS_SCHEME.fullmatch(scheme):
        return Kind.VCS
    if scheme in ("http", "https", "ftp"):
        return Kind.URL
    if scheme == "file":
        return Kind.PATH
    return None


def _file_name_facts(location: str) -> tuple[str, str | None]:
    """(name, version) from a wheel or sdist file name at the end of a path or URL."""
    base = re.split(r"[?#]", location, maxsplit=1)[0].rstrip("/").rsplit("/", 1)[-1]
    try:
        if base.endswith(".whl"):
            name, version, _, _ = parse_wheel_filename(base)
            return canonical_pypi_name(name), str(version)
        if base.endswith((".tar.gz", ".zip")):
            name, version = parse_sdist_filename(base)
            return canonical_pypi_name(name), str(version)
    except (InvalidWheelFilename, InvalidSdistFilename, ValueError):
        pass
    return "", None


def _unnamed(kind: Kind, location: str) -> Target:
    egg = _EGG.search(location)
    name, version = _file_name_facts(location)
    if egg:
        name = canonical_pypi_name(egg.group(1))
    return Target(kind=kind, name=name, file_version=version)


def looks_like_path(head: str) -> bool:
    """pip's test (a path separator or a leading dot), or an archive file name."""
    if not _PATH.fullmatch(head):
        return False
    return "/" in head or "\\" in head or head.startswith(".") or head.endswith(_ARCHIVES)


def parse_target(text: str) -> Target:
    """Classify the requirement part of a line; ``ValueError`` when pip could not use it."""
    direct = _url_kind(text)
    if direct is not None:
        # pip separates a URL's marker by "; " (a bare ";" may belong to the URL)
        return _unnamed(direct, text.split("; ", 1)[0].strip())
    head = text.split(";", 1)[0].strip()
    if head.endswith(_ARCHIVES) and looks_like_path(head):
        return _unnamed(Kind.PATH, head)
    try:
        requirement = Requirement(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except ValueError as exc:
        if looks_like_path(head):
            return _unnamed(Kind.PATH, head)
        raise ValueError(str(exc).split("\n", 1)[0]) from None
    name = canonical_pypi_name(requirement.name)
    if requirement.url:
        kind = _url_kind(requirement.url) or Kind.URL
        _, version = _file_name_facts(requirement.url)
        return Target(kind=kind, name=name, requirement=requirement, file_version=version)
    return Target(kind=Kind.NAMED, name=name, requirement=requirement)


def guess_name(text: str) -> str:
    """The package a line is about, for lines that are skipped before being understood."""
    try:
        return parse_target(text).name
    except ValueError:
        return ""


def pinned_version(specifier: SpecifierSet) -> str | None:
    """The one version an ``==``/``===`` pin allows (as written), or ``None``.

    ``==1.*`` is a range. Other clauses next to the pin must allow the pinned version.
    """
    pins = [
        s
        for s in specifier
        if s.operator == "===" or (s.operator == "==" and not s.version.endswith(".*"))
    ]
    if len(pins) != 1:
        return None
    version = pins[0].version
    others = [s for s in specifier if s is not pins[0]]
    return version if all(allows(s, version) for s in others) else None


def allows(specifier: Specifier | SpecifierSet, version: str) -> bool:
    """Whether a specifier (clause or set) allows ``version``; unparsable versions do not."""
    try:
        return specifier.contains(version, prereleases=True)
    except ValueError:
        return False


# -- pip-compile annotations --------------------------------------------------------------------

_VIA_HEAD = re.compile(r"#\s*via(?:\s+(\S.*?))?\s*$")
_VIA_ITEM = re.compile(r"#\s{2,}(\S.*?)\s*$")
_PROJECT_ITEM = re.compile(r"\S+ \([^()]+\)")  # "myproject (pyproject.toml)"


def via_head(comment: str) -> tuple[bool, tuple[str, ...]]:
    """(is a ``# via`` comment, its items); a bare ``# via`` opens a multi-line block."""
    match = _VIA_HEAD.fullmatch(comment)
    if match is None:
        return False, ()
    items = match.group(1)
    return True, tuple(i.strip() for i in items.split(",") if i.strip()) if items else ()


def via_item(comment: str) -> str | None:
    """The item of a ``#   item`` line inside a multi-line ``# via`` block."""
    match = _VIA_ITEM.fullmatch(comment)
    return match.group(1) if match else None


def via_is_root(item: str) -> bool:
    """``-r requirements.in``, ``-c constraints.txt`` and ``project (pyproject.toml)``
    name the project's own input: the package is a direct dependency."""
    return item.startswith("-") or bool(_PROJECT_ITEM.fullmatch(item))


def via_name(item: str) -> str | None:
    return canonical_pypi_name(item) if _NAME.fullmatch(item) else None


# -- display --------------------------------------------------------------------------------------


def redact_requirement(text: str) -> str:
    """Requirement text with every URL's credentials replaced by ``****``."""
    return _URLISH.sub(lambda m: redact_url(m.group(0)), text)


def shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- content detection ----------------------------------------------------------------------------

_OPERATOR = r"(?:===|==|~=|!=|<=|>=|<|>)"
_CLAUSE = rf"{_OPERATOR}\s*[A-Za-z0-9.*+!_-]+"
_REQUIREMENT_LIKE = re.compile(
    rf"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\s*(?:\[[A-Za-z0-9._,\s-]*\])?\s*"
    rf"(?P<spec>{_CLAUSE}\s*(?:,\s*{_CLAUSE}\s*)*)?(?P<at>@\s*\S+\s*)?(?:;.*)?"
)
_OPTION_LIKE = re.compile(r"(?:-[rceif]\s*\S|--[a-z][a-z-]+(?:[=\s]|$))")
_SNIFF_LINES = 200


def looks_like_requirements(text: str, *, need_signal: bool = True) -> bool:
    """Whether most lines look like requirements or pip options, with at least one version
    specifier, direct reference or option among them (a list of bare words is not enough,
    unless ``need_signal`` is false: then every line must look like one).

    Conservative on purpose: prose, JSON, TOML, YAML and INI never match, since they have
    lines that are neither (``key = value``, ``key: value``, ``{``, ``[section]``).
    """
    good = bad = 0
    signal = False
    for line in logical_lines(text):
        if not line.body:
            continue
        if good + bad >= _SNIFF_LINES:
            break
        args, options = break_args_options(line.body)
        if not args:
            ok = bool(_OPTION_LIKE.match(options))
            signal = signal or ok
        else:
            match = _REQUIREMENT_LIKE.fullmatch(args)
            ok = match is not None or _url_kind(args) is not None
            signal = signal or _url_kind(args) is not None
            signal = signal or bool(match and (match.group("spec") or match.group("at")))
        good, bad = (good + 1, bad) if ok else (good, bad + 1)
    if not need_signal:
        return bad == 0
    return signal and good > 0 and bad * 10 <= good
