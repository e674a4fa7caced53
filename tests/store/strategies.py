"""Hypothesis strategies: arbitrary graphs, findings, run details and suppressions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from typing import Any

from hypothesis import strategies as st

from auditor.core.findings import Epss, Finding, FindingKind, Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import (
    Ecosystem,
    Edge,
    FileError,
    Hash,
    Location,
    Package,
    Root,
    SkippedPackage,
    Source,
    SourceKind,
    root_id,
)
from auditor.core.result import AuditResult, Status
from auditor.store import InputRecord, SnapshotMeta, SuppressionRule, codec
from auditor.store.content import EDGE_COLUMNS, PACKAGE_COLUMNS

# PostgreSQL text cannot hold NUL; lockfile text never does (inputs.py rejects binary).
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)
SHORT = st.text(alphabet="abcdefgh-_.0123456789", min_size=1, max_size=6)
NAMES = st.sampled_from(
    ["a", "b", "c", "requests", "@scope/pkg", "github.com/x/y", "Zope.Interface"]
)
VERSIONS = st.sampled_from(["1.0", "1.0.0", "2.0", "v1.2.3", "0.0.1-beta.1", "2.0.0+cpu", ""])
URLS = st.sampled_from(
    [None, "https://git.example.invalid/x.git", "file:../lib", "https://h.invalid/a?b=c d"]
)
OPTIONAL_TEXT = st.none() | TEXT


sources = st.builds(
    Source,
    kind=st.sampled_from(SourceKind),
    url=URLS,
    reference=st.none() | SHORT,
    subdirectory=st.none() | SHORT,
)
hashes = st.builds(Hash, algorithm=st.sampled_from(["sha256", "sha512"]), value=SHORT)
# Package.merged_with sorts locations, which needs line and key set when paths are equal;
# locations without a line or key are covered by the real-graph tests.
locations = st.builds(Location, path=SHORT, line=st.integers(1, 10_000), key=TEXT)


def typed(hint: Any) -> st.SearchStrategy[Any]:
    """Values of a model type: text without NUL, finite floats, enums, tuples, frozensets,
    optionals and nested dataclasses (what the model's fields are made of)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([typed(arg) for arg in args])
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(typed(args[0]), max_size=2).map(tuple)
        return st.tuples(*(typed(arg) for arg in args))
    if origin is frozenset:
        return st.frozensets(typed(args[0]), max_size=2)
    simple: dict[Any, st.SearchStrategy[Any]] = {
        str: TEXT,
        int: st.integers(-1000, 1000),
        float: st.floats(-1e6, 1e6, allow_nan=False),
        bool: st.booleans(),
        type(None): st.none(),
    }
    if hint in simple:
        return simple[hint]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(hint)
    if dataclasses.is_dataclass(hint):
        return st.builds(hint, **fields_of(hint))  # type: ignore[arg-type]
    raise TypeError(f"no strategy for {hint!r}: extend tests/store/strategies.py")


def fields_of(cls: type, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A strategy for each constructor field of ``cls`` not in ``skip``."""
    hints = codec.type_hints(cls)
    return {
        f.name: typed(hints[f.name])
        for f in dataclasses.fields(cls)
        if f.init and f.name not in skip
    }


def extra_fields(cls: type, columns: frozenset[str]) -> dict[str, Any]:
    """Strategies for the fields of ``cls`` the store keeps as JSON (fields the model
    gains later), so the round trip covers them as soon as they exist."""
    return fields_of(cls, columns)


packages = st.builds(
    Package,
    **extra_fields(Package, PACKAGE_COLUMNS),
    ecosystem=st.sampled_from(Ecosystem),
    name=NAMES,
    version=VERSIONS,
    source=sources,
    hashes=st.frozensets(hashes, max_size=3),
    scopes=st.frozensets(st.sampled_from(["main", "dev", "optional", "group:docs"]), max_size=2),
    found_in=st.lists(locations, max_size=3).map(tuple),
)


@st.composite
def graphs(draw: st.DrawFn) -> DependencyGraph:
    pkgs = draw(st.lists(packages, max_size=12))
    root_paths = draw(st.lists(SHORT, min_size=1, max_size=3, unique=True))
    roots = [
        Root(id=root_id(p), name=p, ecosystem=draw(st.sampled_from(Ecosystem)), path=p)
        for p in root_paths
    ]
    nodes = [r.id for r in roots] + [p.id for p in pkgs]
    edges = draw(
        st.lists(
            st.builds(
                Edge,
                **extra_fields(Edge, EDGE_COLUMNS),
                parent=st.sampled_from(nodes),
                child=st.sampled_from(nodes),
                requirement=OPTIONAL_TEXT,
                scope=st.none() | st.sampled_from(["dev", "optional", "peer"]),
            ),
            max_size=25,
        )
    )
    return DependencyGraph(packages=pkgs, roots=roots, edges=edges)


FINDING_FIELDS = frozenset(
    {
        "package_id",
        "kind",
        "id",
        "severity",
        "aliases",
        "summary",
        "details",
        "score",
        "fixed_versions",
        "fix_version",
        "references",
        "cwes",
        "published",
        "modified",
        "evidence",
    }
)
RESULT_FIELDS = frozenset(
    {"graph", "findings", "skipped", "errors", "unchecked", "registries", "status"}
)


HUNDREDTHS = st.integers(0, 100).map(lambda n: round(n / 100, 2))


@st.composite
def findings_for(draw: st.DrawFn, graph: DependencyGraph) -> tuple[Finding, ...]:
    ids = [p.id for p in graph.packages] or ["pkg:pypi/absent@1"]
    finding = st.builds(
        Finding,
        package_id=st.sampled_from([*ids, "pkg:npm/not-in-graph@2"]),
        kind=st.sampled_from(FindingKind),
        id=st.sampled_from(["PYSEC-2020-1", "GHSA-xxxx", "MAL-1", "TYPO-1"]),
        severity=st.sampled_from(Severity),
        aliases=st.lists(SHORT, max_size=2).map(tuple),
        summary=TEXT,
        details=TEXT,
        score=st.none() | st.floats(0, 10, allow_nan=False),
        fixed_versions=st.lists(VERSIONS, max_size=2).map(tuple),
        fix_version=st.none() | VERSIONS,
        references=st.lists(TEXT, max_size=2).map(tuple),
        cwes=st.lists(SHORT, max_size=2).map(tuple),
        published=OPTIONAL_TEXT,
        modified=st.none() | st.sampled_from(["2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z"]),
        evidence=st.lists(st.tuples(SHORT, TEXT), max_size=2).map(tuple),
        kev=st.booleans(),
        # the store keeps EPSS to two decimals (store/sets.py): a value with more does not
        # come back as it went in, by design
        epss=st.none() | st.builds(Epss, score=HUNDREDTHS, percentile=HUNDREDTHS),
        **fields_of(Finding, FINDING_FIELDS | {"kev", "epss"}),  # fields Finding gains later
    )
    return tuple(draw(st.lists(finding, max_size=6)))


@st.composite
def results(draw: st.DrawFn) -> AuditResult:
    graph = draw(graphs())
    return AuditResult(
        graph=graph,
        findings=draw(findings_for(graph)),
        skipped=tuple(
            draw(
                st.lists(
                    st.builds(
                        SkippedPackage,
                        ecosystem=st.sampled_from(Ecosystem),
                        name=SHORT,
                        requirement=TEXT,
                        reason=TEXT,
                        location=locations,
                    ),
                    max_size=2,
                )
            )
        ),
        errors=tuple(
            draw(
                st.lists(
                    st.builds(
                        FileError,
                        path=SHORT,
                        message=TEXT,
                        line=st.none() | st.integers(1, 99),
                        key=OPTIONAL_TEXT,
                    ),
                    max_size=2,
                )
            )
        ),
        unchecked=tuple(draw(st.lists(st.tuples(SHORT, TEXT), max_size=2))),
        registries=tuple(draw(st.lists(st.sampled_from(["https://r.invalid/simple"]), max_size=1))),
        status=draw(st.sampled_from(Status)),
        **draw(st.fixed_dictionaries(fields_of(AuditResult, RESULT_FIELDS))),  # fields added later
    )


UTC_TIMES = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2100, 1, 1),
    timezones=st.just(dt.timezone.utc),
)

metas = st.builds(
    SnapshotMeta,
    taken_at=UTC_TIMES,
    git_commit=st.none() | st.text(alphabet="0123456789abcdef", min_size=40, max_size=40),
    git_branch=st.none() | SHORT,
    inputs=st.lists(
        st.builds(
            InputRecord,
            path=SHORT,
            sha256=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
        ),
        max_size=3,
    ).map(lambda xs: tuple(sorted(set(xs)))),
    tool_version=SHORT,
    advisory_db=st.none() | SHORT,
    advisory_db_updated_at=st.none() | UTC_TIMES,
    replayed=st.booleans(),
    suppressions=st.lists(
        st.builds(
            SuppressionRule,
            id=SHORT,
            reason=TEXT,
            package=st.none() | SHORT,
            expires=st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
        ),
        max_size=3,
    ).map(tuple),
)
