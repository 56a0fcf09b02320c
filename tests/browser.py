"""Launching Debian's chromium for the browser tests (never a browser Playwright downloads)."""

import os
from pathlib import Path

import pytest

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
