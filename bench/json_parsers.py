"""Benchmark: decoding npm packuments with each JSON parser, and with auditor's schema.

The documents are the generated full packuments ``bench/defaults.py`` serves for
excalidraw's lockfiles (``bench/registry_docs.py``: real names and locked versions, a
log-normal number of versions; generated on first use and kept in the system's temporary
folder). Each parser decodes every document; the figure is the best of ``--runs`` passes.
``msgspec`` against ``auditor.registries.decode.NpmPackument`` builds only the fields the
checks read, as auditor's npm client does; orjson is measured when it is installed (it is
not a dependency of auditor).

Usage: python bench/json_parsers.py [--runs 3] [--limit 600]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import msgspec  # noqa: E402

from auditor.registries.decode import NpmPackument  # noqa: E402
from bench.defaults import excalidraw, npm_packages  # noqa: E402
from bench.registry_server import BenchRegistry  # noqa: E402
from tests.httpserver import HttpTestServer  # noqa: E402


def documents(limit: int) -> list[bytes]:
    """The generated full packuments of excalidraw's names, the first ``limit`` by name."""
    with HttpTestServer() as server, tempfile.TemporaryDirectory() as scratch:
        registry = BenchRegistry(server)
        packages = npm_packages(excalidraw(Path(scratch)))
        registry.add_npm(packages)
        return [
            gzip.decompress(full.compressed)
            for _, (full, _abbreviated) in sorted(registry.npm.items())[:limit]
        ]


def best(decode: Callable[[bytes], Any], bodies: list[bytes], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for body in bodies:
            decode(body)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=600)
    args = parser.parse_args()
    bodies = documents(args.limit)
    size = sum(map(len, bodies))
    parsers: dict[str, Callable[[bytes], Any]] = {
        "json.loads": json.loads,
        "msgspec, untyped": msgspec.json.Decoder().decode,
        "msgspec, auditor's schema": msgspec.json.Decoder(NpmPackument).decode,
    }
    try:
        import orjson

        parsers["orjson"] = orjson.loads
    except ImportError:
        print("(orjson is not installed: not measured)")
    print(f"{len(bodies)} packuments, {size / 1e6:.1f} MB; best of {args.runs} passes")
    print("| parser | seconds | MB/s |")
    print("|---|---:|---:|")
    for name, decode in parsers.items():
        seconds = best(decode, bodies, args.runs)
        print(f"| {name} | {seconds:.2f} | {size / 1e6 / seconds:.0f} |")


if __name__ == "__main__":
    main()
