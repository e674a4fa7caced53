"""``pypi``: PyPI's own vulnerability data, through pip-audit's service layer.

PyPI's JSON API answers ``GET <json base>/<name>/<version>/json`` with a
``vulnerabilities`` list: the advisories (PYSEC, GHSA, ...) that PyPI says affect exactly
that release, each with ``aliases`` and ``fixed_in``. pip-audit's ``PyPIService`` reads it;
this module is the only place auditor touches pip-audit, and
``tests/advisories/test_pypi_contract.py`` pins every part of pip-audit used here
(``PyPIService(cache_dir=, timeout=)``, its ``session`` attribute and the URL shape it asks,
``query(ResolvedDependency) -> (Dependency, [VulnerabilityResult])``, ``SkippedDependency``,
``ServiceError``), so an upgrade that changes them fails that one test, not a user's audit.

Where the requests go. pip-audit builds its URL from a fixed constant; auditor instead asks
the index the user configured (``auditor/registries``: ``AUDITOR_PYPI_URL``, pip/uv settings,
else pip's default). The service's own session is replaced by one whose transport adapter
takes the ``<name>/<version>/json`` tail of pip-audit's URL, sends it to the configured JSON
API through the run's ``HttpClient`` (timeouts, retries, rate limit, cache, redaction) and
hands back the answer. Nothing is sent to pip-audit's constant. The JSON API base is pip's
default one for the default index, else the index URL with its ``/simple`` ending replaced by
``/pypi`` (Warehouse's layout, which mirrors of it keep).

What comes back is an attestation for one exact release, not a range: each result becomes
an OSV record whose ``affected`` entry lists the locked version and an ECOSYSTEM range from
that version to its fixes, so the audit's local evaluation agrees with PyPI and the smallest
fix above the installed version comes out right. PyPI gives no severity: such findings are
``unknown`` unless another source's copy of the same record carries one. An answer without a
``vulnerabilities`` key (an index that does not publish them) leaves the package unchecked.
Only PyPI packages are asked (``ecosystems``); the audit reports other ecosystems as not
covered unless another selected source covers them.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter

from auditor.advisories.base import AdvisorySource, SourceAnswer, SourceOptions, precheck
from auditor.advisories.osv import (
    RANGE_ECOSYSTEM,
    Affected,
    AffectedPackage,
    Event,
    OsvRecord,
    Range,
)
from auditor.core.errors import SourceError
from auditor.core.model import Ecosystem, Package
from auditor.core.redact import redact_url
from auditor.core.result import SourceInfo
from auditor.core.times import rfc3339
from auditor.net.client import HttpClient, NetConfig
from auditor.registries.common import ConfigContext
from auditor.registries.pipconf import resolve_python

WORKERS = 8


def json_api_base(environ: Mapping[str, str], home: Path | None = None) -> str:
    """The JSON API base of the configured index (no trailing slash); ``SourceError`` when
    none can be derived."""
    context = ConfigContext(env=environ, home=home or Path.home())
    indexes = resolve_python(context)
    if indexes.json_api:
        return indexes.json_api.rstrip("/")
    index = indexes.index.url.rstrip("/")
    if index.endswith("/simple"):
        return index.removesuffix("/simple") + "/pypi"
    raise SourceError(
        f"pypi: the index {indexes.index.shown} ({indexes.index.origin}) does not end in "
        "/simple, so its JSON API (with PyPI's vulnerability data) is unknown"
    )


class PypiSource(AdvisorySource):
    name = "pypi"
    live = True
    description = "PyPI's vulnerability data (the JSON API), read through pip-audit"
    ecosystems = frozenset({Ecosystem.PYPI})

    def __init__(
        self,
        *,
        client: HttpClient | None = None,
        json_base: str | None = None,
        options: SourceOptions | None = None,
    ) -> None:
        self.options = options or SourceOptions()
        self.client = client or HttpClient(NetConfig.from_env(self.options.environ))
        self._json_base = json_base.rstrip("/") if json_base else None
        self._records = 0

    @classmethod
    def from_options(cls, options: SourceOptions) -> PypiSource:
        return cls(client=options.http, options=options)

    @property
    def json_base(self) -> str:
        if self._json_base is None:
            environ = os.environ if self.options.environ is None else self.options.environ
            self._json_base = json_api_base(environ)
        return self._json_base

    def describe(self) -> SourceInfo:
        try:
            location = redact_url(self.json_base)
        except SourceError:
            location = "the configured Python index"
        return SourceInfo(name=self.name, location=location)

    def query_all(self, packages: Sequence[Package]) -> SourceAnswer:
        service = self._service()
        unchecked: list[tuple[str, str]] = []
        unaudited: list[tuple[str, str]] = []
        todo: list[Package] = []
        for package in packages:
            reason = precheck(package)
            if reason is not None:
                unaudited.append((package.id, reason))
            elif package.ecosystem is not Ecosystem.PYPI:
                unchecked.append((package.id, f"{self.name} source covers PyPI only"))
            else:
                todo.append(package)
        found: dict[str, tuple[OsvRecord, ...]] = {}
        if todo:
            with ThreadPoolExecutor(max_workers=min(WORKERS, len(todo))) as pool:
                answers = pool.map(lambda p: self._query(service, p), todo)
                for package, answer in zip(todo, answers, strict=True):
                    if isinstance(answer, str):
                        unchecked.append((package.id, answer))
                    elif answer:
                        found[package.id] = answer
        self._records = len({r.id for records in found.values() for r in records})
        info = SourceInfo(
            name=self.name,
            location=redact_url(self.json_base),
            updated=rfc3339(self.options.now),
            age_days=0.0,
            records=self._records,
            ecosystems=(Ecosystem.PYPI.value,),
        )
        return SourceAnswer(
            records=found, unchecked=tuple(unchecked), unaudited=tuple(unaudited), info=info
        )

    # -- pip-audit ---------------------------------------------------------------------------

    def _service(self) -> Any:
        """pip-audit's ``PyPIService`` whose requests go through auditor's client."""
        pypi: Any = importlib.import_module("pip_audit._service.pypi")
        # An explicit cache_dir keeps pip-audit from asking pip for its cache (a subprocess)
        # and from tidying its own legacy cache. The caching session it builds on it is
        # replaced before any request, so nothing is ever written there.
        cache = (self.options.cache_dir or Path(tempfile.gettempdir())) / "pip-audit-unused"
        service = pypi.PyPIService(cache_dir=cache, timeout=None)
        session = requests.Session()
        session.trust_env = False  # proxies, netrc and CA settings are the client's business
        adapter = _ThroughClient(self.client, self.json_base)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        service.session = session
        return service

    def _query(self, service: Any, package: Package) -> tuple[OsvRecord, ...] | str:
        """The records PyPI reports for the locked version, or why there are none."""
        interface: Any = importlib.import_module("pip_audit._service.interface")
        version_module: Any = importlib.import_module("packaging.version")
        try:
            version = version_module.Version(package.version)
        except version_module.InvalidVersion:
            return f"{self.name}: {package.version!r} is not a PEP 440 version"
        spec = interface.ResolvedDependency(name=package.name, version=version)
        try:
            answered, results = service.query(spec)
        except SourceError as exc:
            return f"{self.name}: {exc}"
        except (
            interface.ServiceError,
            requests.RequestException,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
        ) as exc:  # malformed vulnerability data or a service error inside pip-audit
            return f"{self.name}: pip-audit's PyPI service failed: {type(exc).__name__}: {exc}"
        if answered.is_skipped():
            return f"{self.name}: {answered.skip_reason}"
        return tuple(self._record(package, result) for result in results)

    def _record(self, package: Package, result: Any) -> OsvRecord:
        """A pip-audit ``VulnerabilityResult`` as an OSV record for this exact release."""
        fixes = sorted({str(v) for v in result.fix_versions})
        events = (
            Event(kind="introduced", version=package.version),
            *(Event(kind="fixed", version=v) for v in fixes),
        )
        published = rfc3339(result.published) if result.published else None
        affected = Affected(
            index=0,
            package=AffectedPackage(ecosystem=Ecosystem.PYPI.value, name=package.name),
            ranges=(Range(type=RANGE_ECOSYSTEM, events=events),),
            versions=(package.version,),
        )
        return OsvRecord(
            id=str(result.id),
            modified="",
            origin=f"{redact_url(self.json_base)}/{package.name}/{package.version}/json",
            published=published,
            aliases=tuple(sorted(str(a) for a in result.aliases if str(a) != str(result.id))),
            summary=str(result.description or ""),
            affected=(affected,),
        )


class _ThroughClient(BaseAdapter):
    """A requests transport that sends pip-audit's JSON API requests through auditor."""

    def __init__(self, client: HttpClient, json_base: str) -> None:
        super().__init__()
        self.client = client
        self.json_base = json_base

    def send(  # noqa: PLR0917 - requests' BaseAdapter.send signature
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        parts = urlsplit(request.url or "").path.rstrip("/").split("/")
        if request.method != "GET" or len(parts) < 3 or parts[-1] != "json":
            raise SourceError(
                f"pypi: pip-audit asked for {request.method} {request.url!r}, not "
                "<name>/<version>/json (an unsupported pip-audit version?)"
            )
        url = f"{self.json_base}/{parts[-3]}/{parts[-2]}/json"
        answer = self.client.get(url, accept=(404,), expect_json=True)
        if answer.status == 200:
            _check_vulnerabilities(answer.json(), answer.url)
        response = requests.Response()
        response.status_code = answer.status
        response._content = answer.body
        response.headers.update(answer.headers)
        response.encoding = "utf-8"
        response.url = request.url or url
        response.request = request
        return response

    def close(self) -> None:
        """Nothing to close: the run's client owns the connections."""


def _check_vulnerabilities(document: Any, url: str) -> None:
    if not isinstance(document, dict):
        raise SourceError(f"GET {url}: the answer is not a JSON object")
    vulns = document.get("vulnerabilities")
    if "vulnerabilities" not in document:
        raise SourceError(
            f"GET {url}: no 'vulnerabilities' in the answer: this index does not publish "
            "PyPI's vulnerability data"
        )
    if not isinstance(vulns, list) or not all(isinstance(v, dict) for v in vulns):
        raise SourceError(f"GET {url}: 'vulnerabilities' is not a list of objects")
