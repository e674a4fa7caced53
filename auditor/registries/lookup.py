"""The registries of one run: the user's configured ones (health, dependency metadata, fix
plans) and the public ones (dependency confusion), built lazily per ecosystem.

``Registries`` gives each ecosystem's client, or a ``SourceError`` saying why there is none
(nothing configured, a Go proxy list of only ``direct``), and runs lookups on a thread pool
as large as the connections the ``HttpClient`` allows a host (the client is shared and
thread-safe; it narrows each host's concurrency on 429/503 answers, and its retry budget
holds for the whole run).

The public registries are the ecosystems' own defaults: the index pip exports and the
registry npm uses when no configuration file says otherwise (asked of npm itself with every
configuration file disabled). ``public-registries`` in the config replaces them per
ecosystem. ``presence()`` answers "does this name exist there?" for one name; the
dependency-confusion check and ``auditor check-name`` use it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from auditor.core.errors import SourceError
from auditor.core.model import Ecosystem
from auditor.core.redact import redact_url
from auditor.registries.common import ConfigContext, ConfiguredUrl, RegistryConfigError
from auditor.registries.metadata import RegistryClient

if TYPE_CHECKING:
    from auditor.net.client import HttpClient

T = TypeVar("T")
R = TypeVar("R")
WORKERS = 8  # when no client says how many connections a host may have
Factory = Callable[[], RegistryClient]


class Registries:
    """Each ecosystem's registry client, made on first use; a failure to make one is kept."""

    def __init__(self, factories: Mapping[Ecosystem, Factory], *, workers: int = WORKERS) -> None:
        self._factories = dict(factories)
        self._made: dict[Ecosystem, RegistryClient | SourceError] = {}
        self._lock = threading.Lock()
        self.workers = workers

    @classmethod
    def of(cls, *clients: RegistryClient) -> Registries:
        """Registries from ready clients (tests, ``check-name``)."""
        return cls({c.ecosystem: (lambda c=c: c) for c in clients})  # type: ignore[misc]

    def client(self, ecosystem: Ecosystem) -> RegistryClient:
        with self._lock:
            made = self._made.get(ecosystem)
            if made is None:
                factory = self._factories.get(ecosystem)
                if factory is None:
                    made = SourceError(f"no {ecosystem.value} registry is configured")
                else:
                    try:
                        made = factory()
                    except SourceError as exc:  # RegistryConfigError included
                        made = exc
                self._made[ecosystem] = made
        if isinstance(made, SourceError):
            raise made
        return made

    def each(
        self, items: Sequence[T], work: Callable[[T], R]
    ) -> list[tuple[T, R | None, SourceError | None]]:
        """``work`` on every item, concurrently; a ``SourceError`` is kept as the item's
        answer (other exceptions are bugs and propagate). Order follows ``items``."""

        def run(item: T) -> tuple[T, R | None, SourceError | None]:
            try:
                return item, work(item), None
            except SourceError as exc:
                return item, None, exc

        if len(items) <= 1 or self.workers <= 1:
            return [run(item) for item in items]
        with ThreadPoolExecutor(max_workers=min(self.workers, len(items))) as pool:
            return list(pool.map(run, items))


def configured_registries(
    http: HttpClient,
    context: ConfigContext,
    *,
    pypi_url: str | None = None,
    npm_registry: str | None = None,
) -> Registries:
    """The user's registries, resolved from their configuration when first needed (each
    client's module is imported then: a run that asks no registry loads none)."""

    def go() -> RegistryClient:
        from auditor.registries.golang import GoProxyClient
        from auditor.registries.goproxy import resolve_go

        proxy = resolve_go(context)
        if proxy.url is None:
            raise RegistryConfigError(
                f"GOPROXY ({proxy.origin}) names no module proxy, only {proxy.fallback}"
            )
        if urlsplit(proxy.url.url).scheme not in ("http", "https"):
            raise RegistryConfigError(f"the Go proxy {proxy.url.shown} is not an http(s) URL")
        return GoProxyClient(http, proxy.url, routing=proxy)

    def pypi() -> RegistryClient:
        from auditor.registries.pipconf import resolve_python
        from auditor.registries.pypi import PypiClient

        return PypiClient(http, resolve_python(context, flag=pypi_url))

    def npm() -> RegistryClient:
        from auditor.registries.npm import NpmClient
        from auditor.registries.npmrc import resolve_npm

        return NpmClient(http, resolve_npm(context, flag=npm_registry))

    return Registries(
        {Ecosystem.PYPI: pypi, Ecosystem.NPM: npm, Ecosystem.GO: go},
        workers=http.config.connections,
    )


# -- public registries --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Presence:
    """Whether a name exists on a public registry (``exists`` None: the lookup failed)."""

    ecosystem: Ecosystem
    name: str
    registry: str
    exists: bool | None
    versions: int = 0
    latest: str | None = None
    error: str | None = None


class PublicRegistries:
    """The public registry of each ecosystem: the URLs that count as public, and a client
    for the first of them."""

    def __init__(self, urls: Mapping[Ecosystem, Sequence[str]], registries: Registries) -> None:
        self.urls = {eco: tuple(values) for eco, values in urls.items()}
        self.registries = registries

    def is_public(self, ecosystem: Ecosystem, url: str) -> bool:
        """Whether a lockfile's registry URL is (below) one of the public ones."""
        wanted = _norm(url)
        return any(
            wanted == _norm(base) or wanted.startswith(_norm(base) + "/")
            for base in self.urls.get(ecosystem, ())
        )

    def shown(self, ecosystem: Ecosystem) -> str:
        urls = self.urls.get(ecosystem)
        return redact_url(urls[0]) if urls else f"no public {ecosystem.value} registry"

    def presence(self, ecosystem: Ecosystem, name: str) -> Presence:
        """Look ``name`` up on the public registry; failures are kept in ``error``."""
        shown = self.shown(ecosystem)
        try:
            project = self.registries.client(ecosystem).project(name)
        except SourceError as exc:
            return Presence(
                ecosystem=ecosystem, name=name, registry=shown, exists=None, error=str(exc)
            )
        if project is None:
            return Presence(ecosystem=ecosystem, name=name, registry=shown, exists=False)
        latest = project.latest
        return Presence(
            ecosystem=ecosystem,
            name=name,
            registry=shown,
            exists=True,
            versions=len(project.releases),
            latest=latest.version if latest else None,
        )


def public_registries(
    http: HttpClient,
    context: ConfigContext,
    configured: Iterable[tuple[Ecosystem, str]] = (),
) -> PublicRegistries:
    """The ecosystems' default registries, or the ``public-registries`` configured instead."""
    from auditor.registries.npm import NpmClient
    from auditor.registries.npmrc import NpmRegistries
    from auditor.registries.pipconf import PythonIndexes, pip_default_index
    from auditor.registries.pypi import PypiClient

    chosen: dict[Ecosystem, list[str]] = {}
    for ecosystem, url in configured:
        chosen.setdefault(ecosystem, []).append(url)
    if Ecosystem.PYPI not in chosen:
        default = pip_default_index()
        if default is not None:
            chosen[Ecosystem.PYPI] = [default[0], default[1]]
    if Ecosystem.NPM not in chosen:
        builtin = npm_builtin_registry(context)
        if builtin is not None:
            chosen[Ecosystem.NPM] = [builtin]
    default_pypi = pip_default_index()

    def pypi() -> RegistryClient:
        urls = chosen.get(Ecosystem.PYPI)
        if not urls:
            raise RegistryConfigError(
                "no public Python index is known (pip is not installed): set "
                "public-registries.pypi in the config"
            )
        index = ConfiguredUrl(url=urls[0], origin="public registry")
        json_api = None
        if default_pypi is not None and _norm(urls[0]) == _norm(default_pypi[0]):
            json_api = default_pypi[1]
        return PypiClient(http, PythonIndexes(index=index, json_api=json_api))

    def npm() -> RegistryClient:
        urls = chosen.get(Ecosystem.NPM)
        if not urls:
            raise RegistryConfigError(
                "no public npm registry is known (npm is not installed): set "
                "public-registries.npm in the config"
            )
        base = urls[0] if urls[0].endswith("/") else urls[0] + "/"
        return NpmClient(http, NpmRegistries(default=ConfiguredUrl(url=base, origin="public")))

    registries = Registries(
        {Ecosystem.PYPI: pypi, Ecosystem.NPM: npm}, workers=http.config.connections
    )
    return PublicRegistries(chosen, registries)


def npm_builtin_registry(context: ConfigContext) -> str | None:
    """The registry npm uses when no configuration says otherwise: ``npm config get
    registry`` with every configuration file and variable disabled (None without npm)."""
    env = {k: v for k, v in context.env.items() if not k.lower().startswith("npm_config_")}
    env.update(
        {
            "npm_config_userconfig": os.devnull,
            "npm_config_globalconfig": os.devnull,
            "AUDITOR_NPM_REGISTRY": "",
        }
    )
    try:
        output = context.run(["npm", "config", "get", "registry"], env, None)
    except RegistryConfigError:
        return None
    text = (output or "").strip()
    return text if text.startswith(("http://", "https://")) else None


def _norm(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip().rstrip("/").lower()
    host = parts.netloc.rpartition("@")[2].lower()
    return f"{parts.scheme.lower()}://{host}{parts.path.rstrip('/')}"
