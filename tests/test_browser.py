"""The home and workstream pages in a real browser: they show their content with JavaScript
switched off, and the skip link works. Accessibility of every page: test_accessibility.py."""

import datetime
from decimal import Decimal

import pytest

from tests.browser import DESKTOP, PHONE, open_page
from tests.factories import (
    ApprenticeshipProgrammeFactory,
    AwardFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    InitiativeFactory,
    MilestoneFactory,
    OrganisationFactory,
    OutputFactory,
    PartnershipFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def record(transactional_db):
    """A small record touching every section of the home and workstream pages."""
    skills = WorkstreamFactory(
        name="Skills",
        slug="skills",
        aim="Foster a sustainable medicines manufacturing workforce.",
        description="The skills workstream works with industry and government.",
    )
    WorkstreamFactory(
        name="Communications and community", aim="One voice for the sector.", is_overarching=True
    )
    catapult = OrganisationFactory(name="Cell and Gene Therapy Catapult", short_name="CGT Catapult")
    innovate = OrganisationFactory(name="Innovate UK", kind="funder")
    PartnershipFactory(workstream=skills, organisation=catapult, role="lead")
    PartnershipFactory(workstream=skills, organisation=innovate, role="funder")
    initiative = InitiativeFactory(
        workstream=skills, name="Advanced Therapies Skills Training Network", slug="atstn"
    )
    initiative.organisations.add(catapult)
    first = AwardFactory(
        title="Advanced Therapy Manufacturing Apprenticeships",
        funder=innovate,
        recipient=catapult,
        amount=Decimal("1500000"),
        award_date=datetime.date(2018, 1, 1),
    )
    follow_on = AwardFactory(
        title="Apprenticeships follow-on funding",
        funder=innovate,
        recipient=catapult,
        amount=Decimal("500000"),
        award_date=datetime.date(2021, 1, 1),
        follow_on_of=first,
    )
    first.workstreams.add(skills)
    follow_on.workstreams.add(skills)
    apprentices = IndicatorFactory(name="Apprentices benefiting")
    apprentices.workstreams.add(skills)
    IndicatorValueFactory(
        indicator=apprentices,
        value=150,
        qualifier="over",
        date=datetime.date(2021, 1, 1),
        source_title="MMIP workstreams page",
        source_url="https://example.org/workstreams",
    )
    output = OutputFactory(title="Apprenticeship Guideline booklet", kind="booklet")
    output.workstreams.add(skills)
    output.publishers.add(catapult)
    MilestoneFactory(
        workstream=skills,
        initiative=initiative,
        title="Apprenticeship event at GSK Stevenage",
        date=datetime.date(2018, 3, 1),
        date_precision="month",
    )
    ApprenticeshipProgrammeFactory(
        workstream=skills, name="AT Manufacturing Apprenticeships", lead=catapult
    )
    return {"workstream": skills}


def page_urls(live_server, record):
    return {
        "home": live_server.url + "/",
        "workstream": live_server.url + record["workstream"].get_absolute_url(),
    }


@pytest.mark.parametrize(
    ("which", "expected"),
    [
        ("home", ["Skills", "£2 million", "over 150", "Apprenticeship event at GSK Stevenage"]),
        (
            "workstream",
            ["Advanced Therapies Skills Training Network", "£2,000,000", "over 150"],
        ),
    ],
)
def test_page_shows_its_content_without_javascript(browser, live_server, record, which, expected):
    page, errors = open_page(
        browser, page_urls(live_server, record)[which], PHONE, java_script_enabled=False
    )

    assert page.locator("h1").is_visible()
    text = page.locator("main").inner_text()
    for words in expected:
        assert words in text
    assert errors == []
    page.context.close()


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(
    browser, live_server, record
):
    page, _ = open_page(browser, page_urls(live_server, record)["workstream"], DESKTOP)

    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    assert skip_link.inner_text() == "Skip to main content"
    assert skip_link.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.context.close()
