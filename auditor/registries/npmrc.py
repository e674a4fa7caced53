"""The npm registry the user configured, read the way npm reads it.

Resolution order for the default registry (first found wins):

1. ``--npm-registry`` / ``AUDITOR_NPM_REGISTRY``;
2. ``npm_config_registry`` (any case) in the environment;
3. ``registry=`` in the ``.npmrc`` files: the project's (in the scanned root) beats the user's
   (``npm_config_userconfig`` or ``~/.npmrc``), which beats the global one
   (``npm_config_globalconfig``, else ``$PREFIX/etc/npmrc`` with ``PREFIX`` from
   ``npm_config_prefix``/``PREFIX`` or the directory above the ``node`` binary);
4. ``npm config get registry``, if npm is installed.

The same files give scoped registries (``@scope:registry=URL``) and credentials keyed by
"nerf dart" (``//host/path/:_authToken=``, ``:_auth=``, ``:username=`` + ``:_password=``).
``${VAR}`` in keys and values of the user's own files is replaced from the environment as npm
does; an entry naming an undefined variable is skipped with a warning (a publish token absent
in a read-only job must not stop an audit). Credentials are used for requests and never
displayed.

The project's ``.npmrc`` lies in the scanned tree, which is untrusted (docs/security.md): it
may name registries (``registry=``, ``@scope:registry=``) and nothing else. Its variables are
never expanded (an entry with ``${`` is ignored), URLs carrying credentials are ignored, and
credential entries are ignored: credentials come only from the user's own files and the
environment, and go only to the hosts those name. What was ignored is said in ``notes``.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from auditor.core.redact import redact_text, url_secrets
from auditor.registries.common import ConfigContext, ConfiguredUrl, RegistryConfigError, check_url

OVERRIDE_ENV = "AUDITOR_NPM_REGISTRY"
_ENV_REF = re.compile(r"(?<!\\)\$\{([^${}?]+)(\?)?\}")
TREE_KEYS = ("registry",)  # and "@scope:registry": what a scanned tree's .npmrc may set
MAX_NPMRC_BYTES = 1024 * 1024
logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class NpmAuth:
    """A credential for every URL below ``prefix`` (a nerf dart: ``//host/path/``)."""

    prefix: str
    kind: str  # "bearer" or "basic"
    secret: str = field(repr=False)  # the token, or base64 "user:password"
    origin: str

    @property
    def header(self) -> str:
        return f"Bearer {self.secret}" if self.kind == "bearer" else f"Basic {self.secret}"


@dataclass(frozen=True, kw_only=True)
class NpmRegistries:
    """The default registry, scoped registries and credentials (never shown)."""

    default: ConfiguredUrl
    scopes: tuple[tuple[str, ConfiguredUrl], ...] = ()
    auth: tuple[NpmAuth, ...] = field(default=(), repr=False)
    notes: tuple[str, ...] = ()  # what the scanned tree's .npmrc set, or tried and was refused

    def registry_for(self, package: str) -> ConfiguredUrl:
        """The registry serving ``package`` (its scope's, else the default)."""
        if package.startswith("@") and "/" in package:
            scope = package.split("/", 1)[0].lower()
            for name, url in self.scopes:
                if name == scope:
                    return url
        return self.default

    def auth_headers(self, url: str) -> dict[str, str]:
        """The Authorization header for ``url``: the credential with the longest prefix."""
        candidates = _nerf_prefixes(url)
        for prefix in candidates:
            for item in self.auth:
                if item.prefix == prefix:
                    return {"Authorization": item.header}
        return {}

    def secrets(self) -> tuple[str, ...]:
        """Every credential value, for ``redact_text``."""
        out: list[str] = []
        for item in self.auth:
            out.append(item.secret)
            if item.kind == "basic":
                try:
                    decoded = base64.b64decode(item.secret).decode("utf-8", "replace")
                except (binascii.Error, ValueError):
                    continue
                out.extend(p for p in decoded.split(":", 1)[1:] if p)
        return tuple(sorted(set(out), key=lambda s: (-len(s), s)))


@dataclass(frozen=True)
class _Entry:
    value: str
    origin: str
    tree: bool = False  # from the scanned tree's .npmrc


def resolve_npm(context: ConfigContext, flag: str | None = None) -> NpmRegistries:
    """The user's npm registry configuration; a ``RegistryConfigError`` if there is none."""
    settings: dict[str, _Entry] = {}
    notes: list[str] = []
    for path in npmrc_files(context):
        if context.project is not None and path == context.project / ".npmrc":
            entries, refused = _parse_tree_npmrc(path)
            settings.update(entries)
            notes += _tree_notes(entries, refused)
        else:
            settings.update(_parse_npmrc(path, context.env))
    default = _default_registry(context, flag, settings)
    scopes = []
    for key, entry in sorted(settings.items()):
        if key.startswith("@") and key.endswith(":registry"):
            url = _with_slash(check_url(entry.value, entry.origin))
            scope = key.removesuffix(":registry").lower()
            scopes.append((scope, _url(url, entry.origin, entry.tree)))
    return NpmRegistries(
        default=default, scopes=tuple(scopes), auth=_credentials(settings), notes=tuple(notes)
    )


def tree_notes(context: ConfigContext, *, named: bool = True) -> tuple[str, ...]:
    """What the scanned tree's ``.npmrc`` names (unless ``named`` is false), and what of it
    was refused: the run's notes."""
    if context.project is None:
        return ()
    entries, refused = _parse_tree_npmrc(context.project / ".npmrc")
    return tuple(_tree_notes(entries if named else {}, refused))


def _tree_notes(entries: Mapping[str, _Entry], refused: list[str]) -> list[str]:
    named = [
        f"{e.origin}: registry {_redacted(e.value)!r} named by the scanned tree ({key})"
        for key, e in entries.items()
    ]
    return named + refused


def npmrc_files(context: ConfigContext) -> list[Path]:
    """The ``.npmrc`` files npm reads, lowest precedence first."""
    env = _npm_env(context.env)
    files = [_global_npmrc(context, env)]
    files.append(Path(env["userconfig"]) if env.get("userconfig") else context.home / ".npmrc")
    if context.project is not None:
        files.append(context.project / ".npmrc")
    return files


def _npm_env(env: Mapping[str, str]) -> dict[str, str]:
    """``npm_config_*`` variables by lowercase key, as npm reads them (any case)."""
    out = {}
    for name, value in env.items():
        if name.lower().startswith("npm_config_"):
            out[name[len("npm_config_") :].lower()] = value
    return out


def _global_npmrc(context: ConfigContext, npm_env: Mapping[str, str]) -> Path:
    if npm_env.get("globalconfig"):
        return Path(npm_env["globalconfig"])
    prefix = npm_env.get("prefix") or context.env.get("PREFIX")
    if not prefix:
        node = shutil.which("node", path=context.env.get("PATH", ""))
        prefix = str(Path(node).resolve().parent.parent) if node else str(context.etc.parent)
    return Path(prefix) / "etc" / "npmrc"


def _default_registry(
    context: ConfigContext, flag: str | None, settings: Mapping[str, _Entry]
) -> ConfiguredUrl:
    npm_env = _npm_env(context.env)
    for origin, value in (
        ("--npm-registry", flag),
        (OVERRIDE_ENV, context.env.get(OVERRIDE_ENV)),
        ("npm_config_registry", npm_env.get("registry")),
    ):
        if value and value.strip():
            return _url(_with_slash(check_url(value, origin)), origin)
    if "registry" in settings:
        entry = settings["registry"]
        return _url(_with_slash(check_url(entry.value, entry.origin)), entry.origin, entry.tree)
    # never run in the scanned tree: npm would read (and expand) the tree's .npmrc
    asked = context.run(["npm", "config", "get", "registry"], context.env, None)
    if asked is None:
        raise RegistryConfigError(
            "no npm registry configured: set npm_config_registry, registry= in an .npmrc, "
            f"{OVERRIDE_ENV} or --npm-registry (npm is not installed, so its default "
            "registry is unknown)"
        )
    origin = "npm config get registry"
    return _url(_with_slash(check_url(asked.strip(), origin)), origin)


def _lines(path: Path) -> list[tuple[str, str, str, str]]:
    """(origin, key, separator, value) of the ``key=value`` lines of an npmrc (``;``/``#``
    comments, ``[section]`` headers ignored); nothing when the file does not exist."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_NPMRC_BYTES + 1)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return []
    except OSError as exc:
        raise RegistryConfigError(f"{path}: cannot read npm configuration: {exc}") from None
    if len(data) > MAX_NPMRC_BYTES:
        raise RegistryConfigError(f"{path}: larger than {MAX_NPMRC_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RegistryConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line and line[0] not in ";#[":
            key, sep, value = line.partition("=")
            out.append((f"{path}:{number}", key.strip(), sep, value.strip()))
    return out


def _parse_tree_npmrc(path: Path) -> tuple[dict[str, _Entry], list[str]]:
    """The registries a scanned tree's ``.npmrc`` names, and a note per refused entry."""
    out: dict[str, _Entry] = {}
    refused: list[str] = []
    for origin, key, sep, raw in _lines(path):
        value = _unquote(raw)
        registry = key in TREE_KEYS or (key.startswith("@") and key.endswith(":registry"))
        if not registry or not sep:
            what = "credentials" if key.startswith("//") else f"{_redacted(key)!r}"
            refused.append(f"{origin}: {what} in the scanned tree's .npmrc ignored")
        elif "${" in key or "${" in value:
            refused.append(
                f"{origin}: environment variables are not expanded in the scanned tree's "
                ".npmrc; entry ignored"
            )
        elif url_secrets(value):
            refused.append(
                f"{origin}: a registry URL with credentials in the scanned tree's .npmrc ignored"
            )
        else:
            out[key] = _Entry(value, origin, tree=True)
    return out, refused


def _redacted(text: str) -> str:
    return redact_text(text[:200])


def _parse_npmrc(path: Path, env: Mapping[str, str]) -> dict[str, _Entry]:
    """The entries of one of the user's own npmrc files, variables expanded."""
    out: dict[str, _Entry] = {}
    for origin, raw_key, sep, raw_value in _lines(path):
        try:
            key = _expand(raw_key, env)
            value = _unquote(_expand(raw_value, env)) if sep else "true"
        except KeyError as missing:
            logger.warning("%s: %s is not set; entry ignored", origin, missing.args[0])
            continue
        if key:
            out[key] = _Entry(value, origin)
    return out


def _expand(text: str, env: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name, optional = match.group(1), match.group(2)
        if name in env:
            return env[name]
        if optional:
            return ""
        raise KeyError(f"${{{name}}}")

    return _ENV_REF.sub(replace, text)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _credentials(settings: Mapping[str, _Entry]) -> tuple[NpmAuth, ...]:
    by_prefix: dict[str, dict[str, _Entry]] = {}
    for key, entry in settings.items():
        if key.startswith("//") and ":" in key and not entry.tree:
            prefix, _, name = key.rpartition(":")
            by_prefix.setdefault(_with_slash(prefix.lower()), {})[name] = entry
    found = []
    for prefix, fields_ in sorted(by_prefix.items()):
        if "_authToken" in fields_:
            entry = fields_["_authToken"]
            found.append(
                NpmAuth(prefix=prefix, kind="bearer", secret=entry.value, origin=entry.origin)
            )
        elif "_auth" in fields_:
            entry = fields_["_auth"]
            found.append(
                NpmAuth(prefix=prefix, kind="basic", secret=entry.value, origin=entry.origin)
            )
        elif "username" in fields_ and "_password" in fields_:
            found.append(_basic(prefix, fields_["username"], fields_["_password"]))
    return tuple(found)


def _basic(prefix: str, user: _Entry, password: _Entry) -> NpmAuth:
    try:
        clear = base64.b64decode(password.value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise RegistryConfigError(
            f"{password.origin}: _password must be base64-encoded, as npm requires"
        ) from None
    secret = base64.b64encode(f"{user.value}:{clear}".encode()).decode()
    return NpmAuth(prefix=prefix, kind="basic", secret=secret, origin=password.origin)


def _nerf_prefixes(url: str) -> list[str]:
    """``//host[:port]/a/b/``, ``//host[:port]/a/``, ``//host[:port]/``: longest first."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2].lower()
    segments = [s for s in parts.path.split("/") if s]
    out = []
    for end in range(len(segments), -1, -1):
        path = "/".join(segments[:end])
        out.append(f"//{host}/{path}/" if path else f"//{host}/")
    return out


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _url(url: str, origin: str, tree: bool = False) -> ConfiguredUrl:
    return ConfiguredUrl(url=url, origin=origin, tree=tree)
