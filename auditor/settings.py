"""The one place configuration is read: config file, environment, and their precedence.

A run's settings come from, highest first: command-line flags, environment variables
(``AUDITOR_*``), the config file, built-in defaults. The config file is ``--config FILE``,
else ``auditor.toml`` (top-level keys) or ``pyproject.toml`` (``[tool.auditor]``) in the
scanned root (the first PATH, or its folder when it is a file). Unknown keys are errors, so a
typo never silently disables an ignore or a threshold. New settings (internal package names
for dependency confusion, allow-lists, thresholds) get a line in ``_KEYS`` and a field.

A config file inside the scanned tree (found there, or named by ``--config``) is the tree's,
and the tree is untrusted (docs/security.md): its paths must stay inside the tree, and the
settings of ``TREE_NAMED`` it sets (those that choose the advisory data, the checks or the
gate) are listed in ``Settings.tree_settings`` for the verdict line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from auditor.advisories import DEFAULT_OSV_URL, DEFAULT_STALE_DAYS
from auditor.checks import DEFAULT_UNMAINTAINED_DAYS
from auditor.core.documents import Doc, InputFile, load_toml, type_name
from auditor.core.errors import LockfileError, UsageError
from auditor.core.findings import IgnoreRule
from auditor.core.graph import OMIT_KINDS
from auditor.core.model import Ecosystem
from auditor.core.purl import check_package
from auditor.core.redact import redact_url
from auditor.licenses.policy import LicensePolicy
from auditor.licenses.spdx import canonical_id
from auditor.registries.internal import InternalPattern, PatternError, ecosystem_key, parse_pattern

T = TypeVar("T")

CONFIG_FILE = "auditor.toml"
PYPROJECT = "pyproject.toml"
MAX_CONFIG_BYTES = 1024 * 1024
FAIL_ON_CHOICES = (
    "low",
    "medium",
    "high",
    "critical",
    "malicious",
    "kev",
    "license",
    "licence",
)
# how --fail-on LEVEL treats findings without a severity (Go advisories carry no CVSS):
# as medium ones, as always failing, or as never failing (docs/advisories.md)
UNKNOWN_SEVERITY_CHOICES = ("medium", "fail", "ignore")
DEFAULT_UNKNOWN_SEVERITY = "medium"
PLATFORMS = ("linux", "darwin", "windows")

ENV_SOURCE = "AUDITOR_SOURCE"
ENV_ADVISORY_DB = "AUDITOR_ADVISORY_DB"
ENV_OFFLINE = "AUDITOR_OFFLINE"
ENV_STALE_DAYS = "AUDITOR_STALE_DAYS"
# The name `auditor db status` read before the setting was shared; still honoured when
# AUDITOR_STALE_DAYS is not set (deprecated).
ENV_STALE_DAYS_OLD = "AUDITOR_DB_MAX_AGE_DAYS"
ENV_OSV_URL = "AUDITOR_OSV_URL"
ENV_UNMAINTAINED_DAYS = "AUDITOR_UNMAINTAINED_DAYS"
ENV_PYTHON_VERSION = "AUDITOR_PYTHON_VERSION"
ENV_PLATFORM = "AUDITOR_PLATFORM"
ENV_NO_REGISTRY = "AUDITOR_NO_REGISTRY"
ENV_STRICT = "AUDITOR_STRICT"

_KEYS = (
    "source",
    "advisory-db",
    "osv-url",
    "offline",
    "fail-on",
    "unknown-severity",
    "stale-days",
    "ignore",
    "typosquat-allow-list",
    "internal",
    "public-registries",
    "registry",
    "unmaintained-days",
    "python-version",
    "platform",
    "exclude",
    "strict",
    "omit",
    "notify",
    "licenses",
)
# what the scanned tree may set only in plain view: named in the verdict when in effect
TREE_NAMED = tuple(k for k in _KEYS if k not in ("internal", "notify"))
# what the scanned tree may not set at all: a webhook URL is a credential and a place the
# findings are sent to (a pull request could name its own)
TREE_REFUSED = ("notify",)
ENV_CONFIG_FOLDER = "AUDITOR_CONFIG_FOLDER"
# a pyproject.toml holds auditor's config when it has [tool.auditor] or an array of tables
# below it ([[tool.auditor.ignore]])
TOOL_SECTION = re.compile(r"(?m)^\s*\[\[?\s*tool\s*\.\s*auditor\b")
ENV_OMIT = "AUDITOR_OMIT"
ENV_NOTIFY = "AUDITOR_NOTIFY"
_IGNORE_KEYS = ("id", "reason", "expires", "until", "package", "versions", "path", "until-fixed")
# advisory ids, and check rule ids with a package name (``HEALTH-DEPRECATED:@acme/ui``)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:+@/-]{0,255}$")
_PYTHON_VERSION = re.compile(r"^[23]\.\d{1,2}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(UsageError):
    """A config file or environment value that is wrong, naming the file and key path."""

    def __init__(self, path: str, message: str, *, key: str | None = None) -> None:
        self.path = path
        self.message = message
        self.key = key
        super().__init__(f"{path}: {message} in {key}" if key else f"{path}: {message}")


@dataclass(frozen=True, kw_only=True)
class Config:
    """What a config file says; ``None`` means "not set here"."""

    path: str | None = None
    tree: bool = False  # the file lies inside the scanned tree (untrusted)
    keys: tuple[str, ...] = ()  # the settings the file sets
    sources: tuple[str, ...] | None = None
    advisory_db: Path | None = None  # resolved against the config file's folder
    offline: bool | None = None
    fail_on: str | None = None
    unknown_severity: str | None = None
    stale_days: float | None = None
    osv_url: str | None = None
    ignores: tuple[IgnoreRule, ...] = ()
    internal: tuple[InternalPattern, ...] = ()
    public_registries: tuple[tuple[Ecosystem, str], ...] = ()
    registry: bool | None = None
    unmaintained_days: int | None = None
    python_version: str | None = None
    platform: str | None = None
    typosquat_allow_list: Path | None = None  # resolved against the config file's folder
    omit: tuple[str, ...] | None = None
    notify: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()  # glob patterns of files discovery leaves out
    strict: bool | None = None
    licenses: LicensePolicy = field(default_factory=LicensePolicy)  # [licenses] allow/deny


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The resolved settings of one run."""

    sources: tuple[str, ...] = ()  # empty: the default source
    advisory_db: Path | None = None
    offline: bool = False
    fail_on: str | None = None
    unknown_severity: str = DEFAULT_UNKNOWN_SEVERITY
    stale_days: float = DEFAULT_STALE_DAYS
    osv_url: str = DEFAULT_OSV_URL
    ignores: tuple[IgnoreRule, ...] = ()
    typosquat_allow_list: Path | None = None
    config_path: str | None = None
    internal: tuple[InternalPattern, ...] = ()
    public_registries: tuple[tuple[Ecosystem, str], ...] = ()  # instead of the defaults
    registry: bool = True  # ask package registries (health, confusion, metadata, fixes)
    unmaintained_days: int = DEFAULT_UNMAINTAINED_DAYS
    python_version: str | None = None  # the target environment for markers: None = any
    platform: str | None = None
    omit: tuple[str, ...] = ()  # scopes whose packages' findings are left out (--omit)
    notify: tuple[str, ...] = ()  # webhook URLs told about new findings (report --notify)
    exclude: tuple[str, ...] = ()  # --exclude patterns, then the config file's
    strict: bool = False  # what could not be audited at all fails the run too (exit 3)
    licenses: LicensePolicy = field(default_factory=LicensePolicy)
    # the settings in effect that the scanned tree's config file chose (TREE_NAMED), with
    # the file: ("auditor.toml", ("advisory-db", "fail-on")); empty when none did
    tree_settings: tuple[str, tuple[str, ...]] | None = None


# -- finding and reading the file ----------------------------------------------------------------


def scan_root(paths: Sequence[str], cwd: Path) -> Path:
    first = cwd / paths[0] if paths else cwd
    return first if first.is_dir() else first.parent


def find_config(paths: Sequence[str], cwd: Path) -> Path | None:
    """``auditor.toml``, else a ``pyproject.toml`` with ``[tool.auditor]``, in the root."""
    root = scan_root(paths, cwd)
    candidate = root / CONFIG_FILE
    if candidate.is_file():
        return candidate
    candidate = root / PYPROJECT
    if candidate.is_file() and TOOL_SECTION.search(_read(candidate)):
        return candidate
    return None


def read_config(
    explicit: str | None,
    paths: Sequence[str],
    cwd: Path,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """The config file of a run: ``--config``, else the one found in the scanned root.

    ``AUDITOR_CONFIG_FOLDER`` resolves the file's relative paths against another folder (the
    Action sets it to the scanned root when it reads the base branch's copy of the config).
    """
    root = scan_root(paths, cwd)
    folder_text = (environ or {}).get(ENV_CONFIG_FOLDER, "").strip()
    folder = cwd / folder_text if folder_text else None
    if explicit is not None:
        path = cwd / explicit
        if not path.is_file():
            raise UsageError(f"--config: {explicit} is not a file")
        return load_config(path, shown=explicit, root=root, folder=folder)
    found = find_config(paths, cwd)
    if found is None:
        return Config()
    return load_config(found, shown=_shown(found, cwd), root=root, folder=folder)


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` (symbolic links followed) lies inside ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _shown(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def _read(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(str(path), f"larger than {MAX_CONFIG_BYTES} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), f"not UTF-8 text (byte {exc.start})") from None


def load_config(
    path: Path, *, shown: str | None = None, root: Path | None = None, folder: Path | None = None
) -> Config:
    """Parse a config file; ``[tool.auditor]`` when it is a pyproject.toml. With ``root``
    (the scanned tree), a file inside it is the tree's: its paths must stay inside."""
    shown = shown or str(path)
    tree = root is not None and inside(path, root)
    try:
        doc = load_toml(InputFile(path=shown, text=_read(path)))
        doc.mapping()
        if path.name == PYPROJECT:
            tool = doc.opt_table("tool")
            table = tool.opt_table("auditor") if tool is not None else None
            if table is None:
                return Config(path=shown, tree=tree)
            doc = table
        config = _parse(doc, shown, folder or path.parent)
        if tree:
            for key in TREE_REFUSED:
                if doc.has(key):
                    doc.child(key).fail(
                        "a webhook URL is a credential and a place findings are sent: it may "
                        f"not come from the scanned tree's config (use --{key} or {ENV_NOTIFY})"
                    )
        if tree and root is not None:
            for key, value in (
                ("advisory-db", config.advisory_db),
                ("typosquat-allow-list", config.typosquat_allow_list),
            ):
                if value is not None and not inside(value, root):
                    doc.child(key).fail(
                        f"{doc.string(key)[:200]!r} is outside the scanned tree (a path set by "
                        "the scanned tree must stay inside it)"
                    )
        return replace(config, tree=tree)
    except LockfileError as exc:
        raise ConfigError(
            exc.path if exc.line is None else f"{exc.path}:{exc.line}", exc.message, key=exc.key
        ) from None


def _parse(doc: Doc, shown: str, folder: Path) -> Config:
    for name, child in doc.items():
        if name not in _KEYS:
            child.fail(f"unknown setting {name!r} (known: {', '.join(_KEYS)})")
    db = doc.opt_string("advisory-db")
    allow = doc.opt_string("typosquat-allow-list")
    return Config(
        path=shown,
        keys=tuple(sorted(name for name, _ in doc.items())),
        sources=_sources(doc),
        advisory_db=None if db is None else folder / db,
        offline=doc.flag("offline") if doc.has("offline") else None,
        fail_on=_choice(doc, "fail-on", FAIL_ON_CHOICES),
        unknown_severity=_choice(doc, "unknown-severity", UNKNOWN_SEVERITY_CHOICES),
        stale_days=_stale_days(doc),
        osv_url=_osv_url(doc),
        ignores=_ignores(doc, shown),
        internal=_internal(doc, shown),
        public_registries=_public_registries(doc),
        registry=doc.flag("registry") if doc.has("registry") else None,
        unmaintained_days=_whole_days(doc, "unmaintained-days", minimum=1),
        python_version=_python_version(doc),
        platform=_platform(doc),
        typosquat_allow_list=None if allow is None else folder / allow,
        omit=_omit(doc),
        notify=_notify(doc),
        exclude=tuple(doc.strings("exclude")),
        strict=doc.flag("strict") if doc.has("strict") else None,
        licenses=_licenses(doc),
    )


def _licenses(doc: Doc) -> LicensePolicy:
    """``[licenses]`` with ``allow`` and ``deny`` lists of SPDX licence ids."""
    table = doc.opt_table("licenses")
    if table is None:
        return LicensePolicy()
    lists: dict[str, frozenset[str]] = {}
    for name, child in table.items():
        if name not in ("allow", "deny"):
            child.fail(f"unknown setting {name!r} (known: allow, deny)")
        ids = set()
        for item in child.as_list():
            found = canonical_id(item.as_str())
            if found is None:
                item.fail(f"{item.as_str()!r} is not an SPDX licence id")
            ids.add(found)
        lists[name] = frozenset(ids)
    return LicensePolicy(allow=lists.get("allow", frozenset()), deny=lists.get("deny", frozenset()))


def _sources(doc: Doc) -> tuple[str, ...] | None:
    child = doc.opt_child("source")
    if child is None:
        return None
    if isinstance(child.value, str):
        return split_names(child.value)
    return tuple(item.as_str() for item in child.as_list())


def _choice(doc: Doc, key: str, choices: Sequence[str]) -> str | None:
    value = doc.opt_string(key)
    if value is not None and value not in choices:
        doc.child(key).fail(f"is {value!r}, expected one of {', '.join(choices)}")
    return value


def _stale_days(doc: Doc) -> float | None:
    child = doc.opt_child("stale-days")
    if child is None:
        return None
    value = child.value
    if type(value) not in (int, float) or not math.isfinite(value) or value <= 0:
        shown = repr(value) if type(value) in (int, float) else type_name(value)
        child.fail(f"is {shown}, expected a positive number of days")
    return float(value)


def _whole_days(doc: Doc, key: str, *, minimum: int) -> int | None:
    child = doc.opt_child(key)
    if child is None:
        return None
    if type(child.value) is not int or child.value < minimum:
        shown = type_name(child.value)
        child.fail(f"is {shown}, expected a whole number of days ({minimum} or more)")
    value: int = child.value
    return value


def _internal(doc: Doc, shown: str) -> tuple[InternalPattern, ...]:
    """``internal = ["acme-*", "npm:@acme/*"]`` or a table of lists per ecosystem."""
    child = doc.opt_child("internal")
    if child is None:
        return ()
    lists: list[tuple[Ecosystem | None, list[Doc]]] = []
    if isinstance(child.value, dict):
        for name, value in child.items():
            ecosystem = ecosystem_key(name)
            if ecosystem is None:
                value.fail(f"unknown ecosystem {name!r} (known: pypi, npm, go)")
            lists.append((ecosystem, value.as_list()))
    else:
        lists.append((None, child.as_list()))
    patterns: list[InternalPattern] = []
    for ecosystem, items in lists:
        for item in items:
            try:
                patterns.append(
                    parse_pattern(item.as_str(), ecosystem=ecosystem, origin=f"{shown}: {item.key}")
                )
            except PatternError as exc:
                item.fail(str(exc))
    return tuple(patterns)


def _public_registries(doc: Doc) -> tuple[tuple[Ecosystem, str], ...]:
    """``[public-registries]`` with ``pypi = [URL...]`` and ``npm = [URL...]``."""
    table = doc.opt_table("public-registries")
    if table is None:
        return ()
    found: list[tuple[Ecosystem, str]] = []
    for name, value in table.items():
        ecosystem = ecosystem_key(name)
        if ecosystem not in (Ecosystem.PYPI, Ecosystem.NPM):
            value.fail(f"unknown registry {name!r} (known: pypi, npm)")
        items = value.as_list() if isinstance(value.value, list) else [value]
        for item in items:
            url = item.as_str().strip()
            if not re.match(r"^https?://[^/\s]+", url):
                item.fail(f"{redact_url(url)!r} is not an http(s) URL")
            found.append((ecosystem, url))
    return tuple(found)


def _python_version(doc: Doc) -> str | None:
    value = doc.opt_string("python-version")
    if value is not None and not _PYTHON_VERSION.match(value.strip()):
        doc.child("python-version").fail(f"is {value!r}, expected MAJOR.MINOR such as 3.11")
    return None if value is None else value.strip()


def _platform(doc: Doc) -> str | None:
    value = doc.opt_string("platform")
    if value is None:
        return None
    try:
        return parse_platform(value)
    except ValueError as exc:
        doc.child("platform").fail(str(exc))


def parse_platform(text: str) -> str:
    """``linux``, ``darwin`` (``macos``) or ``windows`` (``win32``)."""
    value = {"macos": "darwin", "osx": "darwin", "win32": "windows", "win": "windows"}.get(
        text.strip().lower(), text.strip().lower()
    )
    if value not in PLATFORMS:
        raise ValueError(f"is {text!r}, expected one of {', '.join(PLATFORMS)}")
    return value


def parse_python_version(text: str) -> str:
    if not _PYTHON_VERSION.match(text.strip()):
        raise ValueError(f"is {text!r}, expected MAJOR.MINOR such as 3.11")
    return text.strip()


def _osv_url(doc: Doc) -> str | None:
    value = doc.opt_string("osv-url")
    if value is not None and check_osv_url(value) is None:
        doc.child("osv-url").fail(f"{redact_url(value)!r} is not an http(s) URL")
    return value


def check_osv_url(text: str) -> str | None:
    """The OSV API base without a trailing slash, or None when it is not an http(s) URL."""
    value = text.strip().rstrip("/")
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return value


def _ignores(doc: Doc, shown: str) -> tuple[IgnoreRule, ...]:
    rules: dict[tuple[str, ...], IgnoreRule] = {}
    for item in doc.opt_array("ignore"):
        for name, child in item.items():
            if name not in _IGNORE_KEYS:
                child.fail(f"unknown ignore field {name!r} (known: {', '.join(_IGNORE_KEYS)})")
        advisory = item.string("id").strip()
        if not _ID.match(advisory):
            item.child("id").fail(f"{advisory!r} is not an advisory id")
        reason = item.string("reason").strip()
        if not reason:
            item.child("reason").fail("is empty: say why this finding is acceptable")
        rule = IgnoreRule(
            id=advisory,
            reason=reason,
            expires=_expiry(item),
            origin=f"{shown}: {item.key}",
            package=_ignore_package(item),
            versions=_ignore_versions(item),
            path=_ignore_path(item),
            until_fixed=item.flag("until-fixed"),
        )
        key = (advisory.upper(), rule.package or "", rule.versions or "", rule.path or "")
        if key in rules:
            scope = " with the same package, versions and path" if rule.scoped else ""
            item.child("id").fail(f"{advisory} is ignored twice{scope}")
        rules[key] = rule
    return tuple(sorted(rules.values()))


def _ignore_package(item: Doc) -> str | None:
    value = item.opt_string("package")
    if value is None:
        return None
    problem = check_package(value)
    if problem is not None:
        item.child("package").fail(problem)
    return value.strip()


def _ignore_versions(item: Doc) -> str | None:
    child = item.opt_child("versions")
    if child is None:
        return None
    if isinstance(child.value, list):
        texts = [entry.as_str().strip() for entry in child.as_list()]
    else:
        texts = [child.as_str().strip()]
    if not texts or not all(texts):
        child.fail('is empty: give versions such as "<3.1" or ["2.0.1", "2.0.2"]')
    text = " || ".join(texts)
    # The version schemes (packaging among them) load only for a config that scopes an
    # ignore by versions: `--help` and most runs never need them.
    from auditor.versions.constraint import parse_versions  # noqa: PLC0415

    try:
        parse_versions(text)
    except ValueError as exc:
        child.fail(str(exc))
    return text


def _ignore_path(item: Doc) -> str | None:
    value = item.opt_string("path")
    if value is None:
        return None
    shown = value.strip().strip("/")
    if not shown or shown.startswith("..") or "/../" in f"/{shown}/":
        item.child("path").fail(f"{value[:200]!r} is not a lockfile path inside the scanned tree")
    return shown


def _omit(doc: Doc) -> tuple[str, ...] | None:
    child = doc.opt_child("omit")
    if child is None:
        return None
    items = [child] if isinstance(child.value, str) else child.as_list()
    texts = [item.as_str() for item in items]
    try:
        return parse_omit(texts)
    except ValueError as exc:
        child.fail(str(exc))


def parse_omit(texts: Sequence[str]) -> tuple[str, ...]:
    """``--omit``/``omit``: scopes, repeated or comma-separated, from ``OMIT_KINDS``."""
    chosen = {n.strip().lower() for t in texts for n in t.split(",") if n.strip()}
    unknown = sorted(chosen - set(OMIT_KINDS))
    if unknown:
        raise ValueError(f"{', '.join(unknown)}: expected {', '.join(OMIT_KINDS)}")
    return tuple(k for k in OMIT_KINDS if k in chosen)


def _notify(doc: Doc) -> tuple[str, ...]:
    child = doc.opt_child("notify")
    if child is None:
        return ()
    items = child.as_list() if isinstance(child.value, list) else [child]
    urls = []
    for item in items:
        url = item.as_str().strip()
        if check_webhook(url) is not None:
            item.fail(check_webhook(url) or "")
        urls.append(url)
    return tuple(urls)


def check_webhook(url: str) -> str | None:
    """Why ``url`` cannot be a webhook (None when it can); it is never shown whole."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "is not a URL"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"{shown_webhook(url)!r} is not an http(s) URL"
    return None


def shown_webhook(url: str) -> str:
    """A webhook URL as it may be shown: scheme and host only (Slack and Teams keep the
    secret in the path)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(not a URL)"
    return f"{parts.scheme}://{host}{port}/…" if host else "(not a URL)"


def _expiry(item: Doc) -> str | None:
    """``expires`` or its other spelling ``until``: the last day the ignore holds."""
    child = item.opt_child("expires")
    other = item.opt_child("until")
    if child is not None and other is not None:
        other.fail("is given besides 'expires': use one of them")
    child = child or other
    if child is None:
        return None
    value = child.value
    if isinstance(value, date) and type(value) is date:
        return value.isoformat()
    parsed = None
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        with suppress(ValueError):
            parsed = date.fromisoformat(value.strip())
    if parsed is None:
        child.fail(f"is {value!r}, expected a date such as 2026-12-31")
    return parsed.isoformat()


# -- precedence ------------------------------------------------------------------------------------


def split_names(text: str) -> tuple[str, ...]:
    return tuple(n for n in (part.strip() for part in text.split(",")) if n)


def resolve(
    *,
    config: Config,
    environ: Mapping[str, str],
    sources: Sequence[str] | None = None,
    advisory_db: str | None = None,
    offline: bool = False,
    fail_on: str | None = None,
    unknown_severity: str | None = None,
    osv_url: str | None = None,
    no_registry: bool = False,
    python_version: str | None = None,
    platform: str | None = None,
    omit: Sequence[str] = (),
    notify: Sequence[str] = (),
    exclude: Sequence[str] = (),
    strict: bool = False,
) -> Settings:
    """Combine flags (the keyword arguments) > environment > config file > defaults;
    ``exclude`` patterns add up (flags, then the config file's)."""
    env_sources = split_names(environ.get(ENV_SOURCE, ""))
    chosen_sources = tuple(sources or ()) or env_sources or config.sources or ()
    db_text = advisory_db or environ.get(ENV_ADVISORY_DB) or None
    # a tree setting is not in effect when a flag or a variable chose instead
    overridden = {
        "source": bool(tuple(sources or ()) or env_sources),
        "advisory-db": bool(db_text),
        "osv-url": bool((osv_url or "").strip() or environ.get(ENV_OSV_URL, "").strip()),
        "offline": offline or ENV_OFFLINE in environ,
        "fail-on": bool(fail_on),
        "unknown-severity": bool(unknown_severity),
        "stale-days": any(environ.get(n, "").strip() for n in (ENV_STALE_DAYS, ENV_STALE_DAYS_OLD)),
        "registry": no_registry or ENV_NO_REGISTRY in environ,
        "unmaintained-days": ENV_UNMAINTAINED_DAYS in environ,
        "python-version": bool(python_version or environ.get(ENV_PYTHON_VERSION, "").strip()),
        "platform": bool(platform or environ.get(ENV_PLATFORM, "").strip()),
        "omit": bool(omit or environ.get(ENV_OMIT, "").strip()),
    }
    chosen_by_tree = tuple(
        k for k in config.keys if k in TREE_NAMED and not overridden.get(k, False)
    )
    return Settings(
        tree_settings=(config.path or "", chosen_by_tree)
        if config.tree and chosen_by_tree
        else None,
        sources=tuple(n for s in chosen_sources for n in split_names(s)),
        advisory_db=Path(db_text) if db_text else config.advisory_db,
        offline=offline or _first(_env_flag(environ, ENV_OFFLINE), config.offline, False),
        fail_on=fail_on or config.fail_on,
        unknown_severity=unknown_severity or config.unknown_severity or DEFAULT_UNKNOWN_SEVERITY,
        stale_days=stale_days(None, environ, config.stale_days),
        osv_url=_resolve_osv_url(osv_url, environ, config.osv_url),
        ignores=config.ignores,
        typosquat_allow_list=config.typosquat_allow_list,
        config_path=config.path,
        internal=config.internal,
        public_registries=config.public_registries,
        registry=not no_registry
        and _env_flag(environ, ENV_NO_REGISTRY) is not True
        and config.registry is not False,
        unmaintained_days=_first(
            _env_whole_days(environ, ENV_UNMAINTAINED_DAYS, minimum=1),
            config.unmaintained_days,
            DEFAULT_UNMAINTAINED_DAYS,
        ),
        python_version=python_version
        or _env_choice(environ, ENV_PYTHON_VERSION, parse_python_version)
        or config.python_version,
        platform=platform or _env_choice(environ, ENV_PLATFORM, parse_platform) or config.platform,
        omit=_resolve_omit(omit, environ, config.omit),
        notify=_resolve_notify(notify, environ, config.notify),
        exclude=(*exclude, *config.exclude),
        strict=strict or _first(_env_flag(environ, ENV_STRICT), config.strict, False),
        licenses=config.licenses,
    )


def _resolve_omit(
    flags: Sequence[str], environ: Mapping[str, str], configured: tuple[str, ...] | None
) -> tuple[str, ...]:
    for origin, texts in (("--omit", list(flags)), (ENV_OMIT, [environ.get(ENV_OMIT, "")])):
        if any(t.strip() for t in texts):
            try:
                return parse_omit(texts)
            except ValueError as exc:
                raise ConfigError(origin, str(exc)) from None
    return configured or ()


def _resolve_notify(
    flags: Sequence[str], environ: Mapping[str, str], configured: tuple[str, ...]
) -> tuple[str, ...]:
    """``--notify`` (repeatable), else ``AUDITOR_NOTIFY`` (URLs separated by spaces or
    new lines: a secret of the CI), else the config file's ``notify``."""
    env = tuple(environ.get(ENV_NOTIFY, "").split())
    for origin, urls in (
        ("--notify", tuple(u.strip() for u in flags if u.strip())),
        (ENV_NOTIFY, env),
    ):
        for url in urls:
            problem = check_webhook(url)
            if problem is not None:
                raise ConfigError(origin, problem)
        if urls:
            return tuple(dict.fromkeys(urls))
    return configured


def stale_days(
    flag: float | None, environ: Mapping[str, str], configured: float | None = None
) -> float:
    """The one staleness threshold (``scan``, ``report`` and ``db status``): the flag,
    else ``AUDITOR_STALE_DAYS`` (else the deprecated ``AUDITOR_DB_MAX_AGE_DAYS``), else the
    config file's ``stale-days``, else 7."""
    return _first(flag, _env_days(environ), configured, DEFAULT_STALE_DAYS)


def _resolve_osv_url(flag: str | None, environ: Mapping[str, str], configured: str | None) -> str:
    for origin, value in (("--osv-url", flag), (ENV_OSV_URL, environ.get(ENV_OSV_URL))):
        if value is not None and value.strip():
            checked = check_osv_url(value)
            if checked is None:
                raise UsageError(f"{origin}: {redact_url(value.strip())!r} is not an http(s) URL")
            return checked
    return (check_osv_url(configured) if configured else None) or DEFAULT_OSV_URL


def _first(*values: T | None) -> T:
    """The first value that is set (the last argument is the default and always is)."""
    for value in values:
        if value is not None:
            return value
    raise AssertionError("no default given")


def _env_flag(environ: Mapping[str, str], name: str) -> bool | None:
    if name not in environ:
        return None
    value = environ[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(name, f"is {value!r}, expected 1/0, true/false, yes/no or on/off")


def _env_days(environ: Mapping[str, str]) -> float | None:
    name = next((n for n in (ENV_STALE_DAYS, ENV_STALE_DAYS_OLD) if environ.get(n, "").strip()), "")
    if not name:
        return None
    text = environ[name].strip()
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(name, f"is {text!r}, expected a positive number of days")
    return value


def _env_whole_days(environ: Mapping[str, str], name: str, *, minimum: int) -> int | None:
    if name not in environ:
        return None
    value = environ[name].strip()
    if not value.isdigit() or int(value) < minimum:
        raise ConfigError(
            name, f"is {value!r}, expected a whole number of days ({minimum} or more)"
        )
    return int(value)


def _env_choice(environ: Mapping[str, str], name: str, parse: Callable[[str], str]) -> str | None:
    if not environ.get(name, "").strip():
        return None
    try:
        return parse(environ[name])
    except ValueError as exc:
        raise ConfigError(name, str(exc)) from None
