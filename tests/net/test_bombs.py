"""A hostile registry cannot exhaust memory: gzip bombs, huge and value-dense answers.

The registry is a real HTTP server on 127.0.0.1 answering every npm lookup with a 61 KB gzip
body that expands to 63 MB of JSON. Twelve packages are looked up concurrently, as a
scan does; each package becomes unverified with the reason, and the whole process (the
server and the bomb's generation included) stays under a peak-memory bound, measured in a
fresh interpreter.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from auditor.core.errors import SourceError
from auditor.net.client import HttpClient, json_values
from tests.httpserver import HttpTestServer, Reply, quick_config
from tests.support import run_measured

SCAN = """
import gzip, io, json, os, zlib
from tests.httpserver import HttpTestServer, Reply

def bomb(unit, count):
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # a gzip stream, built piece by piece
    parts = [packer.compress(b'{"name": "x", "versions": {}, "readme": ' + unit[:1])]
    block = unit[1:2] * (1 << 20)
    for _ in range(count // len(block)):
        parts.append(packer.compress(block))
    parts.append(packer.compress(unit[2:]))
    parts.append(packer.flush())
    return b"".join(parts)

with HttpTestServer() as server:
    body = bomb(__UNIT__, 63 * (1 << 20))
    print("compressed", len(body))
    server.route("GET", "/*", Reply(headers={"Content-Encoding": "gzip",
        "Content-Type": "application/json"}, body=body))
    os.environ.pop("AUDITOR_NO_REGISTRY", None)
    os.environ.update({"AUDITOR_NPM_REGISTRY": server.url + "/", "AUDITOR_NO_HTTP_CACHE": "1",
        "HOME": __HOME__, "PIP_CONFIG_FILE": os.devnull, "AUDITOR_RATE_LIMIT": "0"})
    from auditor.cli import main
    from auditor.cli.base import Console
    out, err = io.StringIO(), io.StringIO()
    code = main(["scan", "--json", "--advisory-db", __DB__, __PROJECT__], Console(out=out, err=err))
    doc = json.loads(out.getvalue())
    print("requests", len(server.requests))
    print("err", err.getvalue()[-1500:].replace(chr(10), " / "))
    for item in doc["unverified"]:
        print("unverified", item["check"], item["reason"])
"""


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    packages: dict[str, object] = {"": {"name": "victim", "version": "1.0.0"}}
    for i in range(12):
        packages[f"node_modules/pkg-{i}"] = {
            "version": "1.0.0",
            "resolved": f"https://npm-registry.invalid/pkg-{i}/-/pkg-{i}-1.0.0.tgz",
        }
    lock = {"name": "victim", "lockfileVersion": 3, "packages": packages}
    (project / "package-lock.json").write_text(json.dumps(lock))
    return project


@pytest.mark.parametrize(
    "unit",
    [b'"aaa"', b"[0,0]", b"[{},{}]"],
    ids=["one huge string", "dense array", "array of objects"],
)
def test_gzip_bombs_are_refused_within_a_memory_bound(tmp_path: Path, unit: bytes) -> None:
    """61 KB answers expanding to 63 MB, looked up concurrently for 12 packages: each
    package is unverified with the reason; peak memory under 400 MB, in under 60 s."""
    (tmp_path / "home").mkdir()
    db = Path(__file__).parents[1] / "fixtures" / "advisories" / "npm"
    code = SCAN
    for name, value in (
        ("__UNIT__", unit),
        ("__HOME__", str(tmp_path / "home")),
        ("__DB__", str(db)),
        ("__PROJECT__", str(_project(tmp_path))),
    ):
        code = code.replace(name, repr(value))
    measured = run_measured(code, timeout=300)
    lines = measured.out.splitlines()
    compressed = int(next(line for line in lines if line.startswith("compressed")).split()[1])
    assert compressed < 200_000
    refused = [line for line in lines if line.startswith("unverified health")]
    assert 12 == len(refused), measured.out
    assert all("compressed answer expands more than 100 times" in line for line in refused)
    assert measured.peak_mb < 400, measured.peak_mb
    assert measured.seconds < 60


def test_value_dense_json_is_refused_before_parsing(http_server: HttpTestServer) -> None:
    """An uncompressed answer of millions of tiny values is refused by counting them."""
    http_server.route("GET", "/dense", Reply(body=b"[" + b"0," * 6_000_000 + b"0]"))
    with HttpClient(quick_config()) as client, pytest.raises(SourceError) as info:
        client.get_json(f"{http_server.url}/dense")
    assert "answer holds about 6000002 JSON values, more than the 5000000" in str(info.value)


def test_ordinary_compressed_documents_still_pass(http_server: HttpTestServer) -> None:
    """A 6 MB document that compresses like real JSON (about 10x) is read as before."""
    document = {
        "versions": {f"1.0.{i}": {"description": f"release {i} " * 8} for i in range(40_000)}
    }
    raw = json.dumps(document).encode()
    http_server.route(
        "GET", "/doc", Reply(headers={"Content-Encoding": "gzip"}, body=gzip.compress(raw))
    )
    with HttpClient(quick_config()) as client:
        assert document == client.get_json(f"{http_server.url}/doc")
    assert json_values(raw) < 5_000_000
