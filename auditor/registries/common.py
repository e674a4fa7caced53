"""What every registry configuration shares: the context it is read from, configured URLs
(which may carry credentials) and the error raised when nothing usable is configured."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from auditor.core.errors import SourceError
from auditor.core.redact import redact_text, redact_url

# runs a tool (npm, go) and returns its stdout, or None when the tool is not installed
Runner = Callable[[Sequence[str], Mapping[str, str], Path | None], str | None]
TOOL_TIMEOUT = 20.0


class RegistryConfigError(SourceError):
    """No usable registry is configured, or a configuration file cannot be read."""


@dataclass(frozen=True, kw_only=True)
class ConfiguredUrl:
    """A registry URL and where it was configured.

    ``url`` may carry credentials (``https://user:token@host/``) and is meant for requests
    only: it is left out of ``repr`` and every display uses ``shown`` (redacted).
    """

    url: str = field(repr=False)
    origin: str
    tree: bool = False  # named by configuration inside the scanned tree (untrusted)
    shown: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "shown", redact_url(self.url))


def run_tool(args: Sequence[str], env: Mapping[str, str], cwd: Path | None) -> str | None:
    """Run ``args`` with ``env``; None when the program is not on ``PATH``.

    Without ``cwd`` the tool runs in a new empty folder: never in the scanned tree, whose
    ``.npmrc`` npm would read (expanding its variables) and whose ``go.mod`` could make go
    fetch a toolchain."""
    program = shutil.which(args[0], path=env.get("PATH", os.defpath))
    if program is None:
        return None
    try:
        with tempfile.TemporaryDirectory(prefix="auditor-tool-") as empty:
            proc = subprocess.run(
                [program, *args[1:]],
                env=dict(env),
                cwd=cwd if cwd is not None and cwd.is_dir() else empty,
                capture_output=True,
                text=True,
                timeout=TOOL_TIMEOUT,
                check=False,
            )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RegistryConfigError(f"`{' '.join(args)}` could not run: {exc}") from None
    if proc.returncode != 0:
        first = (proc.stderr.strip().splitlines() or ["no message"])[0]
        raise RegistryConfigError(
            f"`{' '.join(args)}` failed (exit {proc.returncode}): {redact_text(first)}"
        )
    return proc.stdout


@dataclass(frozen=True, kw_only=True)
class ConfigContext:
    """Where configuration is read from; tests substitute every part of it.

    ``etc`` is the system configuration directory, ``project`` the scanned project root
    (for a project ``.npmrc``), ``run`` the way ``npm``/``go`` are asked as a last resort.
    """

    env: Mapping[str, str]
    home: Path
    etc: Path = Path("/etc")
    project: Path | None = None
    run: Runner = run_tool

    @classmethod
    def current(cls, project: Path | None = None) -> ConfigContext:
        env = dict(os.environ)
        home = Path(env["HOME"]) if env.get("HOME") else Path.home()
        return cls(env=env, home=home, project=project)

    def xdg_config_home(self) -> Path:
        value = self.env.get("XDG_CONFIG_HOME", "")
        return Path(value) if value and Path(value).is_absolute() else self.home / ".config"


def check_url(url: str, origin: str, schemes: tuple[str, ...] = ("http", "https")) -> str:
    """``url`` stripped, if it is an absolute URL of an allowed scheme; else an error."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        host_ok = bool(parts.netloc) or parts.scheme == "file"
    except ValueError:
        parts, host_ok = None, False
    if parts is None or parts.scheme.lower() not in schemes or not host_ok:
        allowed = "/".join(schemes)
        raise RegistryConfigError(f"{origin}: {redact_url(text)!r} is not an {allowed} URL")
    return text
