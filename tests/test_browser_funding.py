"""The funding explorer, a programme page and the funders and recipients tables in a real
browser: the explorer filters, sorts, pages and downloads with JavaScript switched off.
Accessibility of every page: test_accessibility.py."""

import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.utils import timezone

from tests.browser import DESKTOP, PHONE, open_page
from tests.factories import AwardFactory
from tests.test_funding_explorer import build_record

pytestmark = pytest.mark.browser


@pytest.fixture
def record(transactional_db):
    awards = build_record()
    # Enough years for the dense year chart, and enough awards for a second page of ten.
    for year in range(2005, 2018):
        AwardFactory(title=f"Early award of {year}", award_date=datetime.date(year, 1, 1))
    return awards


def url(live_server, path: str, params: dict | None = None) -> str:
    return live_server.url + path + ("?" + urlencode(params, doseq=True) if params else "")


def listed_identifiers(page) -> list[str]:
    return page.locator(".explorer-table tbody .identifier").all_inner_texts()


def test_the_explorer_filters_without_javascript_and_keeps_the_filter_in_its_downloads(
    browser, live_server, record
):
    page, errors = open_page(
        browser, url(live_server, "/funding/"), DESKTOP, java_script_enabled=False
    )

    # Each choice says how many awards it finds.
    page.get_by_label("Funder", exact=True).select_option(label="Research Council of Medicines (2)")
    page.get_by_role("group", name="Award year").get_by_label("From").fill("2021")
    page.get_by_label("Active (1)", exact=True).check()
    page.get_by_role("button", name="Show awards").click()
    page.wait_for_load_state("load")

    query = parse_qs(urlsplit(page.url).query)
    assert query["funder"] == ["fund-b"]
    assert query["year_from"] == ["2021"]
    assert query["status"] == ["active"]
    assert listed_identifiers(page) == ["360G-MMIP-T-03"]
    assert "1 award matches the filter" in page.locator("#results-heading").inner_text()
    for name in ("CSV", "JSON", "360Giving data"):
        href = page.get_by_role("link", name=name, exact=True).get_attribute("href")
        download_query = parse_qs(urlsplit(href).query)
        assert download_query == {"funder": ["fund-b"], "year_from": ["2021"], "status": ["active"], "sort": ["-date"]}  # fmt: skip
    assert errors == []
    page.context.close()


def test_leaving_out_and_financial_years_work_without_javascript(browser, live_server, record):
    page, errors = open_page(
        browser, url(live_server, "/funding/"), PHONE, java_script_enabled=False
    )
    leave_out = page.locator("details.explorer-form__leave-out")
    assert leave_out.get_attribute("open") is None
    assert not page.get_by_label("Leave out funders").is_visible()

    page.get_by_text("Leave out funders, recipients, programmes, workstreams or regions").click()
    page.get_by_label("Leave out funders").select_option(label="Innovate Widgets Agency (3)")
    years = page.get_by_role("group", name="Financial year (April to March)")
    years.get_by_label("From").fill("2020-21")
    years.get_by_label("to", exact=True).fill("2021-22")
    page.get_by_role("button", name="Show awards").click()
    page.wait_for_load_state("load")

    query = parse_qs(urlsplit(page.url).query)
    assert query["funder_not"] == ["fund-a"]
    assert (query["fy_from"], query["fy_to"]) == (["2020-21"], ["2021-22"])
    # 14 October 2021, and "2021", which is in 2020-21 or 2021-22: both in the range.
    assert listed_identifiers(page) == ["360G-MMIP-T-03", "360G-MMIP-T-04"]
    # What was left out stays chosen, in its part of the form, which stays open.
    assert leave_out.get_attribute("open") is not None
    assert page.get_by_label("Leave out funders").input_value() == "fund-a"
    assert years.get_by_label("From").input_value() == "2020-21"

    page.get_by_label("Recipient's nation or region").select_option(label="North East (1)")
    page.get_by_role("button", name="Show awards").click()
    page.wait_for_load_state("load")
    assert parse_qs(urlsplit(page.url).query)["region"] == ["north-east"]
    assert listed_identifiers(page) == ["360G-MMIP-T-03"]
    assert errors == []
    page.context.close()


def test_a_column_heading_sorts_and_a_second_click_reverses(browser, live_server, record):
    page, errors = open_page(
        browser,
        url(live_server, "/funding/", {"funder": "fund-b"}),
        DESKTOP,
        java_script_enabled=False,
    )

    page.get_by_role("link", name="Amount (sort Largest first)").click()
    page.wait_for_load_state("load")
    assert "sort=-amount" in page.url
    assert listed_identifiers(page) == ["360G-MMIP-T-03", "360G-MMIP-T-04"]
    heading = page.locator(".explorer-table").get_by_role("columnheader", name="Amount")
    assert heading.get_attribute("aria-sort") == "descending"

    page.get_by_role("link", name="Amount (sort Smallest first)").click()
    page.wait_for_load_state("load")
    assert "sort=amount" in page.url
    assert listed_identifiers(page) == ["360G-MMIP-T-04", "360G-MMIP-T-03"]
    assert page.get_by_label("Sort by").input_value() == "amount"
    assert errors == []
    page.context.close()


def test_the_csv_link_downloads_the_filtered_awards_as_a_named_file(browser, live_server, record):
    page, errors = open_page(
        browser, url(live_server, "/funding/", {"funder": "fund-a", "sort": "amount"}), DESKTOP
    )

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value

    assert download.suggested_filename == f"mmip-awards-{timezone.localdate().isoformat()}.csv"
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [
        "360G-MMIP-T-05",
        "360G-MMIP-T-01",
        "360G-MMIP-T-02",
    ]
    assert errors == []
    page.context.close()


def test_the_explorer_pages_through_without_javascript(browser, live_server, record):
    page, errors = open_page(
        browser,
        url(live_server, "/funding/", {"per_page": "10", "sort": "date"}),
        PHONE,
        java_script_enabled=False,
    )

    page.get_by_role("link", name="Next page").click()
    page.wait_for_load_state("load")

    assert "page=2" in page.url and "per_page=10" in page.url
    assert len(listed_identifiers(page)) == 8  # 18 awards, ten on the first page
    assert page.get_by_label("Awards per page").input_value() == "10"
    assert errors == []
    page.context.close()


def test_the_funders_table_leads_into_the_explorer_pre_filtered(browser, live_server, record):
    page, errors = open_page(
        browser, url(live_server, "/funding/funders/"), DESKTOP, java_script_enabled=False
    )

    page.get_by_role("link", name="2 awards from Research Council of Medicines").click()
    page.wait_for_load_state("load")

    assert page.url.endswith("/funding/?funder=fund-b")
    assert listed_identifiers(page) == ["360G-MMIP-T-03", "360G-MMIP-T-04"]
    assert page.get_by_label("Funder", exact=True).input_value() == "fund-b"
    assert errors == []
    page.context.close()


def test_a_programme_page_shows_its_awards_and_totals_without_javascript(
    browser, live_server, record
):
    page, errors = open_page(
        browser, url(live_server, "/funding/programmes/prog-1/"), PHONE, java_script_enabled=False
    )

    text = page.locator("main").inner_text()
    assert "Widget Challenge" in text
    assert "Cell therapy scale-up" in text and "Apprenticeships in cell therapy" in text
    assert "£600,000" in text
    page.get_by_role("link", name="Filter and sort them in the funding explorer").click()
    page.wait_for_load_state("load")
    assert listed_identifiers(page) == ["360G-MMIP-T-04", "360G-MMIP-T-01"]
    assert errors == []
    page.context.close()
