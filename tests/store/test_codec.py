"""Generic dataclass <-> JSON conversion: every field, by type hint, forward compatible."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

import pytest

from auditor.core.errors import StoreError
from auditor.core.findings import Finding, FindingKind, Severity
from auditor.store import codec


class Colour(str, enum.Enum):
    RED = "red"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Inner:
    name: str
    when: dt.date | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class Everything:
    text: str
    number: int
    ratio: float | None
    flag: bool
    colour: Colour
    words: tuple[str, ...]
    pairs: tuple[tuple[str, int], ...]
    fixed: tuple[str, int]
    tags: frozenset[str]
    inner: Inner
    inners: tuple[Inner, ...]
    moment: dt.datetime
    mapping: dict[str, int]
    extra: str = "default"


def sample() -> Everything:
    return Everything(
        text="ünïcode",
        number=3,
        ratio=0.1,
        flag=True,
        colour=Colour.RED,
        words=("b", "a"),
        pairs=(("x", 1),),
        fixed=("y", 2),
        tags=frozenset({"z", "a"}),
        inner=Inner(name="i", when=dt.date(2024, 2, 29)),
        inners=(Inner(name="j"),),
        moment=dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone.utc),
        mapping={"b": 2, "a": 1},
        extra="set",
    )


def test_every_field_round_trips() -> None:
    """A dataclass with every supported kind of field comes back equal."""
    value = sample()
    data = codec.encode(value)
    assert ["a", "z"] == data["tags"]  # sets are sorted, so digests are stable
    assert value == codec.decode(Everything, codec.loads(codec.canonical_json(data), "x"))


def test_missing_fields_take_defaults_and_unknown_keys_are_ignored() -> None:
    """Data from an older or newer shape of the class still loads."""
    data = codec.encode(sample())
    del data["extra"]
    data["field_from_the_future"] = [1, 2]
    assert "default" == codec.decode(Everything, data).extra


def test_findings_are_stored_with_all_their_fields() -> None:
    """Every field of Finding is in the stored form, so fields added later are kept too."""
    finding = Finding(
        package_id="pkg:pypi/a@1",
        kind=FindingKind.TYPOSQUAT,
        id="T-1",
        severity=Severity.MEDIUM,
        evidence=(("imitates", "requests"),),
        score=5.0,
    )
    data = codec.encode(finding)
    assert {f.name for f in dataclasses.fields(Finding)} == set(data)
    assert finding == codec.decode(Finding, data)


def test_digest_ignores_key_order() -> None:
    """The content address depends on content only."""
    assert codec.digest({"a": 1, "b": [1, 2]}) == codec.digest({"b": [1, 2], "a": 1})
    assert codec.digest({"a": 1}) != codec.digest({"a": 2})


def test_damaged_data_is_a_store_error() -> None:
    """Unreadable JSON or data of the wrong shape names what it was."""
    with pytest.raises(StoreError, match="damaged data in the inputs"):
        codec.loads("{", "the inputs")
    with pytest.raises(StoreError, match="does not fit a finding"):
        codec.decode_stored(Finding, {"package_id": 3, "kind": "x", "id": "y"}, "a finding")


def test_unsupported_values_are_refused() -> None:
    """Storing an object the codec does not know fails loudly, not silently."""
    with pytest.raises(TypeError, match="cannot store a value of type object"):
        codec.encode(object())
