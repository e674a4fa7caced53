"""Scoped ignores: ``package``, ``versions``, ``path``, ``until`` and ``until-fixed``, on a
monorepo of three real saleor lockfiles (two of them lock the same Django)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from auditor.core.model import Ecosystem
from auditor.pipeline.scope import path_matches
from auditor.versions.constraint import parse_versions, versions_admit
from tests.support import run_cli

HISTORY = Path(__file__).parents[2] / "examples" / "saleor-history"
SERVICES = {
    "services/shop": "2020-06-30__30c93eb3",  # django 3.0.6, pillow 7.1.2, py 1.8.2
    "services/legacy": "2019-10-17__069b8b82",  # django 2.2.6, pillow 5.4.1
    "tools/admin": "2020-05-26__ea8e38c6",  # django 3.0.6 again
}


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    for folder, version in SERVICES.items():
        target = tmp_path / folder
        target.mkdir(parents=True)
        for name in ("poetry.lock", "pyproject.toml"):
            shutil.copy(HISTORY / version / name, target / name)
    return tmp_path


def audit(root: Path, config: str) -> tuple[dict[str, object], str]:
    (root / "auditor.toml").write_text(config)
    result = run_cli(["scan", str(root), "--offline", "--json"])
    assert 2 != result.code, result.err
    return json.loads(result.out), result.err


def suppressed(doc: dict[str, object]) -> set[tuple[str, str, str]]:
    return {
        (s["finding"]["package"]["name"], s["finding"]["package"]["version"], s["finding"]["id"])
        for s in doc["suppressed"]  # type: ignore[attr-defined]
    }


def test_package_and_versions_scope(monorepo: Path) -> None:
    """An ignore of an advisory for django below 3 leaves the 3.0.6 findings open; a purl
    with version names exactly one locked package."""
    doc, _ = audit(
        monorepo,
        '[[ignore]]\nid = "CVE-2021-33203"\nreason = "legacy admin only"\npackage = "Django"\n'
        'versions = "<3"\n'
        '[[ignore]]\nid = "PYSEC-2021-137"\nreason = "thumbnails only"\n'
        'package = "pkg:pypi/pillow@5.4.1"\n',
    )
    assert {
        ("django", "2.2.6", "PYSEC-2021-98"),
        ("pillow", "5.4.1", "PYSEC-2021-137"),
    } == suppressed(doc)
    open_ = {(f["package"]["version"], f["id"]) for f in doc["findings"]}  # type: ignore[attr-defined]
    assert {("3.0.6", "PYSEC-2021-98"), ("7.1.2", "PYSEC-2021-137")} <= open_
    ignore = doc["suppressed"][0]["ignore"]  # type: ignore[index]
    assert ("Django", "<3", None, False) == (
        ignore["package"],
        ignore["versions"],
        ignore["path"],
        ignore["until_fixed"],
    )


def test_a_path_scope_covers_a_package_only_where_every_lockfile_matches(monorepo: Path) -> None:
    """django 3.0.6 is locked in services/shop and tools/admin: an ignore of services/ does
    not hide it (tools/admin still has it), but hides legacy's 2.2.6; a glob over every
    lockfile hides both."""
    doc, _ = audit(
        monorepo,
        '[[ignore]]\nid = "PYSEC-2021-98"\nreason = "behind the gateway"\npath = "services"\n',
    )
    assert {("django", "2.2.6", "PYSEC-2021-98")} == suppressed(doc)
    doc, _ = audit(
        monorepo,
        '[[ignore]]\nid = "PYSEC-2021-98"\nreason = "both apps"\npath = "*/*/poetry.lock"\n',
    )
    assert {("django", v, "PYSEC-2021-98") for v in ("2.2.6", "3.0.6")} == suppressed(doc)


def test_until_fixed_holds_only_while_nothing_fixes_it(monorepo: Path) -> None:
    """py's ReDoS has no fixed version: the ignore holds. Django's advisory has one: the
    ignore stops and says why."""
    doc, err = audit(
        monorepo,
        '[[ignore]]\nid = "PYSEC-2022-42969"\nreason = "no fix exists"\nuntil-fixed = true\n'
        '[[ignore]]\nid = "PYSEC-2021-98"\nreason = "until a fix"\nuntil-fixed = true\n'
        'package = "django"\nversions = ">=3"\n',
    )
    assert {("py", "1.8.2", "PYSEC-2022-42969")} <= suppressed(doc)
    assert not any(i == "PYSEC-2021-98" for _, _, i in suppressed(doc))
    assert (
        f"auditor: warning: the ignore of PYSEC-2021-98 ({monorepo}/auditor.toml: ignore[1]) "
        "holds only until a fix exists, and pkg:pypi/django@3.0.6 has one (3.1.12): the "
        "finding counts again\n"
    ) in err


def test_until_is_the_expiry(monorepo: Path) -> None:
    """`until` is `expires` spelled as other tools spell it: the day after, it is expired."""
    doc, err = audit(
        monorepo, '[[ignore]]\nid = "PYSEC-2021-98"\nreason = "r"\nuntil = 2020-01-01\n'
    )
    assert set() == suppressed(doc)
    assert [{"id": "PYSEC-2021-98", "expires": "2020-01-01"}] == [
        {k: e[k] for k in ("id", "expires")}
        for e in doc["expired_ignores"]  # type: ignore[attr-defined]
    ]
    assert "expired on 2020-01-01 and no longer applies" in err


@pytest.mark.parametrize(
    ("text", "version", "admitted"),
    [
        ("<3", "2.2.6", True),
        ("<3", "3.0.6", False),
        (">=3.0, <3.1", "3.0.6", True),
        ("3.0.6 || >=3.2", "3.1.0", False),
        ("3.0.6 || >=3.2", "3.2", True),
        ("==3.0.6", "3.0.6.0", True),  # PEP 440 equality
        ("!=3.0.6", "3.0.7", True),
        ("<1.0", "not a version", False),
    ],
)
def test_version_comparisons_use_the_ecosystem_order(
    text: str, version: str, admitted: bool
) -> None:
    """Clauses joined by commas all hold; alternatives by ||; a bare version means ==."""
    assert admitted == versions_admit(text, Ecosystem.PYPI, version)


def test_npm_order_and_bad_comparisons() -> None:
    """npm's SemVer orders pre-releases below releases; junk is refused with the clause."""
    assert versions_admit("<1.0.0", Ecosystem.NPM, "1.0.0-rc.1")
    with pytest.raises(ValueError, match="'~>1' is not a version comparison"):
        parse_versions(">=1, ~>1")


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("services/shop/poetry.lock", "services/shop/poetry.lock", True),
        ("services/shop", "services/shop/poetry.lock", True),
        ("services/shop/", "services/shop/poetry.lock", True),
        ("services/sh", "services/shop/poetry.lock", False),
        ("*/poetry.lock", "services/shop/poetry.lock", True),
        ("./services", "services/legacy/poetry.lock", True),
    ],
)
def test_path_patterns(pattern: str, path: str, matches: bool) -> None:
    """A file, a folder (never a prefix of a name), or a glob whose * crosses folders."""
    assert matches == path_matches(pattern, path)
