"""Choosing the CSV's columns on the funding explorer, in a real browser: with JavaScript
off the ticked columns download in the file's order with the rows in the page's order; the
chooser, closed and open, and the page refusing an unknown column pass axe at desktop size
and on a 375 px phone."""

import csv
import io
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.browser import DESKTOP, PHONE, assert_clean_and_accessible, axe_report, open_page
from tests.test_funding_explorer import build_record

pytestmark = pytest.mark.browser


@pytest.fixture
def record(transactional_db):
    return build_record()


def url(live_server, path: str, params: dict | None = None) -> str:
    return live_server.url + path + ("?" + urlencode(params, doseq=True) if params else "")


def test_ticked_columns_download_in_the_file_s_order_without_javascript(
    browser, live_server, record
):
    page, errors = open_page(
        browser,
        url(live_server, "/funding/", {"funder": "fund-a", "sort": "amount"}),
        DESKTOP,
        java_script_enabled=False,
    )
    shown = page.locator(".explorer-table tbody .identifier").all_inner_texts()
    chooser = page.get_by_role("group", name="Columns of the CSV")
    assert not chooser.is_visible()  # closed until asked for

    page.locator("summary", has_text="Choose the CSV").click()
    for title in ("Amount Awarded", "Title", "Identifier"):  # the reverse of the file's order
        chooser.get_by_label(title, exact=True).check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the CSV with these columns").click()

    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text))
    assert header == ["Identifier", "Title", "Amount Awarded"]
    assert [row[0] for row in rows] == shown == ["360G-MMIP-T-05", "360G-MMIP-T-01", "360G-MMIP-T-02"]  # fmt: skip
    assert rows[0] == ["360G-MMIP-T-05", "Withdrawn study", "75000.00"]
    assert errors == []
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_chooser_closed_and_open_is_accessible(browser, live_server, record, viewport):
    assert_clean_and_accessible(browser, url(live_server, "/funding/"), viewport)
    # Open because the address ticks some columns, as when coming back from a refusal.
    assert_clean_and_accessible(
        browser, url(live_server, "/funding/", {"funder": "fund-a", "columns": "title"}), viewport
    )
    # Opened by a click, every column unticked.
    page, errors = open_page(browser, url(live_server, "/funding/"), viewport)
    page.locator("summary", has_text="Choose the CSV").click()
    assert page.get_by_role("group", name="Columns of the CSV").is_visible()
    results = axe_report(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert errors == []
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_page_refusing_an_unknown_column_is_accessible(browser, live_server, record, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)  # fmt: skip
    response = page.goto(url(live_server, "/funding/awards.csv", {"columns": ["title", "x" * 500]}))

    assert response.status == 400
    results = axe_report(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The browser reports the status 400 itself; nothing else may go wrong.
    assert [error for error in errors if "status of 400" not in error] == []

    page.get_by_role("link", name="Choose the columns in the funding explorer").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("group", name="Columns of the CSV").is_visible()
    assert page.get_by_label("Title", exact=True).is_checked()
    context.close()
