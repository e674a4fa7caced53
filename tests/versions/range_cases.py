"""Generated npm ranges and versions, and npm's own answers for them (the oracle).

``cases(seed, count)`` builds (version, range) pairs from the pieces npm range syntax is
made of: operators, carets, tildes, x-ranges, partial versions, pre-releases, build
metadata, hyphen ranges, ``||``, odd whitespace and a sprinkle of junk. ``node_answers``
asks npm's bundled ``semver`` module (``validRange(r, true)``, ``satisfies(v, r, true)`` and
``satisfies`` with ``includePrerelease``) about each pair in one node process.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

Case = tuple[str, str]
Answer = tuple[str | None, bool, bool]

NUMBERS = ["0", "1", "2", "3", "10", "01", "x", "X", "*"]
PRE = ["", "", "", "-0", "-alpha", "-beta.1", "-rc.2", "rc1", "-1.2", "-alpha.beta", "-x"]
BUILD = ["", "", "", "", "+build.1", "+001"]
OPS = ["", "", "", "=", "<", ">", "<=", ">=", "^", "~", "~>", "v", "=v"]
SPACE = [" ", " ", " ", "  ", "\t", " \u00a0"]
JUNK = ["latest", "next", "1.2.3.4", "a.b.c", "**", ">=", "<", "^", "~", "-", "||", "1.x.2", "*.1"]
VERSIONS = [
    "0.0.0",
    "0.0.1",
    "0.1.0",
    "0.1.2",
    "1.0.0",
    "1.2.3",
    "1.2.4",
    "1.3.0",
    "2.0.0",
    "2.1.0",
    "3.0.0",
    "10.0.0",
    "1.2.3-alpha",
    "1.2.3-beta.1",
    "1.2.4-0",
    "2.0.0-rc.1",
    "0.0.1-alpha",
    "1.0.0-0",
    "v1.2.3",
    "=1.2.3",
    "1.2.3-01",
    "1.2.3+build",
    "01.2.3",
    "1.2",
    "",
]


def _partial(rng: random.Random) -> str:
    parts = [rng.choice(NUMBERS) for _ in range(rng.choice([1, 2, 3, 3, 3]))]
    text = ".".join(parts)
    if len(parts) == 3:
        text += rng.choice(PRE) + rng.choice(BUILD)
    return text


def _comparator(rng: random.Random) -> str:
    op = rng.choice(OPS)
    gap = rng.choice(["", "", "", " "]) if op and op[0] in "<>=^~" else ""
    return f"{op}{gap}{_partial(rng)}"


def _part(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return f"{_partial(rng)}{rng.choice(SPACE)}-{rng.choice(SPACE)}{_partial(rng)}"
    if roll < 0.2:
        return rng.choice(JUNK)
    count = rng.choice([1, 1, 1, 2, 2, 3])
    return rng.choice(SPACE).join(_comparator(rng) for _ in range(count))


def make_range(rng: random.Random) -> str:
    parts = [_part(rng) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    text = "||".join(f"{rng.choice(['', ' '])}{p}{rng.choice(['', ' ', '  '])}" for p in parts)
    return text if rng.random() > 0.05 else f"  {text}\t"


def cases(seed: int, count: int) -> list[Case]:
    rng = random.Random(seed)
    found: list[Case] = []
    for _ in range(count):
        version = rng.choice(VERSIONS) if rng.random() < 0.6 else _partial(rng).lstrip("v")
        found.append((version, make_range(rng)))
    return found


def node_semver() -> Path | None:
    """npm's bundled semver module, when node and npm are installed."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return None
    root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, check=False)
    module = Path(root.stdout.strip()) / "npm" / "node_modules" / "semver"
    return module if module.is_dir() else None


_SCRIPT = """
const semver = require(process.argv[1]);
let input = '';
process.stdin.on('data', d => { input += d; });
process.stdin.on('end', () => {
  const out = JSON.parse(input).map(([v, r]) => [
    semver.validRange(r, true),
    semver.satisfies(v, r, true),
    semver.satisfies(v, r, { loose: true, includePrerelease: true }),
  ]);
  process.stdout.write(JSON.stringify(out));
});
"""


def node_answers(module: Path, pairs: list[Case]) -> list[Answer]:
    proc = subprocess.run(
        ["node", "-e", _SCRIPT, str(module)],
        input=json.dumps(pairs),
        capture_output=True,
        text=True,
        check=True,
    )
    return [(a[0], bool(a[1]), bool(a[2])) for a in json.loads(proc.stdout)]
