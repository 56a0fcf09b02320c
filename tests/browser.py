"""Launching Debian's chromium for the browser tests (never a browser Playwright downloads)."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.db import connection
from pytest_django.live_server_helper import LiveServer

from tests.data_migrations import rerun_data_migrations

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


@contextmanager
def record_served_once(django_db_blocker, make_record):
    """The record make_record() writes, served by a live server of its own, for a whole
    module of browser checks that only read it (each test asks for `db`): the record is made
    once rather than once for each page. (The live_server fixture would make it and empty
    every table for each test.) At the end every table is emptied and what the data
    migrations wrote is written again, so the tests after find the database as it was.
    Yields the server's URL."""
    with django_db_blocker.unblock():
        try:
            make_record()
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            try:
                yield server.url
            finally:
                server._live_server_modified_settings.disable()
                server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0)
            rerun_data_migrations(connection)
