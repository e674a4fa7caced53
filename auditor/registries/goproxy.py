"""The Go module proxy the user configured, read the way the go command reads it.

``GOPROXY`` is a list separated by ``,`` (fall through on "not found") or ``|`` (fall through
on any error) of proxy URLs and the keywords ``direct`` (fetch from the version control
host) and ``off`` (no network). ``proxies`` are the URLs before the first keyword, which is
kept as ``fallback``. An entry without a scheme means ``https://``, as for go.

Resolution order: ``GOPROXY`` in the environment, then the go environment file that
``go env -w`` writes (``$GOENV``, else ``$XDG_CONFIG_HOME/go/env`` or ``~/.config/go/env``),
then ``go env GOPROXY`` if go is installed, each variable on its own. ``GONOPROXY``
(default ``GOPRIVATE``) lists module path patterns that bypass the proxy: such a module is
never sent to it (auditor fetches nothing directly, so it is not looked up at all).
``GONOSUMDB`` changes nothing: auditor never asks a checksum database.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

from auditor.registries.common import ConfigContext, ConfiguredUrl, RegistryConfigError, check_url

_KEYWORDS = ("direct", "off")
_SCHEMES = ("http", "https", "file")
_VARIABLES = ("GOPROXY", "GONOPROXY", "GOPRIVATE")


@dataclass(frozen=True, kw_only=True)
class GoProxy:
    """The configured Go module proxies, their fallback and the private module patterns."""

    proxies: tuple[ConfiguredUrl, ...]
    fallback: str | None  # "direct", "off" or None when the list ends with proxies
    private: tuple[str, ...] = ()
    origin: str = ""

    @property
    def url(self) -> ConfiguredUrl | None:
        """The first proxy, or None when modules are fetched directly (or not at all)."""
        return self.proxies[0] if self.proxies else None

    def uses_proxy(self, module: str) -> bool:
        """Whether the go command would ask the proxy for ``module``: never for one that
        GONOPROXY (by default GOPRIVATE) names."""
        if not self.proxies:
            return False
        return not any(_matches_prefix(p, module) for p in self.private)

    def private_reason(self, module: str) -> str | None:
        """Why ``module`` must not be sent to the proxy, or None."""
        if self.uses_proxy(module) or not self.proxies:
            return None
        names = "GONOPROXY" if self.private else "GOPROXY"
        return f"{module} is a private module ({names} matches it): the proxy is not asked"


def resolve_go(context: ConfigContext) -> GoProxy:
    """The user's Go proxy configuration; a ``RegistryConfigError`` if there is none."""
    values, origin = _go_settings(context)
    proxy_list = values.get("GOPROXY", "").strip()
    if not proxy_list:
        raise RegistryConfigError(
            "no Go module proxy configured: set GOPROXY (go is not installed, so its default "
            "proxy is unknown)"
        )
    proxies: list[ConfiguredUrl] = []
    fallback = None
    for raw in re.split(r"[,|]", proxy_list):
        entry = raw.strip()
        if not entry:
            continue
        if entry in _KEYWORDS:
            fallback = entry
            break
        url = entry if "://" in entry else f"https://{entry}"
        proxies.append(
            ConfiguredUrl(url=check_url(url, origin, _SCHEMES).rstrip("/"), origin=origin)
        )
    patterns = values.get("GONOPROXY") or values.get("GOPRIVATE") or ""
    private = tuple(p.strip() for p in patterns.split(",") if p.strip())
    return GoProxy(proxies=tuple(proxies), fallback=fallback, private=private, origin=origin)


def _go_settings(context: ConfigContext) -> tuple[dict[str, str], str]:
    """Each variable as the go command reads it: the environment first, then the file
    ``go env -w`` writes, then ``go env`` itself; and where GOPROXY came from. Each is
    resolved on its own: a GOPRIVATE set with ``go env -w`` holds with a GOPROXY from the
    environment, as it does for go."""
    env = context.env
    values = {k: env[k].strip() for k in _VARIABLES if env.get(k, "").strip()}
    origin = "GOPROXY" if "GOPROXY" in values else ""
    path = _go_env_file(context)
    if path is not None:
        for key, value in _read_go_env(path).items():
            if value.strip() and key not in values:
                values[key] = value.strip()
                if key == "GOPROXY":
                    origin = f"{path} GOPROXY"
    if "GOPROXY" in values:
        return values, origin
    # never in the scanned tree: its go.mod could make go switch (and fetch) a toolchain
    output = context.run(["go", "env", *_VARIABLES], env, None)
    if output is None:
        return values, ""
    lines = output.splitlines() + [""] * len(_VARIABLES)
    for key, value in zip(_VARIABLES, (x.strip() for x in lines), strict=False):
        if value and key not in values:
            values[key] = value
    return values, "go env GOPROXY" if "GOPROXY" in values else ""


def _go_env_file(context: ConfigContext) -> Path | None:
    explicit = context.env.get("GOENV")
    if explicit == "off":
        return None
    if explicit:
        return Path(explicit)
    return context.xdg_config_home() / "go" / "env"


def _read_go_env(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryConfigError(f"{path}: cannot read the go environment file: {exc}") from None
    values = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key in _VARIABLES:
            values[key] = value.strip().strip("'\"")
    return values


def _matches_prefix(pattern: str, module: str) -> bool:
    """Go's module.MatchPrefixPatterns for one pattern: glob per path element, as a prefix."""
    wanted = pattern.strip("/").split("/")
    parts = module.split("/")
    if len(parts) < len(wanted):
        return False
    return all(fnmatch.fnmatchcase(part, glob) for part, glob in zip(parts, wanted, strict=False))
