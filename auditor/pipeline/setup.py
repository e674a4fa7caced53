"""Turning what an audit is asked (an ``AuditRequest``: the flags of ``scan``/``report``, or
the Action's inputs) into what it runs with: the settings (flags > environment > config
file > defaults), the advisory sources, the checks' settings and the registries.

Everything wrong with the request is a ``UsageError`` raised here, before any lockfile is
read. The run's HTTP client is made only when a live source or a registry needs it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from auditor.advisories import plugins as sources
from auditor.advisories.base import SourceOptions
from auditor.advisories.exploits import ExploitData, load_exploit_data
from auditor.advisories.vex import read_vex, rules_of
from auditor.checks.base import CheckSettings
from auditor.checks.typosquat.allowlist import EMPTY, load_allow_list
from auditor.core.errors import LockfileError, SourceError, UsageError, render_place
from auditor.core.findings import IgnoreRule
from auditor.enrich.stage import RegistrySetup
from auditor.net.client import HttpClient
from auditor.net.config import NetConfig, default_cache_dir
from auditor.pipeline.audit import AuditOptions
from auditor.pipeline.policy import FAIL_ON_KEV
from auditor.registries.common import ConfigContext
from auditor.registries.internal import InternalNames
from auditor.registries.lookup import PublicRegistries, configured_registries, public_registries
from auditor.registries.npmrc import tree_notes
from auditor.settings import (
    ENV_NO_REGISTRY,
    FAIL_ON_CHOICES,
    UNKNOWN_SEVERITY_CHOICES,
    Settings,
    read_config,
    resolve,
    scan_root,
)
from auditor.versions.markers import TargetEnvironment


@dataclass(frozen=True, kw_only=True)
class AuditRequest:
    """What to audit and with what, as asked; None or empty means "not given" (the
    environment, the config file, then the defaults decide)."""

    paths: tuple[str, ...] = ()  # lockfiles or folders; none: the current folder
    force_format: str | None = None  # parse the named files as this collector
    config: str | None = None  # config file; default: found beside the first path
    sources: tuple[str, ...] = ()  # advisory source names (each may be comma-separated)
    advisory_db: str | None = None
    osv_url: str | None = None
    offline: bool = False
    fail_on: str | None = None  # one of settings.FAIL_ON_CHOICES
    unknown_severity: str | None = None  # one of settings.UNKNOWN_SEVERITY_CHOICES
    no_registry: bool = False
    python_version: str | None = None  # already checked: "3.12"
    platform: str | None = None  # already checked: linux, darwin, windows
    pypi_url: str | None = None
    npm_registry: str | None = None
    net: NetConfig | None = None  # the HTTP client's configuration; None: from the environment
    cache_dir: Path | None = None  # the cache root; None: from the environment
    vex: tuple[str, ...] = ()  # VEX files (OpenVEX or CycloneDX) whose statements apply
    omit: tuple[str, ...] = ()  # scopes to leave out: dev, optional, peer (comma lists too)
    kev: str | None = None  # CISA's KEV JSON to use instead of the synced copy
    epss: str | None = None  # FIRST's EPSS CSV to use instead of the synced copy
    notify: tuple[str, ...] = ()  # webhook URLs (report): told about new findings
    exclude: tuple[str, ...] = ()  # glob patterns discovery leaves out (with the config's)
    strict: bool = False  # what could not be audited at all fails the run (exit 3)
    advisories: bool = True  # False: no advisory source (an SBOM without vulnerabilities)


@dataclass(frozen=True, kw_only=True)
class AuditSetup:
    settings: Settings
    options: AuditOptions
    client: HttpClient | None = None  # the run's HTTP client: live sources, registries

    def close(self) -> None:
        if self.client is not None:
            self.client.close()

    def __enter__(self) -> AuditSetup:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def prepare(
    request: AuditRequest,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    now: datetime | None = None,
) -> AuditSetup:
    """Read the config, resolve flags > environment > config, and build the sources
    (raising ``UsageError`` for anything wrong before any lockfile is read)."""
    environ = os.environ if environ is None else environ
    cwd = cwd or Path.cwd()
    now = now or datetime.now(timezone.utc)
    if request.fail_on is not None and request.fail_on not in FAIL_ON_CHOICES:
        choices = ", ".join(FAIL_ON_CHOICES)
        raise UsageError(f"--fail-on {request.fail_on}: expected one of {choices}")
    unknown = request.unknown_severity
    if unknown is not None and unknown not in UNKNOWN_SEVERITY_CHOICES:
        choices = ", ".join(UNKNOWN_SEVERITY_CHOICES)
        raise UsageError(f"--unknown-severity {unknown}: expected one of {choices}")
    config = read_config(request.config, list(request.paths), cwd, environ)
    settings = resolve(
        config=config,
        environ=environ,
        sources=request.sources,
        advisory_db=request.advisory_db,
        offline=request.offline,
        fail_on=request.fail_on,
        unknown_severity=request.unknown_severity,
        osv_url=request.osv_url,
        no_registry=request.no_registry,
        python_version=request.python_version,
        platform=request.platform,
        omit=request.omit,
        notify=request.notify,
        exclude=request.exclude,
        strict=request.strict,
    )
    cache_dir = request.cache_dir or default_cache_dir(environ)
    # an SBOM without vulnerabilities has no finding to mark
    exploits = _exploit_data(request, settings, cache_dir, now) if request.advisories else None
    vex, vex_notes = _vex_rules(request.vex, cwd)
    net = request.net or NetConfig.from_env(environ)
    if settings.offline:
        net = replace(net, offline=True)
    live = request.advisories and any(
        sources.is_live(n) for n in settings.sources or sources.DEFAULT_SOURCES
    )
    lookups = settings.registry and not settings.offline
    client = HttpClient(net) if live or lookups else None
    source_options = SourceOptions(
        advisory_db=settings.advisory_db,
        offline=settings.offline,
        stale_days=settings.stale_days,
        now=now,
        osv_url=settings.osv_url,
        http=client,
        cache_dir=cache_dir,
        environ=environ,
    )
    chosen = sources.create(settings.sources, source_options) if request.advisories else ()
    allow_path = settings.typosquat_allow_list
    check_settings = CheckSettings(
        typosquat_allow=EMPTY if allow_path is None else load_allow_list(allow_path),
        internal=InternalNames(patterns=settings.internal),
        unmaintained_days=settings.unmaintained_days,
        environment=TargetEnvironment(
            python_version=settings.python_version, platform=settings.platform
        ),
        now=now,
        licenses=settings.licenses,
    )
    registry = _registry_setup(request, settings, environ, cwd, client, config_path=config.path)
    options = AuditOptions(
        sources=chosen,
        ignores=settings.ignores,
        today=now.date(),
        check_settings=check_settings,
        registry=registry,
        tree_settings=settings.tree_settings,
        vex=vex,
        omit=settings.omit,
        exploits=exploits,
        warnings=vex_notes,
    )
    return AuditSetup(settings=settings, options=options, client=client)


def _exploit_data(
    request: AuditRequest, settings: Settings, cache_dir: Path, now: datetime
) -> ExploitData:
    """KEV and EPSS from the files given, else from the cache; ``--fail-on kev`` without a
    KEV catalog to judge by is an error, never a pass."""
    try:
        data = load_exploit_data(
            cache_dir,
            kev_file=Path(request.kev) if request.kev else None,
            epss_file=Path(request.epss) if request.epss else None,
            now=now,
            stale_days=settings.stale_days,
        )
    except SourceError as exc:
        raise UsageError(str(exc)) from None
    if settings.fail_on == FAIL_ON_KEV and data.kev is None:
        raise UsageError(
            "--fail-on kev needs CISA's KEV catalog: run auditor db sync, or give --kev FILE"
        )
    return data


def _vex_rules(paths: tuple[str, ...], cwd: Path) -> tuple[tuple[IgnoreRule, ...], tuple[str, ...]]:
    """The suppressing statements of the ``--vex`` files, and a line for each statement
    that cannot apply. A file that is not VEX is a usage error naming it and the place."""
    files = []
    for number, name in enumerate(paths):
        path = cwd / name
        if not path.is_file():
            raise UsageError(f"--vex {name}: not a file")
        try:
            files.append(read_vex(path, shown=name, number=number))
        except LockfileError as exc:
            raise UsageError(
                f"--vex {render_place(exc.path, exc.message, line=exc.line, key=exc.key)}"
            ) from None
    rules, skipped = rules_of(files)
    return rules, tuple(f"VEX statement {line}: not applied" for line in skipped)


def _registry_setup(
    request: AuditRequest,
    settings: Settings,
    environ: Mapping[str, str],
    cwd: Path,
    client: HttpClient | None,
    *,
    config_path: str | None,
) -> RegistrySetup:
    """The run's registries, or why there are none."""
    if settings.offline:
        return RegistrySetup(note="offline (--offline or AUDITOR_OFFLINE)")
    if not settings.registry or client is None:
        if request.no_registry:
            why = "--no-registry"
        elif ENV_NO_REGISTRY in environ:
            why = f"{ENV_NO_REGISTRY} is set"
        else:
            why = f"registry = false in {config_path}"
        return RegistrySetup(note=why)
    context = replace(
        ConfigContext.current(project=scan_root(list(request.paths), cwd)), env=dict(environ)
    )
    registries = configured_registries(
        client, context, pypi_url=request.pypi_url, npm_registry=request.npm_registry
    )
    http = client

    def public() -> PublicRegistries:
        return public_registries(http, context, settings.public_registries)

    return RegistrySetup(registries=registries, public=public, tree_notes=tree_notes(context))
