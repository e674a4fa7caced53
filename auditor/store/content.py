"""The canonical, content-addressed form of what a snapshot stores (no database here).

A graph is cut into *chunks* of members (packages with their place in the graph) and of
edges. Chunk boundaries are content-defined: an item closes its chunk when the hash of its
key falls on a boundary, so adding, removing or upgrading one package rewrites only the
chunk or two around it, never the whole graph. Where each package was found (file, line,
key) changes whenever a lockfile gains a line, so it lives apart in one compressed blob.
Every digest is SHA-256 over canonical JSON (``codec.digest``). Findings, suppressions and
the run details are in ``sets.py``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from auditor.core.errors import StoreError
from auditor.core.graph import DependencyGraph
from auditor.core.model import Hash, Location, Package, Root, Source
from auditor.core.redact import REDACTED, redact_url
from auditor.store import codec

MEMBERS_PER_CHUNK = 16  # expected size; the boundary test is a hash modulo this
EDGES_PER_CHUNK = 16
MAX_CHUNK_FACTOR = 4  # a run of unlucky hashes still closes a chunk at 4x the expected size
# Package and Edge fields with columns of their own; any other field (one the model gains
# later) is stored as JSON in the member's or edge's ``extra`` column when it is set.
PACKAGE_COLUMNS = frozenset(
    {"ecosystem", "name", "version", "source", "hashes", "scopes", "found_in"}
)
EDGE_COLUMNS = frozenset({"parent", "child", "requirement", "scope"})

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class ComponentRow:
    digest: bytes
    ecosystem: str
    name: str
    version: str
    purl: str
    source_kind: str
    source_url: str | None
    source_reference: str | None
    source_subdirectory: str | None

    def values(self) -> dict[str, Any]:
        """The row's columns except the digest."""
        return {
            "ecosystem": self.ecosystem,
            "name": self.name,
            "version": self.version,
            "purl": self.purl,
            "source_kind": self.source_kind,
            "source_url": self.source_url,
            "source_reference": self.source_reference,
            "source_subdirectory": self.source_subdirectory,
        }


@dataclass(frozen=True, kw_only=True)
class MemberItem:
    component: bytes
    hashset: bytes | None
    declared_scopes: tuple[str, ...]
    scope: str
    direct: bool
    depth: int | None
    extra: str | None = None  # Package fields the store has no column for (see extras)

    def canonical(self) -> list[Any]:
        hashset = self.hashset.hex() if self.hashset else None
        scopes = list(self.declared_scopes)
        item = [self.component.hex(), hashset, scopes, self.scope, self.direct, self.depth]
        return item if self.extra is None else [*item, self.extra]


@dataclass(frozen=True, kw_only=True)
class EdgeItem:
    parent: str  # node keys (see node_keys)
    child: str
    requirement: str | None
    scope: str | None
    extra: str | None = None  # Edge fields the store has no column for (see extras)

    def canonical(self) -> list[Any]:
        item = [self.parent, self.child, self.requirement, self.scope]
        return item if self.extra is None else [*item, self.extra]

    def order(self) -> tuple[str, str, bool, str, bool, str, str]:
        return (
            self.parent,
            self.child,
            self.requirement is not None,
            self.requirement or "",
            self.scope is not None,
            self.scope or "",
            self.extra or "",
        )


@dataclass(frozen=True, kw_only=True)
class ChunkPlan:
    kind: str  # "members" or "edges"
    digest: bytes
    members: tuple[MemberItem, ...] = ()
    edges: tuple[EdgeItem, ...] = ()

    @property
    def size(self) -> int:
        return len(self.members) + len(self.edges)


@dataclass(frozen=True, kw_only=True)
class BlobPlan:
    digest: bytes
    data: bytes  # zlib-compressed canonical JSON


@dataclass(frozen=True, kw_only=True)
class GraphPlan:
    digest: bytes
    roots: str
    locations: BlobPlan
    components: dict[bytes, ComponentRow]
    hashsets: dict[bytes, str]
    chunks: tuple[ChunkPlan, ...]
    packages: int
    direct: int
    edges: int
    versions: frozenset[tuple[str, str, str]]  # (ecosystem, name, version), for churn


def blob(data: Any) -> BlobPlan:
    text = codec.canonical_json(data).encode("utf-8")
    return BlobPlan(digest=hashlib.sha256(text).digest(), data=zlib.compress(text, 9))


def unblob(data: bytes, what: str) -> Any:
    try:
        text = zlib.decompress(data)
    except zlib.error as exc:
        raise StoreError(f"the store holds a damaged {what}: {exc}") from None
    return codec.loads(text, what)


def chunks(items: Sequence[T], key: Callable[[T], str], expected: int) -> list[list[T]]:
    """Cut ``items`` where the hash of an item's key hits a boundary (content-defined)."""
    out: list[list[T]] = []
    current: list[T] = []
    limit = expected * MAX_CHUNK_FACTOR
    for item in items:
        current.append(item)
        mark = int.from_bytes(hashlib.sha256(key(item).encode("utf-8")).digest()[:4], "big")
        if mark % expected == 0 or len(current) >= limit:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def safe_url(url: str | None) -> str | None:
    """A URL with any credential replaced; other URLs are kept byte for byte."""
    if url is None:
        return None
    redacted = redact_url(url)
    return redacted if REDACTED in redacted and REDACTED not in url else url


def component_row(pkg: Package, *, purl: str | None = None) -> ComponentRow:
    """The component of a package whose source URL is already safe (see ``_safe_package``)."""
    source = pkg.source
    fields = [
        pkg.ecosystem.value,
        pkg.name,
        pkg.version,
        source.kind.value,
        source.url,
        source.reference,
        source.subdirectory,
    ]
    return ComponentRow(
        digest=codec.digest(fields),
        ecosystem=pkg.ecosystem.value,
        name=pkg.name,
        version=pkg.version,
        purl=purl or pkg.purl,
        source_kind=source.kind.value,
        source_url=source.url,
        source_reference=source.reference,
        source_subdirectory=source.subdirectory,
    )


def _safe_package(pkg: Package) -> Package:
    if safe_url(pkg.source.url) == pkg.source.url:
        return pkg
    return dataclasses.replace(pkg, source=_safe_source(pkg.source))


def _safe_source(source: Source) -> Source:
    return dataclasses.replace(source, url=safe_url(source.url))


def node_keys(packages: Iterable[Package]) -> dict[str, str]:
    """The key edges use for each package id: ``<ecosystem>:<name>`` when the name is
    unique in the graph, else ``...@<version>``, else ``id:<purl>``.

    Computed from the packages alone, so loading rebuilds the same map.
    """
    return node_keys_by_id({pkg.id: pkg for pkg in packages})


def node_keys_by_id(packages: dict[str, Package]) -> dict[str, str]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pid, pkg in packages.items():
        groups[(pkg.ecosystem.value, pkg.name)].append(pid)
    keys: dict[str, str] = {}
    for (ecosystem, name), same_name in groups.items():
        if len(same_name) == 1:
            keys[same_name[0]] = f"{ecosystem}:{name}"
            continue
        versions = Counter(packages[pid].version for pid in same_name)
        for pid in same_name:
            version = packages[pid].version
            unique = versions[version] == 1
            keys[pid] = f"{ecosystem}:{name}@{version}" if unique else f"id:{pid}"
    return keys


def extras(value: Any, columns: frozenset[str]) -> str | None:
    """Canonical JSON of ``value``'s fields outside ``columns`` that differ from their
    defaults; ``None`` when there are none (so today's rows carry no extra bytes)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(value):
        if f.name in columns or not f.init:
            continue
        current = getattr(value, f.name)
        if f.default is not dataclasses.MISSING and current == f.default:
            continue
        if f.default_factory is not dataclasses.MISSING and current == f.default_factory():
            continue
        out[f.name] = codec.encode(current)
    return codec.canonical_json(out) if out else None


def extra_kwargs(cls: type, text: str | None) -> dict[str, Any]:
    """Constructor arguments back from ``extras`` (fields the class no longer has are
    dropped)."""
    if not text:
        return {}
    data = codec.loads(text, f"extra {cls.__name__} fields")
    hints = codec.type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls) if f.init}
    try:
        return {k: codec.decode_value(hints[k], v) for k, v in data.items() if k in names}
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"the store holds extra {cls.__name__} fields that do not fit: {exc}"
        ) from None


def hashes_json(hashes: frozenset[Hash]) -> str:
    """A package's hashes as canonical JSON: sorted ``[algorithm, value]`` pairs."""
    return codec.canonical_json([[h.algorithm, h.value] for h in sorted(hashes)])


def hashes_from_json(text: str) -> frozenset[Hash]:
    pairs = codec.loads(text, "package hashes")
    return frozenset(Hash(algorithm=str(a), value=str(v)) for a, v in pairs)


def locations_json(found_in: tuple[Location, ...]) -> list[list[Any]]:
    return [[loc.path, loc.line, loc.key] for loc in found_in]


def locations_from_json(data: Any) -> tuple[Location, ...]:
    return tuple(Location(path=str(p), line=line, key=key) for p, line, key in data)


def plan_graph(graph: DependencyGraph) -> GraphPlan:
    # Package.id builds the purl on every call: compute each one once.
    safe: dict[str, Package] = {}
    safe_ids: dict[str, str] = {}
    for pkg in graph.packages:
        pid = pkg.id
        clean = _safe_package(pkg)
        safe[pid] = clean
        safe_ids[pid] = pid if clean is pkg else clean.id
    keys = node_keys_by_id({safe_ids[pid]: p for pid, p in safe.items()})
    components: dict[str, ComponentRow] = {}
    hashsets: dict[bytes, str] = {}
    members: list[MemberItem] = []
    member_keys: dict[bytes, str] = {}
    locations: list[list[Any]] = []
    direct = 0
    for pid, pkg in safe.items():
        view = graph.view(pid)
        row = component_row(pkg, purl=safe_ids[pid])
        components[pid] = row
        member_keys[row.digest] = keys[safe_ids[pid]]
        hashset = None
        if pkg.hashes:
            text = hashes_json(pkg.hashes)
            hashset = hashlib.sha256(text.encode("utf-8")).digest()
            hashsets[hashset] = text
        members.append(
            MemberItem(
                component=row.digest,
                hashset=hashset,
                declared_scopes=tuple(sorted(pkg.scopes)),
                scope=view.scope,
                direct=view.direct,
                depth=view.depth,
                extra=extras(pkg, PACKAGE_COLUMNS),
            )
        )
        # Keyed by node key (a name, mostly): names compress where digests would not.
        locations.append([keys[safe_ids[pid]], locations_json(pkg.found_in)])
        direct += view.direct
    edges = sorted(
        (
            EdgeItem(
                parent=_key(edge.parent, safe_ids, keys),
                child=_key(edge.child, safe_ids, keys),
                requirement=edge.requirement,
                scope=edge.scope,
                extra=extras(edge, EDGE_COLUMNS),
            )
            for edge in graph.edges
        ),
        key=EdgeItem.order,
    )
    # Boundaries hang on names, not versions: an upgrade leaves the chunk layout alone.
    member_chunks = [
        _chunk("members", group, members=tuple(group))
        for group in chunks(members, lambda m: member_keys[m.component], MEMBERS_PER_CHUNK)
    ]
    edge_chunks = [
        _chunk("edges", group, edges=tuple(group))
        for group in chunks(edges, lambda e: f"{e.parent}\n{e.child}", EDGES_PER_CHUNK)
    ]
    roots = codec.canonical_json([root_json(root) for root in graph.roots])
    location_blob = blob(locations)
    all_chunks = (*member_chunks, *edge_chunks)
    return GraphPlan(
        digest=codec.digest(
            {
                "roots": roots,
                "chunks": [c.digest.hex() for c in all_chunks],
                "locations": location_blob.digest.hex(),
            }
        ),
        roots=roots,
        locations=location_blob,
        components={row.digest: row for row in components.values()},
        hashsets=hashsets,
        chunks=all_chunks,
        packages=len(members),
        direct=direct,
        edges=len(edges),
        versions=frozenset((r.ecosystem, r.name, r.version) for r in components.values()),
    )


def _chunk(
    kind: str,
    group: Sequence[MemberItem | EdgeItem],
    *,
    members: tuple[MemberItem, ...] = (),
    edges: tuple[EdgeItem, ...] = (),
) -> ChunkPlan:
    digest = codec.digest([kind, [item.canonical() for item in group]])
    return ChunkPlan(kind=kind, digest=digest, members=members, edges=edges)


def _key(node_id: str, safe_ids: dict[str, str], keys: dict[str, str]) -> str:
    """A package's node key, or a root's id as it is."""
    safe = safe_ids.get(node_id)
    return keys[safe] if safe is not None else node_id


ROOT_FIELDS = frozenset({"id", "name", "ecosystem", "path"})


def root_json(root: Root) -> Any:
    """A root as stored: fields the model gained later (``requires_python``) only when set,
    so that a graph's content, and its digest, stays what it was for roots without them."""
    data = {f.name: codec.encode(getattr(root, f.name)) for f in dataclasses.fields(root)}
    return {k: v for k, v in data.items() if k in ROOT_FIELDS or v is not None}


def roots_from_json(text: str) -> tuple[Root, ...]:
    data = codec.loads(text, "graph roots")
    return tuple(codec.decode_stored(Root, item, "a graph root") for item in data)
