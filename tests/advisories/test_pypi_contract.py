"""The parts of pip-audit's internals that auditor/advisories/pypi.py relies on.

If a pip-audit release changes any of these, this test fails (and only this one, plus the
pypi source's own tests): update the adapter, then this pin.
"""

from __future__ import annotations

import inspect
from datetime import datetime
from pathlib import Path
from typing import Any

import requests
from packaging.version import Version
from pip_audit._service import interface
from pip_audit._service.pypi import PyPIService


class _Recorder(requests.Session):
    """A session that records what pip-audit asks and answers from a canned body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__()
        self.status, self.body, self.asked = status, body, []  # type: ignore[var-annotated]

    def get(self, url: str | bytes, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.asked.append((url, kwargs))
        response = requests.Response()
        response.status_code = self.status
        response._content = requests.compat.json.dumps(self.body).encode()
        response.url = str(url)
        return response


def test_service_constructor_and_session_attribute(tmp_path: Path) -> None:
    """PyPIService(cache_dir=, timeout=) keeps its requests session in ``session``."""
    parameters = inspect.signature(PyPIService.__init__).parameters
    assert {"cache_dir", "timeout"} <= set(parameters)
    service = PyPIService(cache_dir=tmp_path, timeout=None)
    assert isinstance(service.session, requests.Session)


def test_query_asks_name_version_json_with_get(tmp_path: Path) -> None:
    """query() sends one GET to .../<canonical name>/<version>/json via session.get(url=)."""
    service = PyPIService(cache_dir=tmp_path, timeout=None)
    recorder = _Recorder(200, {"info": {}, "vulnerabilities": []})
    service.session = recorder
    spec = interface.ResolvedDependency(name="Zope.SQLAlchemy", version=Version("1.1"))
    answered, results = service.query(spec)
    [(url, kwargs)] = recorder.asked
    assert str(url).endswith("/zope-sqlalchemy/1.1/json")
    assert "timeout" in kwargs
    assert (answered, results) == (spec, [])


def test_query_result_shape(tmp_path: Path) -> None:
    """A vulnerability becomes a VulnerabilityResult with id, aliases, fix_versions,
    description and published; PYSEC ids are preferred; withdrawn ones are dropped."""
    service = PyPIService(cache_dir=tmp_path, timeout=None)
    vuln = {
        "id": "GHSA-x",
        "aliases": ["PYSEC-2021-1", "CVE-2021-2"],
        "fixed_in": ["2.0", "1.5.1"],
        "summary": "one\nline",
        "details": "long",
        "published": "2021-01-02T03:04:05Z",
        "withdrawn": None,
    }
    withdrawn = {**vuln, "id": "GHSA-y", "aliases": [], "withdrawn": "2022-01-01T00:00:00Z"}
    service.session = _Recorder(200, {"vulnerabilities": [vuln, withdrawn]})
    spec = interface.ResolvedDependency(name="x", version=Version("1.0"))
    _, [result] = service.query(spec)
    assert isinstance(result, interface.VulnerabilityResult)
    assert "PYSEC-2021-1" == result.id
    assert {"GHSA-x", "CVE-2021-2"} == set(result.aliases)
    assert [Version("1.5.1"), Version("2.0")] == result.fix_versions
    assert "one line" == result.description
    assert datetime(2021, 1, 2, 3, 4, 5) == result.published


def test_not_found_is_a_skipped_dependency(tmp_path: Path) -> None:
    """A 404 answer comes back as a SkippedDependency with a skip_reason, not an error."""
    service = PyPIService(cache_dir=tmp_path, timeout=None)
    service.session = _Recorder(404, {"message": "Not Found"})
    spec = interface.ResolvedDependency(name="x", version=Version("1.0"))
    answered, results = service.query(spec)
    assert answered.is_skipped()
    assert isinstance(answered, interface.SkippedDependency)
    assert "x (1.0)" in answered.skip_reason
    assert [] == results


def test_error_types() -> None:
    """ServiceError is the root of pip-audit's service failures."""
    assert issubclass(interface.ConnectionError, interface.ServiceError)
    assert issubclass(interface.ServiceError, Exception)
