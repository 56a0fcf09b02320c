"""Every kind of public page in a real browser, with the demo record loaded: it loads
without console errors, axe finds no WCAG 2.2 AA violation, and nothing is wider than the
screen, at desktop size and on a 375 px phone. Pages in the states that add markup (a
filter with a bad part, an empty result, a second page) are checked too. What each page
does without JavaScript is tested in its feature's browser module."""

import datetime

import pytest

from funding.models import Award
from mmip.models import Organisation
from tests.browser import DESKTOP, PHONE, assert_clean_and_accessible, record_served_once
from tests.factories import (
    AwardFactory,
    CommitmentFactory,
    IndicatorPeriodFactory,
    MilestoneFactory,
    StatusChangeFactory,
    approved_update,
    indicator_with_periods,
    load_demo_record_with_wide_rows,
    work_in_each_progress_list,
)
from tests.import_factories import AwardSourceFactory, OrganisationSourceFactory
from workstreams.models import Indicator, Milestone, Output, Workstream

pytestmark = pytest.mark.browser


PAGES = {
    "home": "/",
    "workstreams": "/workstreams/",
    "workstream": "/workstreams/skills/",
    "workstream-roadmap": "/workstreams/advanced-therapies-manufacturing/",
    "organisations": "/organisations/",
    "organisations-filtered": "/organisations/?kind=catapult-rto&role=not-a-role",
    "organisation": "/organisations/cell-and-gene-therapy-catapult/",
    "explorer": "/funding/",
    "explorer-filtered": "/funding/?funder=innovate-uk&sort=-amount&per_page=10&status=closed&status=withdrawn",
    "explorer-nonsense": "/funding/?amount_min=abc&year_from=2022&year_to=2019&page=x&funder=nope",
    "explorer-several-funders": "/funding/?funder=innovate-uk&funder=beis",
    "explorer-leaving-out": "/funding/?funder_not=beis&region_not=london&region_not=wales&fy_from=2019-20&fy_to=2021",
    "explorer-leaving-out-nonsense": "/funding/?recipient_not=nope&region=atlantis&fy_from=2022&fy_to=2019",
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
    "indicator-with-periods": "/indicators/apprentices-against-their-targets/",
    "timeline": "/timeline/",
    "timeline-filtered": "/timeline/?workstream=skills&year=letters",
    "outputs": "/outputs/",
    "outputs-filtered": "/outputs/?publisher=ktn&kind=no-such-kind",
    "search": "/search/?q=apprenticeships",
    "search-none": "/search/?q=aprenticeship",
    "about-data": "/about/data/",
    "api-docs": "/api/docs/",
    "progress": "/progress/",
    "progress-filtered": "/progress/?workstream=skills&page=x",
    "progress-bad-filter": "/progress/?workstream=no-such-workstream",
    "commitment": "/commitments/end-to-end-talent-plan-for-the-sector/",
    "rated-commitment": "/commitments/a-skills-commitment-at-risk/",
    # The widgets and their builder (tests/test_browser_embed.py has the rest of their checks).
    "embed-builder": "/embed/",
    "embed-builder-workstream": "/embed/?widget=workstream&workstream=skills",
    "embed-builder-organisation": "/embed/?widget=organisation&organisation=cell-and-gene-therapy-catapult",
    "embed-builder-chart-left-out": "/embed/?widget=chart&filter=/funding/?funder=innovate-uk%26amount_min=lots&chart=funder",
    "embed-builder-errors": "/embed/?widget=organisation&organisation=nope&chart=pie",
    "embed-workstream": "/embed/workstream/skills/",
    "embed-organisation": "/embed/organisation/cell-and-gene-therapy-catapult/awards/",
    "embed-funder-of-many": "/embed/organisation/innovate-uk/awards/",
    "embed-chart-by-year": "/embed/funding/chart/",
    "embed-chart-by-funder": "/embed/funding/chart/?chart=funder",
    "embed-chart-left-out": "/embed/funding/chart/?year_from=2021&year_to=2018&funder=nope&chart=pie",
    "embed-chart-of-nothing": "/embed/funding/chart/?q=unicorn",
}


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The record below, made once and served for every page of this module."""
    with record_served_once(django_db_blocker, make_record) as url:
        yield url


def make_record():
    """The demo record, plus what it does not have yet (a cohort with employers, a learning
    resource, an indicator with reporting periods, and enough awards over enough years for
    the dense year chart and a second page of ten), so the widest tables are checked too."""
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
    # A milestone of the demo's roadmap with its status history under it in the timeline, and
    # one on skills' roadmap forecast to slip, so each kind of mark and the history are
    # checked too (the demo's milestones have none).
    StatusChangeFactory(
        commitment=None,
        milestone=Milestone.objects.get(slug="taskforce-transition-to-business-as-usual"),
        from_status="",
        to_status="done",
        reason="Presented at the 2017 bioProcessUK Conference.",
    )
    MilestoneFactory(
        workstream=skills,
        title="A skills milestone forecast to slip",
        kind="event",
        date=datetime.date(2027, 3, 14),
        date_precision="day",
        delivery_status="at-risk",
        planned_date=datetime.date(2027, 3, 14),
        planned_precision="day",
        forecast_date=datetime.date(2027, 9, 1),
        forecast_precision="month",
        rating="amber",
        rating_reason="The venue is not yet booked.",
    )
    approved_update(commitment=at_risk, narrative="A new provider is being sought.")
    # An indicator with reporting periods in every state, on its page and in the Skills
    # workstream's Figures (the seeds give no target, so the demo has none).
    indicator_with_periods(
        name="Apprentices against their targets", slug="apprentices-against-their-targets"
    ).workstreams.add(skills)
    # Milestones and an initiative in each list of /progress/, and an indicator's periods
    # against their targets, which the demo record has none of.
    today = datetime.date.today()
    work_in_each_progress_list(skills, done_in=skills)
    apprentices = Indicator.objects.get(
        slug="apprentices-benefiting-from-advanced-therapies-apprenticeships"
    )
    apprentices.workstreams.add(skills)
    IndicatorPeriodFactory(
        indicator=apprentices,
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=300),
        target=200,
        actual=150,
        actual_qualifier="over",
        actual_source_title="A count for the test",
    )
    innovate_uk = Award.objects.get(identifier="360G-MMIP-2018-ATMA").funder
    # An award and an organisation from a funder's 360Giving data, listed on /about/data/.
    catapult = Organisation.objects.get(slug="cell-and-gene-therapy-catapult")
    source = AwardSourceFactory(
        award=AwardFactory(
            identifier="360G-MIA-1000",
            funder=innovate_uk,
            recipient=catapult,
            beneficiary_region="scotland",  # shown on its page
        ),
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
def test_page_loads_cleanly_and_axe_finds_no_wcag_22_aa_violation(db, browser, site, which):
    for viewport in (DESKTOP, PHONE):
        assert_clean_and_accessible(browser, site + PAGES[which], viewport)


# Every bound of a workstream's page, set below what the demo record has of each list.
WORKSTREAM_PAGE_BOUNDS = {
    "mmip.site.workstream_page.AWARDS_SHOWN": 1,
    "mmip.site.workstream_page.MILESTONES_SHOWN": 1,
    "mmip.site.workstream_page.COMMITMENTS_SHOWN": 1,
    "mmip.site.workstream_page.INITIATIVES_SHOWN": 1,
    "mmip.site.workstream_page.OUTPUTS_SHOWN": 1,
    "mmip.site.workstream_page.PERIODS_SHOWN": 1,
    "tracking.roadmap_selection.ROADMAP_ROWS": 1,
}


def test_a_workstream_page_listing_only_the_first_of_each_list_is_accessible(
    db, browser, site, monkeypatch, client, settings
):
    """Its counts and links to the rest, as a workstream of thousands of rows has them: the
    live server runs in this process, so it serves the page with these bounds. The page is
    read here first to see them, keeping nothing in the shared cache: a row this test's
    transaction wrote there would hold up the server's own writing of it."""
    for name, bound in WORKSTREAM_PAGE_BOUNDS.items():
        monkeypatch.setattr(name, bound)
    settings.RECORD_FIGURES_CACHE_SECONDS = 0
    content = client.get(PAGES["workstream-roadmap"]).content.decode()
    assert "in the funding explorer" in content and "more are on the plan" in content
    assert "See all" in content and "of its" in content
    for viewport in (DESKTOP, PHONE):
        assert_clean_and_accessible(browser, site + PAGES["workstream-roadmap"], viewport)
