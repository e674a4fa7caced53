"""npm version ranges: ``^``, ``~``, x-ranges, hyphen ranges, ``||``, comparators.

A port of node-semver's ``Range`` (the module npm itself uses to decide whether a locked
version satisfies a dependency), step for step: the range is split on ``||``; each part has
its hyphen range, then its carets, tildes, x-ranges and stars desugared into plain
comparators (``^1.2.3`` → ``>=1.2.3 <2.0.0-0``); a version satisfies the range when it meets
every comparator of one part. Pre-releases follow npm's rule: ``1.3.0-beta`` satisfies a
part only when a comparator of that part names a pre-release of the same ``1.3.0``, unless
``include_prerelease`` is set.

npm compares lockfile versions in *loose* mode (arborist's ``depValid`` calls
``semver.satisfies(version, spec, true)``), which is the default here. JavaScript's idea of
whitespace and its single-replacement ``String.replace`` are reproduced, because a range
written with a tab or two stars must mean what it means to npm. Tests compare this module
with npm's own ``semver`` package on generated ranges (tests/versions/test_semver_range.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from auditor.versions.base import MAX_VERSION_LENGTH, InvalidVersion
from auditor.versions.semver import MAX_SAFE_INTEGER

MAX_RANGE_LENGTH = 4096  # lockfile text is untrusted; no legitimate range is this long

# JavaScript's \s (ECMAScript WhiteSpace and LineTerminator), for use inside a class.
_WS = "\t\n\x0b\x0c\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_S = f"[{_WS}]"
_LDN = "[a-zA-Z0-9-]"

# node-semver's tokens (internal/re.js) in its "safe" form, where every \s* becomes \s{0,1}
# because the input is whitespace-collapsed first (its guard against slow matching).
_NUM = r"0|[1-9]\d*"
_NUM_LOOSE = r"\d+"
_NON_NUMERIC = rf"\d*[a-zA-Z-]{_LDN}*"
_MAIN = rf"({_NUM})\.({_NUM})\.({_NUM})"
_MAIN_LOOSE = rf"({_NUM_LOOSE})\.({_NUM_LOOSE})\.({_NUM_LOOSE})"
_PRE_ID = rf"(?:{_NON_NUMERIC}|{_NUM})"
_PRE_ID_LOOSE = rf"(?:{_NON_NUMERIC}|{_NUM_LOOSE})"
_PRE = rf"(?:-({_PRE_ID}(?:\.{_PRE_ID})*))"
_PRE_LOOSE = rf"(?:-?({_PRE_ID_LOOSE}(?:\.{_PRE_ID_LOOSE})*))"
_BUILD_ID = f"{_LDN}+"
_BUILD = rf"(?:\+({_BUILD_ID}(?:\.{_BUILD_ID})*))"
_FULL_PLAIN = f"v?{_MAIN}{_PRE}?{_BUILD}?"
_LOOSE_PLAIN = f"[v={_WS}]*{_MAIN_LOOSE}{_PRE_LOOSE}?{_BUILD}?"
_GTLT = "((?:<|>)?=?)"
_XID = rf"{_NUM}|x|X|\*"
_XID_LOOSE = rf"{_NUM_LOOSE}|x|X|\*"
_XPLAIN = rf"[v={_WS}]*({_XID})(?:\.({_XID})(?:\.({_XID})(?:{_PRE})?{_BUILD}?)?)?"
_XPLAIN_LOOSE = (
    rf"[v={_WS}]*({_XID_LOOSE})(?:\.({_XID_LOOSE})(?:\.({_XID_LOOSE})(?:{_PRE_LOOSE})?{_BUILD}?)?)?"
)


def _re(source: str) -> re.Pattern[str]:
    # \d must mean ASCII digits, as in JavaScript; \Z because $ would accept a final newline
    return re.compile(source, re.ASCII)


@dataclass(frozen=True)
class _Patterns:
    hyphen: re.Pattern[str]
    tilde: re.Pattern[str]
    caret: re.Pattern[str]
    xrange: re.Pattern[str]
    comparator: re.Pattern[str]
    version: re.Pattern[str]


_STRICT = _Patterns(
    hyphen=_re(rf"^{_S}?({_XPLAIN}){_S}-{_S}({_XPLAIN}){_S}?\Z"),
    tilde=_re(rf"^(?:~>?){_XPLAIN}\Z"),
    caret=_re(rf"^(?:\^){_XPLAIN}\Z"),
    xrange=_re(rf"^{_GTLT}{_S}?{_XPLAIN}\Z"),
    comparator=_re(rf"^{_GTLT}{_S}?({_FULL_PLAIN})\Z|^\Z"),
    version=_re(rf"^{_FULL_PLAIN}\Z"),
)
_LOOSE = _Patterns(
    hyphen=_re(rf"^{_S}?({_XPLAIN_LOOSE}){_S}-{_S}({_XPLAIN_LOOSE}){_S}?\Z"),
    tilde=_re(rf"^(?:~>?){_XPLAIN_LOOSE}\Z"),
    caret=_re(rf"^(?:\^){_XPLAIN_LOOSE}\Z"),
    xrange=_re(rf"^{_GTLT}{_S}?{_XPLAIN_LOOSE}\Z"),
    comparator=_re(rf"^{_GTLT}{_S}?({_LOOSE_PLAIN})\Z|^\Z"),
    version=_re(rf"^{_LOOSE_PLAIN}\Z"),
)
_COMPARATOR_TRIM = _re(rf"({_S}?){_GTLT}{_S}?({_LOOSE_PLAIN}|{_XPLAIN})")
_TILDE_TRIM = _re(rf"({_S}?)(?:~>?){_S}")
_CARET_TRIM = _re(rf"({_S}?)(?:\^){_S}")
_STAR = _re(rf"(<|>)?=?{_S}?\*")
_GTE0 = _re(rf"^{_S}?>={_S}?0\.0\.0{_S}?\Z")
_GTE0_PRE = _re(rf"^{_S}?>={_S}?0\.0\.0-0{_S}?\Z")
_BUILD_RE = _re(_BUILD)
_SPACES = _re(f"{_S}+")
_NUMERIC = _re(r"^[0-9]+\Z")
_NULL_SET = "<0.0.0-0"

Identifier = int | str


class InvalidRange(InvalidVersion):
    """Text that is not an npm version range (npm would not accept it either)."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__("npm range", text, reason)


_TRIM = _WS.replace("\u2000-\u200a", "".join(map(chr, range(0x2000, 0x200B))))


def js_trim(text: str) -> str:
    """JavaScript's ``String.prototype.trim``."""
    return text.strip(_TRIM)


@dataclass(frozen=True, order=False)
class NpmVersion:
    """A parsed SemVer version as node-semver holds it (build metadata dropped)."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[Identifier, ...] = ()

    @property
    def text(self) -> str:
        base = f"{self.major}.{self.minor}.{self.patch}"
        return base + ("-" + ".".join(map(str, self.prerelease)) if self.prerelease else "")

    def compare(self, other: NpmVersion) -> int:
        main = _cmp((self.major, self.minor, self.patch), (other.major, other.minor, other.patch))
        return main or _compare_pre(self.prerelease, other.prerelease)


def parse_version(text: str, *, loose: bool = True) -> NpmVersion:
    """node-semver's ``new SemVer(text, loose)``; ``InvalidVersion`` when it throws."""
    if len(text) > MAX_VERSION_LENGTH:
        raise InvalidVersion("SemVer", text, f"longer than {MAX_VERSION_LENGTH} characters")
    patterns = _LOOSE if loose else _STRICT
    match = patterns.version.match(js_trim(text))
    if match is None:
        raise InvalidVersion("SemVer", text, "not MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]")
    numbers = [int(part) for part in match.group(1, 2, 3)]
    if any(n > MAX_SAFE_INTEGER for n in numbers):
        raise InvalidVersion("SemVer", text, "a component is larger than JavaScript allows")
    pre = match.group(4)
    return NpmVersion(
        major=numbers[0],
        minor=numbers[1],
        patch=numbers[2],
        prerelease=tuple(_identifier(p) for p in pre.split(".")) if pre else (),
    )


def _identifier(text: str) -> Identifier:
    if _NUMERIC.match(text) and int(text) < MAX_SAFE_INTEGER:
        return int(text)
    return text


def _cmp(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    return (a > b) - (a < b)


def _compare_identifiers(a: Identifier, b: Identifier) -> int:
    if isinstance(a, int) and isinstance(b, int):
        return (a > b) - (a < b)
    a_num, b_num = bool(_NUMERIC.match(str(a))), bool(_NUMERIC.match(str(b)))
    if a_num and b_num:
        x, y = int(a), int(b)
        return (x > y) - (x < y)
    if a_num and not b_num:
        return -1
    if b_num and not a_num:
        return 1
    sa, sb = str(a), str(b)
    return 0 if sa == sb else (-1 if _js_less(sa, sb) else 1)


def _js_less(a: str, b: str) -> bool:
    """JavaScript compares strings by UTF-16 code units, not code points."""
    return a.encode("utf-16-be") < b.encode("utf-16-be")


def _compare_pre(a: tuple[Identifier, ...], b: tuple[Identifier, ...]) -> int:
    if a and not b:
        return -1
    if b and not a:
        return 1
    for x, y in zip(a, b, strict=False):
        if x != y:
            return _compare_identifiers(x, y)
    return (len(a) > len(b)) - (len(a) < len(b))


@dataclass(frozen=True)
class Comparator:
    """One ``<op><version>``; ``version`` None means "any version" (node's ``ANY``)."""

    operator: str
    version: NpmVersion | None

    @property
    def value(self) -> str:
        return "" if self.version is None else self.operator + self.version.text

    def test(self, version: NpmVersion) -> bool:
        if self.version is None:
            return True
        order = version.compare(self.version)
        return {
            "": order == 0,
            "<": order < 0,
            ">": order > 0,
            "<=": order <= 0,
            ">=": order >= 0,
        }[self.operator]


def _comparator(text: str, loose: bool) -> Comparator:
    text = " ".join(_SPACES.split(js_trim(text)))
    match = (_LOOSE if loose else _STRICT).comparator.match(text)
    if match is None:
        raise InvalidRange(text, f"invalid comparator {text!r}")
    operator = match.group(1) or ""
    if operator == "=":
        operator = ""
    if not match.group(2):
        return Comparator(operator=operator, version=None)
    try:
        return Comparator(operator=operator, version=parse_version(match.group(2), loose=loose))
    except InvalidVersion as exc:
        raise InvalidRange(text, exc.reason) from None


def _is_x(part: str | None) -> bool:
    return not part or part.lower() == "x" or part == "*"


def _sub_first(pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str], text: str) -> str:
    """JavaScript's ``String.replace`` with a non-global regex: the first match only."""
    return pattern.sub(repl, text, count=1)


def _tilde(comp: str, loose: bool, include_pre: bool) -> str:
    z = "-0" if include_pre else ""

    def repl(m: re.Match[str]) -> str:
        major, minor, patch, pre = m.group(1, 2, 3, 4)
        if _is_x(major):
            return ""
        if _is_x(minor):
            return f">={major}.0.0{z} <{int(major) + 1}.0.0-0"
        if _is_x(patch):
            return f">={major}.{minor}.0{z} <{major}.{int(minor) + 1}.0-0"
        if pre:
            return f">={major}.{minor}.{patch}-{pre} <{major}.{int(minor) + 1}.0-0"
        return f">={major}.{minor}.{patch} <{major}.{int(minor) + 1}.0-0"

    return _sub_first((_LOOSE if loose else _STRICT).tilde, repl, comp)


def _caret(comp: str, loose: bool, include_pre: bool) -> str:
    z = "-0" if include_pre else ""

    def repl(m: re.Match[str]) -> str:
        major, minor, patch, pre = m.group(1, 2, 3, 4)
        if _is_x(major):
            return ""
        if _is_x(minor):
            return f">={major}.0.0{z} <{int(major) + 1}.0.0-0"
        if _is_x(patch):
            if major == "0":
                return f">={major}.{minor}.0{z} <{major}.{int(minor) + 1}.0-0"
            return f">={major}.{minor}.0{z} <{int(major) + 1}.0.0-0"
        low = f">={major}.{minor}.{patch}" + (f"-{pre}" if pre else "")
        if major == "0":
            if minor == "0":
                return f"{low} <{major}.{minor}.{int(patch) + 1}-0"
            return f"{low} <{major}.{int(minor) + 1}.0-0"
        return f"{low} <{int(major) + 1}.0.0-0"

    return _sub_first((_LOOSE if loose else _STRICT).caret, repl, comp)


def _xrange(comp: str, loose: bool, include_pre: bool) -> str:
    comp = js_trim(comp)

    def repl(m: re.Match[str]) -> str:
        gtlt, major, minor, patch = m.group(1, 2, 3, 4)
        if (_is_x(major) and not _is_x(minor)) or (_is_x(minor) and patch and not _is_x(patch)):
            return comp  # an invalid order such as 1.x.2 stays as written
        x_major = _is_x(major)
        x_minor = x_major or _is_x(minor)
        any_x = x_minor or _is_x(patch)
        if gtlt == "=" and any_x:
            gtlt = ""
        pr = "-0" if include_pre else ""
        if x_major:
            return _NULL_SET if gtlt in (">", "<") else "*"
        if gtlt and any_x:
            major_n, minor_n, patch_n = int(major), 0 if x_minor else int(minor), 0
            if gtlt == ">":
                gtlt = ">="
                if x_minor:
                    major_n, minor_n = major_n + 1, 0
                else:
                    minor_n += 1
            elif gtlt == "<=":
                gtlt = "<"
                if x_minor:
                    major_n += 1
                else:
                    minor_n += 1
            if gtlt == "<":
                pr = "-0"
            return f"{gtlt}{major_n}.{minor_n}.{patch_n}{pr}"
        if x_minor:
            return f">={major}.0.0{pr} <{int(major) + 1}.0.0-0"
        if any_x:
            return f">={major}.{minor}.0{pr} <{major}.{int(minor) + 1}.0-0"
        return m.group(0)

    return _sub_first((_LOOSE if loose else _STRICT).xrange, repl, comp)


def _each(comp: str, step: Callable[[str], str], *, trim: bool = True) -> str:
    text = js_trim(comp) if trim else comp
    return " ".join(step(part) for part in _SPACES.split(text))


def _parse_comparator(comp: str, loose: bool, include_pre: bool) -> str:
    comp = _BUILD_RE.sub("", comp, count=1)
    comp = _each(comp, lambda c: _caret(c, loose, include_pre))
    comp = _each(comp, lambda c: _tilde(c, loose, include_pre))
    comp = _each(comp, lambda c: _xrange(c, loose, include_pre), trim=False)
    return _STAR.sub("", js_trim(comp), count=1)


def _hyphen(include_pre: bool) -> Callable[[re.Match[str]], str]:
    inc = "-0" if include_pre else ""

    def repl(m: re.Match[str]) -> str:
        start, f_major, f_minor, f_patch, f_pre = m.group(1, 2, 3, 4, 5)
        end, t_major, t_minor, t_patch, t_pre = m.group(7, 8, 9, 10, 11)
        if _is_x(f_major):
            low = ""
        elif _is_x(f_minor):
            low = f">={f_major}.0.0{inc}"
        elif _is_x(f_patch):
            low = f">={f_major}.{f_minor}.0{inc}"
        elif f_pre:
            low = f">={start}"
        else:
            low = f">={start}{inc}"
        if _is_x(t_major):
            high = ""
        elif _is_x(t_minor):
            high = f"<{int(t_major) + 1}.0.0-0"
        elif _is_x(t_patch):
            high = f"<{t_major}.{int(t_minor) + 1}.0-0"
        elif t_pre:
            high = f"<={t_major}.{t_minor}.{t_patch}-{t_pre}"
        elif include_pre:
            high = f"<{t_major}.{t_minor}.{int(t_patch) + 1}-0"
        else:
            high = f"<={end}"
        return js_trim(f"{low} {high}")

    return repl


@functools.lru_cache(maxsize=8192)
def _parse_part(part: str, loose: bool, include_pre: bool) -> tuple[Comparator, ...]:
    """One ``||`` alternative as comparators (memoised: lockfiles repeat ranges a lot)."""
    part = _BUILD_RE.sub("", part)
    part = _sub_first((_LOOSE if loose else _STRICT).hyphen, _hyphen(include_pre), part)
    part = _COMPARATOR_TRIM.sub(lambda m: m.group(1) + m.group(2) + m.group(3), part)
    part = _TILDE_TRIM.sub(lambda m: m.group(1) + "~", part)
    part = _CARET_TRIM.sub(lambda m: m.group(1) + "^", part)
    joined = " ".join(_parse_comparator(c, loose, include_pre) for c in part.split(" "))
    gte0 = _GTE0_PRE if include_pre else _GTE0
    items = [gte0.sub("", js_trim(c), count=1) for c in _SPACES.split(joined)]
    if loose:
        items = [c for c in items if _LOOSE.comparator.match(c)]
    by_value: dict[str, Comparator] = {}
    for item in items:
        comparator = _comparator(item, loose)
        if comparator.value == _NULL_SET:
            return (comparator,)
        by_value[comparator.value] = comparator
    if len(by_value) > 1:
        by_value.pop("", None)
    return tuple(by_value.values())


@dataclass(frozen=True)
class NpmRange:
    """A parsed range: satisfied when every comparator of one alternative holds."""

    raw: str
    alternatives: tuple[tuple[Comparator, ...], ...]
    loose: bool = True
    include_prerelease: bool = False

    def __str__(self) -> str:
        return "||".join(" ".join(c.value for c in alt) for alt in self.alternatives) or "*"

    def test(self, version: NpmVersion | str) -> bool:
        if isinstance(version, str):
            try:
                version = parse_version(version, loose=self.loose)
            except InvalidVersion:
                return False
        return any(self._test_part(part, version) for part in self.alternatives)

    def _test_part(self, part: tuple[Comparator, ...], version: NpmVersion) -> bool:
        if not all(c.test(version) for c in part):
            return False
        if version.prerelease and not self.include_prerelease:
            return any(
                c.version is not None
                and c.version.prerelease
                and (c.version.major, c.version.minor, c.version.patch)
                == (version.major, version.minor, version.patch)
                for c in part
            )
        return True


def parse_range(text: str, *, loose: bool = True, include_prerelease: bool = False) -> NpmRange:
    """node-semver's ``new Range(text, {loose, includePrerelease})``; ``InvalidRange``
    where it throws."""
    return _parse_range(text, loose, include_prerelease)


@functools.lru_cache(maxsize=8192)
def _parse_range(text: str, loose: bool, include_prerelease: bool) -> NpmRange:
    if len(text) > MAX_RANGE_LENGTH:
        raise InvalidRange(text[:80], f"longer than {MAX_RANGE_LENGTH} characters")
    raw = _SPACES.sub(" ", js_trim(text))
    parts = [_parse_part(js_trim(p), loose, include_prerelease) for p in raw.split("||")]
    alternatives = [p for p in parts if p]
    if not alternatives:
        raise InvalidRange(text, "not a version range")
    if len(alternatives) > 1:
        first = alternatives[0]
        kept = [a for a in alternatives if a[0].value != _NULL_SET]
        alternatives = kept or [first]
        if len(alternatives) > 1:
            for alt in alternatives:
                if len(alt) == 1 and alt[0].value == "":
                    alternatives = [alt]
                    break
    return NpmRange(
        raw=raw,
        alternatives=tuple(alternatives),
        loose=loose,
        include_prerelease=include_prerelease,
    )


def satisfies(
    version: str, range_text: str, *, loose: bool = True, include_prerelease: bool = False
) -> bool:
    """node-semver's ``satisfies``: False for an invalid range or version, like npm."""
    try:
        parsed = parse_range(range_text, loose=loose, include_prerelease=include_prerelease)
    except InvalidRange:
        return False
    return parsed.test(version)


def valid_range(text: str, *, loose: bool = True) -> str | None:
    """node-semver's ``validRange``: the normalised range, ``*`` for any, None if invalid."""
    try:
        return str(parse_range(text, loose=loose))
    except InvalidRange:
        return None
