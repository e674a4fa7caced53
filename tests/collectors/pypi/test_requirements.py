"""requirements files: peer fixtures, real files, includes, constraints, edges, errors."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.collectors.discovery import find_targets
from auditor.collectors.pypi.requirements import RequirementsCollector
from auditor.collectors.pypi.requirements_syntax import guess_name
from auditor.core.errors import LockfileError
from auditor.core.graph import DependencyGraph
from auditor.core.model import CollectResult, Location, canonical_pypi_name, root_id
from tests.support import (
    FIXTURES,
    PeerCase,
    case_bounds,
    collect_file,
    collect_text,
    name_versions,
    peer_cases,
    run_cli,
)

HERE = FIXTURES / "requirements"
PEER = HERE / "peer"
REAL = HERE / "real"
WAREHOUSE = REAL / "pypi__warehouse/requirements"
COLLECTOR = RequirementsCollector()


def collect(text: str, name: str = "requirements.txt") -> CollectResult:
    return collect_text(COLLECTOR, text, name)


def skips(result: CollectResult) -> list[tuple[str, str, str]]:
    return sorted((s.name, s.requirement, s.reason) for s in result.skipped)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


# -- peers: osv-scalibr and osv-scanner v1 ---------------------------------------------------


@dataclass(frozen=True)
class Deviation:
    """Where auditor deliberately differs from a peer's expectation, and why."""

    why: str
    peer_only: tuple[tuple[str, str], ...] = ()  # (name, version) the peer reports, we do not
    ours_only: tuple[tuple[str, str], ...] = ()  # what we report instead
    error: str | None = None  # auditor refuses the file with this message
    blank: tuple[int, ...] = ()  # after the error: compare the rest with these lines blanked


UNPINNED = "unpinned or range requirements are skipped with a reason, never given a version"
PIP_REFUSES_PER_REQ_OPTIONS = (1, 3, 5, 7, 9, 11, 13, 15, 17, 18, 20, 22, 24, 26, 28, 30, 36)
DEVIATIONS = {
    "osv-scalibr/example.txt": Deviation(
        why="`-c constraints.txt` names a file that does not exist: pip refuses the file, and "
        "so does auditor, naming the line (scalibr skips the include silently). " + UNPINNED,
        error="osv-scalibr/example.txt:22: 'constraints.txt' not found "
        "(looked for osv-scalibr/constraints.txt)",
        blank=(22,),
        peer_only=(
            ("pytest", ""),
            ("pytest-cov", ""),
            ("beautifulsoup4", ""),
            ("requests", ""),
            ("keyring", "4.1.1"),
            ("coverage", ""),
            ("mopidy-dirble", "1.1"),
        ),
    ),
    "osv-scalibr/invalid.txt": Deviation(
        why="pip refuses a file with an invalid requirement, and so does auditor, naming the "
        "line (scalibr drops such lines silently). Without lines 1-3, line 4 is a valid direct "
        "URL (skipped) and `-foo==1.0` is `-f oo==1.0` (--find-links) for pip and for us.",
        error="osv-scalibr/invalid.txt:1: invalid requirement 'asdf==': Expected semicolon "
        "(after name with no version specifier) or end",
        blank=(1, 2, 3),
    ),
    "osv-scalibr/no_version.txt": Deviation(
        why=UNPINNED, peer_only=(("pycrypto", ""), ("gmpy2", ""), ("sympy", ""))
    ),
    "osv-scalibr/multiline_and_comments.txt": Deviation(
        why="`--hash=sha256:123` can match no file (pip compares 64 hex digits), so "
        "pip refuses to install the file, and auditor refuses it naming the line (scalibr "
        "reads it). Without that line, pkgB is read.",
        error="osv-scalibr/multiline_and_comments.txt:3: --hash digest '123' is not 64 "
        "hex digits, so no file can match it: pip refuses to install the file",
        blank=(3, 4),
        peer_only=(("pkga", "1.0"),),
    ),
    "osv-scalibr/per_req_options.txt": Deviation(
        why="pip refuses this file on almost every line: short digests no file can match "
        "(`sha256:123`), --config-settings without KEY=VALUE, --hash without ALGORITHM:DIGEST, "
        "text between the version and the options, `foo==` without a version; auditor refuses "
        "it at the first (scalibr reads them all). Without those lines, the two it accepts "
        "are read (test_scalibr_per_requirement_options_reasons checks each line's reason).",
        error="osv-scalibr/per_req_options.txt:1: --hash digest '123' is not 64 hex "
        "digits, so no file can match it: pip refuses to install the file",
        blank=PIP_REFUSES_PER_REQ_OPTIONS,
        peer_only=(
            ("foo1", "1.0"),
            ("foo2", "1.0"),
            ("foo3", "1.0"),
            ("foo4", "1.0"),
            ("foo5", "1.0"),
            ("foo6", "1.0"),
            ("foo7", "1.0 unexpected_text_before_options_stays_around"),
            ("foo8", "1.0"),
            ("foo9", "1.0"),
            ("foo11", "1.0"),
            ("foo12", "1.0"),
            ("foo13", "1.0"),
            ("foo14", "1.0"),
            ("foo18-client", "1.0"),
        ),
    ),
    "osv-scalibr/with_versions.txt": Deviation(
        why=UNPINNED + " (scalibr takes the version of >=, <= and ==X.*)",
        peer_only=(
            ("newspaper3k", "0.2.2"),
            ("asdf", ""),
            ("combination-also-valid", "3.5"),
            ("pkg", "1.2.3"),
        ),
    ),
    "osv-scanner-v1/file-format-example.txt": Deviation(
        why=UNPINNED + " (osv-scanner reports 0.0.0, or the version of >= and ~=)",
        peer_only=(
            ("pytest", "0.0.0"),
            ("pytest-cov", "0.0.0"),
            ("beautifulsoup4", "0.0.0"),
            ("keyring", "4.1.1"),
            ("coverage", "0.0.0"),
            ("mopidy-dirble", "1.1"),
            ("rejected", "0.0.0"),
            ("green", "0.0.0"),
        ),
    ),
    "osv-scanner-v1/line-continuation.txt": Deviation(
        why="pip strips every backslash at the end of a continued line, so `bar == 4.5\\\\` "
        "continues into `.6` and pip installs bar 4.5.6",
        peer_only=(("bar", "4.5\\\\"),),
        ours_only=(("bar", "4.5.6"),),
    ),
    "osv-scanner-v1/multiple-packages-mixed.txt": Deviation(
        why=UNPINNED,
        peer_only=(
            ("flask", "0.0.0"),
            ("flask-cors", "0.0.0"),
            ("sklearn", "0.0.0"),
            ("requests", "0.0.0"),
            ("gevent", "0.0.0"),
        ),
    ),
    "osv-scanner-v1/one-package-unconstrained.txt": Deviation(
        why=UNPINNED, peer_only=(("flask", "0.0.0"),)
    ),
    "osv-scanner-v1/with-multiple-r-options.txt": Deviation(
        why=UNPINNED + "; the bare `requests` of the included file is the requests==1.2.3 "
        "pinned by the including file, the one version pip installs for both lines",
        peer_only=(
            ("flask", "0.0.0"),
            ("flask-cors", "0.0.0"),
            ("sklearn", "0.0.0"),
            ("requests", "0.0.0"),
            ("gevent", "0.0.0"),
        ),
    ),
    "osv-scanner-v1/with-per-requirement-options.txt": Deviation(
        why=UNPINNED, peer_only=(("barproject", "1.2"),)
    ),
}


def osv_cases() -> list[PeerCase]:
    cases = []
    for source, folder in (("osv-scalibr", "osv-scalibr"), ("osv-scanner-v1", "osv-scanner-v1")):
        for case in peer_cases(PEER / folder):
            cases.append(PeerCase(fixture=case.fixture, expected=case.expected, source=source))
    return cases


def collect_blanked(case: PeerCase, lines: tuple[int, ...], tmp_path: Path) -> CollectResult:
    """The fixture with some lines emptied (numbers kept), next to copies of its siblings."""
    folder = tmp_path / case.fixture.relative_to(PEER).parent
    shutil.copytree(case.fixture.parent, folder)
    text = case.fixture.read_text().split("\n")
    for number in lines:
        text[number - 1] = ""
    (folder / case.fixture.name).write_text("\n".join(text))
    return collect_file(COLLECTOR, folder / case.fixture.name, tmp_path)


@pytest.mark.parametrize("case", osv_cases(), ids=lambda c: c.id)
def test_peer_fixture(case: PeerCase, tmp_path: Path) -> None:
    """Each peer (name, version) matches exactly, except the deviations listed (and
    explained) in DEVIATIONS. Names are compared PEP 503-normalised, as auditor stores them.
    What the peer reports and auditor does not is in auditor's skipped list or resolved."""
    deviation = DEVIATIONS.get(case.id, Deviation(why=""))
    if deviation.error:
        with pytest.raises(LockfileError) as info:
            collect_file(COLLECTOR, case.fixture, PEER)
        assert deviation.error == str(info.value)
        result = collect_blanked(case, deviation.blank, tmp_path)
    else:
        result = collect_file(COLLECTOR, case.fixture, PEER)
    expected = Counter((canonical_pypi_name(n), v) for n, v in case.expected)
    expected.subtract(Counter(deviation.peer_only))
    expected.update(Counter(deviation.ours_only))
    assert all(count >= 0 for count in expected.values()), "peer_only not in the peer list"
    assert sorted(expected.elements()) == name_versions(result)
    lines = case.fixture.read_text().split("\n")
    blanked = {guess_name(lines[n - 1].split(";")[0].split(" ")[0]) for n in deviation.blank}
    accounted = {s.name for s in result.skipped} | {p.name for p in result.packages} | blanked
    assert {n for n, _ in deviation.peer_only} <= accounted


def test_scalibr_per_requirement_options_reasons() -> None:
    """Each line of per_req_options.txt that pip refuses, read alone, is refused with the
    reason: digests no file can match, options pip's parser refuses, invalid requirements;
    a digest that can match beside one that cannot is fine (pip needs one to match)."""
    case = next(c for c in osv_cases() if c.id == "osv-scalibr/per_req_options.txt")
    lines = case.fixture.read_text().split("\n")
    no_match = "is not 64 hex digits, so no file can match it: pip refuses to install"
    expected = {
        1: f"--hash digest '123' {no_match} the file",
        3: "--config-settings value 'bar' is not KEY=VALUE: pip refuses the file",
        7: "--hash value 'wrongformatbutok' is not ALGORITHM:DIGEST: pip refuses the file",
        9: f"--hash digest '123' {no_match} the file",
        11: f"--hash digest '123' {no_match} the file",
        13: "invalid requirement 'foo7==1.0 unexpected_text_before_options_stays_around': "
        "Expected comma (within version specifier), semicolon (after version specifier) or end",
        17: "--hash digest '123' is not 64 hex digits (nor is any other of the line), "
        "so no file can match it: pip refuses to install the file",
        22: f"--hash digest 'not_base…is_ok_;#' {no_match} the file",
        24: "--hash value '' is not ALGORITHM:DIGEST: pip refuses the file",
        36: "--config-settings value 'bar' is not KEY=VALUE: pip refuses the file",
    }
    for number, message in expected.items():
        text = lines[number - 1] + (
            "\n" + lines[number] if lines[number - 1].endswith("\\") else ""
        )
        with pytest.raises(LockfileError) as info:
            collect_text(COLLECTOR, text, "r.txt")
        assert f"r.txt:1: {message}" == str(info.value)
    good = "0" * 64
    fine = collect_text(COLLECTOR, f"foo==1.0 --hash=sha256:{good} --hash=sha256:123\n", "r.txt")
    assert {f"sha256:{good}"} == {h.render() for h in fine.packages[0].hashes}


def test_missing_include_is_an_error_naming_file_and_line() -> None:
    """osv-scanner's with-bad-r-option.txt: the include of a missing file is refused with
    the including file and line, as pip does (osv-scanner expects an error too)."""
    with pytest.raises(LockfileError) as info:
        collect_file(COLLECTOR, PEER / "osv-scanner-v1/pip/with-bad-r-option.txt", PEER)
    assert (
        "osv-scanner-v1/pip/with-bad-r-option.txt:3: './does-not-exist.txt' not found "
        "(looked for osv-scanner-v1/pip/does-not-exist.txt)"
    ) == str(info.value)


# -- peers: pip-audit ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    packages: tuple[tuple[str, str], ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()  # (name, reason)
    error: str | None = None
    why: str = ""  # where this differs from pip-audit's expectation


RESOLVES = "pip-audit asks pip to resolve the file; auditor reads what the file pins"
PIP_AUDIT = {
    "test_requirement_source": Outcome(packages=(("flask", "2.0.1"),)),
    "test_requirement_source_disable_pip": Outcome(packages=(("flask", "2.0.1"),)),
    "test_requirement_source_disable_pip_duplicate_dependencies": Outcome(
        packages=(("flask", "1.0"),)
    ),
    "test_requirement_source_disable_pip_duplicate_dependencies_diff_specifier": Outcome(
        packages=(("flask", "1.0"), ("flask", "2.0")),
        why="two pins of one name is a conflict for pip's resolver, not a parse error: "
        "auditor reports both (the conflicts check judges them)",
    ),
    "test_requirement_source_disable_pip_duplicate_dependencies_with_extras": Outcome(
        packages=(("aiohttp", "3.9"),)
    ),
    "test_requirement_source_disable_pip_editable_skip": Outcome(
        skipped=(("flask", "editable install"),)
    ),
    "test_requirement_source_disable_pip_editable_skip_with_hashes": Outcome(
        packages=(("wheel", "0.38.1"),), skipped=(("", "editable install"),)
    ),
    "test_requirement_source_disable_pip_editable_with_egg_fragment": Outcome(
        skipped=(("flask", "editable install"),)
    ),
    "test_requirement_source_disable_pip_editable_without_egg_fragment": Outcome(
        skipped=(("", "editable install"),)
    ),
    "test_requirement_source_disable_pip_hashes_without_no_deps": Outcome(
        packages=(("flask", "2.0.1"),)
    ),
    "test_requirement_source_disable_pip_incomplete_hashes": Outcome(
        packages=(("flask", "2.0.1"), ("requests", "1.0")),
        why="pip's hash-checking mode (all or no requirements hashed) is enforced at install "
        "time; auditor reports what the file pins",
    ),
    "test_requirement_source_disable_pip_not_exact_version": Outcome(
        packages=(("flask", "1.0"),),
        skipped=(("requests", "not pinned to one version (>=1.0)"),),
        why="pip-audit --disable-pip refuses unpinned files; auditor skips the unpinned line",
    ),
    "test_requirement_source_disable_pip_unpinned": Outcome(
        packages=(("requests", "1.0"),),
        skipped=(("flask", "not pinned (no version)"),),
        why="pip-audit --disable-pip refuses unpinned files; auditor skips the unpinned line",
    ),
    "test_requirement_source_disable_pip_unpinned_url": Outcome(
        skipped=(("flask", "direct URL requirement"),)
    ),
    "test_requirement_source_disable_pip_without_no_deps": Outcome(
        packages=(("flask", "2.0.1"),),
        why="an error about pip-audit's own flags, not about the file",
    ),
    "test_requirement_source_duplicate_dependencies.0": Outcome(packages=(("flask", "2.0.1"),)),
    "test_requirement_source_git": Outcome(
        skipped=(("", "VCS requirement"),),
        why=RESOLVES + ": a VCS checkout has no version until it is built",
    ),
    "test_requirement_source_impossible_resolution": Outcome(
        packages=(("flask", "2.0.0"), ("flask", "2.0.1")),
        why="two pins of one name is a conflict for pip's resolver, not a parse error",
    ),
    "test_requirement_source_invalid_lines": Outcome(
        error="test_requirement_source_invalid_lines.txt:1: invalid requirement 'a#b#c': "
        "Expected semicolon (after name with no version specifier) or end"
    ),
    "test_requirement_source_multiple_files.0": Outcome(
        packages=(("flask", "2.0.1"),),
        why="pip-audit audits three files given together; auditor collects each file alone",
    ),
    "test_requirement_source_multiple_indexes": Outcome(packages=(("flask", "2.0.1"),)),
    "test_requirement_source_require_hashes": Outcome(
        packages=(("setuptools", "67.0.0"), ("wheel", "0.38.1"))
    ),
    "test_requirement_source_require_hashes_incorrect_hash": Outcome(
        error="test_requirement_source_require_hashes_incorrect_hash.txt:2: --hash digest "
        "'setuptools-hash' is not 64 hex digits, so no file can match it: pip "
        "refuses to install the file",
        why="a digest no file can match makes pip refuse the file, as pip-audit does",
    ),
    "test_requirement_source_require_hashes_inferred": Outcome(
        packages=(("setuptools", "67.0.0"), ("wheel", "0.38.1")),
        why="hash-checking mode is enforced by pip at install time",
    ),
    "test_requirement_source_require_hashes_missing": Outcome(
        packages=(("wheel", "0.38.1"),), why="--require-hashes is pip-audit's flag here"
    ),
    "test_requirement_source_require_hashes_not_fully_resolved": Outcome(
        packages=(("flask", "2.0.1"),), why=RESOLVES
    ),
    "test_requirement_source_require_hashes_unpinned": Outcome(
        packages=(("wheel", "0.38.1"),),
        skipped=(
            ("missing", "not pinned (no version)"),
            ("setuptools", "not pinned to one version (<=67.0.0)"),
        ),
        why="unpinned lines are skipped with a reason instead of failing the file",
    ),
    "test_requirement_source_url": Outcome(
        skipped=(("", "direct URL requirement"),),
        why=RESOLVES + ": the archive URL carries no version auditor can trust",
    ),
}


def pip_audit_expectations() -> list[tuple[str, dict[str, object]]]:
    found = sorted(PEER.glob("pip-audit/*.expected.json"))
    return [(p.name.removesuffix(".txt.expected.json"), json.loads(p.read_text())) for p in found]


def test_every_pip_audit_fixture_has_an_outcome() -> None:
    """The table above covers every pip-audit expectation (none is silently left out)."""
    assert {name for name, _ in pip_audit_expectations()} == set(PIP_AUDIT)


@pytest.mark.parametrize(
    ("name", "peer"), [pytest.param(n, p, id=n) for n, p in pip_audit_expectations()]
)
def test_pip_audit_fixture(name: str, peer: dict[str, object]) -> None:
    """auditor's outcome for each pip-audit case, and where pip-audit's own expectation
    (read from the file) holds it must hold for auditor too."""
    outcome = PIP_AUDIT[name]
    fixture = PEER / "pip-audit" / f"{name}.txt"
    if outcome.error:
        with pytest.raises(LockfileError) as info:
            collect_file(COLLECTOR, fixture)
        assert outcome.error == str(info.value)
        assert peer["error"], "pip-audit refuses this file too"
        return
    result = collect_file(COLLECTOR, fixture)
    assert sorted(outcome.packages) == name_versions(result)
    assert sorted(outcome.skipped) == sorted((s.name, s.reason) for s in result.skipped)
    if outcome.why:
        return  # a deliberate difference, explained in the table
    assert not peer["error"]
    packages = peer["packages"]
    assert isinstance(packages, list)
    pairs = {(canonical_pypi_name(str(n)), str(v)) for n, v in packages}
    if peer["assertion"] == "contains":
        assert pairs <= set(name_versions(result))
    elif peer["assertion"] == "exact-ordered-list":
        assert sorted(pairs) == name_versions(result)
    # "no-duplicates" (one package for a repeated pin) is the exact outcome asserted above


# -- peers: cyclonedx-python --------------------------------------------------------------------

CDX = PEER / "cyclonedx-python"
CDX_ONLY = {
    # pip refuses `--hash=foo:...` ("Allowed hash algorithms ..."): that line is blanked
    "with-hashes": {("something", "1.33.7")},
}
# pip refuses these files (md5, sha1 and foo are not hash algorithms it allows); auditor
# refuses them at the first such line, then reads the rest with those lines blanked
CDX_REFUSED = {
    "with-hashes": (
        "with-hashes.txt:16: --hash algorithm 'md5' is not one pip allows (sha256, sha384, "
        "sha512): pip refuses the file",
        (16, 17, 18, 21),
    )
}


def cdx_cases() -> list[str]:
    return sorted(p.stem for p in (CDX / "infiles").glob("*.txt"))


def cdx_components(case: str) -> list[dict[str, str]]:
    sbom = json.loads((CDX / "snapshots" / f"file_{case}_1.6.json.bin").read_text())
    return list(sbom.get("components", []))


@pytest.mark.parametrize("case", cdx_cases())
def test_cyclonedx_components(case: str) -> None:
    """Registry components with a version in cyclonedx-py's SBOM are auditor's packages
    (except CDX_ONLY); the others (URL, VCS, local, unpinned) are auditor's skipped."""
    path = CDX / "infiles" / f"{case}.txt"
    if case in CDX_REFUSED:
        message, blank = CDX_REFUSED[case]
        with pytest.raises(LockfileError) as info:
            collect_file(COLLECTOR, path, CDX / "infiles")
        assert message == str(info.value)
        lines = path.read_text().split("\n")
        text = "\n".join("" if n in blank else line for n, line in enumerate(lines, 1))
        result = collect_text(COLLECTOR, text, path.name, CDX / "infiles")
    else:
        result = collect_file(COLLECTOR, path, CDX / "infiles")
    registry = {
        (canonical_pypi_name(c["name"]), c["version"])
        for c in cdx_components(case)
        if c.get("version") and re.fullmatch(r"pkg:pypi/[^?#]+@[^?#]+", c.get("purl") or "")
    }
    assert sorted(registry - CDX_ONLY.get(case, set())) == name_versions(result)
    others = {
        canonical_pypi_name(c["name"])
        for c in cdx_components(case)
        if (canonical_pypi_name(c["name"]), c.get("version")) not in registry
        and c["name"] != "unknown"
    }
    refused_names = {"colorama"} if case in CDX_REFUSED else set()
    assert others - refused_names <= {s.name for s in result.skipped}


def test_cyclonedx_non_utf8_file_is_refused() -> None:
    """cyclonedx's cp1252 regression file: auditor reads UTF-8 only and says where it is not
    (pip would guess the locale's encoding; cyclonedx-py decodes it as cp1252)."""
    path = CDX / "infiles/regression-issue448.cp1252.txt.bin"
    with pytest.raises(LockfileError) as info:
        collect_file(COLLECTOR, path)
    assert "regression-issue448.cp1252.txt.bin:4: not UTF-8 text (byte 230)" == str(info.value)


def test_cyclonedx_private_index_credentials_are_redacted() -> None:
    """Index URLs with user:password are recorded redacted, and the password appears nowhere
    in the result, including the skipped direct URL that carries it too."""
    result = collect_file(COLLECTOR, CDX / "infiles/private-packages.txt")
    assert (
        "https://****:****@legacy1.pypackages.acme.org/simple/",
        "https://****:****@legacy2.pypackages.acme.org/simple/",
        "https://****:****@pypackages.acme.org/simple/",
    ) == result.registries
    assert "password" not in repr(result)


# -- real files --------------------------------------------------------------------------------

_PIN_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.M)


def pinned_pairs(text: str) -> list[tuple[str, str]]:
    """An independent oracle for pip-compile output: every line starting `name==version`."""
    return sorted({(canonical_pypi_name(n), v) for n, v in _PIN_LINE.findall(text)})


REAL_PIP_COMPILE = sorted(
    [*WAREHOUSE.glob("*.txt"), *REAL.glob("pypi__warehouse__*/requirements/main.txt")]
)


@pytest.mark.parametrize("path", REAL_PIP_COMPILE, ids=lambda p: str(p.relative_to(REAL)))
def test_real_pip_compile_files_have_every_pinned_package(path: Path) -> None:
    """Every `name==version` line of a pip-compile file is a package (compared with a
    simple regex over the file), each carries all the `--hash` options of its lines, and
    nothing else is skipped."""
    text = path.read_text()
    result = collect_file(COLLECTOR, path, path.parent.parent)
    assert pinned_pairs(text) == name_versions(result)
    assert text.count("--hash=") == sum(len(p.hashes) for p in result.packages)
    skipped = [s.requirement for s in result.skipped]
    assert (["ipython>=9.14.1"] if path.name == "ipython.txt" else []) == skipped


@pytest.mark.parametrize(
    ("path", "count"),
    [
        ("pypi__warehouse/requirements/main.txt", 184),
        ("pypi__warehouse/requirements/lint.txt", 56),
        ("pypi__warehouse/requirements/deploy.txt", 8),
        ("pypi__warehouse__2015-11-27/requirements/main.txt", 60),
        ("pypi__warehouse__2016-06-30/requirements/main.txt", 64),
        ("pypi__warehouse__2019-06-21/requirements/main.txt", 112),
        ("pypi__warehouse__2024-10-10/requirements/main.txt", 187),
    ],
)
def test_real_package_counts(path: str, count: int) -> None:
    """Counts checked by hand (`grep -c '^[A-Za-z0-9].*=='` on each file, which has one pin
    per package); the data's SOURCES.md gives the same 184, 56 and 8 for today's files."""
    assert count == len(collect_file(COLLECTOR, REAL / path).packages)


def via_oracle(text: str) -> set[tuple[str, str]]:
    """(parent, child) pairs read from split-style or line-style `# via` comments with
    plain regexes: an independent reading of pip-compile's annotations. A package without
    any annotation is a direct dependency (pip-compile annotates only the others in 2015)."""
    pairs: set[tuple[str, str]] = set()
    pinned: set[str] = set()
    current = ""
    in_block = False
    for line in text.split("\n"):
        pin = _PIN_LINE.match(line)
        if pin:
            current, in_block = canonical_pypi_name(pin.group(1)), False
            pinned.add(current)
        inline = re.search(r"#\s*via\s+(.+)$", line)
        item = re.match(r"^\s+#\s{3}(\S.*)$", line) if in_block else None
        if re.match(r"^\s+#\s*via\s*$", line):
            in_block = True
        items = inline.group(1).split(",") if inline else [item.group(1)] if item else []
        for raw in (i.strip() for i in items):
            parent = "root" if raw.startswith("-") else canonical_pypi_name(raw)
            if parent != current:
                pairs.add((parent, current))
    annotated = {child for _, child in pairs}
    return pairs | {("root", name) for name in pinned - annotated}


def edge_pairs(result: CollectResult) -> set[tuple[str, str]]:
    graph = DependencyGraph.from_results([result])
    return {
        (
            "root" if graph.is_root(e.parent) else graph.package(e.parent).name,
            graph.package(e.child).name,
        )
        for e in graph.edges
    }


@pytest.mark.parametrize(
    "path",
    [p for p in REAL_PIP_COMPILE if "# via" in p.read_text()],
    ids=lambda p: str(p.relative_to(REAL)),
)
def test_real_via_annotations_become_edges(path: Path) -> None:
    """Every `# via` item is an edge (`-r file` from the root, a name from that package),
    in split style (2024 and today) and line style (2015); every package is reachable."""
    result = collect_file(COLLECTOR, path, path.parent.parent)
    assert via_oracle(path.read_text()) == edge_pairs(result)
    graph = DependencyGraph.from_results([result])
    assert all(graph.depth(p.id) is not None for p in graph.packages)


def test_real_via_details() -> None:
    """Spot checks in warehouse main.txt (lines 7-12 and 209-216): a direct dependency
    carries its requirement text, a parent named in `# via` has an edge without one, and
    found_in is the line of the pin."""
    result = collect_file(COLLECTOR, WAREHOUSE / "main.txt", WAREHOUSE.parent)
    graph = DependencyGraph.from_results([result])
    (alembic,) = graph.find("alembic")
    assert [
        ("pkg:pypi/alembic-postgresql-enum@1.10.0", None),
        (root_id("requirements/main.txt"), "alembic==1.18.5"),
    ] == [(e.parent, e.requirement) for e in graph.parents(alembic.id)]
    assert (Location(path="requirements/main.txt", line=7),) == alembic.found_in
    (certifi,) = graph.find("certifi")
    assert [
        "opensearch-py@3.2.0",
        "requests@2.34.2",
        "requirements/main.txt",
        "sentry-sdk@2.63.0",
    ] == sorted(graph.label(e.parent) for e in graph.parents(certifi.id))


def test_real_file_without_annotations_hangs_everything_from_the_root() -> None:
    """2016's main.txt has no `# via`: each of its 64 packages is a direct dependency."""
    path = REAL / "pypi__warehouse__2016-06-30/requirements/main.txt"
    result = collect_file(COLLECTOR, path)
    assert {root_id("main.txt")} == {e.parent for e in result.edges}
    assert 64 == len(result.edges)


@pytest.mark.parametrize(
    ("path", "packages", "skipped"),
    [
        # 17 `==` lines (backports.zoneinfo and pytest-memray under markers, cffi a
        # pre-release); trustme and hypercorn are `name @ git+https://...`.
        ("urllib3__urllib3/dev-requirements.txt", 17, {"trustme", "hypercorn"}),
        # 12 `==` lines (mypy three times, at three versions, under exclusive markers);
        # build and pytest are ranges.
        ("jawah__charset_normalizer/dev-requirements.txt", 12, {"build", "pytest"}),
        # only pytest-httpbin is pinned; `-e .[socks]`, two ranges and three bare names.
        (
            "psf__requests/requirements-dev.txt",
            1,
            {"", "pytest", "pytest-cov", "httpbin", "trustme", "wheel"},
        ),
    ],
)
def test_real_project_files(path: str, packages: int, skipped: set[str]) -> None:
    """Counts of hand-checked real files (see the comments) and the names skipped."""
    result = collect_file(COLLECTOR, REAL / path)
    assert packages == len(result.packages)
    assert skipped == {s.name for s in result.skipped}


def test_one_name_pinned_under_exclusive_markers_is_several_packages() -> None:
    """charset_normalizer pins mypy at three versions for three Python ranges: three
    packages, each edge keeping its marker."""
    result = collect_file(COLLECTOR, REAL / "jawah__charset_normalizer/dev-requirements.txt")
    mypy = sorted(
        (e.child, e.requirement) for e in result.edges if e.child.startswith("pkg:pypi/mypy@")
    )
    assert [
        (
            "pkg:pypi/mypy@1.11.2",
            "mypy==1.11.2; python_version >= '3.8' and python_version < '3.13'",
        ),
        ("pkg:pypi/mypy@1.12.0", "mypy==1.12.0; python_version >= '3.13'"),
        ("pkg:pypi/mypy@1.4.1", "mypy==1.4.1; python_version < '3.8'"),
    ] == mypy
    assert (
        "https://github.com/mypyc/mypy_mypyc-wheels/releases/expanded_assets/"
        "v1.12.0+dev.b2deaaecf1a11e13bc962558992b5f2d5701f295",
    ) == result.registries


# -- line shapes ---------------------------------------------------------------------------------


def test_pins_hashes_extras_markers_and_provenance() -> None:
    """`==`/`===` pins are packages with the version as written, every --hash kept, the
    full requirement (extras, marker) on the edge and the line where the requirement starts."""
    a, b = "aa00" * 16, "bb11" * 16
    text = (
        "# header\n"
        'Requests[security]==2.31.0 ; python_version < "3.8" \\\n'
        f"    --hash=sha256:{a} \\\n"
        f"    --hash=sha256:{b}\n"
        "legacy===1.0-custom\n"
    )
    result = collect(text)
    assert [("legacy", "1.0-custom"), ("requests", "2.31.0")] == name_versions(result)
    requests = next(p for p in result.packages if p.name == "requests")
    assert {f"sha256:{a}", f"sha256:{b}"} == {h.render() for h in requests.hashes}
    assert (Location(path="requirements.txt", line=2),) == requests.found_in
    assert {
        ("pkg:pypi/legacy@1.0-custom", "legacy===1.0-custom"),
        ("pkg:pypi/requests@2.31.0", 'Requests[security]==2.31.0 ; python_version < "3.8"'),
    } == {(e.child, e.requirement) for e in result.edges}


def test_every_kind_of_unpinned_line_is_skipped_with_its_reason() -> None:
    """Ranges, bare names, wildcards, -e, VCS, direct URLs (even with a version in a wheel
    name), local paths and environment variables are skipped, never dropped."""
    text = "\n".join(
        [
            "requests>=2",
            "flask",
            "django==4.*",
            "-e git+https://x.invalid/repo.git#egg=mylib",
            "git+https://x.invalid/other.git@v1.0#egg=other",
            "wheelpkg @ https://x.invalid/wheelpkg-1.2.3-py3-none-any.whl",
            "./vendor/localpkg",
            "token-pkg==${PKG_VERSION}",
        ]
    )
    assert [
        ("", "./vendor/localpkg", "local path"),
        ("django", "django==4.*", "not pinned to one version (==4.*)"),
        ("flask", "flask", "not pinned (no version)"),
        ("mylib", "-e git+https://x.invalid/repo.git#egg=mylib", "editable install"),
        ("other", "git+https://x.invalid/other.git@v1.0#egg=other", "VCS requirement"),
        ("requests", "requests>=2", "not pinned to one version (>=2)"),
        (
            "token-pkg",
            "token-pkg==${PKG_VERSION}",
            "uses ${PKG_VERSION}, which pip substitutes at install time",
        ),
        (
            "wheelpkg",
            "wheelpkg @ https://x.invalid/wheelpkg-1.2.3-py3-none-any.whl",
            "direct URL requirement (not a registry release; the file name says 1.2.3, "
            "which nothing checks against the URL's content)",
        ),
    ] == skips(collect(text))
    assert (Location(path="requirements.txt", line=8),) == tuple(
        s.location for s in collect(text).skipped if s.name == "token-pkg"
    )


def test_comments_blank_lines_and_url_fragments() -> None:
    """`#` after whitespace is a comment, `#egg=` in a URL is not, blank lines are nothing."""
    text = "\n# c\n\npkg==1.0   # trailing\n   # indented\nhttps://x.invalid/a.zip#egg=zpkg\n"
    result = collect(text)
    assert [("pkg", "1.0")] == name_versions(result)
    assert [("zpkg", "https://x.invalid/a.zip#egg=zpkg", "direct URL requirement")] == skips(result)


@pytest.mark.parametrize("text", ["", "\n\n", "# only\n# comments\n", "  \n\t\n"])
def test_empty_or_comment_only_file_is_valid(text: str) -> None:
    """An empty or comment-only file is a valid file with nothing in it."""
    result = collect(text)
    assert (result.packages, result.skipped, result.edges) == ((), (), ())
    assert 1 == len(result.roots)


def test_pinned_twice_at_one_version_is_one_package_with_both_lines() -> None:
    """Two lines pinning the same version (with or without extras) are one package found
    on both lines; two edges keep both requirements."""
    result = collect("aiohttp==3.9\naiohttp[speedups]==3.9\n")
    (package,) = result.packages
    assert (1, 2) == tuple(loc.line for loc in package.found_in)
    assert {"aiohttp==3.9", "aiohttp[speedups]==3.9"} == {e.requirement for e in result.edges}


def test_unpinned_line_takes_the_one_pin_of_its_name_elsewhere() -> None:
    """`flask` next to `flask==2.0.1` is that package (pip installs it once); a range the
    pin does not satisfy, or several pins, leave it skipped with the reason."""
    result = collect("flask==2.0.1\nflask\n")
    assert [("flask", "2.0.1")] == name_versions(result)
    assert (1, 2) == tuple(loc.line for loc in result.packages[0].found_in)
    conflict = collect("flask==2.0.1\nflask<2\n")
    assert [
        (
            "flask",
            "flask<2",
            "not pinned to one version (<2); the pins elsewhere do not "
            "satisfy it: 2.0.1 (requirements.txt:1)",
        )
    ] == skips(conflict)
    several = collect('mypy==1.0; python_version<"3"\nmypy==2.0; python_version>="3"\nmypy\n')
    assert [("mypy", "mypy", "not pinned (no version); pinned elsewhere to 1.0, 2.0")] == skips(
        several
    )


# -- options and registries --------------------------------------------------------------------


def test_index_options_are_registries_with_credentials_redacted() -> None:
    """Every index URL option is recorded, credentials replaced by ****: user:password,
    a bare token as user, a token in the query; environment references are kept."""
    text = "\n".join(
        [
            "--index-url https://alice:s3cr3t-pw@idx.invalid/simple",
            "-i https://ghp_T0K3N@mirror.invalid/simple",
            "--extra-index-url=https://extra.invalid/simple?token=abc123secret",
            "--extra-index-url https://${USER}:${PASSWORD}@env.invalid/simple",
            "--extra-index-url ${PIP_EXTRA_INDEX_URL}",
            "--find-links https://links.invalid/wheels/",
            "-f ./local-wheels",
            "--trusted-host idx.invalid",
            "pkg==1.0",
        ]
    )
    result = collect(text)
    assert (
        "${PIP_EXTRA_INDEX_URL}",
        "https://${USER}:${PASSWORD}@env.invalid/simple",
        "https://****:****@idx.invalid/simple",
        "https://****@mirror.invalid/simple",
        "https://extra.invalid/simple?token=****",
        "https://links.invalid/wheels/",
    ) == result.registries
    for secret in ("s3cr3t-pw", "ghp_T0K3N", "abc123secret"):
        assert secret not in repr(result)


def test_secret_in_a_requirement_url_never_reaches_the_result_or_the_error() -> None:
    """A direct URL with credentials is skipped with the URL redacted, and an invalid line
    with credentials is reported without them."""
    result = collect("pkg @ https://bob:hunter2@files.invalid/pkg-1.0.tar.gz\n")
    assert "hunter2" not in repr(result)
    with pytest.raises(LockfileError) as info:
        collect("pkg @@ https://bob:hunter2@files.invalid/x\n")
    assert "hunter2" not in str(info.value)
    assert str(info.value).startswith("requirements.txt:1: invalid requirement 'pkg @@ https://")


def test_global_options_are_accepted_and_ignored() -> None:
    """Options that change how pip installs, not what, are accepted and change nothing."""
    text = "\n".join(
        [
            "--pre",
            "--no-binary :all:",
            "--only-binary=:none:",
            "--prefer-binary",
            "--require-hashes",
            "--no-index",
            "--use-feature=fast-deps",
            "--all-releases :all:",
            "pkg==1.0 --config-settings=editable_mode=compat --global-option=--quiet",
        ]
    )
    result = collect(text)
    assert ([("pkg", "1.0")], []) == (name_versions(result), skips(result))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "--frobnicate yes\nok==1.0\n",
            "r.txt:1: unknown option --frobnicate: pip refuses the file",
        ),
        (
            "ok==1.0\npkg==1.0 --install-opts=x\n",
            "r.txt:2: unknown option --install-opts: pip refuses the file",
        ),
    ],
)
def test_unknown_options_make_pip_refuse_the_file(text: str, message: str) -> None:
    """An option pip does not know makes pip refuse the whole file ("no such option"): so
    does auditor, naming the line."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "r.txt")
    assert message == str(info.value)


# -- includes and constraints ------------------------------------------------------------------


def test_includes_nested_folders_loops_and_constraints() -> None:
    """cases/includes: `-r base/common.txt` (which includes `./more.txt`, which includes the
    top file again: read once), `-c constraints/pins.txt` pinning the top file's unpinned
    `requests`. Packages say which file and line they come from; constraint-only names are
    not packages."""
    result = collect_file(COLLECTOR, HERE / "cases/includes/requirements.txt")
    assert [
        ("click", "8.4.2"),
        ("flask", "2.0.1"),
        ("itsdangerous", "2.2.0"),
        ("requests", "2.34.2"),
    ] == name_versions(result)
    found = {p.name: [loc.render() for loc in p.found_in] for p in result.packages}
    assert ["base/common.txt:2"] == found["click"]
    assert ["base/more.txt:3"] == found["itsdangerous"]
    assert ["constraints/pins.txt:1", "requirements.txt:6"] == found["requests"]
    requests = next(p for p in result.packages if p.name == "requests")
    assert 1 == len(requests.hashes)
    assert (
        "requirements.txt",
        "base/common.txt",
        "base/more.txt",
        "constraints/pins.txt",
    ) == result.files
    root = root_id("requirements.txt")
    assert {(root, 'requests[socks]>=2.30; python_version >= "3.8"')} == {
        (e.parent, e.requirement) for e in result.edges if "requests" in e.child
    }
    assert () == result.skipped


def test_constraint_alone_installs_nothing_and_conflicts_are_skipped(tmp_path: Path) -> None:
    """Names only in a constraints file are not packages; a requirement the constraint
    does not satisfy is skipped with both lines named."""
    write(
        tmp_path,
        {
            "requirements.txt": "-c constraints.txt\nrequests<2\n",
            "constraints.txt": "requests==2.31.0\nurllib3==2.0.7\n",
        },
    )
    result = collect_file(COLLECTOR, tmp_path / "requirements.txt")
    assert [] == name_versions(result)
    assert [
        (
            "requests",
            "requests<2",
            "not pinned to one version (<2); the pins elsewhere do not "
            "satisfy it: 2.31.0 (constraints.txt:1)",
        )
    ] == skips(result)


def test_a_requirements_include_inside_constraints_installs(tmp_path: Path) -> None:
    """pip reads `-r` inside a constraints file as requirements (its own role, not the
    includer's): those packages are installed."""
    write(
        tmp_path,
        {
            "requirements.txt": "-c constraints.txt\n",
            "constraints.txt": "-r extra.txt\nsix==1.16.0\n",
            "extra.txt": "attrs==23.1.0\n",
        },
    )
    result = collect_file(COLLECTOR, tmp_path / "requirements.txt")
    assert [("attrs", "23.1.0")] == name_versions(result)


def test_self_include_and_cycles_are_read_once(tmp_path: Path) -> None:
    """A file including itself, or a cycle, ends where a file would be read again in the
    same role. pip >= 24.1 refuses such files ("recursively references itself"); auditor
    reads what they unambiguously list, as osv-scanner and osv-scalibr do."""
    write(
        tmp_path,
        {
            "requirements.txt": "-r requirements.txt\n-r a/one.txt\nx==1\n",
            "a/one.txt": "-r ../requirements.txt\n-r two.txt\ny==2\n",
            "a/two.txt": "-r one.txt\nz==3\n",
        },
    )
    result = collect_file(COLLECTOR, tmp_path / "requirements.txt")
    assert [("x", "1"), ("y", "2"), ("z", "3")] == name_versions(result)
    assert ("requirements.txt", "a/one.txt", "a/two.txt") == result.files


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"requirements.txt": "x==1\n\n-r sub/missing.txt\n"},
            "requirements.txt:3: 'sub/missing.txt' not found (looked for sub/missing.txt)",
        ),
        (
            {"requirements.txt": "-r base.txt\n", "base.txt": "\n-c gone.txt\n"},
            "base.txt:2: 'gone.txt' not found (looked for gone.txt)",
        ),
        (
            {"requirements.txt": "-r sub\n", "sub/x.txt": ""},
            "requirements.txt:1: 'sub' not found (looked for sub)",
        ),
        (
            {"requirements.txt": "-r base.txt\n", "base.txt": "bad line here\n"},
            "base.txt:1: invalid requirement 'bad line here': Expected semicolon (after name "
            "with no version specifier) or end",
        ),
    ],
)
def test_include_errors_name_the_file_and_line(
    files: dict[str, str], message: str, tmp_path: Path
) -> None:
    """A missing include (or a directory) is an error on the including line; an error in
    an included file names that file."""
    write(tmp_path, files)
    with pytest.raises(LockfileError) as info:
        collect_file(COLLECTOR, tmp_path / "requirements.txt")
    assert message == str(info.value)


def test_include_escaping_the_tree_is_an_error(tmp_path: Path) -> None:
    """An include that leaves the scanned tree is refused, naming the line."""
    write(tmp_path, {"outside.txt": "x==1\n", "project/requirements.txt": "-r ../outside.txt\n"})
    root = tmp_path / "project"
    with pytest.raises(LockfileError) as info:
        collect_file(COLLECTOR, root / "requirements.txt")
    assert (
        f"requirements.txt:1: '../outside.txt' is outside the scanned tree ({root.resolve()})"
    ) == str(info.value)


def test_deep_include_chains_are_bounded(tmp_path: Path) -> None:
    """A chain of includes deeper than pip-tools ever writes is an error, not a crash."""
    write(tmp_path, {f"r{i}.txt": f"-r r{i + 1}.txt\n" for i in range(40)})
    with pytest.raises(LockfileError) as info:
        collect_file(COLLECTOR, tmp_path / "r0.txt")
    assert "r32.txt:1: includes nested more than 32 deep" == str(info.value)


def test_remote_and_variable_includes_are_skipped() -> None:
    """Includes pip would fetch over the network or expand from the environment are not
    read (auditor does neither): skipped with the reason, credentials redacted."""
    result = collect("-r https://u:pw@x.invalid/reqs.txt\n-c ${CONSTRAINTS}\n")
    assert [
        (
            "",
            "-c ${CONSTRAINTS}",
            "include not read: the path uses an environment variable pip substitutes at "
            "install time",
        ),
        (
            "",
            "-r https://****:****@x.invalid/reqs.txt",
            "include not read: auditor does not fetch URLs",
        ),
    ] == skips(result)


def test_extra_include_on_a_line_is_reported(tmp_path: Path) -> None:
    """`-r a.txt -r b.txt`: pip reads a.txt only; b.txt is reported as ignored."""
    write(tmp_path, {"requirements.txt": "-r a.txt -r b.txt\n", "a.txt": "a==1\n", "b.txt": ""})
    result = collect_file(COLLECTOR, tmp_path / "requirements.txt")
    assert [("a", "1")] == name_versions(result)
    assert [("", "b.txt", "include ignored by pip: one per line")] == skips(result)


# -- pip-compile annotations -------------------------------------------------------------------


def test_via_styles_and_edges() -> None:
    """Line style and split style, `-r`/`-c` and `project (pyproject.toml)` from the root, a
    package from that package (requirement unknown), a package without annotation from the
    root, an annotation naming nothing in the file from the root."""
    text = """\
click==8.1.7
    # via
    #   -r requirements.in
    #   flask
flask==3.0.0  # via -c constraints.txt
itsdangerous==2.1.2
    # via flask
blinker==1.7.0
    # via myproject (pyproject.toml)
orphan==1.0
    # via not-in-this-file
plain==1.0
"""
    result = collect(text)
    root = root_id("requirements.txt")
    assert {
        (root, "pkg:pypi/click@8.1.7", "click==8.1.7"),
        ("pkg:pypi/flask@3.0.0", "pkg:pypi/click@8.1.7", None),
        (root, "pkg:pypi/flask@3.0.0", "flask==3.0.0"),
        ("pkg:pypi/flask@3.0.0", "pkg:pypi/itsdangerous@2.1.2", None),
        (root, "pkg:pypi/blinker@1.7.0", "blinker==1.7.0"),
        (root, "pkg:pypi/orphan@1.0", "orphan==1.0"),
        (root, "pkg:pypi/plain@1.0", "plain==1.0"),
    } == {(e.parent, e.child, e.requirement) for e in result.edges}


def test_via_comment_after_a_blank_line_or_other_comment_is_not_an_annotation() -> None:
    """Only a `# via` right below a requirement annotates it."""
    text = "a==1\nb==1\n\n    # via a\nc==1\n# note\n    # via a\n"
    result = collect(text)
    assert {root_id("requirements.txt")} == {e.parent for e in result.edges}


# -- malformed input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "asdf==\n",
            "requirements.txt:1: invalid requirement 'asdf==': Expected semicolon "
            "(after name with no version specifier) or end",
        ),
        (
            "ok==1\n==1.0\n",
            "requirements.txt:2: invalid requirement '==1.0': Expected package "
            "name at the start of dependency specifier",
        ),
        (
            "asdf 1.0\n",
            "requirements.txt:1: invalid requirement 'asdf 1.0': Expected semicolon "
            "(after name with no version specifier) or end",
        ),
        (
            "a#b#c\n",
            "requirements.txt:1: invalid requirement 'a#b#c': Expected semicolon "
            "(after name with no version specifier) or end",
        ),
        (
            "foo (>=1\n",
            "requirements.txt:1: invalid requirement 'foo (>=1': Expected matching "
            "RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier",
        ),
        (
            "x==1 \\\n  junk \\\n  --hash=sha256:00\n",
            "requirements.txt:1: invalid requirement "
            "'x==1   junk': Expected comma (within version specifier), semicolon (after version "
            "specifier) or end",
        ),
        (
            "pkg; " + "(" * 5000 + "\n",
            "requirements.txt:1: invalid requirement 'pkg; "
            + "(" * 74
            + "…': Marker expression is nested more than 200 levels deep",
        ),
        (
            "{" * 100_000,
            "requirements.txt:1: invalid requirement '" + "{" * 79 + "…': Expected "
            "package name at the start of dependency specifier",
        ),
    ],
)
def test_invalid_requirements_are_errors_naming_file_and_line(text: str, message: str) -> None:
    """pip refuses a file with a requirement it cannot parse (pip-audit's
    test_requirement_source_invalid_lines expects that too), so auditor does as well: one
    clear error naming the file and the line where the requirement starts, never a guess
    (osv-scalibr's invalid.txt drops such lines silently; see DEVIATIONS)."""
    with pytest.raises(LockfileError) as info:
        collect(text)
    assert message == str(info.value)


# -- through the CLI -----------------------------------------------------------------------------


def test_cli_graph_and_why_on_an_explicit_requirements_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`auditor graph requirements/main.txt` and `auditor why` work on warehouse's file."""
    monkeypatch.chdir(REAL / "pypi__warehouse")
    graph = run_cli(["graph", "--json", "requirements/main.txt"])
    assert 0 == graph.code, graph.err
    doc = json.loads(graph.out)
    assert 184 == len(doc["packages"])
    assert [root_id("requirements/main.txt")] == [r["id"] for r in doc["roots"]]
    why = run_cli(["why", "certifi", "requirements/main.txt"])
    assert 0 == why.code, why.err
    assert "certifi@2026.6.17 (PyPI, direct, main) in requirements/main.txt:209" in why.out
    assert "  requirements/main.txt → requests@2.34.2 → certifi@2026.6.17\n" in why.out


def test_cli_recognises_an_unusually_named_file_by_content(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A requirements file named `deps/main.txt` is recognised by its content."""
    (tmp_path / "deps").mkdir()
    shutil.copy(WAREHOUSE / "deploy.txt", tmp_path / "deps/main.txt")
    monkeypatch.chdir(tmp_path)
    result = run_cli(["graph", "deps/main.txt"])
    assert 0 == result.code, result.err
    assert result.out.startswith("deps/main.txt (PyPI)\n")
    assert "ddtrace@4.10.5 [ddtrace==4.10.5]" in result.out


def test_cli_lists_skipped_requirements_and_reports_a_broken_include(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Skipped lines are printed with their reason; a broken include is one error line
    naming the file and line, exit 2, and the other files of the run still finish."""
    write(
        tmp_path,
        {
            "a/requirements.txt": "flask>=2\nclick==8.1.7\n",
            "b/requirements.txt": "x==1\n-r missing.txt\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    result = run_cli(["graph", "."])
    assert 2 == result.code
    assert "  a/requirements.txt:1: flask>=2 — not pinned to one version (>=2)\n" in result.out
    assert "click@8.1.7" in result.out
    assert (
        "auditor: error: b/requirements.txt:2: 'missing.txt' not found (looked for b/missing.txt)\n"
    ) == result.err


# -- fuzzing -------------------------------------------------------------------------------------

_PIP_PIECES = [
    "\\\n",
    "\n",
    " # via ",
    "\n    #   ",
    "--hash=sha256:",
    " -r ",
    " -c ",
    "-e ",
    "==",
    "===",
    " @ git+https://",
    "; python_version < '3'",
    "${VAR}",
    "[extra]",
    '"',
    "--index-url https://u:p@",
    "./",
    "#egg=",
]


FUZZ_FILES = sorted(HERE.glob("**/*.txt"))
# Per spliced file: measured at most 0.02 s of CPU and 1.1 MB (60 cases).
FUZZ_SECONDS, FUZZ_PEAK_MB = 1.0, 50.0


@pytest.mark.slow
@given(data=st.data())
def test_fuzz_pip_syntax_mutations_raise_only_lockfile_errors(data: st.DataObject) -> None:
    """Pieces of pip syntax spliced into the peer and pip-compile fixtures (the registry's
    fuzz test covers the real project files): only one-line LockfileErrors, never a crash."""
    path = data.draw(st.sampled_from(FUZZ_FILES))
    text = path.read_text()
    for _ in range(data.draw(st.integers(1, 5))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 40))
        piece = data.draw(st.sampled_from(_PIP_PIECES) | st.text(max_size=8))
        text = text[:at] + piece + text[at + cut :]
    message = None
    try:
        with case_bounds(seconds=FUZZ_SECONDS, peak_mb=FUZZ_PEAK_MB):
            collect_text(COLLECTOR, text, path.name, path.parent)
    except LockfileError as exc:  # about this file or one it includes
        message = str(exc)
    if message is not None:
        assert re.match(r"[^\s:]+(:\d+)?: \S", message), message
        assert "\n" not in message


# -- discovery -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "claimed"),
    [
        ("requirements.txt", True),
        ("requirements-dev.txt", True),
        ("requirements_test.txt", True),
        ("dev-requirements.txt", True),
        ("test_requirements.txt", True),
        ("requirements/main.txt", True),
        ("services/api/requirements/base.txt", True),
        ("constraints.txt", True),
        ("testing/constraints-3.8.txt", True),
        ("requirements.in", False),
        ("requirements/main.in", False),
        ("main.txt", False),
        ("docs/notes.txt", False),
    ],
)
def test_discovery_by_name(path: str, claimed: bool, tmp_path: Path) -> None:
    """Directory discovery hands pip's usual file names (at any depth) to this collector,
    and never `.in` inputs or other text files."""
    write(tmp_path, {path: "x==1\n"})
    targets = find_targets([str(tmp_path)])
    found = [(t.path.relative_to(tmp_path).as_posix(), t.collector.name) for t in targets]
    assert ([(path, "requirements")] if claimed else []) == found


def test_a_constraints_file_read_alone_lists_its_pins() -> None:
    """Collected on its own, a constraints file's pins are its packages (the set it locks)."""
    result = collect_file(COLLECTOR, HERE / "cases/includes/constraints/pins.txt")
    assert [("requests", "2.34.2"), ("urllib3", "2.7.0")] == name_versions(result)
