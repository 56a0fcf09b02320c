"""The site-wide pages in a real browser: the directory of organisations, one organisation,
search results and about the data work with JavaScript switched off. Accessibility of every
page: test_accessibility.py."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.browser import DESKTOP, PHONE, open_page
from tests.factories import (
    ApprenticeshipProgrammeFactory,
    AwardFactory,
    CohortEmployerFactory,
    CohortFactory,
    InitiativeFactory,
    MilestoneFactory,
    OrganisationFactory,
    OutputFactory,
    PartnershipFactory,
    TrainingCentreFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def record(transactional_db):
    """An organisation playing every role, its parent and parts, and records to search."""
    skills = WorkstreamFactory(name="Skills", aim="A sustainable medicines workforce.")
    mhra = OrganisationFactory(
        name="Medicines and Healthcare products Regulatory Agency",
        short_name="MHRA",
        kind="public-body",
        nation_region="uk-wide",
    )
    OrganisationFactory(name="MHRA Innovation Office", parent=mhra, kind="public-body")
    catapult = OrganisationFactory(
        name="Cell and Gene Therapy Catapult",
        short_name="CGT Catapult",
        kind="catapult-rto",
        nation_region="london",
        description="Grows the UK's cell and gene therapy industry with apprenticeships.",
    )
    innovate = OrganisationFactory(name="Innovate UK", kind="funder", nation_region="uk-wide")
    PartnershipFactory(workstream=skills, organisation=catapult, role="lead")
    InitiativeFactory(
        workstream=skills, name="Advanced Therapies Skills Training Network"
    ).organisations.add(catapult)
    AwardFactory(
        title="Advanced Therapy Manufacturing Apprenticeships",
        funder=innovate,
        recipient=catapult,
        amount=Decimal("1500000"),
        award_date=datetime.date(2018, 1, 1),
        description="Innovate UK's £1.5 million in apprenticeships.",
    )
    programme = ApprenticeshipProgrammeFactory(
        workstream=skills, name="AT Manufacturing Apprenticeships", lead=catapult
    )
    CohortEmployerFactory(
        organisation=OrganisationFactory(name="GSK"),
        apprentices=4,
        cohort=CohortFactory(programme=programme, name="2019 intake", training_provider=catapult),
    )
    TrainingCentreFactory(organisation=catapult, name="Catapult training centre", place="Stevenage")
    output = OutputFactory(title="Apprenticeship Guideline booklet", kind="booklet")
    output.publishers.add(catapult)
    MilestoneFactory(
        workstream=skills,
        title="Apprenticeship event at GSK Stevenage",
        date=datetime.date(2018, 3, 1),
        date_precision="month",
    )
    return {"catapult": catapult}


def page_urls(live_server, record):
    return {
        "organisations": live_server.url + reverse("organisation-list"),
        "organisations-filtered": live_server.url
        + reverse("organisation-list")
        + "?"
        + urlencode({"kind": "catapult-rto", "role": "not-a-role"}),
        "organisation": live_server.url + record["catapult"].get_absolute_url(),
        "search": live_server.url + reverse("search") + "?q=apprenticeships",
        "search-none": live_server.url + reverse("search") + "?q=aprenticeship",
        "about-data": live_server.url + reverse("about-data"),
    }


@pytest.mark.parametrize(
    ("which", "expected"),
    [
        (
            "organisations",
            ["Cell and Gene Therapy Catapult", "Recipient of an award", "Funder (1)"],
        ),
        (
            "organisation",
            [
                "Lead in",
                "Advanced Therapies Skills Training Network",
                "£1,500,000",
                "AT Manufacturing Apprenticeships",
                "2019 intake",
                "Catapult training centre",
                "Apprenticeship Guideline booklet",
            ],
        ),
        ("search", ["Organisations (", "Awards (1)", "Apprenticeship event at GSK Stevenage"]),
        ("about-data", ["Open Government Licence v3.0", "Milestones feed (Atom)"]),
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


def test_the_filter_works_without_javascript(browser, live_server, record):
    page, errors = open_page(
        browser, page_urls(live_server, record)["organisations"], DESKTOP, java_script_enabled=False
    )

    page.select_option("#id_role", "funder")
    page.get_by_role("button", name="Show organisations").click()
    page.wait_for_load_state("load")

    assert "role=funder" in page.url
    names = page.locator(".directory__name").all_inner_texts()
    assert names == ["Innovate UK"]
    assert errors == []
    page.context.close()


def test_the_header_search_box_searches_without_javascript(browser, live_server, record):
    page, errors = open_page(
        browser, live_server.url + reverse("home"), PHONE, java_script_enabled=False
    )

    page.get_by_label("Search the record").fill('"training network"')
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state("load")

    assert page.url.startswith(live_server.url + reverse("search"))
    assert page.locator("mark").first.is_visible()
    assert "Advanced Therapies Skills Training Network" in page.locator("main").inner_text()
    assert errors == []
    page.context.close()
