"""Screenshots of the bundled sample's reports for the README: a provider report and the
European overview, as headless Chromium (the Debian package) shows them.

    make run && .venv/bin/python docs/screenshots.py [CATALOGUE_DIR]
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))

from tests.support.browser import ARGS, CHROMIUM  # noqa: E402

#: File -> (page, height of the part shown).
PAGES = {
    "provider-report.png": ("providers/nl-tudelft.html", 1900),
    "catalogue-overview.png": ("overview/index.html", 2600),
}
WIDTH = 1100


def main(catalogue_dir: Path) -> None:
    folder = catalogue_dir / "reports" / (catalogue_dir / "parquet").resolve().name
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, (path, height) in PAGES.items():
            page = browser.new_page(viewport={"width": WIDTH, "height": height})
            page.goto((folder / path).as_uri())
            shot = Image.open(io.BytesIO(page.screenshot(full_page=False)))
            small = shot.convert("RGB").quantize(colors=96, method=Image.Quantize.MEDIANCUT)
            small.save(DOCS / name, optimize=True)
            print(f"{DOCS / name}: {(DOCS / name).stat().st_size // 1024} kB")
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "data/catalogue").resolve())
