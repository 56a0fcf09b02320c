"""The home page: the workstreams, headline figures from the record, the latest milestones
and outputs."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import (
    AwardFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    OrganisationFactory,
    OutputFactory,
    WorkstreamFactory,
)
from tests.pages import count_queries, in_order, page
from workstreams.models import Indicator

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
