"""Configuration of the supply-chain checks: internal names, public registries, registry
lookups, the unmaintained threshold and the target environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.core.model import Ecosystem
from auditor.settings import Config, ConfigError, load_config, resolve

CONFIG = """\
internal = ["acme-*", "npm:@acme/*"]
registry = false
unmaintained-days = 365
python-version = "3.11"
platform = "macos"

[public-registries]
pypi = ["https://pypi-index.invalid/simple"]
npm = "https://npm-registry.invalid/"
"""


def load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "auditor.toml"
    path.write_text(text)
    return load_config(path, shown="auditor.toml")


def test_every_key(tmp_path: Path) -> None:
    """Each key is read with its origin; platform spellings are normalised."""
    config = load(tmp_path, CONFIG)
    assert [("acme-*", None), ("@acme/*", Ecosystem.NPM)] == [
        (p.pattern, p.ecosystem) for p in config.internal
    ]
    assert "auditor.toml: internal[1]" == config.internal[1].origin
    assert (
        (Ecosystem.PYPI, "https://pypi-index.invalid/simple"),
        (Ecosystem.NPM, "https://npm-registry.invalid/"),
    ) == config.public_registries
    assert (False, 365, "3.11", "darwin") == (
        config.registry,
        config.unmaintained_days,
        config.python_version,
        config.platform,
    )


def test_internal_as_a_table(tmp_path: Path) -> None:
    """internal may list patterns per ecosystem."""
    config = load(tmp_path, '[internal]\npypi = ["acme-*"]\ngo = ["git.acme.invalid/*"]\n')
    assert [(Ecosystem.PYPI, "acme-*"), (Ecosystem.GO, "git.acme.invalid/*")] == [
        (p.ecosystem, p.pattern) for p in config.internal
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('internal = ["*"]\n', "auditor.toml: '*' would match every package in internal[0]"),
        ("internal = [1]\n", "auditor.toml: value is an integer, expected a string in internal[0]"),
        (
            '[internal]\ncargo = ["x"]\n',
            "auditor.toml: unknown ecosystem 'cargo' (known: pypi, npm, go) in internal.cargo",
        ),
        (
            '[public-registries]\ngo = ["https://go-proxy.invalid"]\n',
            "auditor.toml: unknown registry 'go' (known: pypi, npm) in public-registries.go",
        ),
        (
            '[public-registries]\npypi = ["ftp://x.invalid"]\n',
            "auditor.toml: 'ftp://x.invalid' is not an http(s) URL in public-registries.pypi[0]",
        ),
        (
            "unmaintained-days = 0\n",
            "auditor.toml: is an integer, expected a whole number of days (1 or more) in "
            "unmaintained-days",
        ),
        (
            'python-version = "3"\n',
            "auditor.toml: is '3', expected MAJOR.MINOR such as 3.11 in python-version",
        ),
        (
            'platform = "beos"\n',
            "auditor.toml: is 'beos', expected one of linux, darwin, windows in platform",
        ),
        (
            'registry = "no"\n',
            "auditor.toml: 'registry' is a string, expected a boolean",
        ),
    ],
)
def test_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    """Every mistake is one line naming the file and the key path."""
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    assert message == str(info.value)


def test_precedence() -> None:
    """Flags beat the environment, which beats the config file."""
    config = Config(
        path="auditor.toml",
        registry=True,
        unmaintained_days=100,
        python_version="3.9",
        platform="linux",
    )
    plain = resolve(config=config, environ={})
    assert (True, 100, "3.9", "linux") == (
        plain.registry,
        plain.unmaintained_days,
        plain.python_version,
        plain.platform,
    )
    env = {
        "AUDITOR_NO_REGISTRY": "1",
        "AUDITOR_UNMAINTAINED_DAYS": "50",
        "AUDITOR_PYTHON_VERSION": "3.10",
        "AUDITOR_PLATFORM": "win32",
    }
    from_env = resolve(config=config, environ=env)
    assert (False, 50, "3.10", "windows") == (
        from_env.registry,
        from_env.unmaintained_days,
        from_env.python_version,
        from_env.platform,
    )
    flags = resolve(
        config=config, environ={}, no_registry=True, python_version="3.12", platform="darwin"
    )
    assert (False, "3.12", "darwin") == (flags.registry, flags.python_version, flags.platform)
    assert resolve(config=Config(registry=False), environ={}).registry is False
    assert resolve(config=Config(), environ={"AUDITOR_NO_REGISTRY": "0"}).registry is True


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "AUDITOR_UNMAINTAINED_DAYS",
            "0",
            "AUDITOR_UNMAINTAINED_DAYS: is '0', expected a whole number of days (1 or more)",
        ),
        (
            "AUDITOR_PYTHON_VERSION",
            "three",
            "AUDITOR_PYTHON_VERSION: is 'three', expected MAJOR.MINOR such as 3.11",
        ),
        (
            "AUDITOR_PLATFORM",
            "amiga",
            "AUDITOR_PLATFORM: is 'amiga', expected one of linux, darwin, windows",
        ),
        (
            "AUDITOR_NO_REGISTRY",
            "maybe",
            "AUDITOR_NO_REGISTRY: is 'maybe', expected 1/0, true/false, yes/no or on/off",
        ),
    ],
)
def test_bad_environment(name: str, value: str, message: str) -> None:
    """A malformed variable is a usage error naming it."""
    with pytest.raises(ConfigError) as info:
        resolve(config=Config(), environ={name: value})
    assert message == str(info.value)
