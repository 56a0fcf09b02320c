"""The list of workstreams and one workstream's page: partners, initiatives, commitments,
awards, figures, outputs and milestones, public rows only."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ApprenticeshipProgrammeFactory,
    AwardFactory,
    CommitmentFactory,
    IndicatorFactory,
    IndicatorPeriodFactory,
    IndicatorValueFactory,
    InitiativeFactory,
    MilestoneFactory,
    OrganisationFactory,
    OutputFactory,
    PartnershipFactory,
    StatusChangeFactory,
    WorkstreamFactory,
)
from tests.pages import count_queries, in_order, page
from workstreams.models import Partnership

pytestmark = pytest.mark.django_db


# ---------- Workstreams list ----------


def test_workstream_list_shows_published_workstreams_with_aims_and_leads(client):
    skills = WorkstreamFactory(name="Skills", aim="Grow the workforce.")
    PartnershipFactory(
        workstream=skills, organisation=OrganisationFactory(name="ABPI"), role="lead"
    )
    PartnershipFactory(
        workstream=skills,
        organisation=OrganisationFactory(name="Draft lead", is_published=False),
        role="lead",
    )
    WorkstreamFactory(name="Communications", is_overarching=True)
    WorkstreamFactory(name="Secret workstream", is_published=False)

    content = page(client, reverse("workstream-list"))

    assert f'href="{skills.get_absolute_url()}"' in content
    assert "Grow the workforce." in content
    assert "Led by" in content
    assert "ABPI" in content
    assert in_order(content, "Skills", "Supporting every workstream", "Communications")
    assert "Draft lead" not in content
    assert "Secret workstream" not in content


def build_list_rows(n: int) -> None:
    for _ in range(n):
        PartnershipFactory(role="lead")


def test_workstream_list_query_count_does_not_grow(client):
    build_list_rows(3)
    with_three = count_queries(client, reverse("workstream-list"))
    build_list_rows(27)
    # 1 published workstreams, 2 their partnerships with published organisations.
    assert count_queries(client, reverse("workstream-list")) == with_three == 2


# ---------- One workstream ----------


@pytest.fixture
def workstream():
    return WorkstreamFactory(
        name="Skills",
        slug="skills",
        aim="Foster a sustainable medicines manufacturing workforce.",
        description="The skills workstream.\n\nIt works with partners.",
    )


def test_workstream_page_shows_aim_and_description(client, workstream):
    content = page(client, workstream.get_absolute_url())

    assert "<h1>Skills</h1>" in content
    assert "Foster a sustainable medicines manufacturing workforce." in content
    assert "<p>It works with partners.</p>" in content


def test_workstream_page_groups_partners_by_role_in_role_order(client, workstream):
    for name, role in [
        ("Funder Org", Partnership.Role.FUNDER),
        ("Partner Org", Partnership.Role.PARTNER),
        ("Delivery Org", Partnership.Role.DELIVERY_PARTNER),
        ("Lead Org", Partnership.Role.LEAD),
    ]:
        PartnershipFactory(
            workstream=workstream, organisation=OrganisationFactory(name=name), role=role
        )

    content = page(client, workstream.get_absolute_url())

    assert in_order(
        content,
        ">Lead</h3>",
        "Lead Org",
        ">Partner</h3>",
        "Partner Org",
        ">Delivery partner</h3>",
        "Delivery Org",
        ">Funder</h3>",
        "Funder Org",
    )


def test_workstream_page_shows_initiatives_with_dates_at_precision_and_organisations(
    client, workstream
):
    initiative = InitiativeFactory(
        workstream=workstream,
        name="Advanced Therapies Manufacturing Taskforce",
        slug="atmt",
        start_date=datetime.date(2016, 1, 1),
        start_precision="year",
        end_date=datetime.date(2017, 6, 1),
        end_precision="month",
    )
    initiative.organisations.add(OrganisationFactory(name="Gatsby Foundation"))

    content = page(client, workstream.get_absolute_url())

    assert 'id="initiative-atmt"' in content
    assert initiative.get_absolute_url().endswith("#initiative-atmt")
    assert "Advanced Therapies Manufacturing Taskforce" in content
    assert (
        '<time datetime="2016">2016</time> to <time datetime="2017-06">June 2017</time>' in content
    )
    assert "Gatsby Foundation" in content


def test_an_initiative_names_the_larger_one_it_is_part_of_only_where_public(client, workstream):
    network = InitiativeFactory(name="Skills Training Network", slug="network")
    InitiativeFactory(workstream=workstream, name="Online platform", part_of=network)
    draft = InitiativeFactory(name="Unannounced network", is_published=False)
    InitiativeFactory(workstream=workstream, name="Pilot", part_of=draft)
    hidden = InitiativeFactory(
        name="Network of a draft workstream", workstream=WorkstreamFactory(is_published=False)
    )
    InitiativeFactory(workstream=workstream, name="Trial", part_of=hidden)

    content = page(client, workstream.get_absolute_url())

    assert f'part of <a href="{network.get_absolute_url()}">Skills Training Network</a>' in content
    assert "Online platform" in content and "Pilot" in content and "Trial" in content
    assert "Unannounced network" not in content
    assert "Network of a draft workstream" not in content


def test_workstream_page_shows_published_awards_with_their_total(client, workstream):
    first = AwardFactory(title="Apprenticeships", amount=Decimal("1500000"))
    second = AwardFactory(title="Follow-on", amount=Decimal("500000"))
    first.workstreams.add(workstream)
    second.workstreams.add(workstream)

    content = page(client, workstream.get_absolute_url())

    assert f'href="{first.get_absolute_url()}"' in content
    assert "£1,500,000" in content
    assert "£500,000" in content
    assert "£2,000,000" in content
    assert "Total of 2 awards" in content


def test_workstream_page_shows_indicator_values_with_qualifier_date_and_source(client, workstream):
    indicator = IndicatorFactory(name="Apprentices benefiting")
    indicator.workstreams.add(workstream)
    IndicatorValueFactory(
        indicator=indicator,
        value=150,
        qualifier="over",
        date=datetime.date(2021, 7, 1),
        date_precision="month",
        source_title="MMIP workstreams page",
        source_url="https://example.org/source",
    )

    content = page(client, workstream.get_absolute_url())

    assert "Apprentices benefiting" in content
    assert "over 150" in content
    assert '<time datetime="2021-07">July 2021</time>' in content
    assert '<a href="https://example.org/source">MMIP workstreams page</a>' in content


def test_workstream_page_shows_outputs_with_kind_date_publishers_and_link(client, workstream):
    output = OutputFactory(
        title="Apprenticeship Guideline booklet",
        kind="booklet",
        date=datetime.date(2018, 1, 1),
        date_precision="year",
        url="https://example.org/booklet",
    )
    output.workstreams.add(workstream)
    output.publishers.add(OrganisationFactory(name="Cell and Gene Therapy Catapult"))

    content = page(client, workstream.get_absolute_url())

    assert '<a href="https://example.org/booklet">Apprenticeship Guideline booklet</a>' in content
    assert "Booklet" in content
    assert '<time datetime="2018">2018</time>' in content
    assert "Cell and Gene Therapy Catapult" in content


def test_an_output_without_an_address_of_its_own_links_to_where_it_was_announced(
    client, workstream
):
    announced = OutputFactory(
        title="Announced case study",
        kind="case-study",
        url="",
        source_url="https://example.org/news",
        date=None,
    )
    announced.workstreams.add(workstream)

    content = page(client, workstream.get_absolute_url())

    assert '<a href="https://example.org/news">Announced case study</a>' in content
    assert "Case study · undated" in content


def test_workstream_page_lists_milestones_in_date_order_with_their_anchors(client, workstream):
    later = MilestoneFactory(
        workstream=workstream,
        title="Strategy launched",
        slug="strategy",
        date=datetime.date(2020, 1, 1),
    )
    MilestoneFactory(
        workstream=workstream,
        title="Taskforce set up",
        slug="taskforce",
        date=datetime.date(2016, 1, 1),
    )

    content = page(client, workstream.get_absolute_url())

    assert in_order(content, 'id="milestone-taskforce"', 'id="milestone-strategy"')
    assert later.get_absolute_url() == f"{workstream.get_absolute_url()}#milestone-strategy"


def test_workstream_page_links_each_apprenticeship_programme(client, workstream):
    programme = ApprenticeshipProgrammeFactory(
        workstream=workstream, name="AT Manufacturing Apprenticeships", slug="atma"
    )

    content = page(client, workstream.get_absolute_url())

    assert 'id="apprenticeships-atma"' in content
    assert f'href="{programme.get_absolute_url()}"' in content
    assert programme.get_absolute_url() == "/skills/programmes/atma/"
    assert "AT Manufacturing Apprenticeships" in content


def test_drafts_of_every_related_kind_never_appear_on_a_workstream_page(client, workstream):
    PartnershipFactory(
        workstream=workstream,
        organisation=OrganisationFactory(name="Draft partner", is_published=False),
    )
    InitiativeFactory(workstream=workstream, name="Draft initiative", is_published=False)
    initiative = InitiativeFactory(workstream=workstream, name="Published initiative")
    initiative.organisations.add(OrganisationFactory(name="Draft collaborator", is_published=False))
    AwardFactory(title="Draft award", is_published=False).workstreams.add(workstream)
    draft_indicator = IndicatorFactory(name="Draft indicator", is_published=False)
    draft_indicator.workstreams.add(workstream)
    IndicatorPeriodFactory(indicator=draft_indicator, target=987654)
    OutputFactory(title="Draft output", is_published=False).workstreams.add(workstream)
    output = OutputFactory(title="Published output")
    output.workstreams.add(workstream)
    output.publishers.add(OrganisationFactory(name="Draft publisher", is_published=False))
    MilestoneFactory(workstream=workstream, title="Draft milestone", is_published=False)
    ApprenticeshipProgrammeFactory(
        workstream=workstream, name="Draft apprenticeships", is_published=False
    )
    programme = ApprenticeshipProgrammeFactory(
        workstream=workstream,
        name="Published apprenticeships",
        lead=OrganisationFactory(name="Draft programme lead", is_published=False),
    )
    programme.community_organisations.add(
        OrganisationFactory(name="Draft community", is_published=False)
    )

    content = page(client, workstream.get_absolute_url())

    assert "Published initiative" in content
    assert "Published output" in content
    assert "Published apprenticeships" in content
    for hidden in [
        "Draft partner",
        "Draft initiative",
        "Draft collaborator",
        "Draft award",
        "Draft indicator",
        "Draft output",
        "Draft publisher",
        "Draft milestone",
        "Draft apprenticeships",
        "Draft programme lead",
        "Draft community",
        "987,654",  # the draft indicator's target
    ]:
        assert hidden not in content, hidden


def test_a_draft_or_unknown_workstream_answers_404(client):
    draft = WorkstreamFactory(is_published=False)

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("workstream-detail", args=["no-such-workstream"])).status_code == 404


def build_workstream_rows(workstream, n: int) -> None:
    roles = list(Partnership.Role)
    for i in range(n):
        organisation = OrganisationFactory()
        PartnershipFactory(workstream=workstream, organisation=organisation, role=roles[i % 4])
        initiative = InitiativeFactory(workstream=workstream, part_of=InitiativeFactory())
        initiative.organisations.add(organisation)
        award = AwardFactory()
        award.workstreams.add(workstream)
        indicator = IndicatorFactory()
        indicator.workstreams.add(workstream)
        IndicatorValueFactory(indicator=indicator)
        IndicatorValueFactory(indicator=indicator)
        IndicatorPeriodFactory(indicator=indicator, actual=90, actual_source_title="Count")
        IndicatorPeriodFactory(indicator=indicator)
        output = OutputFactory()
        output.workstreams.add(workstream)
        output.publishers.add(organisation)
        MilestoneFactory(workstream=workstream, initiative=initiative)
        # On the roadmap, with a history of its status under it in the timeline.
        planned = MilestoneFactory(
            workstream=workstream,
            delivery_status="at-risk",
            planned_date=datetime.date(2020 + i % 10, 1, 1),
            planned_precision="year",
            forecast_date=datetime.date(2031, 6, 1),
            forecast_precision="month",
        )
        StatusChangeFactory(
            commitment=None, milestone=planned, from_status="planned", to_status="at-risk"
        )
        programme = ApprenticeshipProgrammeFactory(workstream=workstream)
        programme.community_organisations.add(organisation)
        CommitmentFactory(workstream=workstream, due_date=datetime.date(2027, 3, 1))


@pytest.mark.parametrize("size", [3, 30])
def test_workstream_page_query_count_does_not_grow(client, settings, workstream, size):
    # 30 of each is more than any list shows (workstream_page: 20 of each), 3 fewer.
    build_workstream_rows(workstream, size)
    # Figures computed afresh: 1 the workstream, 2 which kinds of row it has any of,
    # 3 partnerships with their organisations, 4 the first initiatives and how many there are,
    # 5 the latest awards with funder, recipient and routed-through, 6 indicators, 7 their
    # values, 8 their reporting periods, 9 the latest outputs and how many, 10 the first
    # commitments of each group of the roadmap's order and how many, 11 the keys of the
    # milestones nearest today and how many, 12 apprenticeship programmes with their leads,
    # 13 the count and total of all the awards, 14 the keys of the first milestones of each
    # group on the plan and how many, 15 the milestones shown, whole, with their initiatives,
    # 16 the larger initiatives the initiatives are part of, 17 the initiatives'
    # organisations, 18 the outputs' publishers, 19 the programmes' community organisations,
    # 20 the shown milestones' public status changes. The roadmap is drawn from these.
    settings.RECORD_FIGURES_CACHE_SECONDS = 0
    assert count_queries(client, workstream.get_absolute_url()) == 20
    # The awards' count and total remembered from an earlier request: the record generation
    # and the cache entry stand in for the query that adds them up.
    settings.RECORD_FIGURES_CACHE_SECONDS = 60
    page(client, workstream.get_absolute_url())
    assert count_queries(client, workstream.get_absolute_url()) == 21


def test_the_funding_section_lists_the_latest_awards_with_the_figures_of_all(
    client, monkeypatch, workstream
):
    monkeypatch.setattr("mmip.site.workstream_page.AWARDS_SHOWN", 2)
    for year, amount in [(2019, "100000"), (2021, "250000"), (2023, "50000")]:
        AwardFactory(
            title=f"Award of {year}", award_date=datetime.date(year, 1, 1), amount=Decimal(amount)
        ).workstreams.add(workstream)
    AwardFactory(
        title="Draft award", amount=Decimal("9000000"), is_published=False
    ).workstreams.add(workstream)

    content = page(client, workstream.get_absolute_url())
    funding = content.split('id="funding"', 1)[1].split("</section>", 1)[0]

    assert in_order(funding, "Award of 2023", "Award of 2021")
    assert "Award of 2019" not in funding
    assert "3 awards worth £400,000 in total." in funding
    assert "The latest 2 are listed here" in funding
    assert (
        '<a href="/funding/?workstream=skills">see all 3 awards in the funding explorer</a>'
        in funding
    )
    # The table holds only some of the awards, so it has no total row of its own.
    assert "Total of" not in funding
    assert "Draft award" not in content and "9,400,000" not in content


def test_with_every_award_listed_the_funding_explorer_is_offered_to_filter_them(client, workstream):
    AwardFactory(title="Only award").workstreams.add(workstream)

    funding = page(client, workstream.get_absolute_url()).split('id="funding"', 1)[1]

    assert "Total of 1 award" in funding
    assert '<a href="/funding/?workstream=skills">Filter and sort them' in funding
    assert "see all" not in funding.split("</section>", 1)[0]


def test_the_timeline_shows_the_milestones_nearest_today_and_links_to_all_of_them(
    client, monkeypatch, workstream
):
    monkeypatch.setattr("mmip.site.workstream_page.MILESTONES_SHOWN", 2)
    today = timezone.localdate()
    for title, days in [("Long ago", -3000), ("Lately", -20), ("Soon", 30), ("Far off", 4000)]:
        MilestoneFactory(
            workstream=workstream,
            title=title,
            date=today + datetime.timedelta(days=days),
            date_precision="day",
        )
    MilestoneFactory(workstream=workstream, title="Draft milestone", is_published=False)

    content = page(client, workstream.get_absolute_url())
    timeline = content.split('id="timeline"', 1)[1]

    assert in_order(timeline, "Lately", "Soon")
    assert "Long ago" not in content and "Far off" not in content
    assert "2 of its 4 milestones, oldest first: those nearest today." in timeline
    assert '<a href="/timeline/?workstream=skills">See all 4 in the timeline</a>' in timeline
    assert "Draft milestone" not in content


def test_the_milestones_of_the_roadmap_are_in_the_timeline_however_far_from_today(
    client, monkeypatch, workstream
):
    monkeypatch.setattr("mmip.site.workstream_page.MILESTONES_SHOWN", 1)
    today = timezone.localdate()
    MilestoneFactory(
        workstream=workstream, title="An event of today", date=today, date_precision="day"
    )
    late = MilestoneFactory(
        workstream=workstream,
        title="Long overdue",
        slug="long-overdue",
        date=datetime.date(2015, 1, 1),
        delivery_status="planned",
        planned_date=datetime.date(2015, 1, 1),
        planned_precision="year",
    )
    StatusChangeFactory(
        commitment=None, milestone=late, from_status="", to_status="planned", reason="Planned."
    )
    MilestoneFactory(workstream=workstream, title="An old event", date=datetime.date(2016, 1, 1))

    content = page(client, workstream.get_absolute_url())
    timeline = content.split('id="timeline"', 1)[1]

    assert 'href="#milestone-long-overdue"' in content.split('id="progress"', 1)[1]
    assert in_order(timeline, 'id="milestone-long-overdue"', "Status history", "An event of today")
    assert "An old event" not in content
    assert "2 of its 3 milestones, oldest first: those nearest today and those in the " in timeline


def test_the_first_commitments_are_listed_late_first_then_due_soonest(
    client, monkeypatch, workstream
):
    monkeypatch.setattr("mmip.site.workstream_page.COMMITMENTS_SHOWN", 2)
    CommitmentFactory(
        workstream=workstream, title="Due in 2040", due_date=datetime.date(2040, 1, 1)
    )
    CommitmentFactory(
        workstream=workstream, title="Due in 2035", due_date=datetime.date(2035, 1, 1)
    )
    CommitmentFactory(workstream=workstream, title="Overdue", due_date=datetime.date(2019, 1, 1))
    CommitmentFactory(workstream=workstream, title="Draft commitment", is_published=False)

    content = page(client, workstream.get_absolute_url())
    section = content.split('id="commitments"', 1)[1].split("</section>", 1)[0]

    assert in_order(section, "Overdue", "Due in 2035")
    assert "Due in 2040" not in section
    assert '<a href="/progress/?workstream=skills">see all 3 on its progress page</a>' in section
    assert "3 commitments." in section
    assert "Draft commitment" not in content


def test_the_initiatives_still_going_are_listed_first_and_a_milestone_names_any_other(
    client, monkeypatch, workstream
):
    monkeypatch.setattr("mmip.site.workstream_page.INITIATIVES_SHOWN", 2)
    InitiativeFactory(
        workstream=workstream, name="Old and going", start_date=datetime.date(2010, 1, 1)
    )
    InitiativeFactory(
        workstream=workstream, name="New and going", start_date=datetime.date(2024, 1, 1)
    )
    finished = InitiativeFactory(
        workstream=workstream,
        name="Finished",
        slug="finished",
        status="completed",
        start_date=datetime.date(2023, 1, 1),
    )
    InitiativeFactory(workstream=workstream, name="Draft initiative", is_published=False)
    MilestoneFactory(workstream=workstream, title="Wrapped up", initiative=finished)

    content = page(client, workstream.get_absolute_url())
    section = content.split('id="initiatives"', 1)[1].split("</section>", 1)[0]
    timeline = content.split('id="timeline"', 1)[1]

    assert in_order(section, "Old and going", "New and going")
    assert "Finished" not in section
    assert "3 initiatives. The 2 still going or started most recently are listed" in section
    assert '<a href="/progress/?workstream=skills">Its progress page</a>' in section
    assert " · Finished</p>" in timeline
    assert 'href="#initiative-finished"' not in content
    assert "Draft initiative" not in content


def test_the_outputs_are_the_latest_with_a_link_to_all_of_them(client, monkeypatch, workstream):
    monkeypatch.setattr("mmip.site.workstream_page.OUTPUTS_SHOWN", 1)
    for title, year in [("Older report", 2019), ("Newer report", 2022)]:
        OutputFactory(
            title=title, date=datetime.date(year, 1, 1), date_precision="year"
        ).workstreams.add(workstream)
    OutputFactory(title="Draft report", is_published=False).workstreams.add(workstream)

    section = page(client, workstream.get_absolute_url()).split('id="outputs"', 1)[1]
    section = section.split("</section>", 1)[0]

    assert "Newer report" in section and "Older report" not in section
    assert "The latest 1 of its 2 outputs" in section
    assert '<a href="/outputs/?workstream=skills">see all 2 in the list of outputs</a>' in section


def test_each_indicator_shows_its_latest_periods_with_a_link_to_all(
    client, monkeypatch, workstream
):
    monkeypatch.setattr("mmip.site.workstream_page.PERIODS_SHOWN", 2)
    indicator = IndicatorFactory(name="Apprentices", slug="apprentices")
    indicator.workstreams.add(workstream)
    this_year = timezone.localdate().year
    for year in range(this_year - 2, this_year + 2):
        IndicatorPeriodFactory(
            indicator=indicator,
            start=datetime.date(year, 1, 1),
            end=datetime.date(year, 12, 31),
            target=1000 + year,
        )

    figures = page(client, workstream.get_absolute_url()).split('id="figures"', 1)[1]
    figures = figures.split("</section>", 1)[0]

    shown = [year for year in range(this_year - 2, this_year + 2) if f"{1000 + year:,}" in figures]
    assert shown == [this_year - 1, this_year]
    assert "2 of its 4 reporting periods, up to the latest begun" in figures
    assert '<a href="/indicators/apprentices/">see all 4 on its page</a>' in figures


def test_workstream_page_queries_only_the_kinds_of_row_it_has(client, workstream):
    PartnershipFactory(workstream=workstream, organisation=OrganisationFactory(name="Only partner"))
    # A draft output is a row all the same: its kind is queried, and public() leaves it out.
    OutputFactory(title="Draft output", is_published=False).workstreams.add(workstream)

    assert "Only partner" in page(client, workstream.get_absolute_url())
    # 1 the workstream, 2 which kinds of row it has any of, 3 partnerships, 4 outputs (none
    # public, so no publishers are asked for).
    assert count_queries(client, workstream.get_absolute_url()) == 4
