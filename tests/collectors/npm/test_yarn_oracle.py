"""yarn itself as the oracle: auditor refuses a yarn.lock (classic) exactly when yarn could
not install from it.

yarn's own lockfile parser (``lib/lockfile/parse.js`` of Debian's ``yarnpkg``, which
``scripts/test`` installs) reads each text in ``yarn_oracle.js``, which then applies what
yarn checks when it installs an entry: a table with a version, a tarball matching its
``integrity`` and the sha1 of its URL. That last part is checked against real installs
below (``yarnpkg install --frozen-lockfile --offline`` from an offline mirror).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import tarfile
from base64 import b64encode
from pathlib import Path

import pytest

from auditor.collectors.npm.yarn import YarnLockCollector
from auditor.core.errors import LockfileError
from tests.support import FIXTURES, collect_text

PARSER = Path("/usr/share/nodejs/yarn/lib/lockfile/parse.js")
ORACLE = Path(__file__).with_name("yarn_oracle.js")
NODE = shutil.which("node")
YARNPKG = shutil.which("yarnpkg")
COLLECTOR = YarnLockCollector()
REAL = FIXTURES / "yarn-lock" / "real"
JUNK = ["junk\n", "garbage here\n", "\x00\x01garbage\n", "}{\n", "asdf qwer\n", "@@@\n"]
JUNK += ["# note\n", "  x y\n", '"unterminated\n', "123abc\n", "true-ish x\n", "abc: def\n"]

pytestmark = [
    pytest.mark.network_peer,
    pytest.mark.skipif(
        NODE is None or not PARSER.is_file(),
        reason="node and Debian's yarnpkg are not installed (scripts/test installs them)",
    ),
]
ENV = {**os.environ, "NODE_PATH": "/usr/share/nodejs"}


def yarn_verdicts(texts: list[str]) -> list[str | None]:
    """Why yarn could not install from each text, or None."""
    assert NODE is not None
    run = subprocess.run(
        [NODE, str(ORACLE), str(PARSER)],
        input="".join(json.dumps({"text": t}) + "\n" for t in texts),
        capture_output=True,
        text=True,
        env=ENV,
        check=True,
        timeout=600,
    )
    return [json.loads(line)["refused"] for line in run.stdout.splitlines()]


def auditor_refuses(text: str, folder: Path) -> str | None:
    try:
        collect_text(COLLECTOR, text, "yarn.lock", folder)
    except LockfileError as exc:
        return str(exc)
    return None


def classic_files() -> list[Path]:
    return [p for p in sorted(REAL.rglob("yarn.lock")) if "__metadata:" not in p.read_text()]


def test_cut_real_files_with_junk_are_refused_exactly_when_yarn_refuses() -> None:
    """Every real classic yarn.lock cut at 40 seeded points with junk appended (a stray
    brace, a control character, a word run into a number, a cut string, a comment...):
    auditor refuses it, naming a line, exactly when yarn could not install from it; most
    are refused (an entry or an integrity hash cut short), some are read."""
    rng = random.Random(14)
    cases: list[tuple[Path, str]] = []
    for path in classic_files():
        text = path.read_text()
        for _ in range(40):
            cases.append((path, text[: rng.randrange(len(text))] + rng.choice(JUNK)))
    verdicts = yarn_verdicts([text for _, text in cases])
    refused = 0
    for (path, text), theirs in zip(cases, verdicts, strict=True):
        ours = auditor_refuses(text, path.parent)
        assert (ours is None) == (theirs is None), (path.parent.name, text[-80:], ours, theirs)
        if ours is not None:
            refused += 1
            assert 1 <= int(ours.split(":")[1]) <= text.count("\n") + 1
    assert len(cases) // 2 < refused < len(cases)


def test_the_real_files_themselves_are_read_by_both() -> None:
    """The real files, whole: yarn installs from them and auditor reads them."""
    paths = classic_files()
    assert [None] * len(paths) == yarn_verdicts([p.read_text() for p in paths])
    assert all(auditor_refuses(p.read_text(), p.parent) is None for p in paths)


def _tarball(folder: Path) -> Path:
    manifest = json.dumps({"name": "demo", "version": "1.0.0"}).encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("package/package.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
    path = folder / "demo-1.0.0.tgz"
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.skipif(YARNPKG is None, reason="Debian's yarnpkg is not installed")
def test_yarn_install_refuses_a_hash_no_tarball_can_match(tmp_path: Path) -> None:
    """A real ``yarnpkg install --frozen-lockfile --offline`` from an offline mirror: the
    lock as yarn writes it installs; an integrity or URL sha1 cut short or run into junk
    makes yarn refuse, and auditor refuses the file naming the line."""
    assert YARNPKG is not None
    install = [YARNPKG, "install", "--frozen-lockfile", "--offline", "--ignore-scripts"]
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    tarball = _tarball(mirror).read_bytes()
    sha1 = hashlib.sha1(tarball).hexdigest()  # noqa: S324 - yarn's URL fragment is a sha1
    integrity = "sha512-" + b64encode(hashlib.sha512(tarball).digest()).decode()
    url = "https://npm-registry.invalid/demo/-/demo-1.0.0.tgz"
    cases = {
        "as-written": (sha1, integrity, True),
        "integrity-cut-with-junk": (sha1, integrity[:40] + "junk", False),
        "integrity-cut-short": (sha1, integrity[:40], False),
        "sha1-cut-with-junk": (sha1[:20] + "junk", integrity, False),
    }
    for name, (fragment, sri, installs) in cases.items():
        project = tmp_path / name
        project.mkdir()
        (project / "package.json").write_text(
            json.dumps({"name": "app", "version": "1.0.0", "license": "MIT"})[:-1]
            + ', "dependencies": {"demo": "1.0.0"}}'
        )
        (project / ".yarnrc").write_text(f'yarn-offline-mirror "{mirror}"\n')
        lock = (
            "# yarn lockfile v1\n\n\n"
            f'demo@1.0.0:\n  version "1.0.0"\n  resolved "{url}#{fragment}"\n'
            f"  integrity {sri}\n"
        )
        (project / "yarn.lock").write_text(lock)
        run = subprocess.run(
            [*install, "--non-interactive", "--cache-folder", str(tmp_path / "cache" / name)],
            cwd=project,
            capture_output=True,
            text=True,
            env=ENV,
            check=False,
            timeout=300,
        )
        assert (0 if installs else 1) == run.returncode, (name, run.stdout[-400:])
        ours = auditor_refuses(lock, project)
        assert (ours is None) == installs, (name, ours)
        if not installs:
            assert str(ours).startswith(("yarn.lock:6: ", "yarn.lock:7: ")), ours
