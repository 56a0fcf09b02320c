"""Paging in the API: 10 to 100 records a page, 25 unless asked, the total on every page,
and next and previous links whose cursors find the page by its sort values, so a page deep
in the list costs what the first does."""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.paging import keys_of, make_cursor
from funding.filters import public_awards
from funding.models import Award
from tests.api import every_page, get_json, problems
from tests.factories import AwardFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

AWARDS = "/api/v1/awards/"


@pytest.fixture
def awards():
    """60 awards: dates and amounts repeat, so the identifier settles every tie."""
    funder = OrganisationFactory(slug="the-funder")
    return [
        AwardFactory(
            identifier=f"360G-MMIP-P-{number:02}",
            funder=funder,
            amount=Decimal(1000 * (1 + number % 7)),
            award_date=datetime.date(2010 + number % 4, 1, 1),
        )
        for number in range(60)
    ]


def cursor_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["cursor"][0]


def ids(page) -> list[str]:
    return [award["id"] for award in page["results"]]


def test_a_page_holds_25_unless_asked_and_every_page_gives_the_total(client, awards):
    first = get_json(client, AWARDS)

    assert len(first["results"]) == 25
    assert first["count"] == 60
    assert first["perPage"] == 25
    assert first["previous"] is None
    second = get_json(client, first["next"])
    assert second["count"] == 60
    assert len(second["results"]) == 25
    last = get_json(client, second["next"])
    assert len(last["results"]) == 10
    assert last["next"] is None
    assert last["count"] == 60


@pytest.mark.parametrize("size", ["10", "37", "100"])
def test_any_page_size_from_10_to_100(client, awards, size):
    page = get_json(client, AWARDS, {"per_page": size})

    assert len(page["results"]) == int(size) if int(size) <= 60 else 60
    assert page["perPage"] == int(size)


@pytest.mark.parametrize("sort", ["-date", "date", "-amount", "amount", "title", "-title"])
def test_next_links_walk_the_list_in_order_and_previous_links_walk_it_back(client, awards, sort):
    whole = ids(get_json(client, AWARDS, {"sort": sort, "per_page": "100"}))
    pages = [get_json(client, AWARDS, {"sort": sort, "per_page": "10"})]
    while pages[-1]["next"]:
        pages.append(get_json(client, pages[-1]["next"]))

    assert [identifier for page in pages for identifier in ids(page)] == whole
    assert len(pages) == 6
    # Back from the last page, each previous link gives the page before, as it was.
    page = pages[-1]
    for earlier in reversed(pages[:-1]):
        page = get_json(client, page["previous"])
        assert ids(page) == ids(earlier)
    assert page["previous"] is None


def test_a_next_link_keeps_the_filter_and_sort(client, awards):
    page = get_json(client, AWARDS, {"sort": "amount", "funder": "the-funder", "per_page": "10"})

    assert "sort=amount" in page["next"]
    assert "funder=the-funder" in page["next"]
    assert "per_page=10" in page["next"]


def test_previous_gives_the_page_before_as_the_list_now_stands(client, awards):
    first = get_json(client, AWARDS, {"per_page": "10"})
    second = get_json(client, first["next"])
    AwardFactory(identifier="360G-MMIP-P-NEWEST", award_date=datetime.date(2030, 1, 1))

    back = get_json(client, second["previous"])

    # The ten before the second page; a newer award came in above them, so there is more.
    assert ids(back) == ids(first)
    assert ids(get_json(client, back["previous"])) == ["360G-MMIP-P-NEWEST", *ids(first)[:9]]


def test_previous_back_at_the_start_is_the_first_page_in_full(client, awards):
    first = get_json(client, AWARDS, {"per_page": "10"})
    second = get_json(client, first["next"])
    Award.objects.filter(identifier=ids(first)[3]).update(is_published=False)

    back = get_json(client, second["previous"])

    # Nine are left before the second page: the first page is ten, as it now stands.
    assert back["previous"] is None
    assert ids(back) == [*ids(first)[:3], *ids(first)[4:], ids(second)[0]]


def test_an_empty_list_is_one_page_without_links(client, db):
    assert get_json(client, AWARDS) == {
        "count": 0,
        "perPage": 25,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_every_page_lists_each_award_once(client, awards):
    assert sorted(
        award["id"] for award in every_page(client, AWARDS, {"per_page": "10"})
    ) == sorted(award.identifier for award in awards)


@pytest.mark.parametrize("size", ["9", "101", "0", "-10", "ten", "25.0", "1" * 500, ""])
def test_a_page_size_out_of_range_is_a_400_naming_it(client, awards, size):
    if size == "":
        assert get_json(client, AWARDS, {"per_page": size})["perPage"] == 25
        return

    found = problems(client, AWARDS, {"per_page": size})

    assert list(found) == ["per_page"]
    assert "A page holds from 10 to 100 awards" in found["per_page"][0]


def test_a_cursor_that_was_changed_is_a_400(client, awards):
    cursor = cursor_of(get_json(client, AWARDS)["next"])
    changed = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")

    for bad in (changed, "nonsense", "x" * 10_000, cursor + "\x00"):
        found = problems(client, AWARDS, {"cursor": bad})
        assert list(found) == ["cursor"]
        assert "not made by this API or has been changed" in found["cursor"][0]


def test_a_cursor_of_another_sort_is_a_400(client, awards):
    page = get_json(client, AWARDS, {"sort": "amount"})
    cursor = cursor_of(page["next"])

    found = problems(client, AWARDS, {"sort": "-date", "cursor": cursor})

    assert "belongs to a list in another order" in found["cursor"][0]


def test_a_signed_cursor_with_values_of_the_wrong_kind_is_a_400(client, awards):
    keys = keys_of(public_awards())
    cursor = make_cursor("n", keys, ["not a date", "360G-MMIP-P-01"])

    assert list(problems(client, AWARDS, {"cursor": cursor})) == ["cursor"]


def page_sql(client, url) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    (sql,) = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "funding_award"."id"')
    ]
    return sql


def test_a_deep_page_is_found_by_its_sort_values_not_by_counting_rows(client, awards):
    url = AWARDS + "?per_page=10"
    for _ in range(5):
        url = get_json(client, url)["next"]

    sql = page_sql(client, url)

    assert "OFFSET" not in sql
    assert "LIMIT 11" in sql
    assert '"funding_award"."award_date" <' in sql
    # The first sort column's bound also on its own, where the date's index starts from it
    # (the alternatives of the later columns are only a filter): a deep page reads as few
    # rows as the first.
    assert '"funding_award"."award_date" <= ' in sql
