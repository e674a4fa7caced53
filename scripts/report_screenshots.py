"""Regenerate the report screenshots in docs/images/ (shown in the README).

    .venv/bin/python scripts/report_screenshots.py

Replays examples/saleor-history into a scratch store with ``auditor report`` (each version
filed under its commit date), then loads the index, the project page and the latest
snapshot page in headless Chromium (the harness of the browser tests) and saves a PNG of
each, 1280 CSS pixels wide.

The replay rather than the README's backfill of examples/saleor.bundle (the same months):
a backfill also files today's run of the checkout, so its whole-history charts spend most
of their width on the years since 2020, where nothing changes; the replay's charts are the
eight months alone. Each replayed month is marked replayed, as a backfilled one is.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.cli import main  # noqa: E402
from auditor.site import paths  # noqa: E402
from tests.site.browser import browser  # noqa: E402

HISTORY = ROOT / "examples" / "saleor-history"
IMAGES = ROOT / "docs" / "images"
SHOTS = (  # (file, page, height in CSS pixels)
    ("report-index.png", "index.html", 420),
    ("report-project.png", None, 2900),  # down to "Days exposed"
    ("report-snapshot.png", "snapshot", 1500),
)


def replay(work: Path) -> Path:
    site = work / "site"
    for folder in sorted(HISTORY.iterdir()):
        code = main(
            [
                "report",
                str(folder),
                "--project",
                "saleor",
                "--quiet",
                "--db",
                str(work / "store.db"),
                "--out",
                str(site),
                "--cache-dir",
                str(work / "cache"),
                "--offline",  # the bundled sample: the screenshots show its findings
                "--snapshot-time",
                folder.name[:10],
            ]
        )
        if code not in (0, 3):
            raise SystemExit(f"auditor report {folder} exited {code}")
    return site


def main_() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        site = replay(Path(scratch))
        latest = max(
            (site / paths.project_dir("saleor") / "s").glob("*.html"),
            key=lambda p: int(p.stem.split("-")[0]),
        )
        with browser() as chromium:
            for name, page, height in SHOTS:
                if page is None:
                    target = site / paths.project_page("saleor")
                elif page == "snapshot":
                    target = latest
                else:
                    target = site / page
                report = chromium.load(target.as_uri())
                if report.problems:
                    raise SystemExit(f"{target}: {report.problems}")
                chromium.screenshot(IMAGES / name, width=1280, max_height=height)
                print(f"{IMAGES / name}")


if __name__ == "__main__":
    main_()
