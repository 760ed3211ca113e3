"""Screenshots of the Dagster UI after a run with one failed source, as an operator sees it.

    python bench/ui_screenshots.py [OUT_DIR]     (default bench/out/screenshots)

The two the README shows (asset-graph.png, raw-feeds.png) are also copied to docs/screenshots.

Copies the bundled sample registry, runs it once healthy and once with `fi-nordlight-json`
pointing at a closed port of 127.0.0.1 (connection refused), both with `python -m pipelines run`,
starts `dagster dev` on a free local port, and photographs the asset graph, the raw_feeds and
catalogue asset pages, raw_feeds' checks and the Runs list in headless Chromium (Debian's
/usr/bin/chromium driven by Playwright; no browser is downloaded). Everything it started is
stopped at the end.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from tests.support.browser import ARGS, CHROMIUM  # noqa: E402
from tests.support.dagster_ui import DagsterUI, free_port  # noqa: E402

BROKEN = "fi-nordlight-json"
#: name: (path in the UI, text to wait for)
IN_README = ("asset-graph", "raw-feeds")
#: After loading a page: what to click, to show what matters (None: nothing).
CLICK = {"raw-feeds-checks": "sources_read_check"}
PAGES = {
    "asset-graph": (
        "/assets/feeds/raw_feeds?view=lineage&lineageScope=downstream&lineageDepth=5",
        "duckdb_database",
    ),
    "raw-feeds": ("/assets/feeds/raw_feeds", "headline"),
    "raw-feeds-checks": ("/assets/feeds/raw_feeds?view=checks", "sources_read_check"),
    "catalogue": ("/assets/catalogue/parquet_release", "release"),
    "validated-records": ("/assets/catalogue/validated_records", "headline"),
    "runs": ("/runs", "catalogue/health"),
}


def sample_registry(root: Path, broken: bool) -> Path:
    """The bundled registry and feeds under `root`; with `broken`, one source refused."""
    if not (root / "feeds").exists():
        shutil.copytree(PROJECT / "data" / "feeds", root / "feeds")
    raw = yaml.safe_load((PROJECT / "data" / "providers.yaml").read_text(encoding="utf-8"))
    if broken:
        source = next(s for s in raw["sources"] if s["id"] == BROKEN)
        source["url"] = f"http://127.0.0.1:{free_port()}/nordlight.json"  # nothing listens
    path = root / "providers.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def aggregate(env: dict[str, str]) -> int:
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", "run"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )
    print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:])
    return done.returncode


def photograph(url: str, out: Path) -> list[Path]:
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 900})
            for name, (path, wait_for) in PAGES.items():
                page.goto(url + path, wait_until="networkidle", timeout=60_000)
                skip = page.get_by_role("button", name="Skip")  # the newsletter prompt
                if skip.count():
                    skip.first.click()
                if name in CLICK:
                    page.get_by_text(CLICK[name]).first.click()
                try:
                    page.get_by_text(wait_for).first.wait_for(timeout=30_000)
                except PlaywrightTimeout:
                    print(f"{name}: {wait_for!r} not visible after 30 s; photographed as it is")
                for _ in range(40):  # the graph's nodes load their status one by one
                    if not page.get_by_text("Loading...").count():
                        break
                    page.wait_for_timeout(500)
                page.wait_for_timeout(1500)  # let the graph lay itself out
                shot = out / f"{name}.png"
                page.screenshot(path=str(shot))
                shots.append(shot)
        finally:
            browser.close()
    return shots


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {
            "CATALOGUE_REGISTRY": str(root / "providers.yaml"),
            "CATALOGUE_DIR": str(root / "catalogue"),
        }
        ui = DagsterUI(root / "dagster_home", env)
        try:
            sample_registry(root, broken=False)
            assert aggregate(ui.env) == 0, "the healthy run should exit 0"
            sample_registry(root, broken=True)
            assert aggregate(ui.env) == 3, "the run with a failed source should exit 3"
            ui.wait_until_loaded()
            for shot in photograph(ui.url, out):
                print(f"{shot} ({shot.stat().st_size // 1024} KiB)")
                if shot.stem in IN_README:
                    shutil.copy(shot, PROJECT / "docs" / "screenshots" / shot.name)
        finally:
            ui.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT / "bench" / "out" / "screenshots")
