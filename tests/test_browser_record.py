"""The timeline, outputs, skills, programme and indicator pages and a workstream's roadmap in
a real browser, with the demo record loaded: they filter and show their content with
JavaScript switched off.
Accessibility of every page: test_accessibility.py."""

import pytest

from tests.browser import DESKTOP, PHONE, open_page
from tests.factories import (
    indicator_with_periods,
    load_demo_record_with_wide_rows,
)

pytestmark = pytest.mark.browser


PAGES = {
    "timeline": "/timeline/",
    # A filter with a bad part shows its message box and a selected option.
    "timeline-filtered": "/timeline/?workstream=skills&year=letters",
    "outputs": "/outputs/",
    "outputs-filtered": "/outputs/?publisher=ktn&kind=no-such-kind",
    "skills": "/skills/",
    "programme": "/skills/programmes/advanced-therapy-manufacturing-apprenticeships/",
    "indicator": "/indicators/apprentices-benefiting-from-advanced-therapies-apprenticeships/",
    "money-indicator": "/indicators/investment-in-the-medicines-manufacturing-challenge/",
}


@pytest.fixture
def record(transactional_db):
    """The demo record, plus what it does not have yet (a cohort with employers and a
    learning resource), so the widest tables are checked too."""
    load_demo_record_with_wide_rows()


@pytest.mark.parametrize(
    ("which", "expected", "charts"),
    [
        ("timeline", ["14 October 2021", "2016", "Whole programme", "Report released"], 0),
        ("outputs", ["Medicines Manufacturing Impact Report", "13 outputs", "undated"], 0),
        (
            "skills",
            ["over 150", "£2,000,000", "National Horizons Centre", "RoslinCT", "Darlington"],
            1,
        ),
        ("programme", ["over 150", "over 40", "2019 intake", "September 2019"], 1),
        ("indicator", ["over 150", "MMIP workstreams page", "latest figure"], 1),
    ],
)
def test_page_shows_its_content_without_javascript(
    browser, live_server, record, which, expected, charts
):
    page, errors = open_page(
        browser, live_server.url + PAGES[which], PHONE, java_script_enabled=False
    )

    assert page.locator("h1").is_visible()
    text = page.locator("main").inner_text()
    for words in expected:
        assert words in text
    # Charts are drawn on the server, so they are there without JavaScript too.
    assert page.locator("main svg[role=img]").count() == charts
    assert errors == []
    page.context.close()


def test_an_indicators_targets_and_actuals_show_without_javascript(browser, live_server, record):
    indicator_with_periods(name="Apprentices against plan", slug="against-plan")

    page, errors = open_page(
        browser, live_server.url + "/indicators/against-plan/", PHONE, java_script_enabled=False
    )

    text = page.locator("main").inner_text()
    for words in ["baseline", "The latest period", "over 150", "80% of the target", "settled"]:
        assert words in text
    # The targets' chart, drawn on the server; the period table is read as a table.
    assert page.locator("main svg[role=img]").count() == 1
    assert page.get_by_role("table").filter(has_text="Against the target").count() == 1
    assert errors == []
    page.context.close()


def test_the_timeline_filters_without_javascript_and_keeps_its_state_in_the_address(
    browser, live_server, record
):
    page, errors = open_page(
        browser, live_server.url + PAGES["timeline"], DESKTOP, java_script_enabled=False
    )

    page.get_by_label("Workstream").select_option(label="Skills")
    page.get_by_label("Year").select_option("2020")
    page.get_by_role("button", name="Show milestones").click()
    page.wait_for_load_state("load")

    assert "workstream=skills" in page.url
    assert "year=2020" in page.url
    text = page.locator("main").inner_text()
    assert "Life Sciences 2030 Skills Strategy launched" in text
    assert "Medicines Manufacturing Impact Report" not in text
    assert "2 milestones match the filter" in text
    # The form shows the filter it applied.
    assert page.get_by_label("Workstream").input_value() == "skills"
    page.get_by_role("link", name="Clear the filter").click()
    page.wait_for_load_state("load")
    assert page.url == live_server.url + PAGES["timeline"]
    assert errors == []
    page.context.close()


@pytest.mark.parametrize("media", ["screen", "print"])
def test_a_workstreams_roadmap_is_drawn_without_javascript_within_a_phones_width(
    browser, live_server, record, media
):
    page, errors = open_page(
        browser,
        live_server.url + "/workstreams/advanced-therapies-manufacturing/",
        PHONE,
        java_script_enabled=False,
    )
    page.emulate_media(media=media)

    progress = page.locator("#progress")
    picture = progress.locator("svg[role=img]")
    assert picture.is_visible()
    assert picture.bounding_box()["width"] <= PHONE["width"]
    # The demo's three milestones done, each in its year; its commitment has no date, so it
    # is in the table only.
    assert picture.locator(".roadmap__row--done").count() == 3
    assert "talent plan" not in picture.text_content()
    table = progress.locator("table")
    assert table.is_visible()
    text = table.inner_text()
    for words in ["2017", "2018", "2021", "An end-to-end talent plan for the sector", "No date"]:
        assert words in text
    # Each milestone of the roadmap leads to its place in the timeline, with its history.
    progress.get_by_role("link", name="Taskforce transition to business as usual").click()
    assert page.url.endswith("#milestone-taskforce-transition-to-business-as-usual")
    assert errors == []
    page.context.close()


def test_the_new_pages_are_in_the_navigation_and_marked_current(browser, live_server, record):
    page, _ = open_page(browser, live_server.url + PAGES["programme"], DESKTOP)

    navigation = page.get_by_role("navigation", name="Main")
    for name in ["Timeline", "Outputs", "Skills"]:
        assert navigation.get_by_role("link", name=name).is_visible()
    assert navigation.get_by_role("link", name="Skills").get_attribute("aria-current") == "true"
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outputs").click()
    page.wait_for_load_state("load")
    assert navigation.get_by_role("link", name="Outputs").get_attribute("aria-current") == "page"
    page.context.close()


def test_progress_filters_by_workstream_without_javascript_and_keeps_it_in_the_address(
    browser, live_server, record
):
    page, errors = open_page(
        browser, live_server.url + "/progress/", DESKTOP, java_script_enabled=False
    )
    assert "An end-to-end talent plan for the sector" in page.locator("main").inner_text()

    page.get_by_label("Workstream", exact=True).select_option(
        label="Advanced Therapies Manufacturing"
    )
    page.get_by_role("button", name="Show progress").click()
    page.wait_for_load_state("load")

    assert "workstream=advanced-therapies-manufacturing" in page.url
    text = page.locator("main").inner_text()
    # The seeds' done milestones of the workstream: the Taskforce's move to business as
    # usual, and the apprenticeships' investment and follow-on.
    assert "1 commitment and 3 milestones of the workstream chosen" in text
    assert "An end-to-end talent plan for the sector" in text
    assert (
        page.get_by_label("Workstream", exact=True).input_value()
        == "advanced-therapies-manufacturing"
    )
    page.get_by_role("link", name="An end-to-end talent plan for the sector").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "An end-to-end talent plan for the sector"
    assert errors == []
    page.context.close()
