"""/embed/, the page that builds a widget and gives its <iframe>: the choices it offers
(public records only), the code it gives for each kind of widget, the filter of a pasted
explorer address less what cannot be used, and choices that cannot be used answered in
words, never a 500."""

import datetime
import html
import re
from decimal import Decimal

import django_filters
import pytest
from django.http import QueryDict

from embed.builder import explorer_query
from embed.funding_chart import awards_in_words
from funding.filters import AwardFilterSet
from tests.factories import (
    AwardFactory,
    FundingProgrammeFactory,
    OrganisationFactory,
    WorkstreamFactory,
)
from tests.pages import count_queries, page

pytestmark = pytest.mark.django_db

BUILDER = "/embed/"


@pytest.fixture
def record():
    WorkstreamFactory(name="Skills", slug="skills")
    WorkstreamFactory(name="Draft workstream", slug="draft", is_published=False)
    innovate = OrganisationFactory(name="Innovate UK", slug="innovate-uk")
    catapult = OrganisationFactory(name="Catapult", slug="catapult")
    OrganisationFactory(name="Without awards", slug="quiet")
    AwardFactory(funder=innovate, recipient=catapult, award_date=datetime.date(2018, 1, 1))
    draft = OrganisationFactory(name="Draft organisation", slug="draft-organisation",
                                is_published=False)  # fmt: skip
    AwardFactory(funder=innovate, recipient=draft)
    AwardFactory(funder=innovate, recipient=OrganisationFactory(name="Draft award's", slug="draft-award"),
                 is_published=False)  # fmt: skip


def options(content: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', content, re.S).group()
    return re.findall(r'<option value="([^"]*)"', select)


def code_of(content: str) -> str:
    """The code to copy, as the visitor copies it from its box."""
    return html.unescape(re.search(r"<textarea [^>]*>(.*?)</textarea>", content, re.S).group(1))


def preview_of(content: str) -> str:
    return re.search(r'<iframe class="builder-preview"[^>]*>', content).group()


def test_the_builder_offers_public_workstreams_and_organisations_with_public_awards(client, record):
    content = page(client, BUILDER)

    assert options(content, "workstream") == ["", "skills"]
    assert options(content, "organisation") == ["", "catapult", "innovate-uk"]
    assert "<textarea" not in content and "<iframe" not in content
    assert '<script src="/static/js/embed-builder.js" defer></script>' in content


def test_past_the_listed_organisations_only_the_chosen_one_is_offered(client, record, monkeypatch):
    monkeypatch.setattr("funding.explorer_form.CHOICES_LISTED", 1)
    content = page(client, BUILDER, {"widget": "organisation", "organisation": "innovate-uk"})
    assert options(content, "organisation") == ["", "innovate-uk"]
    assert "There are too many organisations to list here." in content
    assert 'src="/embed/organisation/innovate-uk/awards/"' in content


def test_a_workstreams_widget_comes_with_its_code_and_a_preview(client, record):
    content = page(client, BUILDER, {"widget": "workstream", "workstream": "skills"})

    assert "<title>Embed a widget: Skills: headline figures \N{EN DASH} MMIP programme tracker</title>" in content  # fmt: skip
    assert code_of(content) == (
        '<iframe src="http://testserver/embed/workstream/skills/" '
        'title="Skills: headline figures, from the MMIP programme tracker" width="640" '
        'height="520" loading="lazy" style="max-width: 100%; border: 1px solid #c5ccd1;"></iframe>'
    )
    assert preview_of(content) == (
        '<iframe class="builder-preview" src="/embed/workstream/skills/" '
        'title="Skills: headline figures, from the MMIP programme tracker" width="640" height="520">'
    )
    # The form keeps the choice, so it can be changed and sent again.
    assert '<option value="skills" selected>Skills</option>' in content


def test_an_organisations_widget_comes_with_its_code(client, record):
    content = page(client, BUILDER, {"widget": "organisation", "organisation": "catapult"})
    code = code_of(content)
    assert 'src="http://testserver/embed/organisation/catapult/awards/"' in code
    assert 'title="Catapult: awards given and received, from the MMIP programme tracker"' in code


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1:8000/funding/?funder=innovate-uk&year_from=2018&page=2&per_page=50",
        "/funding/?funder=innovate-uk&year_from=2018&sort=-amount#results-heading",
        "?funder=innovate-uk&year_from=2018",
        "funder=innovate-uk&year_from=2018&funder=",
        "  https://example.org/api/v1/awards/?year_from=2018&funder=innovate-uk  ",
    ],
)
def test_a_charts_widget_takes_the_filter_of_a_pasted_address(client, record, address):
    content = page(client, BUILDER, {"widget": "chart", "filter": address, "chart": "funder"})
    code = code_of(content)
    assert (
        'src="http://testserver/embed/funding/chart/?funder=innovate-uk&amp;year_from=2018&amp;chart=funder"'
        in code
    )
    assert 'title="Amount awarded by funder: awards from Innovate UK, awarded from 2018, from the MMIP programme tracker"' in code  # fmt: skip
    assert 'height="720"' in code


def test_a_chart_of_every_award_by_year_has_the_plainest_address(client, record):
    code = code_of(page(client, BUILDER, {"widget": "chart", "filter": "", "chart": "year"}))
    assert 'src="http://testserver/embed/funding/chart/"' in code
    assert 'title="Amount awarded by year: every published award, from' in code


def test_what_of_a_pasted_filter_cannot_be_used_is_left_out_of_the_widget_and_said(client, record):
    address = "/funding/?funder=innovate-uk&funder=nope&amount_min=lots&year_from=2021&year_to=2019&q=cells"
    content = page(client, BUILDER, {"widget": "chart", "filter": address})

    assert "Part of the filter was left out of the widget" in content
    for message in ["no funder “nope”", "smallest amount as a number", "“from” year is after"]:
        assert message in content
    assert 'src="http://testserver/embed/funding/chart/?q=cells"' in code_of(content)


def test_an_address_with_no_filter_in_it_is_said_to_be_one(client, record):
    content = page(client, BUILDER, {"widget": "chart", "filter": "https://example.org/about/"})
    assert "is not the address of a page of the funding explorer" in content
    assert 'src="http://testserver/embed/funding/chart/"' in code_of(content)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"widget": "workstream"}, "Choose a workstream."),
        ({"widget": "workstream", "workstream": "draft"}, "There is no published workstream “draft”"),
        ({"widget": "workstream", "workstream": "x" * 10_000}, "There is no published workstream “xxxx"),
        ({"widget": "organisation"}, "Choose an organisation."),
        ({"widget": "organisation", "organisation": "quiet"}, "no organisation “quiet” with published awards"),
        ({"widget": "organisation", "organisation": "draft-organisation"}, "no organisation “draft-organisation”"),
        ({"widget": "organisation", "organisation": "draft-award"}, "no organisation “draft-award”"),
        ({"widget": "organisation", "organisation": "nul\x00byte"}, "no organisation"),
        ({"widget": "chart", "chart": "pie"}, "There is no chart “pie”"),
        ({"widget": "chart", "filter": "?q=" + "a" * 3000}, "at most 2,000 characters"),
        ({"widget": "chart", "filter": "/funding/?q=nul\x00byte"}, "characters no address has"),
        ({"widget": "poster"}, "There is no widget “poster”"),
    ],
)  # fmt: skip
def test_a_choice_that_cannot_be_used_is_said_and_makes_no_widget(client, record, params, message):
    content = page(client, BUILDER, params)
    assert "The widget could not be made" in content
    assert message in content
    assert "<textarea" not in content
    assert len(content) < 30_000  # a long value is named back shortened
    assert "Draft organisation" not in content and "Draft workstream" not in content


def test_a_field_of_another_form_in_the_address_is_not_read(client, record):
    content = page(client, BUILDER, {"widget": "workstream", "workstream": "skills", "chart": "pie",
                                     "organisation": "nope"})  # fmt: skip
    assert "could not be made" not in content
    assert 'src="/embed/workstream/skills/"' in content


def test_the_site_links_to_the_builder_with_each_pages_own_choice_made(client, record):
    assert 'href="/embed/">Embed a widget on your site</a>' in page(client, "/about/data/")
    links = {
        "/workstreams/skills/": "/embed/?widget=workstream&amp;workstream=skills#your-widget",
        "/organisations/catapult/": "/embed/?widget=organisation&amp;organisation=catapult#your-widget",
        "/funding/?funder=innovate-uk&page=1": "/embed/?widget=chart&amp;filter=%3Ffunder%3Dinnovate-uk#your-widget",
    }  # fmt: skip
    for path, link in links.items():
        assert f'href="{link}"' in page(client, path), path
    # An organisation with no public award has no widget to offer.
    assert "/embed/?widget=organisation" not in page(client, "/organisations/quiet/")


def test_the_builder_query_count_does_not_grow(client):
    funder = OrganisationFactory(slug="funder")
    AwardFactory.create_batch(3, funder=funder)
    chart = {"widget": "chart", "filter": "/funding/?funder=funder"}
    with_three = count_queries(client, BUILDER, chart)
    AwardFactory.create_batch(27, funder=funder)
    # 1 the organisations listed, 2 the workstreams, 3 the funder chosen.
    assert count_queries(client, BUILDER, chart) == with_three == 3


# ---------- The pieces ----------


@pytest.mark.parametrize(
    ("address", "query", "understood"),
    [
        ("", "", True),
        ("/funding/", "", True),
        ("https://mmip.example.org/funding", "", True),
        ("funder=a&q=b%20c", "funder=a&q=b+c", True),
        ("?funder=a", "funder=a", True),
        ("/funding/?funder=a#top", "funder=a", True),
        ("hello", "", False),
        ("/organisations/", "", False),
        ("http://[broken/funding/?funder=a", "", False),
    ],
)
def test_explorer_query_reads_an_address_as_pasted(address, query, understood):
    found, problem = explorer_query(address)
    assert found.urlencode() == query
    assert (problem is None) is understood


def words(query: str) -> str:
    return awards_in_words(AwardFilterSet(QueryDict(query)))


def test_awards_in_words_names_each_part_of_the_filter():
    innovate = OrganisationFactory(name="Innovate UK", slug="innovate-uk")
    beis = OrganisationFactory(name="BEIS", slug="beis")
    catapult = OrganisationFactory(name="Catapult", slug="catapult")
    programme = FundingProgrammeFactory(name="The Challenge", slug="challenge", funder=innovate)
    WorkstreamFactory(name="Skills", slug="skills")
    WorkstreamFactory(name="Technology", slug="technology")
    AwardFactory(funder=innovate, recipient=catapult, programme=programme)
    AwardFactory(funder=beis, recipient=catapult)

    assert words("") == "Every published award"
    assert words("sort=-amount") == "Every published award"
    assert words("funder=innovate-uk&funder=beis&recipient=catapult") == (
        "Awards from BEIS or Innovate UK, to Catapult"
    )
    assert words("programme=challenge&workstream=skills") == (
        "Awards in The Challenge, for the Skills workstream"
    )
    assert words("workstream=skills&workstream=technology") == (
        "Awards for the Skills or Technology workstreams"
    )
    assert words("year_from=2018&year_to=2018") == "Awards awarded in 2018"
    assert words("year_from=2018&year_to=2021") == "Awards awarded 2018 to 2021"
    assert words("year_to=2021") == "Awards awarded up to 2021"
    assert words("amount_min=£50,000") == "Awards of at least £50,000"
    assert words("amount_min=1&amount_max=2000000") == "Awards of £1 to £2,000,000"
    assert words("amount_max=10") == "Awards of at most £10"
    assert words("amount_min=10&amount_max=10") == "Awards of exactly £10"
    assert words("status=closed&status=withdrawn") == "Awards closed or withdrawn"
    assert words("q=cell+therapy") == "Awards matching “cell therapy”"
    # The parts that cannot be used are not named: only what the chart adds up.
    assert words("funder=nope&year_from=2021&year_to=2019&q=cells") == "Awards matching “cells”"


def test_awards_in_words_counts_many_choices_rather_than_naming_them():
    funders = [AwardFactory(amount=Decimal("1")).funder for _ in range(5)]
    query = "&".join(f"funder={funder.slug}" for funder in funders)
    assert words(query) == "Awards from 5 funders"


def test_awards_in_words_names_a_part_it_does_not_know_by_its_label():
    class WithRegion(AwardFilterSet):
        region = django_filters.CharFilter(label="Recipient region", method="by_region")

        def by_region(self, queryset, name, value):
            return queryset

    assert awards_in_words(WithRegion(QueryDict("region=london&year_to=2020"))) == (
        "Awards awarded up to 2020, recipient region: london"
    )
