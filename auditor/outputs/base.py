"""What every output format is handed besides the result: the project, the time, and the
choices that make a document reproducible.

A document's time is fixed by ``--timestamp`` or ``SOURCE_DATE_EPOCH``; when it is, the
serial numbers and namespaces that would otherwise be random are derived from the content,
so the same input gives the same bytes (golden files, reproducible builds).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

from auditor import __version__
from auditor.core.errors import UsageError
from auditor.core.findings import Finding
from auditor.core.graph import DependencyGraph
from auditor.core.result import AuditResult
from auditor.core.times import rfc3339

TOOL_NAME = "auditor"
# Content-derived serials live in their own UUID namespace (uuid5 of this name).
SERIAL_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:auditor:serial")


FindingKey = tuple[str, str, str, str]  # (kind, ecosystem, package name, finding id)


def finding_key(finding: Finding, graph: DependencyGraph) -> FindingKey:
    """A finding's identity across runs: not the version (an upgrade that keeps the
    advisory open is the same finding) and not the line it was found on."""
    package = graph.package(finding.package_id)
    return (finding.kind.value, package.ecosystem.value, package.name, finding.id)


@dataclass(frozen=True, kw_only=True)
class Previous:
    """The findings of an earlier run (a stored snapshot), to tell what is new."""

    findings: frozenset[FindingKey]
    label: str = "the last snapshot"


@dataclass(frozen=True, kw_only=True)
class RenderOptions:
    """Everything a format may need beyond the ``AuditResult``."""

    project_name: str = "project"
    project_version: str | None = None
    timestamp: datetime | None = None  # None: now, and random serials
    spec_version: str | None = None  # CycloneDX: "1.6" (default), "1.5", "1.4"
    source_root: str = ""  # prefix making found_in paths relative to the repository root
    previous: Previous | None = None
    fail_on: str | None = None
    show: frozenset[str] = frozenset()  # what the terminal table lists besides findings
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def reproducible(self) -> bool:
        return self.timestamp is not None

    def when(self) -> datetime:
        return self.timestamp or datetime.now(timezone.utc).replace(microsecond=0)


def tool_version() -> str:
    return __version__


def content_serial(result: AuditResult, options: RenderOptions, salt: str) -> uuid.UUID:
    """A UUID derived from what the document says (random when the time is not fixed)."""
    if not options.reproducible:
        return uuid.uuid4()
    from auditor.outputs.findings_json import findings_document  # noqa: PLC0415
    from auditor.outputs.graph_json import graph_document  # noqa: PLC0415

    def dumps(document: object) -> str:
        # compact: json's C encoder only serves documents without indentation
        return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    digest = hashlib.sha256()
    for part in (
        salt,
        options.project_name,
        options.project_version or "",
        options.when().isoformat(),
        dumps(graph_document(result.graph, status=result.status)),
        dumps(findings_document(result)),
    ):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return uuid.uuid5(SERIAL_NAMESPACE, digest.hexdigest())


def parse_timestamp(text: str, *, origin: str) -> datetime:
    """``--timestamp``/``SOURCE_DATE_EPOCH``: seconds since the epoch or ISO 8601 (UTC)."""
    value = text.strip()
    try:
        if value.isdigit():
            moment = datetime.fromtimestamp(int(value), tz=timezone.utc)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"{origin}: {text!r} is neither seconds since 1970 nor an ISO 8601 time"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def fixed_timestamp(flag: str | None, environ: Mapping[str, str]) -> datetime | None:
    """The document time the user fixed (flag first, then ``SOURCE_DATE_EPOCH``)."""
    if flag:
        return parse_timestamp(flag, origin="--timestamp")
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    return parse_timestamp(epoch, origin="SOURCE_DATE_EPOCH") if epoch else None


def iso_utc(moment: datetime) -> str:
    return rfc3339(moment)
