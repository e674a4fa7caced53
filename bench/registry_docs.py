"""Registry documents for the benchmarks, modelled on real ones (bench/README.md says how).

The benchmarks never reach a real registry, and a fresh clone holds only a few recorded
documents (tests/fixtures/registry/), trimmed to the fields auditor reads. Timing the
registry path on trimmed documents would flatter any client that downloads and parses whole
documents, so the documents served by ``bench/registry_server.py`` are generated at the
sizes and shapes of the real ones:

- npm: the full packument of every package of a lockfile (``_id``, ``name``,
  ``dist-tags``, ``time``, ``maintainers``, ``readme``, and per version the fields npm
  publishes: scripts, repository, dependencies and devDependencies, ``dist`` with its
  integrity and signatures, ``_npmUser``...) and the abbreviated install document derived
  from it (``Accept: application/vnd.npm.install-v1+json``). The locked versions are among
  the versions, with the dependencies the lockfile records for them. The number of versions
  follows a log-normal law (median 30, up to 3,000); a full packument averages about
  110 KB, as the cache of a real run over excalidraw's lockfiles did (272 MB for 2,367
  packages).
- PyPI: the PEP 691 simple page of every pinned project: the recorded files of the
  recorded releases (with their ``core-metadata`` flags), padded with generated older
  releases (a log-normal number, median 40; a quarter of the projects publish 10 to 40
  binary wheels per release), so that the pages weigh what real ones do (requests 96 KB,
  Django 317 KB, botocore 2 MB).

Everything is derived from a seed per name, so two runs serve the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from packaging.version import InvalidVersion, Version

GENERATOR = 1  # bump when the output changes (names the on-disk copy)
EPOCH = datetime(2014, 1, 1, tzinfo=timezone.utc)
WORDS = [
    "fast",
    "small",
    "simple",
    "robust",
    "parser",
    "utility",
    "stream",
    "buffer",
    "promise",
    "async",
    "module",
    "browser",
    "node",
    "plugin",
    "config",
    "loader",
    "transform",
    "compile",
    "bundle",
    "cache",
    "event",
    "emitter",
    "path",
    "glob",
    "match",
    "string",
    "array",
    "object",
    "type",
    "schema",
    "validate",
    "format",
    "color",
    "terminal",
]


def _rng(kind: str, name: str) -> random.Random:
    seed = int.from_bytes(hashlib.sha256(f"{kind}:{name}".encode()).digest()[:8], "big")
    return random.Random(seed)


def _lognormal_count(rng: random.Random, median: float, sigma: float, cap: int) -> int:
    return max(1, min(cap, round(median * math.exp(rng.gauss(0.0, sigma)))))


def _hex(rng: random.Random, chars: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(chars))


def _b64(rng: random.Random, size: int) -> str:
    return base64.b64encode(rng.randbytes(size)).decode()


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


# -- npm ------------------------------------------------------------------------------------


def _npm_series(rng: random.Random, count: int) -> list[str]:
    """``count`` ascending SemVer versions as projects publish them (mostly patches)."""
    major, minor, patch = 0, rng.randrange(0, 3), 0
    out = []
    for _ in range(count):
        out.append(f"{major}.{minor}.{patch}")
        step = rng.random()
        if step < 0.06:
            major, minor, patch = major + 1, 0, 0
        elif step < 0.3:
            minor, patch = minor + 1, 0
        else:
            patch += 1
    return out


def _semver_key(text: str) -> tuple[Any, ...]:
    core, _, pre = text.partition("-")
    numbers = tuple(int(p) if p.isdigit() else 0 for p in core.split(".")[:3])
    return (numbers, 0 if pre else 1, pre)


def npm_documents(
    packages: Mapping[str, Mapping[str, Mapping[str, str]]], registry: str
) -> dict[str, tuple[bytes, bytes]]:
    """Full and abbreviated packuments: ``packages`` maps name -> locked version -> its
    dependencies (name -> range); ``registry`` is the base URL written into tarball URLs."""
    return {
        name: _packument(name, locked, registry.rstrip("/"))
        for name, locked in sorted(packages.items())
    }


def _packument(
    name: str, locked: Mapping[str, Mapping[str, str]], registry: str
) -> tuple[bytes, bytes]:
    rng = _rng("npm", name)
    count = _lognormal_count(rng, 30, 1.3, 3000)
    versions = sorted(set(_npm_series(rng, count)) | set(locked), key=_semver_key)
    start = EPOCH + timedelta(days=rng.randrange(0, 2500))
    people = [
        {"name": f"dev{rng.randrange(10_000)}", "email": f"dev{i}@example.invalid"}
        for i in range(rng.randrange(1, 5))
    ]
    times: dict[str, str] = {}
    full_versions: dict[str, Any] = {}
    abbreviated: dict[str, Any] = {}
    when = start
    for version in versions:
        when += timedelta(hours=rng.randrange(1, 24 * 40))
        times[version] = _iso(when)
        deps = dict(locked.get(version) or _generated_deps(rng))
        entry = _npm_version(rng, name, version, deps=deps, people=people, registry=registry)
        full_versions[version] = entry
        abbreviated[version] = {
            k: entry[k]
            for k in (
                "name",
                "version",
                "dependencies",
                "optionalDependencies",
                "peerDependencies",
                "bin",
                "engines",
                "dist",
                "deprecated",
            )
            if k in entry
        }
    stable = [v for v in versions if "-" not in v]
    tags = {"latest": (stable or versions)[-1]}
    times = {"created": _iso(start), "modified": _iso(when), **times}
    full = {
        "_id": name,
        "_rev": f"{len(versions)}-{_hex(rng, 32)}",
        "name": name,
        "description": _sentence(rng, 8),
        "dist-tags": tags,
        "versions": full_versions,
        "time": times,
        "maintainers": people,
        "repository": {"type": "git", "url": f"git+https://git.example.invalid/{name}.git"},
        "keywords": [rng.choice(WORDS) for _ in range(6)],
        "license": "MIT",
        "readme": "\n".join(_sentence(rng, 14) for _ in range(rng.randrange(20, 120))),
        "readmeFilename": "README.md",
    }
    short = {"name": name, "modified": times["modified"], "dist-tags": tags}
    short["versions"] = abbreviated
    return (
        json.dumps(full, separators=(",", ":")).encode(),
        json.dumps(short, separators=(",", ":")).encode(),
    )


def _generated_deps(rng: random.Random) -> dict[str, str]:
    return {
        f"{rng.choice(WORDS)}-{rng.choice(WORDS)}": f"^{rng.randrange(1, 9)}.{rng.randrange(9)}.0"
        for _ in range(rng.randrange(0, 6))
    }


def _npm_version(
    rng: random.Random,
    name: str,
    version: str,
    *,
    deps: dict[str, str],
    people: list[dict[str, str]],
    registry: str,
) -> dict[str, Any]:
    tail = name.rsplit("/", 1)[-1]
    entry: dict[str, Any] = {
        "name": name,
        "version": version,
        "description": _sentence(rng, 8),
        "main": "index.js",
        "scripts": {"test": "node test.js", "build": "tsc -p ."},
        "repository": {"type": "git", "url": f"git+https://git.example.invalid/{name}.git"},
        "keywords": [rng.choice(WORDS) for _ in range(5)],
        "author": people[0],
        "license": "MIT",
        "bugs": {"url": f"https://git.example.invalid/{name}/issues"},
        "homepage": f"https://git.example.invalid/{name}#readme",
        "dependencies": deps,
        "devDependencies": _generated_deps(rng) | _generated_deps(rng),
        "engines": {"node": ">=14"},
        "gitHead": _hex(rng, 40),
        "_id": f"{name}@{version}",
        "_nodeVersion": "20.11.0",
        "_npmVersion": "10.2.4",
        "dist": {
            "integrity": "sha512-" + _b64(rng, 64),
            "shasum": _hex(rng, 40),
            "tarball": f"{registry}/{name}/-/{tail}-{version}.tgz",
            "fileCount": rng.randrange(3, 300),
            "unpackedSize": rng.randrange(1_000, 3_000_000),
            "signatures": [{"keyid": "SHA256:" + _b64(rng, 32), "sig": _b64(rng, 70)}],
        },
        "_npmUser": people[0],
        "directories": {},
        "maintainers": people,
        "_npmOperationalInternal": {
            "host": "s3://npm-registry-packages",
            "tmp": f"tmp/{tail}_{version}_{rng.randrange(10**12)}",
        },
        "_hasShrinkwrap": False,
    }
    if rng.random() < 0.04:
        entry["deprecated"] = "this version is no longer supported, upgrade to the latest"
    return entry


# -- PyPI ------------------------------------------------------------------------------------


def pypi_page(name: str, recorded: Mapping[str, Any], files_url: str) -> bytes:
    """The PEP 691 page of a project: ``recorded`` is its recorded JSON API document, whose
    files are kept (URLs under ``files_url``) after generated older releases."""
    rng = _rng("pypi", name)
    releases: dict[str, list[dict[str, Any]]] = recorded.get("releases") or {}
    known = []
    for text in releases:
        try:
            known.append(Version(text))
        except InvalidVersion:
            continue
    floor = min(known) if known else Version("99")
    dates = [
        f.get("upload_time_iso_8601")
        for files in releases.values()
        for f in files
        if f.get("upload_time_iso_8601")
    ]
    first = min(dates) if dates else "2020-01-01T00:00:00.000000Z"
    when = datetime.fromisoformat(first.replace("Z", "+00:00"))
    binary = rng.random() < 0.25
    count = _lognormal_count(rng, 40, 1.0, 2500)
    files = []
    for version in reversed(_older(floor, count)):
        when -= timedelta(hours=rng.randrange(24, 24 * 60))
        files.extend(_generated_files(rng, name, version, when=when, binary=binary, base=files_url))
    for version in sorted(releases, key=_version_or_zero):
        for entry in releases[version]:
            files.append(_recorded_file(entry, files_url))
    page = {
        "meta": {"api-version": "1.1", "_last-serial": rng.randrange(10**7, 10**8)},
        "name": name,
        "versions": sorted({*map(str, _older(floor, count)), *releases}, key=_version_or_zero),
        "files": files,
    }
    return json.dumps(page, separators=(",", ":")).encode()


def _version_or_zero(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        return Version("0")


def _older(floor: Version, count: int) -> list[str]:
    """Up to ``count`` ascending versions below ``floor``."""
    out: list[str] = []
    for template in ("0.{}", "0.0.{}", "0.0.0.{}"):
        candidates = [template.format(k) for k in range(1, count + 1)]
        out = [v for v in candidates if Version(v) < floor]
        if len(out) >= min(count, 10):
            break
    return out[:count]


def _generated_files(
    rng: random.Random, name: str, version: str, *, when: datetime, binary: bool, base: str
) -> Iterable[dict[str, Any]]:
    stem = name.replace("-", "_")
    tags = ["py3-none-any"]
    if binary:
        pythons = [f"cp3{m}-cp3{m}" for m in range(8, 14)]
        platforms = [
            "manylinux_2_17_x86_64.manylinux2014_x86_64",
            "manylinux_2_17_aarch64.manylinux2014_aarch64",
            "musllinux_1_1_x86_64",
            "macosx_10_9_x86_64",
            "macosx_11_0_arm64",
            "win_amd64",
            "win32",
        ]
        tags = [f"{p}-{plat}" for p in pythons for plat in platforms]
        tags = tags[: rng.randrange(10, 40)]
    names = [f"{stem}-{version}-{t}.whl" for t in tags] + [f"{stem}-{version}.tar.gz"]
    for filename in names:
        digest = _hex(rng, 64)
        entry: dict[str, Any] = {
            "filename": filename,
            "hashes": {"sha256": digest},
            "requires-python": ">=3.8" if rng.random() < 0.5 else None,
            "size": rng.randrange(10_000, 5_000_000),
            "upload-time": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "url": f"{base}/{digest[:2]}/{digest[2:4]}/{digest[4:]}/{filename}",
            "yanked": False,
        }
        if filename.endswith(".whl"):
            entry["core-metadata"] = {"sha256": _hex(rng, 64)}
            entry["data-dist-info-metadata"] = entry["core-metadata"]
        yield entry


def _recorded_file(entry: Mapping[str, Any], base: str) -> dict[str, Any]:
    filename = entry["filename"]
    out: dict[str, Any] = {
        "filename": filename,
        "hashes": {"sha256": entry.get("digests", {}).get("sha256", "")},
        "requires-python": entry.get("requires_python"),
        "size": entry.get("size", 0),
        "upload-time": entry.get("upload_time_iso_8601"),
        "url": f"{base}/{filename}",
        "yanked": (entry.get("yanked_reason") or True) if entry.get("yanked") else False,
    }
    if "core-metadata" in entry:
        out["core-metadata"] = entry["core-metadata"]
        out["data-dist-info-metadata"] = entry["core-metadata"]
    return out
