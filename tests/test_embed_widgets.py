"""The widgets other sites embed (/embed/workstream/<slug>/, /embed/organisation/<slug>/awards/,
/embed/funding/chart/): what each shows against answers worked out by hand, drafts never,
the site's 404 for a draft or unknown record, nonsense in the address answered in words, and
a query count that does not grow with the record."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from embed import selectors
from tests.bad_input import EXPLORER_BAD_INPUT
from tests.factories import (
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
from tests.pages import count_queries, in_order, page

pytestmark = pytest.mark.django_db

CHART = "/embed/funding/chart/"


def workstream_widget(slug: str) -> str:
    return reverse("embed-workstream", args=[slug])


def organisation_widget(slug: str) -> str:
    return reverse("embed-organisation-awards", args=[slug])


def links(content: str) -> list[str]:
    return re.findall(r"<a [^>]*>", content)


def assert_every_link_leaves_the_frame(content: str) -> None:
    """A page of the site refuses to be framed, so a link followed inside the widget's frame
    would show the browser's error: every link opens a new tab, without access to the frame."""
    found = links(content)
    assert found
    for link in found:
        assert 'target="_blank"' in link and 'rel="noopener"' in link, link


# ---------- A workstream's headline figures ----------


@pytest.fixture
def skills():
    """The Skills workstream with a row of every kind it counts, public and draft.

    Public: 2 awards (£1,500,000 and £500,000), 2 partner organisations (one in two roles),
    1 initiative, 2 milestones, 1 output, 1 indicator whose latest count is "over 150".
    Drafts, none of them counted: an award, a partner organisation, an initiative, a
    milestone, an output and an indicator."""
    skills = WorkstreamFactory(name="Skills", slug="skills", aim="Train the workforce.")
    catapult = OrganisationFactory(name="Catapult")
    PartnershipFactory(workstream=skills, organisation=catapult, role="lead")
    PartnershipFactory(workstream=skills, organisation=catapult, role="funder")
    PartnershipFactory(workstream=skills, organisation=OrganisationFactory())
    PartnershipFactory(workstream=skills, organisation=OrganisationFactory(is_published=False))
    for amount in ("1500000", "500000"):
        AwardFactory(amount=Decimal(amount)).workstreams.add(skills)
    AwardFactory(amount=Decimal("9000000"), is_published=False).workstreams.add(skills)
    InitiativeFactory(workstream=skills)
    InitiativeFactory(workstream=skills, is_published=False)
    MilestoneFactory(workstream=skills)
    MilestoneFactory(workstream=skills)
    MilestoneFactory(workstream=skills, is_published=False)
    OutputFactory().workstreams.add(skills)
    OutputFactory(is_published=False).workstreams.add(skills)
    apprentices = IndicatorFactory(name="Apprentices trained", slug="apprentices")
    apprentices.workstreams.add(skills)
    IndicatorValueFactory(indicator=apprentices, value=100, date=datetime.date(2019, 1, 1))
    IndicatorValueFactory(indicator=apprentices, value=150, date=datetime.date(2021, 1, 1))
    hidden = IndicatorFactory(name="Hidden figure", is_published=False)
    hidden.workstreams.add(skills)
    IndicatorValueFactory(indicator=hidden)
    return skills


def test_a_workstream_widget_counts_its_public_rows_only(client, skills):
    content = page(client, workstream_widget("skills"))

    assert '<html lang="en-GB">' in content
    assert "<title>Skills: headline figures \N{EN DASH} MMIP programme tracker</title>" in content
    assert "Train the workforce." in content
    figures = re.findall(
        r'<dt>.*?<a [^>]*>(.*?)</a>.*?</dt>\s*<dd class="figure__value">(.*?)</dd>', content
    )
    assert figures == [
        ("awarded in 2 awards", "£2 million"),
        ("partner organisations", "2"),
        ("initiative", "1"),
        ("milestones", "2"),
        ("output published", "1"),
        ("Apprentices trained", "over 150"),
    ]
    assert "Hidden figure" not in content
    assert_every_link_leaves_the_frame(content)
    assert 'href="/funding/?workstream=skills"' in content
    assert 'href="/workstreams/skills/"' in content


def test_a_workstream_widget_shows_its_first_indicators_and_points_to_the_rest(client, skills):
    for name in ["Bravo", "Charlie", "Delta", "Echo"]:
        indicator = IndicatorFactory(name=name)
        indicator.workstreams.add(skills)
        IndicatorValueFactory(indicator=indicator)

    content = page(client, workstream_widget("skills"))

    shown = selectors.INDICATORS_SHOWN
    assert in_order(content, "Apprentices trained", "Bravo", "Charlie", "Delta")
    assert shown == 4 and "Echo" not in content
    assert "More figures on the workstream's page" in content


def test_a_workstream_with_nothing_published_says_so(client):
    WorkstreamFactory(slug="new")
    content = page(client, workstream_widget("new"))
    assert "Nothing has been published about this workstream" in content
    assert '<dl class="figures">' not in content


@pytest.mark.parametrize("slug", ["draft", "no-such-workstream"])
def test_a_draft_or_unknown_workstream_has_no_widget(client, slug):
    WorkstreamFactory(slug="draft", is_published=False)
    response = client.get(workstream_widget(slug))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def build_workstream_rows(workstream, count: int) -> None:
    for _ in range(count):
        AwardFactory().workstreams.add(workstream)
        PartnershipFactory(workstream=workstream)
        InitiativeFactory(workstream=workstream)
        MilestoneFactory(workstream=workstream)
        OutputFactory().workstreams.add(workstream)
        indicator = IndicatorFactory()
        indicator.workstreams.add(workstream)
        IndicatorValueFactory(indicator=indicator)


def test_a_workstream_widget_query_count_does_not_grow(client, settings):
    settings.RECORD_FIGURES_CACHE_SECONDS = 0
    workstream = WorkstreamFactory()
    build_workstream_rows(workstream, 3)
    with_three = count_queries(client, workstream_widget(workstream.slug))
    build_workstream_rows(workstream, 27)
    # 1 the workstream, 2 the count and total of its awards, 3 its partners, initiatives,
    # milestones and outputs counted, 4 the latest values of its first indicators.
    assert count_queries(client, workstream_widget(workstream.slug)) == with_three == 4


# ---------- An organisation's awards ----------


def test_an_organisation_widget_lists_its_latest_awards_given_and_received(client):
    catapult = OrganisationFactory(name="Catapult", slug="catapult")
    funder = OrganisationFactory(name="Innovate UK")
    AwardFactory(funder=funder, recipient=catapult, title="Older", amount=Decimal("100"),
                 award_date=datetime.date(2018, 1, 1))  # fmt: skip
    AwardFactory(funder=funder, recipient=catapult, title="Newer", amount=Decimal("1500000"),
                 award_date=datetime.date(2021, 7, 1), award_date_precision="month")  # fmt: skip
    AwardFactory(funder=catapult, recipient=OrganisationFactory(name="Startup Ltd"),
                 title="Seed money", amount=Decimal("2500"))  # fmt: skip
    # Never shown: a draft award, and a published one whose other party is a draft.
    AwardFactory(funder=funder, recipient=catapult, title="Draft award", is_published=False)
    AwardFactory(funder=OrganisationFactory(is_published=False), recipient=catapult,
                 title="From a draft funder")  # fmt: skip

    content = page(client, organisation_widget("catapult"))

    assert (
        "<title>Catapult: awards given and received \N{EN DASH} MMIP programme tracker</title>"
        in content
    )
    assert in_order(content, "Awards given", "1 award worth £2,500 in total.", "Seed money", "To Startup Ltd",
                    "Awards received", "2 awards worth £1,500,100 in total.",
                    "Newer", "£1,500,000", "From Innovate UK, <time datetime=\"2021-07\">July 2021</time>",
                    "Older")  # fmt: skip
    assert "Draft award" not in content and "From a draft funder" not in content
    assert "See all" not in content
    assert_every_link_leaves_the_frame(content)


def test_an_organisation_widget_shows_the_latest_few_with_the_figures_of_all(client):
    catapult = OrganisationFactory(slug="catapult")
    for year in range(2010, 2010 + selectors.AWARDS_SHOWN + 2):
        AwardFactory(recipient=catapult, title=f"Award of {year}",
                     award_date=datetime.date(year, 1, 1))  # fmt: skip

    content = page(client, organisation_widget("catapult"))

    assert "7 awards worth £700,000 in total. The latest 5:" in content
    assert "Award of 2016" in content and "Award of 2012" in content
    assert "Award of 2011" not in content
    assert 'href="/funding/?recipient=catapult"' in content
    assert "See all 7 awards received in the funding explorer" in content
    assert "Awards given" not in content


def test_an_organisation_without_public_awards_says_so(client):
    quiet = OrganisationFactory(name="Quiet Ltd", slug="quiet")
    AwardFactory(recipient=quiet, is_published=False)
    content = page(client, organisation_widget("quiet"))
    assert "No awards given or received by Quiet Ltd have been published yet." in content


@pytest.mark.parametrize("slug", ["draft", "no-such-organisation"])
def test_a_draft_or_unknown_organisation_has_no_widget(client, slug):
    AwardFactory(recipient=OrganisationFactory(slug="draft", is_published=False))
    assert client.get(organisation_widget(slug)).status_code == 404


def test_an_organisation_widget_query_count_does_not_grow(client):
    organisation = OrganisationFactory()
    AwardFactory.create_batch(3, funder=organisation)
    AwardFactory.create_batch(3, recipient=organisation)
    with_three = count_queries(client, organisation_widget(organisation.slug))
    AwardFactory.create_batch(27, funder=organisation)
    AwardFactory.create_batch(27, recipient=organisation)
    # 1 the organisation, 2 which roles it has any award in, 3 the latest awards it gave
    # and 4 received, with their parties and the count and total of all of them.
    assert count_queries(client, organisation_widget(organisation.slug)) == with_three == 4


# ---------- The funding explorer's chart ----------


@pytest.fixture
def awards():
    """Three public awards and a draft: Innovate UK £1,500,000 in 2018 and £500,000 in 2021;
    BEIS £4,700,000 in 2020; a draft of £9,000,000 in 2019 from Innovate UK."""
    innovate = OrganisationFactory(name="Innovate UK", slug="innovate-uk")
    beis = OrganisationFactory(name="BEIS", slug="beis")
    for funder, amount, year in ((innovate, "1500000", 2018), (innovate, "500000", 2021),
                                 (beis, "4700000", 2020)):  # fmt: skip
        AwardFactory(funder=funder, amount=Decimal(amount), award_date=datetime.date(year, 1, 1))
    AwardFactory(funder=innovate, amount=Decimal("9000000"), award_date=datetime.date(2019, 1, 1),
                 is_published=False)  # fmt: skip


def chart_rows(content: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr><th scope="row">(.*?)</th><td class="numeric">(.*?)</td></tr>', content)


def test_the_chart_widget_adds_up_the_filter_by_year(client, awards):
    content = page(client, CHART, {"funder": "innovate-uk", "page": "2", "sort": "amount"})

    assert "<h1>Awards from Innovate UK</h1>" in content
    assert "<title>Amount awarded by year: awards from Innovate UK \N{EN DASH} MMIP programme tracker</title>" in content  # fmt: skip
    assert "2 awards worth £2,000,000 in total." in content
    # Every year from the first to the last, the draft's 2019 at £0.
    assert chart_rows(content) == [
        ("2018", "£1.5 million"), ("2019", "£0"), ("2020", "£0"), ("2021", "£500,000"),
    ]  # fmt: skip
    # The explorer's address for the same awards, less the page and the sort.
    assert 'href="/funding/?funder=innovate-uk"' in content
    assert_every_link_leaves_the_frame(content)


def test_the_chart_widget_draws_the_funders_chart_when_asked(client, awards):
    content = page(client, CHART, {"chart": "funder"})
    assert "<h1>Every published award</h1>" in content
    assert "Amount awarded by funder" in content
    assert chart_rows(content) == [("BEIS", "£4,700,000"), ("Innovate UK", "£2,000,000")]


def test_a_chart_of_no_awards_says_so(client, awards):
    content = page(client, CHART, {"year_from": "2030"})
    assert "No published award matches this filter." in content
    assert "<svg" not in content


@pytest.mark.parametrize(
    ("params", "message"),
    [(params, message) for params, message in EXPLORER_BAD_INPUT if "sort" not in params]
    + [({"chart": "pie" * 1000}, "There is no chart “piepie")],
)
def test_nonsense_in_the_chart_widgets_address_is_left_out_with_a_message(
    client, awards, params, message
):
    content = page(client, CHART, params)
    assert message in content
    # The rest of the filter still applies: here, nothing else, so every public award.
    assert "3 awards worth £6,700,000 in total." in content
    assert len(content) < 20_000  # the long values are named back shortened


def test_a_sort_in_the_address_changes_nothing_and_says_nothing(client, awards):
    content = page(client, CHART, {"sort": "password"})
    assert "sorted" not in content
    assert "3 awards worth £6,700,000 in total." in content


def test_the_chart_widget_query_count_does_not_grow(client, settings):
    settings.RECORD_FIGURES_CACHE_SECONDS = 0
    funder = OrganisationFactory(slug="funder")
    AwardFactory.create_batch(3, funder=funder)
    with_three = count_queries(client, CHART, {"funder": "funder"})
    AwardFactory.create_batch(27, funder=funder, award_date=datetime.date(2010, 1, 1))
    # 1 the funder chosen, 2 the summary, 3 the years, 4 the funders' totals, 5 their names,
    # 6 the totals by region, which the explorer's figures hold with the rest.
    assert count_queries(client, CHART, {"funder": "funder"}) == with_three == 6
