"""The funding pages beside the explorer: the programmes and one programme, the funders and
the recipients tables; published records only, each leading back into the explorer, with
query counts that do not grow with the awards."""

import re
from glob import glob

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import (
    AwardFactory,
    FundingProgrammeFactory,
    OrganisationFactory,
    WorkstreamFactory,
)
from tests.pages import count_queries, page
from tests.test_funding_explorer import build_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    return build_record()


def squashed(html: str) -> str:
    return " ".join(html.split())


def table_rows(html: str) -> list[list[str]]:
    """The body rows of the page's first table, each cell's text without tags."""
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return [
        [squashed(re.sub(r"<[^>]+>", " ", cell)) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]  # fmt: skip


# ---------- Programmes ----------


def test_programmes_lists_published_programmes_with_their_published_awards(client, record):
    FundingProgrammeFactory(name="Unlaunched fund", is_published=False)
    FundingProgrammeFactory(
        name="Quiet fund", slug="quiet", funder=OrganisationFactory(name="Quiet Trust")
    )

    content = page(client, reverse("funding-programme-list"))

    assert "Unlaunched fund" not in content
    # The draft award of prog-1 (£9,999,999) is neither counted nor added.
    assert table_rows(content) == [
        ["Quiet fund", "Quiet Trust", "Not known", "0", "£0"],
        ["Widget Challenge", "Innovate Widgets Agency", "Not known", "2", "£600,000"],
    ]
    assert f'href="{reverse("funding-programme-detail", args=["prog-1"])}"' in content


def test_a_programme_page_shows_its_awards_their_totals_and_the_way_to_the_rest(client, record):
    programme = record["A1"].programme
    programme.workstreams.add(WorkstreamFactory(name="Advanced therapies"))
    programme.workstreams.add(WorkstreamFactory(name="Hidden workstream", is_published=False))

    content = page(client, programme.get_absolute_url())

    assert programme.get_absolute_url() == "/funding/programmes/prog-1/"
    assert "<h1>Widget Challenge</h1>" in content
    assert "Run by" in content and 'href="/organisations/fund-a/"' in content
    assert "Advanced therapies" in content and "Hidden workstream" not in content
    assert [row[0] for row in table_rows(content)] == [
        "Apprenticeships in cell therapy 360G-MMIP-T-04",
        "Cell therapy scale-up 360G-MMIP-T-01",
    ]
    assert "Total of 2 awards" in content
    flat = squashed(content)
    assert '<dt class="figure__label">Total</dt><dd class="figure__value">£600,000</dd>' in flat
    assert '<dt class="figure__label">Median</dt><dd class="figure__value">£300,000</dd>' in flat
    assert "secret draft" not in content
    assert 'href="/funding/?programme=prog-1"' in content
    for name in ("award-download-csv", "award-download-json", "award-download-360giving"):
        assert f'href="{reverse(name)}?programme=prog-1"' in content


def test_a_programme_with_many_awards_lists_the_latest_and_links_the_rest(client, monkeypatch):
    monkeypatch.setattr("funding.views.AWARDS_SHOWN", 2)
    programme = FundingProgrammeFactory(slug="big")
    for _ in range(3):
        AwardFactory(programme=programme)

    content = page(client, programme.get_absolute_url())

    assert len(table_rows(content)) == 2
    assert "see all 3 in the funding explorer" in content
    assert "Total of" not in content  # a total row under two of three awards would mislead


def test_a_programme_without_published_awards_says_so(client):
    programme = FundingProgrammeFactory()
    AwardFactory(programme=programme, is_published=False)
    content = page(client, programme.get_absolute_url())
    assert "No awards under this programme have been published yet." in content
    assert "award-download" not in content and "awards.csv" not in content


def test_a_draft_or_unknown_programme_is_not_found(client):
    draft = FundingProgrammeFactory(slug="draft", is_published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/funding/programmes/no-such-programme/").status_code == 404


def test_an_award_page_links_its_programme_and_leads_back_to_funding(client, record):
    content = page(client, record["A1"].get_absolute_url())
    assert '<a href="/funding/programmes/prog-1/">Widget Challenge</a>' in content
    assert '<li><a href="/funding/">Funding</a></li>' in content


@pytest.mark.parametrize("size", [3, 30])
def test_programme_pages_cost_the_same_queries_for_3_awards_as_for_30(client, size):
    programmes = [FundingProgrammeFactory(), FundingProgrammeFactory()]
    programmes[0].workstreams.add(WorkstreamFactory())
    for number in range(size):
        AwardFactory(programme=programmes[number % 2], routed_through=OrganisationFactory())
    # 1 the programmes with their funders, 2 the published awards counted and summed for
    # each programme.
    assert count_queries(client, reverse("funding-programme-list")) == 2
    # 1 the programme with its funder, 2 its published workstreams, 3 the summary of its
    # awards, 4 the latest of them with funder, recipient, routed-through body and programme.
    assert count_queries(client, programmes[0].get_absolute_url()) == 4


# ---------- Funders and recipients ----------


def test_the_funders_table_totals_each_funder_and_leads_to_the_explorer(client, record):
    content = page(client, reverse("funder-list"))

    assert table_rows(content) == [
        # funder, awards, total, average, largest, smallest: largest total first.
        ["Research Council of Medicines", "2 awards from Research Council of Medicines",
         "£2,000,000", "£1,000,000", "£1,500,000", "£500,000"],
        ["Innovate Widgets Agency", "3 awards from Innovate Widgets Agency",
         "£425,000", "£141,666.67", "£250,000", "£75,000"],
    ]  # fmt: skip
    assert 'href="/funding/?funder=fund-b"' in content
    assert 'href="/organisations/fund-b/"' in content


def test_the_recipients_table_totals_each_recipient_and_leads_to_the_explorer(client, record):
    content = page(client, reverse("recipient-list"))

    assert table_rows(content) == [
        ["Northgate Biologics Ltd", "3 awards to Northgate Biologics Ltd",
         "£1,675,000", "£558,333.33", "£1,500,000", "£75,000"],
        ["University of Easton", "2 awards to University of Easton",
         "£750,000", "£375,000", "£500,000", "£250,000"],
    ]  # fmt: skip
    assert 'href="/funding/?recipient=rec-x"' in content
    assert 'href="/organisations/rec-x/"' in content


def test_the_pre_filtered_link_finds_exactly_the_awards_counted(client, record):
    response = client.get("/funding/?funder=fund-a")
    assert [award.identifier for award in response.context["awards"]] == [
        "360G-MMIP-T-05",
        "360G-MMIP-T-02",
        "360G-MMIP-T-01",
    ]


def test_draft_awards_and_draft_organisations_stay_out_of_the_tables(client, record):
    draft_org = OrganisationFactory(name="Hidden Funder Ltd", is_published=False)
    AwardFactory(funder=draft_org)
    funders_only_of_drafts = OrganisationFactory(name="Drafts Only Trust")
    AwardFactory(funder=funders_only_of_drafts, is_published=False)

    content = page(client, reverse("funder-list"))

    assert "Hidden Funder Ltd" not in content
    assert "Drafts Only Trust" not in content
    assert "£9,999,999" not in content


def test_a_long_table_comes_in_pages_and_a_bad_page_number_never_fails(client, monkeypatch):
    monkeypatch.setattr("funding.views.ORGANISATIONS_PER_PAGE", 2)
    for number in range(5):
        AwardFactory(funder=OrganisationFactory(name=f"Funder {number}"), amount=1000 + number)

    second = page(client, reverse("funder-list") + "?page=2")
    assert [row[0] for row in table_rows(second)] == ["Funder 2", "Funder 1"]
    assert "Page 2 of 3" in second
    for bad in ("0", "99", "x", "9" * 5000):
        assert client.get(reverse("funder-list"), {"page": bad}).status_code == 200


def test_with_nothing_published_the_tables_say_so(client):
    assert "No awards have been published yet" in page(client, reverse("recipient-list"))


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("url_name", ["funder-list", "recipient-list"])
def test_the_tables_cost_the_same_queries_for_3_awards_as_for_30(client, size, url_name):
    funders = [OrganisationFactory() for _ in range(3)]
    for number in range(size):
        AwardFactory(funder=funders[number % 3])
    # 1 how many organisations play the role (for the pages), 2 the page of them with their
    # published awards counted, totalled, averaged and their largest and smallest found.
    assert count_queries(client, reverse(url_name)) == 2


# ---------- Navigation and the demo record ----------


def test_the_demo_record_renders_on_every_funding_page(client):
    call_command("loaddata", *sorted(glob("fixtures/*.json")), verbosity=0)

    funders = page(client, reverse("funder-list"))
    assert table_rows(funders)[1][:3] == ["Innovate UK", "2 awards from Innovate UK", "£2,000,000"]
    assert table_rows(funders)[0][:3] == [
        "Department for Business, Energy and Industrial Strategy",
        "1 award from Department for Business, Energy and Industrial Strategy",
        "£4,700,000",
    ]
    recipients = page(client, reverse("recipient-list"))
    assert table_rows(recipients)[0][:3] == [
        "Cell and Gene Therapy Catapult",
        "3 awards to Cell and Gene Therapy Catapult",
        "£6,700,000",
    ]
    programmes = page(client, reverse("funding-programme-list"))
    assert "Medicines Manufacturing Challenge" in programmes
    programme = page(client, "/funding/programmes/medicines-manufacturing-challenge/")
    assert "<h1>Medicines Manufacturing Challenge</h1>" in programme
    assert 'href="/organisations/ukri/"' in programme


@pytest.mark.parametrize(
    ("url", "trail"),
    [
        ("/funding/", ["Home", "Funding"]),
        ("/funding/programmes/", ["Home", "Funding", "Programmes"]),
        ("/funding/programmes/prog-1/", ["Home", "Funding", "Programmes", "Widget Challenge"]),
        ("/funding/funders/", ["Home", "Funding", "Funders"]),
        ("/funding/recipients/", ["Home", "Funding", "Recipients"]),
        ("/funding/360G-MMIP-T-01/", ["Home", "Funding", "Cell therapy scale-up"]),
    ],
)
def test_every_funding_page_has_breadcrumbs_and_its_stylesheet(client, record, url, trail):
    content = page(client, url)
    crumbs = content.split('<nav class="breadcrumbs" aria-label="Breadcrumb">')[1].split("</nav>")[
        0
    ]
    assert re.findall(r">([^<>]+)</(?:a|span)>", crumbs) == trail
    if url != "/funding/360G-MMIP-T-01/":
        assert 'href="/static/css/funding.css"' in content


def test_the_main_navigation_marks_funding(client, record):
    explorer = page(client, "/funding/")
    assert '<a href="/funding/" aria-current="page">Funding</a>' in explorer
    for url in ("/funding/funders/", "/funding/programmes/prog-1/", "/funding/360G-MMIP-T-01/"):
        assert '<a href="/funding/" aria-current="true">Funding</a>' in page(client, url)


def test_about_the_data_links_the_three_downloads(client):
    content = page(client, reverse("about-data"))
    for url in ("/funding/awards.csv", "/funding/awards.json", "/funding/360giving.json"):
        assert f'href="{url}"' in content
    assert '<a href="/funding/">Explore every award' in content
