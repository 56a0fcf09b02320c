"""The first public pages: home, workstreams, one organisation, one award, error pages."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import (
    ApprenticeshipProgrammeFactory,
    AwardFactory,
    CommitmentFactory,
    FundingProgrammeFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    InitiativeFactory,
    MilestoneFactory,
    OrganisationFactory,
    OutputFactory,
    PartnershipFactory,
    WorkstreamFactory,
)
from tests.pages import count_queries, in_order, page
from workstreams.models import Indicator, Partnership

pytestmark = pytest.mark.django_db


# ---------- Home ----------


def test_home_shows_workstreams_with_their_aims_and_overarching_work_apart(client):
    WorkstreamFactory(name="Skills", aim="A sustainable medicines manufacturing workforce.")
    WorkstreamFactory(
        name="Communications and community", aim="One voice for the sector.", is_overarching=True
    )
    WorkstreamFactory(name="Secret workstream", is_published=False)

    content = page(client, reverse("home"))

    assert "Skills" in content
    assert "A sustainable medicines manufacturing workforce." in content
    assert in_order(
        content, "Skills", "Supporting every workstream", "Communications and community"
    )
    assert "Secret workstream" not in content


def test_home_headline_figures_come_from_the_published_record(client):
    AwardFactory(amount=Decimal("1500000"))
    AwardFactory(amount=Decimal("500000"))
    AwardFactory(amount=Decimal("4700000"), is_published=False)
    OrganisationFactory(is_published=False)
    apprentices = IndicatorFactory(name="Apprentices benefiting")
    IndicatorValueFactory(indicator=apprentices, value=100, date=datetime.date(2019, 1, 1))
    IndicatorValueFactory(
        indicator=apprentices,
        value=150,
        qualifier="over",
        date=datetime.date(2021, 1, 1),
        source_title="MMIP workstreams page",
        source_url="https://example.org/workstreams",
    )
    jobs = IndicatorFactory(name="Sector jobs", unit=Indicator.Unit.JOBS)
    IndicatorValueFactory(
        indicator=jobs,
        value=133000,
        qualifier="about",
        is_projection=True,
        date=datetime.date(2020, 1, 1),
        period="over ten years",
    )
    hidden = IndicatorFactory(name="Unpublished figure", is_published=False)
    IndicatorValueFactory(indicator=hidden)

    content = page(client, reverse("home"))

    assert "£2 million" in content
    assert "awarded in 2 awards" in content
    # The funders and recipients of all three awards are published organisations; a draft
    # award does not make its parties drafts.
    assert '<p class="figure__value">6</p>' in content
    assert "organisations in the record" in content
    assert "over 150" in content
    assert "over 100" not in content
    assert '<time datetime="2021">2021</time>' in content
    assert 'href="https://example.org/workstreams"' in content
    assert "about 133,000" in content
    assert "Projected" in content
    assert "over ten years" in content
    assert "Unpublished figure" not in content


def test_home_lists_latest_published_milestones_latest_first_at_their_precision(client):
    MilestoneFactory(title="Taskforce set up", date=datetime.date(2016, 1, 1))
    MilestoneFactory(
        title="Follow-on funding announced", date=datetime.date(2021, 7, 1), date_precision="month"
    )
    programme_wide = MilestoneFactory(
        title="Impact report released",
        date=datetime.date(2021, 10, 14),
        date_precision="day",
        workstream=None,
    )
    MilestoneFactory(title="Draft milestone", date=datetime.date(2022, 1, 1), is_published=False)
    MilestoneFactory(
        title="Milestone of a draft workstream",
        workstream=WorkstreamFactory(is_published=False),
    )

    content = page(client, reverse("home"))

    assert in_order(
        content, "Impact report released", "Follow-on funding announced", "Taskforce set up"
    )
    assert '<time datetime="2021-10-14">14 October 2021</time>' in content
    assert '<time datetime="2021-07">July 2021</time>' in content
    assert '<time datetime="2016">2016</time>' in content
    # Each links to its place: a programme-wide milestone's is on the timeline.
    assert f'<a href="{programme_wide.get_absolute_url()}">Impact report released</a>' in content
    assert programme_wide.get_absolute_url().startswith(reverse("timeline"))
    assert "Draft milestone" not in content
    assert "Milestone of a draft workstream" not in content


def test_home_lists_latest_published_outputs_with_published_publishers(client):
    output = OutputFactory(title="Medicines Manufacturing Impact Report")
    output.publishers.add(
        OrganisationFactory(name="KTN"), OrganisationFactory(name="Hidden KTN", is_published=False)
    )
    OutputFactory(title="Draft report", is_published=False)

    content = page(client, reverse("home"))

    assert "Medicines Manufacturing Impact Report" in content
    assert "KTN" in content
    assert "Hidden KTN" not in content
    assert "Draft report" not in content


def build_home_rows(n: int) -> None:
    for _ in range(n):
        WorkstreamFactory()
        AwardFactory()
        IndicatorValueFactory(indicator=IndicatorFactory())
        MilestoneFactory()
        output = OutputFactory()
        output.publishers.add(OrganisationFactory())


def test_home_query_count_does_not_grow_with_the_record(client):
    build_home_rows(3)
    with_three = count_queries(client, reverse("home"))
    build_home_rows(27)
    # 1 workstreams, 2 award totals, 3 organisation count, 4 latest value of each indicator
    # (with its indicator), 5 latest milestones (with workstreams), 6 latest outputs,
    # 7 their published publishers.
    assert count_queries(client, reverse("home")) == with_three == 7


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
    IndicatorFactory(name="Draft indicator", is_published=False).workstreams.add(workstream)
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
        output = OutputFactory()
        output.workstreams.add(workstream)
        output.publishers.add(organisation)
        MilestoneFactory(workstream=workstream, initiative=initiative)
        programme = ApprenticeshipProgrammeFactory(workstream=workstream)
        programme.community_organisations.add(organisation)
        CommitmentFactory(workstream=workstream)


def test_workstream_page_query_count_does_not_grow(client, workstream):
    build_workstream_rows(workstream, 3)
    with_three = count_queries(client, workstream.get_absolute_url())
    build_workstream_rows(workstream, 27)
    # 1 the workstream, 2 which kinds of row it has any of, 3 partnerships with their
    # organisations, 4 initiatives, 5 awards with funder, recipient and routed-through
    # (their total is added up from these), 6 indicators, 7 their values, 8 outputs,
    # 9 its public commitments, 10 milestones with their initiatives, 11 apprenticeship
    # programmes with their leads, 12 the larger initiatives the initiatives are part of,
    # 13 the initiatives' organisations, 14 the outputs' publishers, 15 the programmes'
    # community organisations.
    assert count_queries(client, workstream.get_absolute_url()) == with_three == 15


def test_workstream_page_queries_only_the_kinds_of_row_it_has(client, workstream):
    PartnershipFactory(workstream=workstream, organisation=OrganisationFactory(name="Only partner"))
    # A draft output is a row all the same: its kind is queried, and public() leaves it out.
    OutputFactory(title="Draft output", is_published=False).workstreams.add(workstream)

    assert "Only partner" in page(client, workstream.get_absolute_url())
    # 1 the workstream, 2 which kinds of row it has any of, 3 partnerships, 4 outputs (none
    # public, so no publishers are asked for).
    assert count_queries(client, workstream.get_absolute_url()) == 4


# ---------- One award ----------


def test_award_page_shows_parties_amount_date_programme_and_workstreams(client):
    workstream = WorkstreamFactory(name="Skills")
    award = AwardFactory(
        identifier="360G-MMIP-2020-ATSTN",
        title="Advanced Therapies Skills Training Network",
        funder=OrganisationFactory(name="BEIS"),
        routed_through=OrganisationFactory(name="UKRI"),
        recipient=OrganisationFactory(name="Cell and Gene Therapy Catapult"),
        amount=Decimal("4700000"),
        award_date=datetime.date(2020, 1, 1),
        award_date_precision="year",
        programme=FundingProgrammeFactory(name="Medicines Manufacturing Challenge"),
    )
    award.workstreams.add(
        workstream, WorkstreamFactory(name="Draft workstream", is_published=False)
    )

    content = page(client, reverse("award-detail", args=["360G-MMIP-2020-ATSTN"]))

    assert "<h1>Advanced Therapies Skills Training Network</h1>" in content
    assert "360G-MMIP-2020-ATSTN" in content
    assert "£4,700,000" in content
    assert "BEIS" in content
    assert "UKRI" in content
    assert "Cell and Gene Therapy Catapult" in content
    assert '<time datetime="2020">2020</time>' in content
    assert "Medicines Manufacturing Challenge" in content
    assert f'href="{workstream.get_absolute_url()}"' in content
    assert "Draft workstream" not in content


def test_an_award_waits_for_its_funder_and_recipient_to_be_published(client):
    # Every page and download names an award's funder and recipient, and a 360Giving grant
    # must, so an award with a draft party is not public until both are.
    recipient = OrganisationFactory(name="Newly added recipient", is_published=False)
    award = AwardFactory(recipient=recipient)

    assert client.get(award.get_absolute_url()).status_code == 404

    recipient.is_published = True
    recipient.save()
    content = page(client, award.get_absolute_url())

    assert f'<a href="{recipient.get_absolute_url()}">Newly added recipient</a>' in content


def test_award_page_leaves_out_a_draft_body_the_money_was_routed_through(client):
    award = AwardFactory(routed_through=OrganisationFactory(name="Draft body", is_published=False))

    content = page(client, award.get_absolute_url())

    assert "Draft body" not in content
    assert "Routed through" not in content
    assert " through " not in content


def test_award_page_hides_a_draft_programme(client):
    award = AwardFactory(
        programme=FundingProgrammeFactory(name="Unlaunched fund", is_published=False)
    )

    assert "Unlaunched fund" not in page(client, award.get_absolute_url())


def test_award_page_shows_the_follow_on_chain_published_only(client):
    first = AwardFactory(title="2018 apprenticeships", award_date=datetime.date(2018, 1, 1))
    draft = AwardFactory(
        title="Draft middle award",
        follow_on_of=first,
        award_date=datetime.date(2019, 1, 1),
        is_published=False,
    )
    award = AwardFactory(
        title="2020 award", follow_on_of=draft, award_date=datetime.date(2020, 1, 1)
    )
    AwardFactory(title="2021 follow-on", follow_on_of=award, award_date=datetime.date(2021, 1, 1))
    AwardFactory(title="Unrelated award")

    content = page(client, award.get_absolute_url())

    assert in_order(
        content, "This award continues", "2018 apprenticeships", "Continued by", "2021 follow-on"
    )
    assert "Draft middle award" not in content
    assert "Unrelated award" not in content


def test_a_mistaken_loop_of_follow_ons_still_renders(client):
    first = AwardFactory(title="First of the loop")
    second = AwardFactory(title="Second of the loop", follow_on_of=first)
    first.follow_on_of = second
    first.save()

    assert "Second of the loop" in page(client, first.get_absolute_url())


def test_award_page_lists_published_milestones_and_outputs(client):
    award = AwardFactory()
    award.milestones.add(
        MilestoneFactory(title="Investment announced"),
        MilestoneFactory(title="Draft milestone", is_published=False),
        MilestoneFactory(
            title="Milestone of a draft workstream",
            workstream=WorkstreamFactory(is_published=False),
        ),
    )
    award.outputs.add(
        OutputFactory(title="Apprenticeships report"),
        OutputFactory(title="Draft output", is_published=False),
    )

    content = page(client, award.get_absolute_url())

    assert "Investment announced" in content
    assert "Apprenticeships report" in content
    for hidden in ["Draft milestone", "Milestone of a draft workstream", "Draft output"]:
        assert hidden not in content, hidden


def test_a_draft_or_unknown_award_answers_404(client):
    draft = AwardFactory(is_published=False)

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("award-detail", args=["360G-MMIP-NONE"])).status_code == 404


def build_award_rows(award, n: int) -> None:
    for _ in range(n):
        award.workstreams.add(WorkstreamFactory())
        award.milestones.add(MilestoneFactory())
        award.outputs.add(OutputFactory())
    # Lengthen the chain at both ends: n more awards before and n more after.
    earliest = award
    while earliest.follow_on_of_id:
        earliest = earliest.follow_on_of
    latest = award
    while latest.follow_ons.exists():
        latest = latest.follow_ons.get()
    for _ in range(n):
        new_first = AwardFactory()
        earliest.follow_on_of = new_first
        earliest.save()
        earliest = new_first
        latest = AwardFactory(follow_on_of=latest)


def test_award_page_query_count_does_not_grow(client):
    award = AwardFactory()
    build_award_rows(award, 3)
    with_three = count_queries(client, award.get_absolute_url())
    build_award_rows(award, 27)
    # 1 the award with funder, recipient, routed-through and programme, 2 its published
    # workstreams, 3 its milestones with their workstreams, 4 its outputs, 5 the earlier
    # awards of its chain, 6 the later ones (each one recursive query with its parties).
    assert count_queries(client, award.get_absolute_url()) == with_three == 6
