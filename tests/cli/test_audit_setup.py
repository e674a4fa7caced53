"""What scan and report build from flags, environment and config: the OSV URL, the network
flags shared with `db sync`, the run's HTTP client, and which database osv-local reads."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from auditor.advisories.base import SourceOptions
from auditor.advisories.osv_api import OsvApiSource
from auditor.advisories.osv_local import OsvLocalSource
from auditor.cli import build_parser
from auditor.cli.audit_setup import prepare
from auditor.core.errors import UsageError
from tests.advisories.support import pkg
from tests.support import FIXTURES, run_cli

SMALL = FIXTURES / "scan" / "small"
RECORDS = FIXTURES / "advisories"


def setup_for(argv: list[str], environ: dict[str, str], cwd: Path) -> object:
    args = build_parser().parse_args(["scan", *argv, str(cwd)])
    return prepare(args, environ=environ, cwd=cwd)


def test_osv_url_flag_beats_environment_beats_config(tmp_path: Path) -> None:
    """--osv-url > AUDITOR_OSV_URL > osv-url in the config > OSV's public API."""
    (tmp_path / "auditor.toml").write_text('osv-url = "http://config.invalid/"\n')
    env = {"AUDITOR_OSV_URL": "http://env.invalid", "AUDITOR_CACHE_DIR": str(tmp_path / "c")}
    chosen = [
        setup_for(["--source", "osv-api", *flag], e, tmp_path).options.sources[0].base  # type: ignore[attr-defined]
        for flag, e in (
            (["--osv-url", "http://flag.invalid/v1"], env),
            ([], env),
            ([], {"AUDITOR_CACHE_DIR": str(tmp_path / "c")}),
        )
    ]
    assert ["http://flag.invalid", "http://env.invalid", "http://config.invalid"] == chosen
    (tmp_path / "auditor.toml").unlink()
    default = setup_for(["--source", "osv-api"], {}, tmp_path).options.sources[0]  # type: ignore[attr-defined]
    assert "https://api.osv.dev" == default.base


def test_bad_osv_url_is_a_usage_error(tmp_path: Path) -> None:
    """A URL that is not http(s) fails before anything is read; credentials are hidden."""
    with pytest.raises(
        UsageError, match=r"--osv-url: 'ftp://\*\*\*\*:\*\*\*\*@x.invalid' is not an http\(s\) URL"
    ):
        setup_for(["--osv-url", "ftp://me:secret@x.invalid"], {}, tmp_path)
    bad = run_cli(["scan", "--osv-url", "not a url", str(SMALL)])
    assert (2, "", "auditor: error: --osv-url: 'not a url' is not an http(s) URL\n") == (
        bad.code,
        bad.out,
        bad.err,
    )


def test_network_flags_reach_the_live_sources_client(tmp_path: Path) -> None:
    """--timeout, --retry-budget, --rate-limit, --offline and --cache-dir shape the one
    client the live sources and the registry lookups share; a local-only run without
    registry lookups builds no client."""
    setup = setup_for(
        ["--source", "osv-api", "--timeout", "3", "--retry-budget", "5", "--rate-limit", "2",
         "--cache-dir", str(tmp_path / "cache")],
        {},
        tmp_path,
    )  # fmt: skip
    client = setup.client  # type: ignore[attr-defined]
    assert (3.0, 3.0, 5, 2.0) == (
        client.config.connect_timeout,
        client.config.read_timeout,
        client.config.retry_budget,
        client.config.rate_limit,
    )
    [source] = setup.options.sources  # type: ignore[attr-defined]
    assert isinstance(source, OsvApiSource)
    assert source.client is client
    assert source.cache is not None
    assert tmp_path / "cache" / "osv-api" == source.cache.folder
    local = ["--no-registry", "--source", "osv-local"]
    assert None is setup_for(local, {}, tmp_path).client  # type: ignore[attr-defined]
    # auto may ask the OSV API
    assert None is not setup_for(["--no-registry"], {}, tmp_path).client  # type: ignore[attr-defined]
    assert None is not setup_for([], {}, tmp_path).client  # type: ignore[attr-defined]


def test_offline_from_the_config_file_is_a_usage_error_with_a_live_source(tmp_path: Path) -> None:
    """`offline = true` in the config forbids osv-api just as --offline does."""
    (tmp_path / "auditor.toml").write_text("offline = true\n")
    with pytest.raises(UsageError, match="osv-api needs the network"):
        setup_for(["--source", "osv-api"], {}, tmp_path)


def synced_cache(root: Path) -> Path:
    """A cache as `auditor db sync` leaves it: <cache>/osv/PyPI/all.zip + meta.json."""
    folder = root / "osv" / "PyPI"
    folder.mkdir(parents=True)
    with zipfile.ZipFile(folder / "all.zip", "w") as archive:
        for path in sorted((RECORDS / "pypa").glob("*.json")):
            archive.write(path, path.name)
    meta = {"downloaded": "2099-01-01T00:00:00Z", "source_url": "http://x.invalid/all.zip"}
    (folder / "meta.json").write_text(json.dumps(meta))
    return root


def test_osv_local_prefers_the_synced_database(tmp_path: Path) -> None:
    """Without --advisory-db, what `db sync` downloaded beats the bundled sample; an
    ecosystem that was not synced is unchecked (with the command that fixes it), and scan
    says on stderr which data it used."""
    cache = synced_cache(tmp_path / "cache")
    local = ["--source", "osv-local"]
    setup = setup_for([*local, "--cache-dir", str(cache)], {}, tmp_path)
    [source] = setup.options.sources  # type: ignore[attr-defined]
    assert isinstance(source, OsvLocalSource)
    assert (cache / "osv", True, False) == (source.path, source.synced, source.bundled)
    project = tmp_path / "project"
    shutil.copytree(SMALL, project)
    result = run_cli(["scan", *local, "--cache-dir", str(cache), str(project)])
    assert f"auditor: advisories: osv-local: {cache / 'osv'} (auditor db sync)" in result.err
    assert "bundled snapshot" not in result.err
    empty = setup_for([*local, "--cache-dir", str(tmp_path / "empty")], {}, tmp_path)
    assert empty.options.sources[0].bundled  # type: ignore[attr-defined]


def test_unsynced_ecosystem_names_the_sync_command(tmp_path: Path) -> None:
    """An npm package against a PyPI-only synced database is unchecked, not clean."""
    cache = synced_cache(tmp_path / "cache")
    source = OsvLocalSource.from_options(SourceOptions(cache_dir=cache))
    answer = source.query_all([pkg("npm", "lodash", "4.17.4")])
    [(_, reason)] = answer.unchecked
    assert reason == (
        f"no npm advisories in {cache / 'osv'} (auditor db sync) "
        "(run auditor db sync --ecosystem npm)"
    )
