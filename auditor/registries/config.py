"""Registry base URLs from the user's own configuration, never hard-coded.

One entry point per ecosystem: ``resolve_python`` (pip/uv configuration, then pip's own
default), ``resolve_npm`` (``.npmrc`` files and ``npm_config_*``, then ``npm config get``)
and ``resolve_go`` (``GOPROXY``, the go env file, then ``go env``). Each reads a
``ConfigContext`` (environment, home, system directory, project root, tool runner), so
tests run them on temporary directories. See docs/network.md for the resolution order.
"""

from __future__ import annotations

from auditor.registries.common import ConfigContext, ConfiguredUrl, RegistryConfigError, run_tool
from auditor.registries.goproxy import GoProxy, resolve_go
from auditor.registries.npmrc import NpmAuth, NpmRegistries, npmrc_files, resolve_npm
from auditor.registries.pipconf import PythonIndexes, pip_config_files, resolve_python

__all__ = [
    "ConfigContext",
    "ConfiguredUrl",
    "GoProxy",
    "NpmAuth",
    "NpmRegistries",
    "PythonIndexes",
    "RegistryConfigError",
    "npmrc_files",
    "pip_config_files",
    "resolve_go",
    "resolve_npm",
    "resolve_python",
    "run_tool",
]
