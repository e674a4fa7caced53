"""The matcher against real records: the OSV evaluation rules, fixes and alias merge."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.advisories.match import (
    all_ids,
    evaluate,
    group_by_alias,
    id_rank,
    includes,
    primary_id,
    smallest_fix,
)
from auditor.advisories.osv import Event, Range, record_from_value
from auditor.core.model import Ecosystem
from auditor.versions.pep440 import Pep440Scheme
from tests.advisories.support import edited, pkg, raw, record


@pytest.mark.parametrize(
    ("record_id", "ecosystem", "name", "version", "affected"),
    [
        # introduced "0" with no end: every version, listed or not
        ("PYSEC-2020-342", "PyPI", "apache-skywalking", "1.0.1", True),
        ("PYSEC-2020-342", "PyPI", "apache-skywalking", "99.0", True),
        ("PYSEC-2020-342", "PyPI", "Apache_Skywalking", "0.1.0", True),  # PEP 503 name
        ("PYSEC-2020-342", "PyPI", "apache-skywalking-x", "0.1.0", False),
        ("PYSEC-2020-342", "npm", "apache-skywalking", "0.1.0", False),  # other ecosystem
        # last_affected is inclusive
        ("PYSEC-2022-42969", "PyPI", "py", "1.11.0", True),
        ("PYSEC-2022-42969", "PyPI", "py", "1.11.1", False),
        # three introduced/fixed pairs in one range (Django)
        ("PYSEC-2021-98", "PyPI", "django", "2.2.23", True),
        ("PYSEC-2021-98", "PyPI", "django", "2.2.24", False),
        ("PYSEC-2021-98", "PyPI", "django", "3.0.6", True),
        ("PYSEC-2021-98", "PyPI", "django", "3.1.12", False),
        ("PYSEC-2021-98", "PyPI", "django", "3.2.3", True),
        ("PYSEC-2021-98", "PyPI", "django", "3.2.4", False),
        ("PYSEC-2021-98", "PyPI", "django", "3.2.4.post1", False),
        ("PYSEC-2021-98", "PyPI", "django", "3.2.4rc1", True),  # a pre-release of the fix
        # events written out of order (5.0..5.2.1 before 4.0..4.6.1): sorting matters
        ("PYSEC-2021-104", "PyPI", "zope", "5.1", True),
        ("PYSEC-2021-104", "PyPI", "zope", "4.5", True),
        ("PYSEC-2021-104", "PyPI", "zope", "4.6.1", False),
        ("PYSEC-2021-104", "PyPI", "zope", "3.9", False),
        # a GIT range beside an ECOSYSTEM range: the ECOSYSTEM range decides
        ("PYSEC-2022-302", "PyPI", "rdiffweb", "2.4.9", True),
        ("PYSEC-2022-302", "PyPI", "rdiffweb", "2.4.10", False),
        # an installed version that is not PEP 440 still matches its exact versions entry
        ("PYSEC-2021-338", "PyPI", "leo", "5.0-final", True),
        # overlapping npm ranges: the union counts, as the schema says
        ("NSWG-ECO-495", "npm", "electron", "2.0.18", True),
        ("NSWG-ECO-495", "npm", "electron", "5.0.0-beta.4", True),
        ("NSWG-ECO-495", "npm", "electron", "5.0.0-beta.5", False),
        ("NSWG-ECO-495", "npm", "electron", "5.0.0", False),
        ("NSWG-ECO-490", "npm", "node.extend", "1.1.7", True),
        ("NSWG-ECO-490", "npm", "node.extend", "2.0.1", False),
        # last_affected in two npm ranges
        ("NSWG-ECO-98", "npm", "npm", "2.15.0", True),
        ("NSWG-ECO-98", "npm", "npm", "2.15.1", False),
        ("NSWG-ECO-98", "npm", "npm", "3.8.2", True),
        ("NSWG-ECO-98", "npm", "npm", "v3.8.3", False),
        ("NSWG-ECO-336", "npm", "windows-cpu", "0.1.0", True),
        ("NSWG-ECO-336", "npm", "windows-cpu", "100.0.0", False),
        # versions list only, pre-release versions, matched as versions
        ("NSWG-ECO-137", "npm", "swagger-ui", "2.1.0-M1", True),
        ("NSWG-ECO-137", "npm", "swagger-ui", "v2.1.0-M1", True),
        ("NSWG-ECO-137", "npm", "swagger-ui", "2.1.0", False),
        # Go: v-prefixed module versions against unprefixed SEMVER events
        ("GO-2024-3228", "Go", "github.com/coder/coder/v2", "v2.14.3", True),
        ("GO-2024-3228", "Go", "github.com/coder/coder/v2", "v2.14.4", False),
        ("GO-2024-3228", "Go", "github.com/coder/coder/v2", "v2.15.0", True),
        (
            "GO-2024-3228",
            "Go",
            "github.com/coder/coder/v2",
            "v2.15.1-0.20241001000000-abcdefabcdef",
            True,
        ),
        ("GO-2024-3228", "Go", "github.com/coder/coder/v2", "v2.16.1", False),
        ("GO-2024-3228", "Go", "github.com/coder/coder", "v0.27.0+incompatible", True),
        # a fix at a pseudo-version
        (
            "GO-2026-5947",
            "Go",
            "github.com/BishopFox/joro",
            "v0.0.0-20250101000000-abcdefabcdef",
            True,
        ),
        (
            "GO-2026-5947",
            "Go",
            "github.com/BishopFox/joro",
            "v0.0.0-20260601151442-5c0ca35db828",
            False,
        ),
        ("GO-2026-5947", "Go", "github.com/BishopFox/joro", "v0.1.0", False),
        # the standard library, toolchain spellings
        ("GO-2023-2044", "Go", "stdlib", "go1.21rc2", True),
        ("GO-2023-2044", "Go", "stdlib", "v1.21.0", True),
        ("GO-2023-2044", "Go", "stdlib", "1.20.9", False),
        ("GO-2023-2044", "Go", "stdlib", "go1.21.1", False),
        # malicious: explicit versions, or every version
        ("MAL-2024-1334", "PyPI", "multiconnections", "2.35.1", True),
        ("MAL-2024-1334", "PyPI", "multiconnections", "2.35.2", False),
        ("MAL-2022-7425", "PyPI", "pyg-utils", "1.0", True),
    ],
)
def test_real_record_evaluation(
    record_id: str, ecosystem: str, name: str, version: str, affected: bool
) -> None:
    """Each (record, package, version) is affected exactly when the OSV rules say so."""
    verdict = evaluate(record(record_id), pkg(ecosystem, name, version))
    assert affected == verdict.affected
    assert () == verdict.problems


def test_unparseable_fixed_event_is_a_problem_not_a_verdict() -> None:
    """steam's fixed "2019-09-12" is not PEP 440: the package is not called clean."""
    verdict = evaluate(record("PYSEC-2019-125"), pkg("PyPI", "steam", "1.0.0"))
    assert not verdict.affected
    assert (
        "cannot evaluate affected[0].ranges[0]: invalid PEP 440 version '2019-09-12': "
        "not a PEP 440 version",
    ) == verdict.problems


def test_unparseable_installed_version_is_a_problem() -> None:
    """A legacy installed version cannot be placed in a range: a problem, unless listed."""
    verdict = evaluate(record("PYSEC-2021-98"), pkg("PyPI", "django", "2004d"))
    assert not verdict.affected
    assert verdict.problems[0].startswith("cannot evaluate affected[0].ranges[0]: invalid PEP 440")


def test_git_only_entry_is_a_problem() -> None:
    """An entry with only GIT ranges and no versions list cannot be evaluated."""
    value = raw("PYSEC-2022-302")
    value["affected"][0]["ranges"] = [
        r for r in value["affected"][0]["ranges"] if r["type"] == "GIT"
    ]
    verdict = evaluate(record_from_value(value, "edited.json"), pkg("PyPI", "rdiffweb", "2.4.9"))
    assert not verdict.affected
    assert ("affected[0] gives only GIT commit ranges and no versions list",) == verdict.problems


def test_limit_events_cap_the_range() -> None:
    """limit: versions at or above every limit are outside; "*" is infinity."""
    value = raw("PYSEC-2021-98")
    value["affected"][0]["versions"] = []  # the explicit list is not capped by limits
    events = value["affected"][0]["ranges"][0]["events"]
    events.append({"limit": "3.0"})
    capped = record_from_value(value, "edited.json")
    assert evaluate(capped, pkg("PyPI", "django", "2.2.23")).affected
    assert not evaluate(capped, pkg("PyPI", "django", "3.0.6")).affected
    events[-1] = {"limit": "*"}
    assert evaluate(record_from_value(value, "e.json"), pkg("PyPI", "django", "3.0.6")).affected


def test_fixed_versions_and_smallest_fix() -> None:
    """fixed lists every fix of the package's version ranges (not GIT commits); the fix is
    the next unaffected one."""
    assert ("4.6", "5.2") == evaluate(record("PYSEC-2021-88"), pkg("PyPI", "zope", "5.1")).fixed
    django = pkg("PyPI", "django", "3.0.6")
    assert ("2.2.24", "3.1.12", "3.2.4") == evaluate(record("PYSEC-2021-98"), django).fixed
    assert "3.1.12" == smallest_fix(django, [record("PYSEC-2021-98")])
    assert "2.2.24" == smallest_fix(pkg("PyPI", "django", "2.2.0"), [record("PYSEC-2021-98")])
    assert smallest_fix(pkg("PyPI", "py", "1.0.0"), [record("PYSEC-2022-42969")]) is None


def test_smallest_fix_skips_versions_another_range_still_covers() -> None:
    """electron 2.0.18: the fixes 3.0.16, 3.1.6 and 4.0.8 are each inside another
    overlapping range, so the first version outside all of them is 5.0.0-beta.5."""
    electron = pkg("npm", "electron", "2.0.18")
    assert "5.0.0-beta.5" == smallest_fix(electron, [record("NSWG-ECO-495")])


def test_smallest_fix_across_merged_records() -> None:
    """zope 5.1: PYSEC-2021-88 is fixed in 5.2, but its alias PYSEC-2021-104 still covers
    5.2, so the fix for the merged vulnerability is 5.2.1."""
    zope = pkg("PyPI", "zope", "5.1")
    assert "5.2" == smallest_fix(zope, [record("PYSEC-2021-88")])
    assert "5.2.1" == smallest_fix(zope, [record("PYSEC-2021-88"), record("PYSEC-2021-104")])


def test_alias_merge_groups_records_of_one_vulnerability() -> None:
    """Records sharing a CVE or GHSA (transitively) form one group with a stable primary."""
    records = [
        record("PYSEC-2021-872"),
        record("PYSEC-2021-104"),
        record("PYSEC-2021-871"),
        record("PYSEC-2021-88"),
        record("PYSEC-2021-98"),
    ]
    groups = group_by_alias(records)
    assert [
        ["PYSEC-2021-88", "PYSEC-2021-104"],
        ["PYSEC-2021-98"],
        ["PYSEC-2021-871", "PYSEC-2021-872"],
    ] == [[r.id for r in g] for g in groups]
    assert ["PYSEC-2021-88", "PYSEC-2021-98", "PYSEC-2021-871"] == [primary_id(g) for g in groups]
    assert (
        "PYSEC-2021-871",
        "PYSEC-2021-872",
        "GHSA-hwqr-f3v9-hwxr",
        "GHSA-j8fq-86c5-5v2r",
        "CVE-2021-42343",
    ) == tuple(sorted(all_ids(groups[2]), key=lambda i: (id_rank(i)[0] != 2, id_rank(i))))
    assert groups == group_by_alias(list(reversed(records)))


def test_primary_id_preference() -> None:
    """MAL before GHSA before PYSEC before GO before other databases before CVE;
    natural number order within one database."""
    ids = [
        "CVE-2021-1",
        "NSWG-ECO-2",
        "GO-2021-1",
        "PYSEC-2021-10",
        "PYSEC-2021-9",
        "GHSA-aaaa",
        "MAL-2024-1",
    ]
    assert [
        "MAL-2024-1",
        "GHSA-aaaa",
        "PYSEC-2021-9",
        "PYSEC-2021-10",
        "GO-2021-1",
        "NSWG-ECO-2",
        "CVE-2021-1",
    ] == sorted(ids, key=id_rank)
    malicious = edited("MAL-2022-7425", aliases=["GHSA-p8ph-q2m4-p5wv", "PYSEC-2099-1"])
    other = edited("PYSEC-2020-342", id="PYSEC-2099-1", aliases=[])
    (group,) = group_by_alias([other, malicious])
    assert "MAL-2022-7425" == primary_id(group)


# -- the evaluation as a property ---------------------------------------------------------------

_SCHEME = Pep440Scheme()


@st.composite
def interval_ranges(draw: st.DrawFn) -> tuple[list[str], list[Event], list[tuple[int, int, str]]]:
    """Distinct sorted versions, alternating introduced/(fixed|last_affected) events over
    them in a shuffled order, and the intervals they mean."""
    numbers = sorted(set(draw(st.lists(st.integers(1, 60), min_size=2, max_size=10))))
    versions = [f"1.{n}" for n in numbers]
    events: list[Event] = []
    intervals: list[tuple[int, int, str]] = []
    from_bottom = draw(st.booleans())  # the first range starts at introduced "0"
    i = 0
    while i < len(numbers):
        if from_bottom and not events:
            low, introduced = 0, "0"
        else:
            low, introduced = numbers[i], versions[i]
            i += 1
        events.append(Event(kind="introduced", version=introduced))
        end_kind = draw(st.sampled_from(["fixed", "last_affected", "open"]))
        if end_kind == "open" or i >= len(numbers):
            intervals.append((low, 10**6, "open"))
            break
        events.append(Event(kind=end_kind, version=versions[i]))
        intervals.append((low, numbers[i], end_kind))
        i += 1
    shuffled = draw(st.permutations(events))
    return versions, list(shuffled), intervals


@given(interval_ranges(), st.integers(0, 70))
def test_range_evaluation_matches_the_intervals_it_describes(
    case: tuple[list[str], list[Event], list[tuple[int, int, str]]], probe: int
) -> None:
    """For any well-formed timeline, in any written order, a version is affected exactly
    when it lies in [introduced, fixed) or [introduced, last_affected]."""
    _, events, intervals = case
    version = f"1.{probe}"
    expected = any(
        low <= probe < high if kind != "last_affected" else low <= probe <= high
        for low, high, kind in intervals
    )
    assert expected == includes(Range(type="ECOSYSTEM", events=tuple(events)), version, _SCHEME)


def test_same_record_same_answer_for_equal_versions() -> None:
    """Equal spellings (1.1 and 1.1.0) get the same verdict from every real PyPI record."""
    for record_id in ("PYSEC-2021-98", "PYSEC-2021-104", "PYSEC-2022-42969"):
        rec = record(record_id)
        name = rec.affected[0].package.name
        for a, b in (("3.2", "3.2.0"), ("4.6", "4.6.0"), ("1.11", "1.11.0")):
            assert (
                evaluate(rec, pkg("PyPI", name, a)).affected
                == evaluate(rec, pkg("PyPI", name, b)).affected
            )
    assert Ecosystem.PYPI.normalize_name("Zope.Interface") == "zope-interface"
