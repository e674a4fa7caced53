"""The licence policy check: denied, not allowed and unknown licences as findings; the
config that sets the policy; --fail-on license (and licence)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.checks.base import CheckContext, CheckSettings
from auditor.checks.licenses import LicenseCheck
from auditor.core.findings import FindingKind, Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Package, Source, SourceKind
from auditor.enrich.stage import RegistryData
from auditor.licenses.policy import LicensePolicy
from auditor.licenses.spdx import normalise
from auditor.pipeline.policy import blocking
from tests.support import run_cli

POLICY = LicensePolicy(
    allow=frozenset({"MIT", "Apache-2.0", "GPL-3.0-only"}), deny=frozenset({"GPL-3.0-only"})
)


def pkg(name: str, declared: str | None, **kw: object) -> Package:
    license = normalise(declared, source="lockfile") if declared else None
    return Package(ecosystem=Ecosystem.NPM, name=name, version="1.0.0", license=license, **kw)  # type: ignore[arg-type]


def _name(package_id: str) -> str:
    return package_id.split("/")[1].split("@", maxsplit=1)[0]


def run(
    *packages: Package, policy: LicensePolicy = POLICY, registry: RegistryData | None = None
) -> dict[str, tuple[str, Severity, str]]:
    """The findings by package name; unverified packages as ("unverified", reason)."""
    context = CheckContext(
        graph=DependencyGraph(packages=list(packages)),
        settings=CheckSettings(licenses=policy),
        registry=registry,
        registry_note="--offline",
    )
    check = LicenseCheck()
    assert check.applies(context)
    outcome = check.run(context)
    found: dict[str, tuple[str, Severity, str]] = {
        _name(f.package_id): (f.id, f.severity, f.summary) for f in outcome.findings
    }
    for item in outcome.unverified:
        assert "licenses" == item.check
        found[_name(item.package_id)] = ("unverified", Severity.UNKNOWN, item.reason)
    return found


def test_findings_by_verdict() -> None:
    """Denied (high), not allowed (medium), unknown under an allow-list (low); an OR with
    an allowed side passes; the project's own packages are not judged; a package whose
    registry was not asked is unverified, not unknown."""
    found = run(
        pkg("ok", "MIT"),
        pkg("choice", "MIT OR GPL-3.0-only"),
        pkg("copyleft", "GPL-3.0"),
        pkg("mixed", "Apache-2.0 AND ISC"),
        pkg("vague", "BSD"),
        pkg("nothing", None),
        pkg("mine", None, source=Source(kind=SourceKind.WORKSPACE, url="packages/mine")),
    )
    assert {
        "copyleft": (
            "LICENSE-DENIED",
            Severity.HIGH,
            "licence GPL-3.0-only is denied by the policy (declared: GPL-3.0-only)",
        ),
        "mixed": (
            "LICENSE-NOT-ALLOWED",
            Severity.MEDIUM,
            "licence ISC is not on the allow-list (declared: Apache-2.0 AND ISC)",
        ),
        "vague": (
            "LICENSE-UNKNOWN",
            Severity.LOW,
            "licence is no SPDX expression, so not shown to be allowed (declared: BSD)",
        ),
        "nothing": (
            "unverified",
            Severity.UNKNOWN,
            "the lockfile records no licence; registry lookups skipped: --offline",
        ),
    } == found


def test_registry_answers_and_failures() -> None:
    """With the registry asked: a package it declared nothing for is LICENSE-UNKNOWN; one
    whose lookup failed is unverified with the reason; a Go module (its proxy publishes no
    licence) is unknown."""
    registry = RegistryData(license_errors={pkg("failed", None).id: "licence lookup failed: 503"})
    go = Package(ecosystem=Ecosystem.GO, name="example.com/m", version="1.0.0")
    found = run(pkg("silent", None), pkg("failed", None), go, registry=registry)
    unknown = "licence unknown: neither the lockfile nor the registry declares one"
    assert {
        "silent": ("LICENSE-UNKNOWN", Severity.LOW, unknown),
        "failed": ("unverified", Severity.UNKNOWN, "licence lookup failed: 503"),
        "example.com": ("LICENSE-UNKNOWN", Severity.LOW, unknown),
    } == found


def test_deny_list_alone_lets_unknown_pass() -> None:
    """Without an allow-list only denied licences are findings."""
    only_deny = LicensePolicy(deny=frozenset({"AGPL-3.0-only"}))
    found = run(pkg("a", "AGPL-3.0-only"), pkg("b", None), pkg("c", "BSD"), policy=only_deny)
    assert ["a"] == sorted(found)


def test_no_policy_no_check() -> None:
    """Without [licenses] the check does not run."""
    context = CheckContext(graph=DependencyGraph(packages=[pkg("a", "GPL-3.0")]))
    assert not LicenseCheck().applies(context)


def test_fail_on_license_gates_only_licence_findings() -> None:
    """--fail-on license (or licence) blocks on licence findings only; a severity threshold
    counts them like any other finding; without --fail-on they never block."""
    context = CheckContext(
        graph=DependencyGraph(packages=[pkg("a", "GPL-3.0")]),
        settings=CheckSettings(licenses=POLICY),
    )
    findings = LicenseCheck().run(context).findings
    assert {FindingKind.LICENSE} == {f.kind for f in findings}
    assert findings == blocking(findings, "license")
    assert findings == blocking(findings, "licence")
    assert findings == blocking(findings, "high")
    assert () == blocking(findings, None)
    assert () == blocking(findings, "malicious")


LOCK = {
    "name": "app",
    "lockfileVersion": 3,
    "packages": {
        "": {"name": "app", "dependencies": {"a": "1", "b": "1"}},
        "node_modules/a": {"version": "1.0.0", "license": "(MIT OR GPL-3.0)"},
        "node_modules/b": {"version": "1.0.0", "license": "AGPL-3.0-only"},
    },
}


@pytest.mark.parametrize("spelling", ["license", "licence"])
def test_cli_policy_from_the_config(tmp_path: Path, spelling: str) -> None:
    """``[licenses]`` in auditor.toml sets the policy; ``scan --fail-on license|licence``
    exits 1 on the denied package, 0 without the gate; an ignore with the package's alias
    accepts it."""
    (tmp_path / "package-lock.json").write_text(json.dumps(LOCK))
    config = tmp_path / "auditor.toml"
    config.write_text('[licenses]\nallow = ["mit"]\ndeny = ["AGPL-3.0-only"]\n')
    gated = run_cli(["scan", str(tmp_path), "--offline", "--fail-on", spelling, "--json"])
    assert 1 == gated.code, gated.err
    report = json.loads(gated.out)
    assert [("LICENSE-DENIED", "b")] == [
        (f["id"], f["package"]["name"]) for f in report["findings"] if f["kind"] == "license"
    ]
    assert 0 == run_cli(["scan", str(tmp_path), "--offline", "--fail-on", "malicious"]).code
    config.write_text(
        config.read_text()
        + '\n[[ignore]]\nid = "LICENSE-DENIED:b"\nreason = "used only by the build"\n'
    )
    assert 0 == run_cli(["scan", str(tmp_path), "--offline", "--fail-on", spelling]).code


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[licenses]\nallow = ["MIT OR X"]\n',
            "auditor.toml: 'MIT OR X' is not an SPDX licence id in licenses.allow[0]",
        ),
        (
            '[licenses]\nforbid = ["MIT"]\n',
            "auditor.toml: unknown setting 'forbid' (known: allow, deny) in licenses.forbid",
        ),
        (
            '[licenses]\ndeny = "MIT"\n',
            "auditor.toml: value is a string, expected an array in licenses.deny",
        ),
    ],
)
def test_bad_policy_is_a_usage_error(tmp_path: Path, text: str, message: str) -> None:
    """A policy entry that is no SPDX id, or an unknown key, is one line naming the file
    and the key; exit 2 before anything is read."""
    (tmp_path / "package-lock.json").write_text(json.dumps(LOCK))
    (tmp_path / "auditor.toml").write_text(text)
    result = run_cli(["scan", str(tmp_path), "--offline"])
    assert 2 == result.code
    assert message in result.err
    assert "Traceback" not in result.err
