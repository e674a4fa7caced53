"""The Python package index the user configured, read the way pip and uv read it.

Resolution order (first found wins for the main index):

1. ``--pypi-url`` / ``AUDITOR_PYPI_URL``;
2. ``PIP_INDEX_URL``, then ``UV_DEFAULT_INDEX``, then ``UV_INDEX_URL``;
3. pip configuration files, merged as pip merges them: global (``$XDG_CONFIG_DIRS/pip/pip.conf``
   then ``/etc/pip.conf``) < user (``~/.pip/pip.conf`` then ``~/.config/pip/pip.conf``, skipped
   when ``PIP_CONFIG_FILE`` names an existing file) < ``$VIRTUAL_ENV/pip.conf`` <
   ``PIP_CONFIG_FILE``; an ``[install]`` value beats a ``[global]`` one;
4. the default index pip itself exports (``pip._internal.models.index.PyPI``).

Extra indexes come from ``PIP_EXTRA_INDEX_URL`` (or the files' ``extra-index-url``) plus
``UV_INDEX`` and ``UV_EXTRA_INDEX_URL``. The legacy JSON API (``/pypi/<name>/json``) exists on
the default index only, so ``json_api`` is set only when the main index is pip's default;
other indexes are read through the PEP 691 JSON simple API.
"""

from __future__ import annotations

import configparser
import importlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.core.redact import url_secrets
from auditor.registries.common import ConfigContext, ConfiguredUrl, RegistryConfigError, check_url

OVERRIDE_ENV = "AUDITOR_PYPI_URL"
_SCHEMES = ("http", "https", "file")
_SECTIONS = ("global", "install")  # later beats earlier, as in pip
logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class PythonIndexes:
    """The configured Python indexes (URLs may carry credentials: display ``shown``)."""

    index: ConfiguredUrl
    extra: tuple[ConfiguredUrl, ...] = ()
    json_api: str | None = None  # legacy JSON API base, on the default index only

    @property
    def is_default(self) -> bool:
        return self.json_api is not None


@dataclass(frozen=True)
class _PipDefault:
    simple_url: str
    json_url: str


def resolve_python(context: ConfigContext, flag: str | None = None) -> PythonIndexes:
    """The user's Python index configuration; a ``RegistryConfigError`` if there is none."""
    env = context.env
    settings = _read_pip_files(context)
    index = _first_index(flag, env) or settings.get("index-url", (None,))[0]
    default = _pip_default()
    if index is None:
        if default is None:
            raise RegistryConfigError(
                "no Python package index configured: set PIP_INDEX_URL, index-url in pip.conf, "
                f"{OVERRIDE_ENV} or --pypi-url (pip is not installed, so its default index "
                "is unknown)"
            )
        index = ConfiguredUrl(url=default.simple_url, origin="pip's default index")
    json_api = None
    if default is not None and _norm(index.url) == _norm(default.simple_url):
        json_api = default.json_url
    extra = _extra_indexes(env, settings)
    seen = {_norm(index.url)}
    unique = []
    for item in extra:
        if _norm(item.url) not in seen:
            seen.add(_norm(item.url))
            unique.append(item)
    return PythonIndexes(index=index, extra=tuple(unique), json_api=json_api)


def _first_index(flag: str | None, env: Mapping[str, str]) -> ConfiguredUrl | None:
    candidates = [("--pypi-url", flag)]
    candidates += [(name, env.get(name)) for name in _INDEX_ENV]
    for origin, value in candidates:
        if value and value.strip():
            return ConfiguredUrl(url=check_url(value, origin, _SCHEMES), origin=origin)
    return None


_INDEX_ENV = (OVERRIDE_ENV, "PIP_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX_URL")


def _extra_indexes(
    env: Mapping[str, str], settings: dict[str, tuple[ConfiguredUrl, ...]]
) -> list[ConfiguredUrl]:
    extra: list[ConfiguredUrl] = []
    if "PIP_EXTRA_INDEX_URL" in env:
        extra += _split_urls(env["PIP_EXTRA_INDEX_URL"], "PIP_EXTRA_INDEX_URL")
    else:
        extra += settings.get("extra-index-url", ())
    for name in ("UV_INDEX", "UV_EXTRA_INDEX_URL"):
        extra += _split_urls(env.get(name, ""), name)
    return extra


def _split_urls(text: str, origin: str) -> list[ConfiguredUrl]:
    out = []
    for item in text.split():
        # uv's UV_INDEX entries may be named: name=https://...
        name, sep, rest = item.partition("=")
        url = rest if sep and "://" not in name else item
        out.append(ConfiguredUrl(url=check_url(url, origin, _SCHEMES), origin=origin))
    return out


def pip_config_files(context: ConfigContext) -> list[Path]:
    """The files pip reads, lowest precedence first (existing or not)."""
    env = context.env
    explicit = env.get("PIP_CONFIG_FILE")
    if explicit == os.devnull:
        return []  # pip's documented way to load no configuration file at all
    xdg_dirs = env.get("XDG_CONFIG_DIRS") or str(context.etc / "xdg")
    files = [Path(d) / "pip" / "pip.conf" for d in xdg_dirs.split(os.pathsep) if d]
    files.append(context.etc / "pip.conf")
    if not (explicit and Path(explicit).exists()):
        files.append(context.home / ".pip" / "pip.conf")
        files.append(context.xdg_config_home() / "pip" / "pip.conf")
    if env.get("VIRTUAL_ENV"):
        files.append(Path(env["VIRTUAL_ENV"]) / "pip.conf")
    if explicit:
        files.append(Path(explicit))
    return files


def _read_pip_files(context: ConfigContext) -> dict[str, tuple[ConfiguredUrl, ...]]:
    """``index-url`` and ``extra-index-url`` after merging every file as pip does."""
    merged: dict[tuple[str, str], tuple[str, Path]] = {}
    for path in pip_config_files(context):
        for section, key, value in _parse_pip_file(path):
            merged[(section, key)] = (value, path)
    out: dict[str, tuple[ConfiguredUrl, ...]] = {}
    for key in ("index-url", "extra-index-url"):
        for section in reversed(_SECTIONS):
            if (section, key) in merged:
                value, path = merged[(section, key)]
                origin = f"{path} [{section}] {key}"
                tree = _in_tree(path, context.project)
                values = value.split() if key == "extra-index-url" else [value]
                urls = [check_url(v, origin, _SCHEMES) for v in values]
                if tree:
                    # the scanned tree may name an index, never credentials for one
                    if any(url_secrets(u) for u in urls):
                        logger.warning("%s: an index URL with credentials ignored", origin)
                    urls = [u for u in urls if not url_secrets(u)]
                out[key] = tuple(ConfiguredUrl(url=u, origin=origin, tree=tree) for u in urls)
                break
    return {k: v for k, v in out.items() if v}


def _in_tree(path: Path, project: Path | None) -> bool:
    """Whether a configuration file lies inside the scanned tree (e.g. a committed
    ``$VIRTUAL_ENV/pip.conf``): then it is the tree's, not the user's."""
    if project is None:
        return False
    try:
        path.resolve().relative_to(project.resolve())
    except (ValueError, OSError):
        return False
    return True


def _parse_pip_file(path: Path) -> list[tuple[str, str, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryConfigError(f"{path}: cannot read pip configuration: {exc}") from None
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        first = str(exc).splitlines()[0]
        raise RegistryConfigError(f"{path}: not a valid pip configuration file: {first}") from None
    found = []
    for section in _SECTIONS:
        if parser.has_section(section):
            for key, value in parser.items(section):
                name = key.lower().replace("_", "-")  # pip accepts index_url too
                if name in ("index-url", "extra-index-url") and value.strip():
                    found.append((section, name, value))
    return found


def pip_default_index() -> tuple[str, str] | None:
    """pip's default index as (simple API URL, legacy JSON API base), None without pip."""
    default = _pip_default()
    return None if default is None else (default.simple_url, default.json_url)


def _pip_default() -> _PipDefault | None:
    """The default index pip exports, read without importing pip's internals statically."""
    try:
        module: Any = importlib.import_module("pip._internal.models.index")
        simple, json_url = module.PyPI.simple_url, module.PyPI.pypi_url
    except (ImportError, AttributeError):
        return None
    if not isinstance(simple, str) or not isinstance(json_url, str):
        return None
    return _PipDefault(simple_url=simple, json_url=json_url)


def _norm(url: str) -> str:
    return url.strip().rstrip("/").lower()
