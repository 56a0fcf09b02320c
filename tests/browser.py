"""Launching Debian's chromium for the browser tests (never a browser Playwright downloads)."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium() -> None:
    """Skip on a developer's machine without chromium; in CI a missing browser is a failure,
    so the accessibility checks can never be skipped silently there."""
    if CHROMIUM.exists():
        return
    message = (
        f"Browser tests need Debian's chromium at {CHROMIUM}: "
        "install it with `apt-get install chromium` (or `make browser`)."
    )
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def open_page(browser, url: str, viewport: dict, **context_options):
    """The loaded page and the console errors and uncaught exceptions it produced."""
    context = browser.new_context(viewport=viewport, **context_options)
    page = context.new_page()
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(url)
    assert response.status == 200
    page.wait_for_load_state("load")
    return page, errors


def axe_report(page):
    """axe's WCAG 2.2 AA results for the page as it stands."""
    return Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})


def assert_clean_and_accessible(browser, url: str, viewport: dict) -> None:
    """The page loads without console errors, axe finds no WCAG 2.2 AA violation, and nothing
    is wider than the screen (a phone never scrolls sideways to read it)."""
    page, errors = open_page(browser, url, viewport)
    results = axe_report(page)
    assert results.violations_count == 0, results.generate_report()
    assert errors == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.context.close()
