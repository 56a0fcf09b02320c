"""Awards in the API: the explorer's filters through the explorer's own FilterSet, the same
awards in the same order as /funding/awards.csv, 360Giving's field names, the explorer's
figures in the summary, and nothing a draft."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api import get_json, url_with
from tests.factories import (
    AwardFactory,
    FundingProgrammeFactory,
    OrganisationFactory,
    WorkstreamFactory,
)
from tests.test_funding_downloads import csv_identifiers
from tests.test_funding_explorer import awards_for_counting, build_record, explore

pytestmark = pytest.mark.django_db

AWARDS = "/api/v1/awards/"
SUMMARY = "/api/v1/awards/summary/"


@pytest.fixture
def record():
    return build_record()


def listed(client, params=None) -> list[str]:
    """The short names (A1...) of every award the API lists, following the next links."""
    page = get_json(client, AWARDS, {**(params or {}), "per_page": "10"})
    identifiers = [award["id"] for award in page["results"]]
    while page["next"]:
        page = get_json(client, page["next"])
        identifiers.extend(award["id"] for award in page["results"])
    return identifiers


# The explorer's own table of hand-computed answers (tests/test_funding_explorer.py).
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["A5", "A3", "A4", "A2", "A1"]),
        ({"funder": "fund-a"}, ["A5", "A2", "A1"]),
        ({"funder": ["fund-a", "fund-b"]}, ["A5", "A3", "A4", "A2", "A1"]),
        ({"recipient": "rec-y", "year_from": "2020"}, ["A4"]),
        ({"q": "cell therapy"}, ["A4", "A1"]),
        ({"q": "easton"}, ["A4", "A2"]),
        ({"year_from": "2019", "year_to": "2021"}, ["A3", "A4", "A2"]),
        ({"amount_min": "100000", "amount_max": "500000"}, ["A4", "A2", "A1"]),
        ({"amount_min": "£250,000"}, ["A3", "A4", "A2"]),
        ({"programme": "prog-1"}, ["A4", "A1"]),
        ({"workstream": ["ws-1", "ws-2"]}, ["A3", "A2", "A1"]),
        ({"status": ["closed", "withdrawn"]}, ["A5", "A2", "A1"]),
        ({"funder": "fund-b", "workstream": "ws-2", "q": "vaccine"}, ["A3"]),
        ({"funder": "fund-a", "amount_max": "80000", "status": "withdrawn"}, ["A5"]),
        ({"funder": "fund-a", "year_to": "2019", "sort": "amount"}, ["A1", "A2"]),
        ({"sort": "-amount"}, ["A3", "A4", "A2", "A1", "A5"]),
        ({"sort": "title"}, ["A4", "A1", "A2", "A3", "A5"]),
        ({"funder_not": "fund-a"}, ["A3", "A4"]),
        ({"programme_not": "prog-1", "workstream_not": "ws-2"}, ["A5"]),
        ({"region": "north-east", "recipient_not": "rec-y"}, ["A5", "A3", "A1"]),
        ({"region": "unknown", "sort": "amount"}, ["A2", "A4"]),
        ({"region_not": "north-east"}, ["A4", "A2"]),
        ({"fy_from": "2020-21", "fy_to": "2021-22"}, ["A3", "A4"]),
        ({"fy_from": "2021", "fy_to": "2021"}, ["A3"]),
    ],
)
def test_the_list_gives_the_hand_computed_awards(client, record, params, expected):
    assert [f"A{identifier[-1]}" for identifier in listed(client, params)] == expected


def spread_of_awards():
    """35 awards across two funders and three recipients (in the East, in Wales and nowhere
    recorded), with runs of equal dates, amounts and titles, so the order depends on the
    identifier as well, over several pages; their dates are known to the year, the month or
    the day, either side of the start of a financial year."""
    funders = [OrganisationFactory(slug="north"), OrganisationFactory(slug="south")]
    recipients = [
        OrganisationFactory(slug="rec-east", nation_region="east"),
        OrganisationFactory(slug="rec-wales", nation_region="wales"),
        OrganisationFactory(slug="rec-nowhere"),
    ]
    for number in range(35):
        precision = ("year", "month", "day")[number % 3]
        month = 1 if precision == "year" else 3 + number % 3  # March, April or May
        AwardFactory(
            identifier=f"360G-MMIP-SPREAD-{number:02}",
            title=f"Award {'ABC'[number % 3]}",
            funder=funders[number % 2],
            recipient=recipients[(number // 3) % 3],
            amount=Decimal(10_000 * (1 + number % 4)),
            award_date=datetime.date(2015 + number % 5, month, 1),
            award_date_precision=precision,
        )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "date"},
        {"sort": "-amount"},
        {"sort": "amount", "funder": "south"},
        {"sort": "title", "year_from": "2016", "year_to": "2018"},
        {"sort": "-title", "amount_min": "20000", "q": "award"},
        {"sort": "amount", "funder_not": "south"},
        {"sort": "-amount", "fy_from": "2015", "fy_to": "2017-18"},
        {"sort": "date", "fy_from": "2016", "year_to": "2019"},
        {"sort": "title", "region": ["east", "unknown"]},
        {"region_not": "wales", "recipient_not": "rec-east", "q": "award"},
        {"sort": "-date", "funder": ["north", "south"], "funder_not": "north"},
        # As a browser sends the explorer's form, every field, most of them empty.
        {"q": "", "funder": "", "recipient": "", "sort": "-date", "per_page": "25", "page": ""},
        {"funder_not": "", "region": "", "region_not": "", "fy_from": "", "fy_to": "2019"},
    ],
)
def test_the_list_holds_the_csv_downloads_awards_in_its_order(client, params):
    spread_of_awards()
    download = {key: value for key, value in params.items() if key != "per_page"}

    assert listed(client, {k: v for k, v in params.items() if k != "per_page"}) == csv_identifiers(
        client, download
    )
    assert len(csv_identifiers(client, download)) > 10


def test_an_award_in_360givings_terms(client, record):
    follow_on = AwardFactory(
        identifier="360G-MMIP-T-07",
        funder=record["A1"].funder,
        recipient=record["A1"].recipient,
        follow_on_of=record["A1"],
        routed_through=OrganisationFactory(slug="via", name="Via Agency", org_id="GB-GOR-VIA1"),
        planned_start=datetime.date(2022, 4, 1),
        planned_end=datetime.date(2024, 3, 31),
        source_url="https://example.org/source",
    )

    award = get_json(client, f"{AWARDS}360G-MMIP-T-01/")

    assert award == {
        "id": "360G-MMIP-T-01",
        "title": "Cell therapy scale-up",
        "description": "Money to grow medicines manufacturing.",
        "currency": "GBP",
        "amountAwarded": "100000.00",
        "awardDate": "2018-01-01",
        "awardDatePrecision": "year",
        "plannedDates": [],
        "fundingOrganization": [
            {
                "id": "360G-MMIP-ORG-fund-a",
                "slug": "fund-a",
                "name": "Innovate Widgets Agency",
                "url": "http://testserver/organisations/fund-a/",
                "apiUrl": "http://testserver/api/v1/organisations/fund-a/",
            }
        ],
        "recipientOrganization": [
            {
                "id": "360G-MMIP-ORG-rec-x",
                "slug": "rec-x",
                "name": "Northgate Biologics Ltd",
                "url": "http://testserver/organisations/rec-x/",
                "apiUrl": "http://testserver/api/v1/organisations/rec-x/",
            }
        ],
        "routedThrough": [],
        "grantProgramme": [
            {
                "slug": "prog-1",
                "name": "Widget Challenge",
                "url": "http://testserver/funding/programmes/prog-1/",
                "apiUrl": "http://testserver/api/v1/funding-programmes/prog-1/",
            }
        ],
        "classifications": [{"vocabulary": "MMIP workstreams", "code": "ws-1", "title": "Skills"}],
        "relatedActivity": [],
        "dataSource": None,
        "status": "closed",
        "url": "http://testserver/funding/360G-MMIP-T-01/",
        "apiUrl": "http://testserver/api/v1/awards/360G-MMIP-T-01/",
    }
    later = get_json(client, f"{AWARDS}{follow_on.identifier}/")
    assert later["relatedActivity"] == ["360G-MMIP-T-01"]
    assert later["plannedDates"] == [{"startDate": "2022-04-01", "endDate": "2024-03-31"}]
    assert later["routedThrough"][0]["id"] == "GB-GOR-VIA1"
    assert later["dataSource"] == "https://example.org/source"


def test_an_award_in_the_list_is_as_its_own_address_gives_it(client, record):
    for award in get_json(client, AWARDS)["results"]:
        assert get_json(client, award["apiUrl"]) == award


def test_drafts_are_never_listed_nor_named(client, record):
    draft_programme = FundingProgrammeFactory(slug="draft-fund", is_published=False)
    draft_workstream = WorkstreamFactory(slug="draft-ws", is_published=False)
    draft_body = OrganisationFactory(slug="draft-body", is_published=False)
    draft_award = AwardFactory(
        identifier="360G-MMIP-DRAFT", funder=record["A1"].funder, is_published=False
    )
    award = AwardFactory(
        identifier="360G-MMIP-T-08",
        funder=record["A1"].funder,
        programme=draft_programme,
        routed_through=draft_body,
        follow_on_of=draft_award,
    )
    award.workstreams.add(draft_workstream)
    AwardFactory(identifier="360G-MMIP-T-09", funder=draft_body)

    shown = get_json(client, f"{AWARDS}360G-MMIP-T-08/")
    listed_ids = [award["id"] for award in get_json(client, AWARDS, {"per_page": 100})["results"]]

    assert shown["grantProgramme"] == []
    assert shown["routedThrough"] == []
    assert shown["relatedActivity"] == []
    assert shown["classifications"] == []
    assert "360G-MMIP-T-06" not in listed_ids
    assert "360G-MMIP-DRAFT" not in listed_ids
    assert "360G-MMIP-T-09" not in listed_ids
    for identifier in ("360G-MMIP-T-06", "360G-MMIP-DRAFT", "360G-MMIP-T-09"):
        assert get_json(client, f"{AWARDS}{identifier}/", status=404) == {
            "errors": [{"message": f"There is no public award “{identifier}”."}]
        }


def test_the_summary_gives_the_hand_computed_figures(client, record):
    assert get_json(client, SUMMARY, {"funder": "fund-a"}) == {
        "count": 3,
        "total": "425000.00",
        "smallest": "75000.00",
        "largest": "250000.00",
        "median": "100000.00",
        "currency": "GBP",
        "byYear": [
            {"year": 2018, "count": 1, "total": "100000.00"},
            {"year": 2019, "count": 1, "total": "250000.00"},
            {"year": 2020, "count": 0, "total": "0.00"},
            {"year": 2021, "count": 0, "total": "0.00"},
            {"year": 2022, "count": 0, "total": "0.00"},
            {"year": 2023, "count": 1, "total": "75000.00"},
        ],
        "byFunder": [
            {
                "slug": "fund-a",
                "name": "Innovate Widgets Agency",
                "count": 3,
                "total": "425000.00",
                "apiUrl": "http://testserver/api/v1/organisations/fund-a/",
            }
        ],
    }


@pytest.mark.parametrize(
    ("params", "count", "total", "median", "years"),
    [
        ({"funder_not": "fund-a"}, 2, "2000000.00", "1000000.00", [2021]),
        # 2021-22 holds A3 (14 October 2021) but not A4, known only as "2021".
        ({"fy_from": "2021", "fy_to": "2021-22"}, 1, "1500000.00", "1500000.00", [2021]),
        ({"region": "unknown"}, 2, "750000.00", "375000.00", [2019, 2020, 2021]),
        ({"region_not": "unknown", "workstream_not": "ws-1"}, 1, "75000.00", "75000.00", [2023]),
    ],
)
def test_the_summary_takes_leaving_out_regions_and_financial_years(
    client, record, params, count, total, median, years
):
    summary = get_json(client, SUMMARY, params)
    assert (summary["count"], summary["total"], summary["median"]) == (count, total, median)
    assert [row["year"] for row in summary["byYear"]] == years


def test_the_summary_of_nothing_has_no_smallest_largest_or_median(client, record):
    assert get_json(client, SUMMARY, {"q": "nothing-matches-this"}) == {
        "count": 0,
        "total": "0.00",
        "smallest": None,
        "largest": None,
        "median": None,
        "currency": "GBP",
        "byYear": [],
        "byFunder": [],
    }


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"funder": "fund-b"},
        {"programme": "prog-1", "sort": "amount"},
        {"q": "cell"},
        {"funder_not": "fund-b", "region": "north-east", "fy_from": "2018"},
    ],
)
def test_the_summary_and_the_lists_count_are_the_explorers_figures(client, record, params):
    totals = explore(client, params).context["totals"]
    summary = get_json(client, SUMMARY, params)

    assert summary["count"] == totals.count == get_json(client, AWARDS, params)["count"]
    assert Decimal(summary["total"]) == totals.total
    assert summary["median"] == (None if totals.median is None else f"{totals.median:.2f}")


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


FILTERED = {
    "funder": "the-funder",
    "workstream": "the-workstream",
    "q": "award",
    "year_from": "2010",
    "year_to": "2030",
    "amount_min": "1",
    "status": "awarded",
    "sort": "-amount",
    "per_page": "10",
}


@pytest.mark.parametrize("size", [3, 30])
def test_the_awards_cost_the_same_queries_for_3_awards_as_for_30(client, settings, size):
    awards_for_counting(size)
    settings.RECORD_FIGURES_CACHE_SECONDS = 0
    # Every answer: 1 the record generation (its ETag) and 2 when it was first served (its
    # Last-Modified), then once made 3 whether a write is under way and 4 the generation
    # again (pagecache.made_at); throttling, off here, adds one (tests/test_api_caching.py).
    # The list adds 5 the summary (its count), 6 to 9 the totals by year, by funder, the
    # funders' names and by the recipients' region (figures the explorer keeps together), 10
    # the page of awards with their parties and the awards they follow on from, and 11 their
    # public workstreams, whether or not an award of the page follows on from another.
    assert count_queries(client, AWARDS) == 11
    # The filter adds 1 the funder's slug checked, 2 the workstream's, 3 the organisations
    # the search words name.
    assert count_queries(client, url_with(AWARDS, FILTERED)) == 14
    # The summary: the four of every answer, the filter's three and the figures' five.
    summary_filter = {key: value for key, value in FILTERED.items() if key != "per_page"}
    assert count_queries(client, url_with(SUMMARY, summary_filter)) == 12
    # Leaving out a funder adds its slug's check; regions and financial years add none.
    AwardFactory(funder=OrganisationFactory(slug="another-funder"))
    leaving_out = {
        **FILTERED,
        "funder_not": "another-funder",
        "region_not": "wales",
        "fy_to": "2030",
    }
    assert count_queries(client, url_with(AWARDS, leaving_out)) == 15


def test_a_page_holding_a_follow_on_costs_the_same_queries_as_one_without(client, settings):
    settings.RECORD_FIGURES_CACHE_SECONDS = 0
    AwardFactory.create_batch(3)
    without = count_queries(client, AWARDS)

    AwardFactory(follow_on_of=AwardFactory())

    assert count_queries(client, AWARDS) == without


@pytest.mark.parametrize("size", [3, 30])
def test_an_award_costs_the_same_queries_whatever_it_names(client, size):
    awards_for_counting(size)
    award = AwardFactory(follow_on_of=AwardFactory())
    award.workstreams.add(*[WorkstreamFactory() for _ in range(size)])
    # The four of every answer, 5 the award with its parties and the award it follows on
    # from, and 6 its public workstreams.
    assert count_queries(client, f"{AWARDS}{award.identifier}/") == 6
