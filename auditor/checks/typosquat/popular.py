"""Popular-package lists: the names a typosquat imitates, each with a popularity weight.

A list is a small sorted text file (see docs/checks.md): ``# key: value`` header lines, then
one ``name<TAB>weight`` line per package, names normalised for the ecosystem and sorted. The
weight is either a ``rank`` (1 = most popular) or monthly ``downloads``; ``score`` turns both
into "bigger is more popular" so that the popularity ratio means the same thing for both.
The bundled lists live in ``data/popular/`` so that an installed wheel carries them.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from auditor.core.errors import AuditorError
from auditor.core.model import Ecosystem
from auditor.core.resources import bundled_data

FORMAT = "auditor.popular/1"
BUNDLED_ECOSYSTEMS = (Ecosystem.NPM, Ecosystem.PYPI)


class PopularListError(AuditorError):
    """A popularity list (bundled or given) that cannot be read; names the file and line."""


class WeightKind(str, enum.Enum):
    """What the number beside each name means."""

    RANK = "rank"  # 1 = most popular
    DOWNLOADS = "downloads"  # downloads a month


@dataclass(frozen=True, kw_only=True, order=True)
class Popularity:
    """How popular one name is, as the list states it."""

    kind: WeightKind
    value: int

    @property
    def score(self) -> float:
        """Bigger is more popular: downloads as they are, ranks as their inverse."""
        return 1.0 / self.value if self.kind is WeightKind.RANK else float(self.value)

    def render(self) -> str:
        if self.kind is WeightKind.RANK:
            return f"rank {self.value:,}"
        return f"{self.value:,} downloads a month"

    def json(self) -> dict[str, object]:
        return {"kind": self.kind.value, "value": self.value}


@dataclass(frozen=True, kw_only=True, eq=False)
class PopularList:
    """Every name of one ecosystem's list with its weight."""

    ecosystem: Ecosystem
    kind: WeightKind
    weights: Mapping[str, int]
    source: str = ""

    def __contains__(self, name: object) -> bool:
        return name in self.weights

    def __len__(self) -> int:
        return len(self.weights)

    def popularity(self, name: str) -> Popularity | None:
        weight = self.weights.get(name)
        return None if weight is None else Popularity(kind=self.kind, value=weight)

    @functools.cached_property
    def floor(self) -> Popularity:
        """The most a name outside the list can have: the last rank + 1, or the smallest
        download count (the list's cut-off)."""
        if not self.weights:
            value = 1 if self.kind is WeightKind.RANK else 0
        elif self.kind is WeightKind.RANK:
            value = max(self.weights.values()) + 1
        else:
            value = min(self.weights.values())
        return Popularity(kind=self.kind, value=value)

    def describe_unlisted(self) -> str:
        """What not being on this list says, and only that: nobody measured the name's own
        downloads, so no figure is claimed for it."""
        if self.kind is WeightKind.RANK:
            return (
                f"not on the bundled list of the top {self.floor.value - 1:,} "
                f"{self.ecosystem.value} projects by downloads"
            )
        return (
            f"not on the bundled list of the top {len(self):,} {self.ecosystem.value} "
            f"packages by downloads (those with {self.floor.value:,} or more a month)"
        )

    def at_least(self, score: float) -> list[str]:
        """The names whose popularity score is ``score`` or more, sorted."""
        if self.kind is WeightKind.RANK:
            return sorted(name for name, rank in self.weights.items() if 1.0 / rank >= score)
        return sorted(name for name, downloads in self.weights.items() if downloads >= score)


def render_list(
    ecosystem: Ecosystem,
    kind: WeightKind,
    weights: Mapping[str, int],
    *,
    source: str,
) -> str:
    """The text of a list file: header, then names in code-point order."""
    header = [
        f"# {FORMAT}",
        f"# ecosystem: {ecosystem.value}",
        f"# weight: {kind.value}",
        f"# source: {' '.join(source.split())}",
        "# regenerate: scripts/build_popular.py (see docs/checks.md)",
    ]
    body = [f"{name}\t{weights[name]}" for name in sorted(weights)]
    return "\n".join(header + body) + "\n"


def parse_list(text: str, path: str) -> PopularList:
    """Read a list file; any malformed line is an error naming ``path`` and the line."""
    header: dict[str, str] = {}
    weights: dict[str, int] = {}
    ecosystem: Ecosystem | None = None
    kind = WeightKind.RANK
    previous = ""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            if sep and ecosystem is None:
                header[key.strip()] = value.strip()
            continue
        if ecosystem is None:
            ecosystem, kind = _parse_header(header, path)
        name, weight = _parse_entry(line, path, number)
        if ecosystem.normalize_name(name) != name:
            raise PopularListError(
                f"{path}:{number}: {name!r} is not normalised for {ecosystem.value}"
            )
        if name <= previous:
            problem = "duplicate name" if name == previous else "out of order (names are sorted)"
            raise PopularListError(f"{path}:{number}: {problem}: {name!r}")
        previous = name
        weights[name] = weight
    if ecosystem is None:
        ecosystem, kind = _parse_header(header, path)
    return PopularList(
        ecosystem=ecosystem, kind=kind, weights=weights, source=header.get("source", "")
    )


def _parse_entry(line: str, path: str, number: int) -> tuple[str, int]:
    fields = line.split("\t")
    if len(fields) != 2 or not fields[0] or fields[0] != fields[0].strip():
        raise PopularListError(f"{path}:{number}: expected 'name<TAB>weight'")
    name, text = fields
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise PopularListError(f"{path}:{number}: weight {text!r} is not a positive integer")
    return name, int(text)


def _parse_header(header: Mapping[str, str], path: str) -> tuple[Ecosystem, WeightKind]:
    try:
        ecosystem = Ecosystem.parse(header["ecosystem"])
        kind = WeightKind(header["weight"])
    except KeyError as exc:
        raise PopularListError(f"{path}: missing header line '# {exc.args[0]}: ...'") from None
    except ValueError as exc:
        raise PopularListError(f"{path}: bad header: {exc}") from None
    if ecosystem not in BUNDLED_ECOSYSTEMS:  # the ecosystems the typosquat check covers
        raise PopularListError(f"{path}: bad header: unknown ecosystem {ecosystem.value!r}")
    return ecosystem, kind


def bundled_path(ecosystem: Ecosystem) -> str:
    return f"data/popular/{ecosystem.purl_type}.tsv"


@functools.cache
def bundled_text(ecosystem: Ecosystem) -> str:
    """The text of the list shipped with auditor for ``ecosystem``."""
    if ecosystem not in BUNDLED_ECOSYSTEMS:
        raise PopularListError(f"no bundled popular-package list for {ecosystem.value}")
    resource = bundled_data("popular", f"{ecosystem.purl_type}.tsv")
    try:
        return resource.read_text(encoding="utf-8")
    except OSError as exc:
        raise PopularListError(f"{bundled_path(ecosystem)}: cannot read: {exc}") from None


@functools.cache
def bundled(ecosystem: Ecosystem) -> PopularList:
    """The list shipped with auditor for ``ecosystem`` (parsed once per process)."""
    return parse_list(bundled_text(ecosystem), bundled_path(ecosystem))


def merge_weights(
    entries: Iterable[tuple[str, int]], ecosystem: Ecosystem, kind: WeightKind
) -> dict[str, int]:
    """Normalise names and keep the best weight when two spellings normalise alike."""
    best: dict[str, int] = {}
    for raw, weight in entries:
        name = ecosystem.normalize_name(raw.strip())
        known = best.get(name)
        if known is None:
            best[name] = weight
        elif kind is WeightKind.RANK:
            best[name] = min(known, weight)
        else:
            best[name] = max(known, weight)
    return best
