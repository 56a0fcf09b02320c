"""Every kind of public page in a real browser, with the demo record loaded: it loads
without console errors, axe finds no WCAG 2.2 AA violation, and nothing is wider than the
screen, at desktop size and on a 375 px phone. Pages in the states that add markup (a
filter with a bad part, an empty result, a second page) are checked too. What each page
does without JavaScript is tested in its feature's browser module."""

import datetime

import pytest

from funding.models import Award
from mmip.models import Organisation
from tests.browser import DESKTOP, PHONE, assert_clean_and_accessible
from tests.factories import (
    AwardFactory,
    CommitmentFactory,
    StatusChangeFactory,
    approved_update,
    load_demo_record_with_wide_rows,
)
from tests.import_factories import AwardSourceFactory, OrganisationSourceFactory
from workstreams.models import Output, Workstream

pytestmark = pytest.mark.browser


PAGES = {
    "home": "/",
    "workstreams": "/workstreams/",
    "workstream": "/workstreams/skills/",
    "organisations": "/organisations/",
    "organisations-filtered": "/organisations/?kind=catapult-rto&role=not-a-role",
    "organisation": "/organisations/cell-and-gene-therapy-catapult/",
    "explorer": "/funding/",
    "explorer-filtered": "/funding/?funder=innovate-uk&sort=-amount&per_page=10&status=closed&status=withdrawn",
    "explorer-nonsense": "/funding/?amount_min=abc&year_from=2022&year_to=2019&page=x&funder=nope",
    "explorer-several-funders": "/funding/?funder=innovate-uk&funder=beis",
    "explorer-empty": "/funding/?q=unicorn",
    "explorer-page-2": "/funding/?per_page=10&page=2",
    "award": "/funding/360G-MMIP-2018-ATMA/",
    "imported-award": "/funding/360G-MIA-1000/",
    "funding-programmes": "/funding/programmes/",
    "funding-programme": "/funding/programmes/medicines-manufacturing-challenge/",
    "funders": "/funding/funders/",
    "recipients": "/funding/recipients/",
    "skills": "/skills/",
    "apprenticeship-programme": "/skills/programmes/advanced-therapy-manufacturing-apprenticeships/",
    "indicator": "/indicators/apprentices-benefiting-from-advanced-therapies-apprenticeships/",
    "money-indicator": "/indicators/investment-in-the-medicines-manufacturing-challenge/",
    "timeline": "/timeline/",
    "timeline-filtered": "/timeline/?workstream=skills&year=letters",
    "outputs": "/outputs/",
    "outputs-filtered": "/outputs/?publisher=ktn&kind=no-such-kind",
    "search": "/search/?q=apprenticeships",
    "search-none": "/search/?q=aprenticeship",
    "about-data": "/about/data/",
    "progress": "/progress/",
    "progress-filtered": "/progress/?workstream=skills&page=x",
    "progress-bad-filter": "/progress/?workstream=no-such-workstream",
    "commitment": "/commitments/end-to-end-talent-plan-for-the-sector/",
    "rated-commitment": "/commitments/a-skills-commitment-at-risk/",
}


@pytest.fixture
def record(transactional_db):
    """The demo record, plus what it does not have yet (a cohort with employers, a learning
    resource, and enough awards over enough years for the dense year chart and a second
    page of ten), so the widest tables are checked too."""
    load_demo_record_with_wide_rows()
    # A commitment rated red, late, with its history and an approved update, so the ratings,
    # the late mark and the update list are checked too (the demo's one commitment has none).
    skills = Workstream.objects.get(slug="skills")
    at_risk = CommitmentFactory(
        workstream=skills,
        source=Output.objects.get(slug="advanced-therapies-manufacturing-taskforce-action-plan"),
        title="A skills commitment at risk",
        slug="a-skills-commitment-at-risk",
        due_date=datetime.date(2020, 3, 1),
        due_precision="month",
        status="in-progress",
        rating="red",
        rating_reason="The provider withdrew.",
    )
    StatusChangeFactory(commitment=at_risk, reason="Work began.")
    approved_update(commitment=at_risk, narrative="A new provider is being sought.")
    innovate_uk = Award.objects.get(identifier="360G-MMIP-2018-ATMA").funder
    # An award and an organisation from a funder's 360Giving data, listed on /about/data/.
    catapult = Organisation.objects.get(slug="cell-and-gene-therapy-catapult")
    source = AwardSourceFactory(
        award=AwardFactory(identifier="360G-MIA-1000", funder=innovate_uk, recipient=catapult),
        first_import__dataset__issued=datetime.date(2024, 2, 1),
        first_import__dataset__last_imported_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC),
    )
    OrganisationSourceFactory(organisation=catapult, first_import=source.first_import)
    for year in range(2005, 2018):
        AwardFactory(
            title=f"Early award of {year}",
            funder=innovate_uk,
            award_date=datetime.date(year, 1, 1),
        )


@pytest.mark.parametrize("which", list(PAGES))
def test_page_loads_cleanly_and_axe_finds_no_wcag_22_aa_violation(
    browser, live_server, record, which
):
    for viewport in (DESKTOP, PHONE):
        assert_clean_and_accessible(browser, live_server.url + PAGES[which], viewport)
