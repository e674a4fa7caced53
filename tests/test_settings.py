"""Configuration: where it is found, what it may say, errors, and precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.core.errors import UsageError
from auditor.core.findings import IgnoreRule
from auditor.settings import (
    Config,
    ConfigError,
    find_config,
    read_config,
    resolve,
    stale_days,
)

PYPROJECT = """\
[project]
name = "demo"

[tool.auditor]
source = "osv-local"
advisory-db = "advisories"
fail-on = "high"
stale-days = 30
ignore = [
  {id = "PYSEC-2021-98", reason = "not reachable: we never call it", expires = 2026-12-31},
  {id = "GHSA-hwqr-f3v9-hwxr", reason = "dev-only dependency"},
]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_pyproject_tool_auditor(tmp_path: Path) -> None:
    """[tool.auditor] in the scanned root's pyproject.toml is read, paths made absolute."""
    write(tmp_path, "pyproject.toml", PYPROJECT)
    config = read_config(None, [str(tmp_path)], Path("/"))
    assert config.path is not None
    assert config.path.endswith("pyproject.toml")
    assert ("osv-local",) == config.sources
    assert tmp_path / "advisories" == config.advisory_db
    assert ("high", 30) == (config.fail_on, config.stale_days)
    assert (
        IgnoreRule(
            id="GHSA-hwqr-f3v9-hwxr",
            reason="dev-only dependency",
            origin=f"{config.path}: tool.auditor.ignore[1]",
        ),
        IgnoreRule(
            id="PYSEC-2021-98",
            reason="not reachable: we never call it",
            expires="2026-12-31",
            origin=f"{config.path}: tool.auditor.ignore[0]",
        ),
    ) == config.ignores


def test_auditor_toml_wins_and_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    """auditor.toml (top-level keys) is preferred; a pyproject.toml without [tool.auditor]
    is not a config file."""
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_config([str(tmp_path)], Path("/")) is None
    write(tmp_path, "auditor.toml", 'offline = true\nsource = ["osv-local"]\n')
    assert tmp_path / "auditor.toml" == find_config([str(tmp_path / "pyproject.toml")], Path("/"))
    config = read_config(None, [str(tmp_path)], Path("/"))
    assert (True, ("osv-local",)) == (config.offline, config.sources)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[ignore]]\nid = "PYSEC-2021-98"\n',
            "auditor.toml: missing 'reason' in ignore[0]",
        ),
        (
            '[[ignore]]\nid = "PYSEC-2021-98"\nreason = "  "\n',
            "auditor.toml: is empty: say why this finding is acceptable in ignore[0].reason",
        ),
        (
            '[[ignore]]\nid = "X-1"\nreason = "r"\nexpires = "next year"\n',
            "auditor.toml: is 'next year', expected a date such as 2026-12-31 in ignore[0].expires",
        ),
        (
            '[[ignore]]\nid = "X-1"\nreason = "r"\npackages = "django"\n',
            "auditor.toml: unknown ignore field 'packages' (known: id, reason, expires, until, "
            "package, versions, path, until-fixed) in ignore[0].packages",
        ),
        (
            '[[ignore]]\nid = "X-1"\nreason = "r"\npackage = "pkg:maven/a/b"\n',
            "auditor.toml: 'pkg:maven/a/b' is not a package URL of an audited ecosystem "
            "in ignore[0].package",
        ),
        (
            '[[ignore]]\nid = "X-1"\nreason = "r"\nversions = "<3.1, ~=2"\n',
            "auditor.toml: '~=2' is not a version comparison (such as <3.1 or 2.0.1) "
            "in ignore[0].versions",
        ),
        (
            '[[ignore]]\nid = "X-1"\nreason = "r"\nversions = []\n',
            'auditor.toml: is empty: give versions such as "<3.1" or ["2.0.1", "2.0.2"] '
            "in ignore[0].versions",
        ),
        (
            '[[ignore]]\nid = "X-1"\nreason = "r"\npath = "../other/poetry.lock"\n',
            "auditor.toml: '../other/poetry.lock' is not a lockfile path inside the scanned "
            "tree in ignore[0].path",
        ),
        (
            '[[ignore]]\nid = "X-1"\nreason = "r"\nuntil = 2026-01-01\nexpires = 2026-01-01\n',
            "auditor.toml: is given besides 'expires': use one of them in ignore[0].until",
        ),
        (
            '[[ignore]]\nid = "X-1"\nreason = "r"\nuntil-fixed = "yes"\n',
            "auditor.toml: 'until-fixed' is a string, expected a boolean in ignore[0]",
        ),
        (
            '[[ignore]]\nid = "X-1"\nreason = "r"\npackage = "django"\n'
            '[[ignore]]\nid = "x-1"\nreason = "s"\npackage = "django"\n',
            "auditor.toml: x-1 is ignored twice with the same package, versions and path "
            "in ignore[1].id",
        ),
        (
            'omit = ["dev", "test"]\n',
            "auditor.toml: test: expected dev, optional, peer in omit",
        ),
        (
            '[[ignore]]\nid = "X 1"\nreason = "r"\n',
            "auditor.toml: 'X 1' is not an advisory id in ignore[0].id",
        ),
        (
            '[[ignore]]\nid = "X-1"\nreason = "r"\n[[ignore]]\nid = "X-1"\nreason = "s"\n',
            "auditor.toml: X-1 is ignored twice in ignore[1].id",
        ),
        (
            "ignores = []\n",
            "auditor.toml: unknown setting 'ignores' (known: source, advisory-db, "
            "osv-url, offline, fail-on, unknown-severity, stale-days, ignore, "
            "typosquat-allow-list, internal, "
            "public-registries, registry, unmaintained-days, python-version, platform, exclude, "
            "strict, omit, notify, licenses) in ignores",
        ),
        (
            'fail-on = "severe"\n',
            "auditor.toml: is 'severe', expected one of low, medium, high, "
            "critical, malicious, kev, license, licence in fail-on",
        ),
        (
            'unknown-severity = "low"\n',
            "auditor.toml: is 'low', expected one of medium, fail, ignore in unknown-severity",
        ),
        (
            "stale-days = -1\n",
            "auditor.toml: is -1, expected a positive number of days in stale-days",
        ),
        (
            'stale-days = "week"\n',
            "auditor.toml: is a string, expected a positive number of days in stale-days",
        ),
        (
            'osv-url = "ftp://mirror.invalid/osv"\n',
            "auditor.toml: 'ftp://mirror.invalid/osv' is not an http(s) URL in osv-url",
        ),
        ("offline = 1\n", "auditor.toml: 'offline' is an integer, expected a boolean"),
        ("offline = \n", "auditor.toml:1: not valid TOML: Invalid value"),
    ],
)
def test_config_errors_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    """Each mistake is one ConfigError (a usage error) naming the file and key path."""
    write(tmp_path, "auditor.toml", text)
    with pytest.raises(ConfigError) as info:
        read_config(None, ["."], tmp_path)
    assert isinstance(info.value, UsageError)
    assert message == str(info.value)


def test_explicit_config_file(tmp_path: Path) -> None:
    """--config FILE is read whatever its name; a missing one is a usage error."""
    write(tmp_path, "ci.toml", 'fail-on = "critical"\n')
    assert "critical" == read_config("ci.toml", ["."], tmp_path).fail_on
    with pytest.raises(UsageError, match=r"--config: missing\.toml is not a file"):
        read_config("missing.toml", ["."], tmp_path)


def test_precedence_flags_over_environment_over_file() -> None:
    """flag > AUDITOR_* > config file > default, for each setting on its own."""
    config = Config(
        path="auditor.toml",
        sources=("osv-local",),
        advisory_db=Path("/cfg/db"),
        offline=True,
        fail_on="high",
        stale_days=30,
    )
    plain = resolve(config=config, environ={})
    assert (("osv-local",), Path("/cfg/db"), True, "high", 30) == (
        plain.sources,
        plain.advisory_db,
        plain.offline,
        plain.fail_on,
        plain.stale_days,
    )
    env = {
        "AUDITOR_SOURCE": "osv-api, osv-local",
        "AUDITOR_ADVISORY_DB": "/env/db",
        "AUDITOR_OFFLINE": "0",
        "AUDITOR_STALE_DAYS": "3",
    }
    from_env = resolve(config=config, environ=env)
    assert (("osv-api", "osv-local"), Path("/env/db"), False, 3) == (
        from_env.sources,
        from_env.advisory_db,
        from_env.offline,
        from_env.stale_days,
    )
    flags = resolve(
        config=config,
        environ=env,
        sources=["pypi,osv-local"],
        advisory_db="/flag/db",
        offline=True,
        fail_on="malicious",
    )
    assert (("pypi", "osv-local"), Path("/flag/db"), True, "malicious") == (
        flags.sources,
        flags.advisory_db,
        flags.offline,
        flags.fail_on,
    )


def test_unknown_severity_flag_over_file_over_default(tmp_path: Path) -> None:
    """``unknown-severity`` in the config file, beaten by the flag; default medium."""
    write(tmp_path, "auditor.toml", 'unknown-severity = "fail"\n')
    config = read_config(None, ["."], tmp_path)
    assert "fail" == config.unknown_severity
    assert "fail" == resolve(config=config, environ={}).unknown_severity
    assert (
        "ignore" == resolve(config=config, environ={}, unknown_severity="ignore").unknown_severity
    )
    assert "medium" == resolve(config=Config(), environ={}).unknown_severity


def test_bad_environment_values() -> None:
    """Environment values are checked like config values."""
    with pytest.raises(ConfigError, match="AUDITOR_OFFLINE: is 'maybe', expected"):
        resolve(config=Config(), environ={"AUDITOR_OFFLINE": "maybe"})
    with pytest.raises(ConfigError, match="AUDITOR_STALE_DAYS: is 'week'"):
        resolve(config=Config(), environ={"AUDITOR_STALE_DAYS": "week"})


def test_stale_days_from_flag_environment_or_default() -> None:
    """The shared staleness threshold: --stale-days beats AUDITOR_STALE_DAYS beats the
    deprecated AUDITOR_DB_MAX_AGE_DAYS beats 7; bad values are usage errors."""
    assert 3.0 == stale_days(3.0, {"AUDITOR_STALE_DAYS": "9"})
    assert 9.5 == stale_days(None, {"AUDITOR_STALE_DAYS": "9.5"})
    assert 4.0 == stale_days(None, {"AUDITOR_STALE_DAYS": "4", "AUDITOR_DB_MAX_AGE_DAYS": "9"})
    assert 9.0 == stale_days(None, {"AUDITOR_DB_MAX_AGE_DAYS": "9"})
    assert 7.0 == stale_days(None, {})
    with pytest.raises(UsageError, match="AUDITOR_STALE_DAYS: is 'soon', expected a positive"):
        stale_days(None, {"AUDITOR_STALE_DAYS": "soon"})
    with pytest.raises(UsageError, match="AUDITOR_DB_MAX_AGE_DAYS: is '0', expected a positive"):
        stale_days(None, {"AUDITOR_DB_MAX_AGE_DAYS": "0"})
