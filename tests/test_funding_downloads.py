"""The explorer's downloads at /funding/awards.csv, /funding/awards.json and
/funding/360giving.json: streamed, named for the day, never cached, and holding exactly the
awards the explorer lists for the same query string, in the same order."""

import csv
import io
import json
from urllib.parse import urlencode

import pytest
import time_machine

from funding.exports import CSV_COLUMNS
from tests.factories import (
    AwardFactory,
    FundingProgrammeFactory,
    OrganisationFactory,
    WorkstreamFactory,
)
from tests.pages import count_queries
from tests.test_funding_explorer import build_record
from tests.test_funding_exports import assert_valid_360giving

pytestmark = pytest.mark.django_db

CSV_URL = "/funding/awards.csv"
JSON_URL = "/funding/awards.json"
GIVING_URL = "/funding/360giving.json"


@pytest.fixture
def record():
    return build_record()


def get(client, url, params=None):
    return client.get(url + ("?" + urlencode(params, doseq=True) if params else ""))


def body(response) -> str:
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def csv_identifiers(client, params=None) -> list[str]:
    text = body(get(client, CSV_URL, params))
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == CSV_COLUMNS
    return [row[0] for row in rows[1:]]


def json_identifiers(client, params=None) -> list[str]:
    data = json.loads(body(get(client, JSON_URL, params)))
    assert data["count"] == len(data["awards"])
    return [award["identifier"] for award in data["awards"]]


def giving_identifiers(client, params=None) -> list[str]:
    package = json.loads(body(get(client, GIVING_URL, params)))
    assert_valid_360giving(package)
    return [grant["id"] for grant in package["grants"]]


def page_identifiers(client, params=None) -> list[str]:
    """Every award the explorer lists for the same filter, all on one page."""
    response = get(client, "/funding/", {**(params or {}), "per_page": "100"})
    assert response.status_code == 200
    return [award.identifier for award in response.context["awards"]]


# ---------- Headers ----------


@pytest.mark.parametrize(
    ("url", "content_type", "filename"),
    [
        (CSV_URL, "text/csv; charset=utf-8", "mmip-awards-2026-11-22.csv"),
        (JSON_URL, "application/json", "mmip-awards-2026-11-22.json"),
        (GIVING_URL, "application/json", "mmip-360giving-2026-11-22.json"),
    ],
)
def test_each_download_is_a_streamed_attachment_named_for_the_day(
    client, record, url, content_type, filename
):
    with time_machine.travel(
        "2026-11-22 23:30 +00:00", tick=False
    ):  # 23:30 UTC is 22 Nov in London
        response = client.get(url)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "X-Filter-Left-Out" not in response


@pytest.mark.public_cache
@pytest.mark.parametrize("url", [CSV_URL, JSON_URL, GIVING_URL])
def test_downloads_are_never_stored_in_the_page_cache(client, record, url):
    first = client.get(url)
    body(first)
    second = client.get(url)
    assert second.streaming
    assert "X-Cache" not in first and "X-Cache" not in second
    assert "ETag" not in second


# ---------- Contents: exactly the page's set ----------

FILTERS = [
    {},
    {"funder": "fund-a"},
    {"funder": ["fund-a", "fund-b"], "sort": "amount"},
    {"q": "cell therapy", "sort": "title"},
    {"year_from": "2019", "year_to": "2021", "sort": "-amount"},
    {"workstream": "ws-1", "status": ["active", "closed"]},
    {"programme": "prog-1", "sort": "date"},
    {"amount_min": "£100,000", "amount_max": "500000"},
    {"recipient": "rec-y", "page": "2", "per_page": "10"},
    {"funder_not": "fund-b", "sort": "amount"},
    {"region": "north-east", "programme_not": "prog-1"},
    {"region_not": "north-east", "fy_from": "2019-20", "sort": "-amount"},
    {"fy_from": "2020", "fy_to": "2021", "workstream_not": "ws-2"},
]


@pytest.mark.parametrize("params", FILTERS)
def test_every_download_holds_exactly_the_page_s_awards_in_the_page_s_order(client, record, params):
    expected = page_identifiers(client, params)
    assert expected  # each filter finds something, so the comparison means something
    assert csv_identifiers(client, params) == expected
    assert json_identifiers(client, params) == expected
    assert giving_identifiers(client, params) == expected


def test_the_downloads_hold_every_page_not_just_the_one_shown(client, record):
    params = {"sort": "amount", "per_page": "10", "page": "1"}
    assert len(csv_identifiers(client, params)) == 5


def test_the_hand_computed_answer_comes_through_each_download(client, record):
    params = {"funder": "fund-a", "sort": "-amount"}
    expected = ["360G-MMIP-T-02", "360G-MMIP-T-01", "360G-MMIP-T-05"]
    assert csv_identifiers(client, params) == expected
    assert json_identifiers(client, params) == expected
    assert giving_identifiers(client, params) == expected


def test_leaving_out_and_financial_years_come_through_each_download(client, record):
    # Every funder but fund-a, in 2020-21 to 2021-22: A3 (October 2021) and A4 ("2021",
    # which may be in either, both in the range); by amount, smallest first.
    params = {"funder_not": "fund-a", "fy_from": "2020-21", "fy_to": "2021", "sort": "amount"}
    expected = ["360G-MMIP-T-04", "360G-MMIP-T-03"]
    assert csv_identifiers(client, params) == expected
    assert json_identifiers(client, params) == expected
    assert giving_identifiers(client, params) == expected
    # A recipient whose region is not recorded stays when a region is left out.
    assert csv_identifiers(client, {"region_not": "north-east"}) == [
        "360G-MMIP-T-04",
        "360G-MMIP-T-02",
    ]


def test_drafts_are_never_exported_whatever_the_filter(client, record):
    for params in ({}, {"q": "secret"}, {"programme": "prog-1"}, {"funder": "fund-a"}):
        for url in (CSV_URL, JSON_URL):
            assert "360G-MMIP-T-06" not in body(get(client, url, params))
        if params.get("q") != "secret":
            assert "360G-MMIP-T-06" not in body(get(client, GIVING_URL, params))


def test_the_360giving_file_links_each_grant_to_its_page_on_this_site(client, record):
    package = json.loads(body(get(client, GIVING_URL, {"funder": "fund-b"})))
    assert [grant["url"] for grant in package["grants"]] == [
        "http://testserver/funding/360G-MMIP-T-03/",
        "http://testserver/funding/360G-MMIP-T-04/",
    ]
    assert package["publisher"]["website"] == "http://testserver"


def test_the_csv_row_is_the_award_as_published(client, record):
    text = body(get(client, CSV_URL, {"q": "vaccine"}))
    row = next(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert row["Identifier"] == "360G-MMIP-T-03"
    assert row["Amount Awarded"] == "1500000.00"
    assert row["Award Date"] == "2021-10-14"
    assert row["Funding Org:Name"] == "Research Council of Medicines"
    assert row["Recipient Org:Identifier"] == "360G-MMIP-ORG-rec-x"
    assert row["Workstreams"] == "ws-1; ws-2"


# ---------- Invalid filters: the page's behaviour ----------


@pytest.mark.parametrize(
    ("params", "left_out"),
    [
        ({"amount_min": "abc"}, "amount_min"),
        ({"funder": "no-such-funder", "q": "x" * 10_000}, "q, funder"),
        ({"year_from": "2022", "year_to": "2019"}, "year_from, year_to"),
        ({"sort": "password", "status": "bogus"}, "status, sort"),
        ({"programme": "'; DROP TABLE funding_award; --"}, "programme"),
        ({"fy_from": "2022", "fy_to": "2019"}, "fy_from, fy_to"),
        ({"region": "atlantis", "funder_not": "nobody"}, "region, funder_not"),
    ],
)
def test_an_invalid_part_is_left_out_as_on_the_page_and_named_in_a_header(
    client, record, params, left_out
):
    expected = page_identifiers(client, params)
    assert len(expected) == 5  # every published award, as on the page
    for url in (CSV_URL, JSON_URL, GIVING_URL):
        response = get(client, url, params)
        assert response.status_code == 200
        assert response["X-Filter-Left-Out"] == left_out
    assert csv_identifiers(client, params) == expected
    assert giving_identifiers(client, params) == expected


def test_the_valid_parts_of_a_half_bad_filter_still_apply_to_the_download(client, record):
    params = {"funder": "fund-a", "amount_min": "lots", "year_to": "2019"}
    assert csv_identifiers(client, params) == ["360G-MMIP-T-02", "360G-MMIP-T-01"]
    assert get(client, CSV_URL, params)["X-Filter-Left-Out"] == "amount_min"


def test_empty_values_from_the_form_are_not_counted_as_left_out(client, record):
    response = get(client, CSV_URL, {"funder": "", "status": "", "q": "", "recipient": "rec-x"})
    assert "X-Filter-Left-Out" not in response
    assert len(body(response).splitlines()) == 1 + 3


# ---------- An empty selection ----------


def test_an_empty_selection_gives_an_empty_csv_and_json_but_no_360giving_file(client, record):
    params = {"q": "unicorn", "funder": "fund-a"}
    assert csv_identifiers(client, params) == []
    assert json.loads(body(get(client, JSON_URL, params))) == {"count": 0, "awards": []}

    response = get(client, GIVING_URL, params)

    assert response.status_code == 404
    assert not response.streaming
    content = response.content.decode()
    assert "the 360Giving standard needs at least one grant in a file" in content
    assert 'href="/funding/?q=unicorn&amp;funder=fund-a"' in content


def test_the_downloads_refuse_a_post(client, record):
    for url in (CSV_URL, JSON_URL, GIVING_URL):
        assert client.post(url).status_code in {403, 405}


# ---------- Queries ----------


def awards_for_counting(size: int):
    funder = OrganisationFactory(slug="the-funder")
    workstream = WorkstreamFactory(slug="the-workstream")
    programme = FundingProgrammeFactory(funder=funder)
    for _ in range(size):
        award = AwardFactory(
            funder=funder, routed_through=OrganisationFactory(), programme=programme
        )
        award.workstreams.add(workstream)


FILTERED = {"funder": "the-funder", "workstream": "the-workstream", "q": "award", "sort": "amount"}


@pytest.mark.parametrize("size", [3, 30])
def test_each_download_costs_the_same_queries_for_3_awards_as_for_30(client, size):
    awards_for_counting(size)
    # CSV: 1 every award's whole line, written by PostgreSQL in one query.
    assert count_queries(client, CSV_URL, {}) == 1
    # JSON: 1 the count, 2 the awards.
    assert count_queries(client, JSON_URL, {}) == 2
    # 360Giving: 1 whether there is any award (a package must hold one), 2 the grants.
    assert count_queries(client, GIVING_URL, {}) == 2
    # Filtered, each adds: the funder's slug checked, the workstream's slug checked and the
    # organisations the search words name.
    assert count_queries(client, CSV_URL, FILTERED) == 1 + 3
    assert count_queries(client, JSON_URL, FILTERED) == 2 + 3
    assert count_queries(client, GIVING_URL, FILTERED) == 2 + 3
