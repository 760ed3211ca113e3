"""Pages opened as people open them: headless Chromium from the Debian package, driven by
Playwright (no browser is downloaded), recording what the page logs and fetches."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@dataclass
class Visit:
    """What happened while a page was open."""

    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught errors, dialogs, and requests not for a file."""
        return [
            *(
                f"console {kind}: {text}"
                for kind, text in self.console
                if kind in ("error", "warning")
            ),
            *(f"page error: {e}" for e in self.errors),
            *(f"dialog: {d}" for d in self.dialogs),
            *(f"request: {r}" for r in self.requests if not r.startswith("file://")),
        ]


@contextmanager
def browser_page(width: int = 1280, height: int = 900) -> Iterator[tuple[object, Visit]]:
    """A page of headless Chromium and the record of what it does; Chromium is closed after."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    visit = Visit()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("console", lambda m: visit.console.append((m.type, m.text)))
            page.on("pageerror", lambda e: visit.errors.append(str(e)))
            page.on("request", lambda r: visit.requests.append(r.url))

            def dismiss(dialog) -> None:
                visit.dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", dismiss)
            yield page, visit
        finally:
            browser.close()
