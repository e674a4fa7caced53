"""The git commands the history branch needs, with the token kept off every command line.

The token (when given) reaches git through ``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``/
``GIT_CONFIG_VALUE_n`` as an ``http.<server>/.extraheader``, the way actions/checkout
authenticates: it is neither in argv (visible to every process on the runner) nor written
to a config file, and it is removed from any message git prints.
"""

from __future__ import annotations

import base64
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from auditor.core.errors import AuditorError
from auditor.core.redact import redact_text

BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"


class GitError(AuditorError):
    """A git command failed; the message is one line with no credential in it."""


@dataclass(frozen=True, kw_only=True)
class GitResult:
    code: int
    out: str
    err: str


@dataclass(frozen=True, kw_only=True)
class Git:
    """Runs git in ``cwd``; ``token`` authenticates HTTPS requests to ``server``."""

    cwd: Path
    token: str = ""
    server: str = ""
    base_env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    def header(self) -> str:
        basic = base64.b64encode(f"x-access-token:{self.token}".encode()).decode()
        return f"AUTHORIZATION: basic {basic}"

    def secrets(self) -> list[str]:
        if not self.token:
            return []
        basic = self.header().rpartition(" ")[2]
        return [self.token, basic]

    def env(self) -> dict[str, str]:
        env = {
            **self.base_env,
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_AUTHOR_NAME": BOT_NAME,
            "GIT_AUTHOR_EMAIL": BOT_EMAIL,
            "GIT_COMMITTER_NAME": BOT_NAME,
            "GIT_COMMITTER_EMAIL": BOT_EMAIL,
        }
        # Entries of the caller's own GIT_CONFIG_* list are kept; ours is appended.
        count = int(env.get("GIT_CONFIG_COUNT", "0") or "0")
        if self.token and self.server:
            env[f"GIT_CONFIG_KEY_{count}"] = f"http.{self.server.rstrip('/')}/.extraheader"
            env[f"GIT_CONFIG_VALUE_{count}"] = self.header()
            count += 1
        env["GIT_CONFIG_COUNT"] = str(count)
        return env

    def run(self, *args: str, check: bool = True) -> GitResult:
        try:
            proc = subprocess.run(
                ["git", *args],
                cwd=self.cwd,
                env=self.env(),
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror or exc}") from None
        result = GitResult(
            code=proc.returncode,
            out=redact_text(proc.stdout, self.secrets()),
            err=redact_text(proc.stderr, self.secrets()),
        )
        if check and result.code != 0:
            raise GitError(f"git {args[0]} failed: {last_line(result.err or result.out)}")
        return result

    def lines(self, *args: str) -> list[str]:
        return self.run(*args).out.splitlines()


def last_line(text: str) -> str:
    """The last non-empty line of git's output (where it says what went wrong)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def remote_head(git: Git, remote: str, branch: str) -> str:
    """The commit ``branch`` points to on ``remote``, or "" when it does not exist."""
    rows = git.lines("ls-remote", "--heads", remote, f"refs/heads/{branch}")
    for row in rows:
        sha, _, ref = row.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    return ""


def commit_tree(git: Git, message: str, parents: Sequence[str] = ()) -> str:
    """Commit the work tree as it is (every file added) and return the commit id."""
    git.run("add", "--all")
    tree = git.run("write-tree").out.strip()
    parent_args = [arg for sha in parents for arg in ("-p", sha)]
    return git.run("commit-tree", tree, *parent_args, "-m", message).out.strip()
