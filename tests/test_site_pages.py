"""The rest of the site: home's figures and their sources, /about/data/, the sitemap, the
milestones feed, robots.txt, /healthz, the error pages, and navigation to every page."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import (
    ApprenticeshipProgrammeFactory,
    AwardFactory,
    CommitmentFactory,
    FundingProgrammeFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    OrganisationFactory,
    WorkstreamFactory,
)
from tests.pages import count_queries, page

pytestmark = pytest.mark.django_db


ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


# ---------- Home ----------


@pytest.fixture
def figures():
    AwardFactory(amount=Decimal("1500000"))
    apprentices = IndicatorFactory(name="Apprentices benefiting", slug="apprentices")
    IndicatorValueFactory(
        indicator=apprentices,
        value=150,
        qualifier="over",
        source_title="MMIP workstreams page",
        source_url="https://example.org/workstreams",
    )


def test_each_headline_figure_links_to_its_source_or_the_page_that_explains_it(client, figures):
    content = page(client, reverse("home"))

    assert f'<a href="{reverse("organisation-list")}">organisations in the record</a>' in content
    assert (
        f'<a href="{reverse("indicator-detail", args=["apprentices"])}">Apprentices benefiting</a>'
        in content
    )
    assert '<a href="https://example.org/workstreams">MMIP workstreams page</a>' in content


def test_the_money_figure_links_to_the_funding_explorer(client, figures):
    content = page(client, reverse("home"))

    assert f'<a href="{reverse("funding-explorer")}">awarded in 1 award</a>' in content


# ---------- About the data ----------


def test_about_data_says_what_is_published_the_licence_and_links_every_download(client):
    AwardFactory(amount=Decimal("1500000"))
    AwardFactory(amount=Decimal("500000"))
    AwardFactory(is_published=False)
    WorkstreamFactory(is_published=False)

    content = page(client, reverse("about-data"))

    assert "<h1>About the data</h1>" in content
    assert '<th scope="row">Awards</th><td class="numeric">2</td>' in content
    assert '<th scope="row">Workstreams</th><td class="numeric">0</td>' in content
    assert "£2,000,000, is the sum of the 2 published awards" in content
    assert "Open Government Licence v3.0" in content
    assert "CC BY 4.0" in content
    assert f'href="{reverse("milestone-feed")}"' in content
    assert f'href="{reverse("sitemap")}"' in content


def test_about_data_links_the_award_downloads(client):
    content = page(client, reverse("about-data"))

    for name in ["award-download-csv", "award-download-json", "award-download-360giving"]:
        assert f'href="{reverse(name)}"' in content
    assert f'<a href="{reverse("funding-explorer")}">Explore every award' in content


def test_about_data_query_count_is_one_count_per_kind_and_the_award_total(client):
    # 1 to 11 a count of each kind of published record, 12 the award total, 13 the funders'
    # datasets with the count and total of their public awards.
    assert count_queries(client, reverse("about-data")) == 13


# ---------- Sitemap ----------


def sitemap_locations(client) -> set[str]:
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {loc.text for loc in root.iter(f"{SITEMAP}loc")}


def test_the_sitemap_lists_every_published_page_and_no_draft(client):
    workstream = WorkstreamFactory()
    hidden_workstream = WorkstreamFactory(is_published=False)
    organisation = OrganisationFactory()
    hidden_organisation = OrganisationFactory(is_published=False)
    award = AwardFactory(funder=organisation, recipient=OrganisationFactory())
    hidden_award = AwardFactory(is_published=False, funder=organisation)
    indicator = IndicatorFactory()
    programme = ApprenticeshipProgrammeFactory(lead=organisation, workstream=workstream)

    locations = {
        location.removeprefix("http://testserver") for location in sitemap_locations(client)
    }

    for url in [
        reverse("home"),
        reverse("workstream-list"),
        reverse("organisation-list"),
        reverse("about-data"),
        reverse("skills"),
        reverse("timeline"),
        reverse("output-list"),
        workstream.get_absolute_url(),
        organisation.get_absolute_url(),
        award.get_absolute_url(),
        reverse("indicator-detail", args=[indicator.slug]),
        reverse("apprenticeship-programme-detail", args=[programme.slug]),
    ]:
        assert url in locations, url
    for url in [
        hidden_workstream.get_absolute_url(),
        hidden_organisation.get_absolute_url(),
        hidden_award.get_absolute_url(),
        reverse("search"),
    ]:
        assert url not in locations, url


def test_sitemap_query_count_does_not_grow(client):
    def build(n):
        for _ in range(n):
            ApprenticeshipProgrammeFactory(workstream=WorkstreamFactory())
            AwardFactory()
            FundingProgrammeFactory()
            IndicatorFactory()
            CommitmentFactory()

    build(3)
    with_three = count_queries(client, reverse("sitemap"))
    build(27)
    # Two queries per record section (the sitemap's pager counts, then reads the page):
    # workstreams, organisations, awards, funding programmes, indicators, apprenticeship
    # programmes and commitments. The list pages need none.
    assert count_queries(client, reverse("sitemap")) == with_three == 14


# ---------- Milestones feed ----------


def test_the_feed_is_atom_listing_published_milestones_latest_first_at_their_precision(client):
    workstream = WorkstreamFactory(name="Skills")
    MilestoneFactory(
        title="Taskforce set up", date=datetime.date(2016, 1, 1), workstream=workstream
    )
    MilestoneFactory(
        title="Follow-on funding",
        date=datetime.date(2021, 7, 1),
        date_precision="month",
        workstream=workstream,
        description='Money <script>alert("x")</script> for more apprentices.',
    )
    MilestoneFactory(
        title="Impact report released",
        slug="impact-report",
        date=datetime.date(2021, 10, 14),
        date_precision="day",
        workstream=None,
    )
    MilestoneFactory(title="Draft milestone", is_published=False)
    MilestoneFactory(title="Milestone of a draft", workstream=WorkstreamFactory(is_published=False))

    response = client.get(reverse("milestone-feed"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "14 October 2021: Impact report released",
        "July 2021: Follow-on funding",
        "2016: Taskforce set up",
    ]
    for entry in entries:
        assert entry.findtext(f"{ATOM}updated")
        assert entry.findtext(f"{ATOM}id")
    links = [entry.find(f"{ATOM}link").get("href") for entry in entries]
    assert links[0].endswith(f"{reverse('timeline')}#milestone-impact-report")
    # Staff's text reaches feed readers escaped, so a reader shows it rather than runs it.
    summary = entries[1].findtext(f"{ATOM}summary")
    assert "<script>" not in summary
    assert "&lt;script&gt;" in summary


def test_feed_query_count_does_not_grow(client):
    def build(n):
        for _ in range(n):
            MilestoneFactory()

    build(3)
    with_three = count_queries(client, reverse("milestone-feed"))
    build(27)
    # The latest milestones with their workstreams.
    assert count_queries(client, reverse("milestone-feed")) == with_three == 1


# ---------- robots.txt and /healthz ----------


def test_robots_txt_allows_all_but_the_admin_and_names_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert [line for line in lines if line.startswith("Disallow")] == ["Disallow: /admin/"]


def test_healthz_says_ok_when_the_database_answers(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"database unavailable"
    assert "no-store" in response["Cache-Control"]


# ---------- Error pages ----------


def test_the_404_page_is_in_the_sites_style_and_offers_search(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    content = response.content.decode()
    assert "Page not found" in content
    assert "css/site.css" in content
    assert 'id="main"' in content
    assert f'action="{reverse("search")}"' in content
    assert f'href="{reverse("organisation-list")}"' in content


def test_a_draft_records_address_gets_the_404_page(client):
    organisation = OrganisationFactory(is_published=False)

    response = client.get(organisation.get_absolute_url())

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_500_page_needs_neither_context_nor_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))

    assert response.status_code == 500
    content = response.content.decode()
    assert "Sorry, there is a problem with the service" in content
    assert "css/site.css" in content
    assert f'href="{reverse("about-data")}"' in content


# ---------- Navigation ----------


@pytest.mark.parametrize(
    "url_name",
    ["home", "organisation-list", "search", "about-data", "workstream-list"],
)
def test_every_page_has_the_navigation_the_search_box_and_the_footer_links(client, url_name):
    content = page(client, reverse(url_name))

    for name in ["home", "workstream-list", "organisation-list"]:
        assert f'href="{reverse(name)}"' in content
    assert (
        f'<form class="site-search" role="search" method="get" action="{reverse("search")}">'
        in content
    )
    assert f'href="{reverse("about-data")}"' in content
    assert f'href="{reverse("milestone-feed")}"' in content
    assert 'type="application/atom+xml"' in content


def test_the_navigation_marks_the_directory_as_the_current_page(client):
    content = page(client, reverse("organisation-list"))

    assert (
        f'<a href="{reverse("organisation-list")}" aria-current="page">Organisations</a>' in content
    )


def test_organisation_pages_have_breadcrumbs_back_to_the_directory(client):
    organisation = OrganisationFactory(name="KTN")

    content = page(client, organisation.get_absolute_url())

    assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in content
    assert f'<a href="{reverse("organisation-list")}">Organisations</a>' in content
    assert '<span aria-current="page">KTN</span>' in content
    assert 'aria-current="true">Organisations</a>' in content
