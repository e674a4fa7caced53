"""pip itself as the oracle: auditor refuses a requirements file exactly when pip does.

A requirements file pip refuses installs nothing, so auditing it as if it were fine would
be wrong; one pip reads must be read. Two oracles:

- pip's own requirements-file reader (``pip._internal.req``, the pip that ``scripts/test``
  upgrades to the newest), on a real pip-compile file cut at random points with junk
  appended: what pip's parser refuses, and the lines whose ``--hash`` digests could never
  match a file (the hash-checking rule, checked against a real install just below);
- ``pip install --dry-run --no-index --find-links`` with a wheel the test builds, for the
  hash-checking rule itself: a digest cut short or run into junk never matches and pip
  refuses to install anything; one good digest beside a broken one is enough.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import random
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.collectors.pypi.requirements import RequirementsCollector
from auditor.collectors.pypi.requirements_syntax import PIP_HASH_DIGITS
from auditor.core.errors import LockfileError
from tests.support import FIXTURES, collect_text

COLLECTOR = RequirementsCollector()
MAIN = FIXTURES / "requirements/real/pypi__warehouse/requirements/main.txt"
PIP_INSTALL = [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--no-index"]
JUNK = ["junk\n", "garbage here\n", "}{\n", "asdf qwer\n", "--x\n", " \\\n", "==\n", "@@@\n"]

pip_internal = pytest.importorskip("pip._internal.req.req_file", reason="pip is not installed")


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """pip's option parser prints its usage to stderr before raising."""
    with contextlib.redirect_stderr(io.StringIO()):
        yield


def pip_refuses(path: Path) -> str | None:
    """Why pip would refuse to install from ``path``, or None: its reader's verdict, then
    the hash-checking rule (a requirement none of whose digests can match a file)."""
    from pip._internal.exceptions import InstallationError
    from pip._internal.network.session import PipSession
    from pip._internal.req.constructors import install_req_from_parsed_requirement

    try:
        with _quiet():
            parsed = list(pip_internal.parse_requirements(str(path), session=PipSession()))
            requirements = [install_req_from_parsed_requirement(p) for p in parsed]
    except InstallationError as exc:
        return str(exc).splitlines()[0]
    for requirement in requirements:
        digests = [
            (algorithm, digest)
            for algorithm, values in requirement.hash_options.items()
            for digest in values
        ]
        if digests and not any(_can_match(a, d) for a, d in digests):
            return f"no --hash of {requirement.name} can match a file"
    return None


def _can_match(algorithm: str, digest: str) -> bool:
    """A digest hashlib's ``hexdigest()`` could equal (pip compares the strings)."""
    hexdigits = set("0123456789abcdef")
    return len(digest) == PIP_HASH_DIGITS[algorithm] and set(digest.lower()) <= hexdigits


def auditor_refuses(text: str) -> str | None:
    try:
        collect_text(COLLECTOR, text, "main.txt")
    except LockfileError as exc:
        return str(exc)
    return None


def test_cut_real_files_with_junk_are_refused_exactly_when_pip_refuses(tmp_path: Path) -> None:
    """warehouse's pip-compile main.txt (hashes, `# via` blocks) cut at 150 seeded points
    with junk appended: auditor refuses it exactly when pip does, naming a line of the file;
    about a quarter are refused (a hash continuation cut by junk, an option cut into an
    unknown one, a version run into junk), the rest read."""
    text = MAIN.read_text()
    rng = random.Random(14)
    refused = 0
    for _ in range(150):
        cut = text[: rng.randrange(len(text))] + rng.choice(JUNK)
        path = tmp_path / "main.txt"
        path.write_text(cut)
        ours, pips = auditor_refuses(cut), pip_refuses(path)
        assert (ours is None) == (pips is None), (cut[-120:], ours, pips)
        if ours is not None:
            refused += 1
            line = int(ours.split(":")[1])
            assert 1 <= line <= cut.count("\n") + 1
    assert 20 <= refused <= 130


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _wheel(folder: Path) -> str:
    """A minimal wheel of demo-pkg 1.0 in ``folder``; its SHA-256."""
    files = {
        "demo_pkg/__init__.py": b"",
        "demo_pkg-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n",
        "demo_pkg-1.0.dist-info/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: auditor-tests\nRoot-Is-Purelib: true\n"
            b"Tag: py3-none-any\n"
        ),
    }
    record = [f"{name},sha256={_b64(data)},{len(data)}" for name, data in files.items()]
    files["demo_pkg-1.0.dist-info/RECORD"] = (
        "\n".join([*record, "demo_pkg-1.0.dist-info/RECORD,,"]) + "\n"
    ).encode()
    wheel = folder / "demo_pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return hashlib.sha256(wheel.read_bytes()).hexdigest()


def test_pip_install_refuses_a_digest_no_file_can_match(tmp_path: Path) -> None:
    """A real ``pip install --dry-run`` from a local folder: the right digest installs (in
    upper case too); one cut short, or cut and run into junk, makes pip refuse the whole
    install, and auditor refuses the file naming the line; a good digest beside a broken one
    installs, and auditor reads it; an option cut into an unknown one is refused by both."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    good = _wheel(wheels)
    head = "demo-pkg==1.0 \\\n    --hash=sha256:"
    cases = {
        "good": (head + good + "\n", True),
        "cut-with-junk": (head + good[:30] + "junk\n", False),
        "cut-short": (head + good[:30] + "\n", False),
        "upper-case": (head + good.upper() + "\n", True),
        "one-good-one-cut": (head + good + " \\\n    --hash=sha256:" + good[:30] + "\n", True),
        "option-cut-into-junk": ("demo-pkg==1.0 \\\n    --hasjunk=sha256:" + good + "\n", False),
    }
    env = {
        **os.environ,
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INPUT": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    for name, (text, installs) in cases.items():
        requirements = tmp_path / f"{name}.txt"
        requirements.write_text(text)
        run = subprocess.run(
            [*PIP_INSTALL, "--find-links", str(wheels), "-r", str(requirements)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=300,
        )
        assert (0 if installs else 1) == run.returncode, (name, run.stderr[-500:])
        ours = auditor_refuses(text)
        assert (ours is None) == installs, (name, ours)
        if not installs:
            assert str(ours).startswith("main.txt:1: ")
