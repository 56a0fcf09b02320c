"""The funding explorer at /funding/: filters, totals, charts, sorting and pages through the
page itself, against answers worked out by hand; nonsense in the address gives a message,
never a 500; the downloads carry the filter; the query count does not grow with the awards."""

import datetime
import re
from decimal import Decimal
from glob import glob
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import Award
from tests.bad_input import EXPLORER_BAD_INPUT, LITERAL_TEXT
from tests.factories import (
    AwardFactory,
    FundingProgrammeFactory,
    OrganisationFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db

EXPLORER = "/funding/"


def build_record() -> dict:
    """Five published awards and a draft, small enough to work out every answer by hand.
    rec-x is in the North East; rec-y's region is not recorded.

    | award | funder | recipient | amount    | awarded     | financial year     | status    | programme | workstreams |
    | A1    | fund-a | rec-x     |   100,000 | 2018        | 2017-18 or 2018-19 | closed    | prog-1    | ws-1        |
    | A2    | fund-a | rec-y     |   250,000 | July 2019   | 2019-20            | closed    |           | ws-2        |
    | A3    | fund-b | rec-x     | 1,500,000 | 14 Oct 2021 | 2021-22            | active    |           | ws-1, ws-2  |
    | A4    | fund-b | rec-y     |   500,000 | 2021        | 2020-21 or 2021-22 | awarded   | prog-1    |             |
    | A5    | fund-a | rec-x     |    75,000 | March 2023  | 2022-23            | withdrawn |           |             |
    """
    fund_a = OrganisationFactory(slug="fund-a", name="Innovate Widgets Agency", short_name="IWA")
    fund_b = OrganisationFactory(slug="fund-b", name="Research Council of Medicines")
    rec_x = OrganisationFactory(
        slug="rec-x", name="Northgate Biologics Ltd", nation_region="north-east"
    )
    rec_y = OrganisationFactory(slug="rec-y", name="University of Easton")
    prog = FundingProgrammeFactory(slug="prog-1", name="Widget Challenge", funder=fund_a)
    ws1 = WorkstreamFactory(slug="ws-1", name="Skills")
    ws2 = WorkstreamFactory(slug="ws-2", name="Technology")

    def award(number, title, funder, recipient, amount, date, precision, status, **extra):
        return AwardFactory(
            identifier=f"360G-MMIP-T-0{number}",
            title=title,
            funder=funder,
            recipient=recipient,
            amount=Decimal(amount),
            award_date=date,
            award_date_precision=precision,
            status=status,
            **extra,
        )

    a1 = award(1, "Cell therapy scale-up", fund_a, rec_x, "100000",
               datetime.date(2018, 1, 1), "year", "closed", programme=prog)  # fmt: skip
    a2 = award(2, "Tablet compression twin", fund_a, rec_y, "250000",
               datetime.date(2019, 7, 1), "month", "closed")  # fmt: skip
    a3 = award(3, "Vaccine fill-finish", fund_b, rec_x, "1500000",
               datetime.date(2021, 10, 14), "day", "active")  # fmt: skip
    a4 = award(4, "Apprenticeships in cell therapy", fund_b, rec_y, "500000",
               datetime.date(2021, 1, 1), "year", "awarded", programme=prog)  # fmt: skip
    a5 = award(5, "Withdrawn study", fund_a, rec_x, "75000",
               datetime.date(2023, 3, 1), "month", "withdrawn")  # fmt: skip
    a1.workstreams.set([ws1])
    a2.workstreams.set([ws2])
    a3.workstreams.set([ws1, ws2])
    AwardFactory(
        identifier="360G-MMIP-T-06",
        title="Cell therapy secret draft",
        funder=fund_a,
        recipient=rec_x,
        amount=Decimal("9999999"),
        programme=prog,
        is_published=False,
    )
    return {"A1": a1, "A2": a2, "A3": a3, "A4": a4, "A5": a5}


@pytest.fixture
def record():
    return build_record()


def explore(client, params=None, path=EXPLORER):
    """The explorer's response; params is a dict whose list values repeat the parameter."""
    response = client.get(path + ("?" + urlencode(params, doseq=True) if params else ""))
    assert response.status_code == 200
    return response


def listed(response) -> list[str]:
    """The short names (A1...) of the awards on the page, in order."""
    return ["A" + award.identifier[-1] for award in response.context["awards"]]


def messages(response) -> list[str]:
    return [*response.context["filter"].messages, *response.context["page_problems"]]


def figure(response, label: str) -> str:
    match = re.search(
        rf'<dt class="figure__label">{label}</dt><dd class="figure__value">([^<]*)</dd>',
        response.content.decode(),
    )
    return match and match.group(1)


# ---------- Filters ----------


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
        ({"funder_not": "fund-a"}, ["A3", "A4"]),
        ({"programme_not": "prog-1", "workstream_not": "ws-2"}, ["A5"]),
        ({"region": "north-east", "recipient_not": "rec-y"}, ["A5", "A3", "A1"]),
        ({"region_not": "north-east"}, ["A4", "A2"]),
        ({"fy_from": "2020-21", "fy_to": "2021-22"}, ["A3", "A4"]),
        ({"fy_from": "2021", "fy_to": "2021"}, ["A3"]),
        ({"fy_to": "2020", "sort": "amount"}, ["A1", "A2"]),
    ],
)
def test_the_page_lists_the_hand_computed_awards(client, record, params, expected):
    response = explore(client, params)
    assert listed(response) == expected
    assert messages(response) == []


def test_the_form_as_a_browser_sends_it_with_empty_fields_filters_cleanly(client, record):
    # Without JavaScript every field is sent, the "any" choices as empty values.
    sent = {
        "q": "", "funder": "", "recipient": "rec-y", "programme": "", "workstream": "",
        "region": "", "year_from": "", "year_to": "", "fy_from": "", "fy_to": "",
        "amount_min": "", "amount_max": "600000", "funder_not": "", "recipient_not": "",
        "programme_not": "", "workstream_not": "", "region_not": "", "sort": "-amount",
        "per_page": "25",
    }  # fmt: skip
    response = explore(client, sent)
    assert listed(response) == ["A4", "A2"]
    assert messages(response) == []
    assert response.context["is_filtered"]
    assert (
        '<option value="rec-y" selected>University of Easton (2)</option>'
        in response.content.decode()
    )


def test_draft_awards_are_never_listed_counted_or_charted(client, record):
    content = explore(client, {"q": "cell"}).content.decode()
    assert "secret draft" not in content
    assert "9,999,999" not in content
    assert "£10 million" not in content
    assert listed(explore(client, {"q": "secret"})) == []


# ---------- Totals and charts ----------


@pytest.mark.parametrize(
    ("params", "count", "total", "smallest", "largest", "median"),
    [
        ({}, "5", "£2,425,000", "£75,000", "£1,500,000", "£250,000"),
        ({"funder": "fund-a"}, "3", "£425,000", "£75,000", "£250,000", "£100,000"),
        # An even number of awards: the median is halfway between the middle two.
        ({"funder": "fund-b"}, "2", "£2,000,000", "£500,000", "£1,500,000", "£1,000,000"),
        ({"programme": "prog-1"}, "2", "£600,000", "£100,000", "£500,000", "£300,000"),
    ],
)
def test_totals_of_the_filtered_set_sit_above_the_table(
    client, record, params, count, total, smallest, largest, median
):
    response = explore(client, {**params, "per_page": "10"})
    assert figure(response, "Awards") == count
    assert figure(response, "Total") == total
    assert figure(response, "Smallest") == smallest
    assert figure(response, "Largest") == largest
    assert figure(response, "Median") == median
    content = response.content.decode()
    assert content.index('class="figures explorer-figures"') < content.index("<table")


def test_totals_are_of_every_page_not_just_the_one_shown(client, record):
    response = explore(client, {"per_page": "10", "sort": "amount"})
    assert figure(response, "Total") == "£2,425,000"
    assert len(listed(response)) == 5


def test_the_year_chart_has_a_column_for_every_year_with_short_amounts(client, record):
    content = explore(client).content.decode()
    chart = content[content.index('id="by-year-caption"') : content.index('id="by-funder-caption"')]
    rows = re.findall(r'<th scope="row">(\d{4})</th><td class="numeric">([^<]*)</td>', chart)
    assert rows == [
        ("2018", "£100,000"),
        ("2019", "£250,000"),
        ("2020", "£0"),
        ("2021", "£2 million"),
        ("2022", "£0"),
        ("2023", "£75,000"),
    ]
    assert chart.count('<g class="chart__bar">') == 6
    assert 'class="chart__svg chart__svg--columns"' in chart


def test_the_funder_chart_has_a_bar_for_each_funder_largest_first(client, record):
    content = explore(client, {"status": ["active", "closed"]}).content.decode()
    chart = content[
        content.index('id="by-funder-caption"') : content.index('id="by-region-caption"')
    ]
    rows = re.findall(r'<th scope="row">([^<]*)</th><td class="numeric">([^<]*)</td>', chart)
    assert rows == [
        ("Research Council of Medicines", "£1,500,000"),
        ("Innovate Widgets Agency", "£350,000"),
    ]


def test_past_ten_funders_the_rest_share_one_bar_so_the_bars_still_add_up(client):
    for number in range(12):
        AwardFactory(
            funder=OrganisationFactory(name=f"Funder {number:02d}"),
            amount=Decimal(1000 * (number + 1)),
        )
    content = explore(client).content.decode()
    chart = content[
        content.index('id="by-funder-caption"') : content.index('id="by-region-caption"')
    ]
    rows = re.findall(r'<th scope="row">([^<]*)</th><td class="numeric">([^<]*)</td>', chart)
    assert len(rows) == 11
    assert rows[0] == ("Funder 11", "£12,000")
    assert rows[-1] == ("2 other funders", "£3,000")  # £2,000 + £1,000


def test_many_years_make_a_dense_chart_that_names_fewer_of_them(client):
    for year in range(2005, 2026):
        AwardFactory(award_date=datetime.date(year, 1, 1))
    content = explore(client).content.decode()
    assert 'class="explorer-chart explorer-chart--dense"' in content
    # 21 years, and each award's own funder: the largest ten and one bar for the other 11.
    assert content.count('<g class="chart__bar">') == 21 + 11


# ---------- Sorting ----------


@pytest.mark.parametrize(
    ("sort", "expected", "column", "direction"),
    [
        ("date", ["A1", "A2", "A4", "A3", "A5"], "Awarded", "ascending"),
        ("-date", ["A5", "A3", "A4", "A2", "A1"], "Awarded", "descending"),
        ("amount", ["A5", "A1", "A2", "A4", "A3"], "Amount", "ascending"),
        ("-amount", ["A3", "A4", "A2", "A1", "A5"], "Amount", "descending"),
        ("title", ["A4", "A1", "A2", "A3", "A5"], "Award", "ascending"),
        ("-title", ["A5", "A3", "A2", "A1", "A4"], "Award", "descending"),
    ],
)
def test_sorting_both_ways_marks_the_sorted_column(
    client, record, sort, expected, column, direction
):
    response = explore(client, {"sort": sort})
    assert listed(response) == expected
    sorted_headings = re.findall(
        r'<th [^>]*aria-sort="(\w+)"><a [^>]*>(\w+)<', response.content.decode()
    )
    assert sorted_headings == [(direction, column)]


def test_a_column_heading_sorts_by_it_and_a_second_click_reverses_it(client, record):
    first = explore(client, {"funder": "fund-a", "page": "1"}).content.decode()
    assert '<a href="?funder=fund-a&amp;sort=-amount">Amount' in first
    again = explore(client, {"funder": "fund-a", "sort": "-amount"}).content.decode()
    assert '<a href="?funder=fund-a&amp;sort=amount">Amount' in again


def test_the_default_order_is_newest_first(client, record):
    response = explore(client)
    assert listed(response) == ["A5", "A3", "A4", "A2", "A1"]
    # Nothing chosen, so the browser shows the first choice, which is this order.
    sort_select = response.content.decode().split('id="id_sort">')[1].split("</select>")[0]
    assert sort_select.strip().startswith('<option value="-date">Newest first</option>')
    assert "selected" not in sort_select


# ---------- Pages ----------


@pytest.fixture
def many():
    """23 awards, one a day from 1 January 2020, so newest first is the reverse of creation."""
    return [
        AwardFactory(
            identifier=f"360G-MMIP-P-{number:02d}",
            award_date=datetime.date(2020, 1, number),
            award_date_precision="day",
        )
        for number in range(1, 24)
    ]


def identifiers(response) -> list[str]:
    return [award.identifier[-2:] for award in response.context["awards"]]


def test_pages_of_ten_split_23_awards_10_10_3(client, many):
    first = explore(client, {"per_page": "10"})
    assert identifiers(first) == [f"{n:02d}" for n in range(23, 13, -1)]
    last = explore(client, {"per_page": "10", "page": "3"})
    assert identifiers(last) == ["03", "02", "01"]
    assert "23 awards, showing 21 to 23" in " ".join(last.content.decode().split())
    assert messages(last) == []


def test_the_default_page_holds_25_and_100_shows_everything(client, many):
    assert len(explore(client).context["awards"]) == 23
    assert explore(client).context["per_page"] == 25
    assert len(explore(client, {"per_page": "100"}).context["awards"]) == 23


def test_page_links_keep_the_filter_and_the_page_size(client, many):
    content = explore(client, {"q": "award", "per_page": "10", "page": "2"}).content.decode()
    assert 'href="?q=award&amp;per_page=10&amp;page=1" rel="prev"' in content
    assert 'href="?q=award&amp;per_page=10&amp;page=3" rel="next"' in content
    assert "Page 2 of 3" in content


@pytest.mark.parametrize(
    ("page", "shown_page", "message"),
    [
        ("0", 1, "Pages are numbered from 1"),
        ("-3", 1, "Pages are numbered from 1"),
        ("4", 3, "There are only 3 pages of these awards, so this is the last."),
        ("99999", 3, "There are only 3 pages"),
        ("two", 1, "“two” is not a page number"),
        ("2.5", 1, "not a page number"),
        ("9" * 5000, 1, "not a page number"),
    ],
)
def test_a_page_that_is_not_there_gives_the_nearest_with_a_message(
    client, many, page, shown_page, message
):
    response = explore(client, {"per_page": "10", "page": page})
    assert response.context["page_obj"].number == shown_page
    assert any(message in text for text in messages(response)), messages(response)
    assert all(len(text) < 200 for text in messages(response))


@pytest.mark.parametrize("per_page", ["1000", "0", "7", "all", "-10", "1e3", "9" * 5000])
def test_a_page_size_not_offered_falls_back_to_25_with_a_message(client, many, per_page):
    response = explore(client, {"per_page": per_page})
    assert response.context["per_page"] == 25
    assert len(response.context["awards"]) == 23
    assert any("A page can show 10, 25, 50 or 100 awards" in text for text in messages(response))


def test_one_page_beyond_an_empty_list_is_still_a_kind_empty_page(client, record):
    response = explore(client, {"q": "nothing-like-this", "page": "5"})
    assert listed(response) == []
    assert "No awards match the filter" in response.content.decode()


# ---------- Nonsense in the address ----------


@pytest.mark.parametrize(("params", "message"), EXPLORER_BAD_INPUT)
def test_nonsense_gives_200_a_message_on_the_page_and_every_award(client, record, params, message):
    response = explore(client, params)
    assert listed(response) == ["A5", "A3", "A4", "A2", "A1"]
    assert any(message in text for text in messages(response)), messages(response)
    content = response.content.decode()
    assert "Part of the filter was left out" in content
    # The message is on the page, not just in the context; a visitor's value comes back short.
    assert len(content) < 100_000


def test_a_field_with_an_error_points_at_its_message(client, record):
    content = explore(client, {"amount_min": "abc"}).content.decode()
    assert 'aria-invalid="true" aria-describedby="id_amount_min_error"' in content
    assert '<li id="id_amount_min_error">Enter the smallest amount' in content


def test_the_valid_parts_of_a_half_bad_filter_still_apply(client, record):
    response = explore(client, {"funder": "fund-a", "amount_min": "lots", "year_to": "2019"})
    assert listed(response) == ["A2", "A1"]
    assert len(messages(response)) == 1


@pytest.mark.parametrize("text", LITERAL_TEXT)
def test_quotes_and_sql_looking_text_are_searched_for_literally(client, record, text):
    response = explore(client, {"q": text})
    assert listed(response) == []
    assert messages(response) == []
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Award.objects.count() == 6


def test_a_post_is_refused(client, record):
    assert client.post(EXPLORER, {"q": "cell"}).status_code in {403, 405}


# ---------- An empty result ----------


def test_an_empty_result_says_so_kindly_and_explains_the_missing_360giving_file(client, record):
    response = explore(client, {"q": "unicorn", "funder": "fund-a"})
    content = response.content.decode()
    assert "No awards match the filter" in content
    assert "Nothing in the record fits every part of this filter" in content
    assert f'<a href="{EXPLORER}">Show every award</a>' in content
    assert "<table" not in content
    assert 'id="by-year-caption"' not in content
    # CSV and JSON of an empty list are still files; a 360Giving file must hold a grant.
    assert 'href="/funding/awards.csv?q=unicorn&amp;funder=fund-a"' in content
    assert 'href="/funding/awards.json?q=unicorn&amp;funder=fund-a"' in content
    assert "/funding/360giving.json" not in content
    assert "the 360Giving standard needs at least one grant in a file" in content


def test_with_nothing_published_the_page_says_awards_appear_when_published(client):
    content = explore(client).content.decode()
    assert "No awards have been published yet" in content
    assert "Awards appear here as soon as programme staff publish them." in content


# ---------- Downloads from the page ----------


def test_every_page_links_its_three_downloads_with_the_same_filter_and_sort(client, many):
    params = {"q": "award", "year_from": "2020", "sort": "amount", "per_page": "10", "page": "2"}
    content = explore(client, params).content.decode()
    # The page and page size are left off: a download holds every page.
    query = "?q=award&amp;year_from=2020&amp;sort=amount"
    for name in ("award-download-csv", "award-download-json", "award-download-360giving"):
        assert f'href="{reverse(name)}{query}"' in content


def test_download_and_sort_links_carry_repeated_parameters_and_not_what_was_left_out(
    client, record
):
    """What the page left out (and said so) is not carried on: 10,000 letters of search are
    not repeated in every link."""
    content = explore(
        client,
        {"funder": ["fund-a", "fund-b"], "amount_min": "abc", "recipient": "", "q": "a" * 10_000},
    ).content.decode()
    assert 'href="/funding/awards.csv?funder=fund-a&amp;funder=fund-b"' in content
    assert 'href="?funder=fund-a&amp;funder=fund-b&amp;sort=-amount"' in content
    assert "amount_min=abc" not in content
    assert content.count("a" * 10_000) == 1  # in the search box, as typed


def test_without_a_filter_the_downloads_are_the_plain_addresses(client, record):
    content = explore(client).content.decode()
    assert 'href="/funding/awards.csv"' in content
    assert 'href="/funding/360giving.json"' in content


# ---------- The form ----------


def test_several_choices_from_a_link_stay_chosen_in_a_list_box(client, record):
    content = explore(client, {"funder": ["fund-a", "fund-b"]}).content.decode()
    assert '<select name="funder" id="id_funder" multiple>' in content
    assert '<option value="fund-a" selected>' in content
    assert '<option value="fund-b" selected>' in content
    assert '<select name="recipient" id="id_recipient">' in content


def test_drop_downs_offer_only_published_choices_that_find_awards(client, record):
    OrganisationFactory(slug="draft-funder", is_published=False)
    FundingProgrammeFactory(slug="draft-programme", is_published=False)
    content = explore(client).content.decode()
    assert '<option value="">Any funder</option>' in content
    assert '<option value="fund-a">Innovate Widgets Agency (3)</option>' in content
    assert "draft-funder" not in content
    assert "draft-programme" not in content
    assert '<option value="rec-x">' in content
    assert (
        '<option value="fund-a">' not in content.split('id="id_recipient"')[1].split("</select>")[0]
    )


def test_a_list_too_long_to_offer_keeps_the_chosen_value_and_points_elsewhere(
    client, record, monkeypatch
):
    monkeypatch.setattr("funding.explorer_form.CHOICES_LISTED", 1)
    response = explore(client, {"recipient": "rec-y"})
    content = response.content.decode()
    recipient_select = content.split('id="id_recipient"')[1].split("</select>")[0]
    assert '<option value="rec-y" selected>University of Easton (2)</option>' in recipient_select
    assert "rec-x" not in recipient_select
    assert "There are too many recipients to list here" in content
    assert f'href="{reverse("recipient-list")}"' in content
    assert listed(response) == ["A4", "A2"]

    unchosen = explore(client).content.decode()
    recipient_select = unchosen.split('id="id_recipient"')[1].split("</select>")[0]
    assert recipient_select.count("<option") == 1  # "Any recipient" alone
    assert "There are too many recipients to list here" in unchosen
    assert "There are too many programmes" not in unchosen  # one programme: listed


# ---------- Demo record ----------


def test_the_demo_record_shows_three_awards_totalling_6_7_million(client):
    call_command("loaddata", *sorted(glob("fixtures/*.json")), verbosity=0)
    response = explore(client)
    assert len(response.context["awards"]) == 3
    assert figure(response, "Awards") == "3"
    assert figure(response, "Total") == "£6,700,000"
    content = response.content.decode()
    assert "Workforce skills in advanced therapy and vaccine manufacturing" in content
    assert "£4.7 million" in content  # the 2020 column of the year chart


# ---------- Queries ----------


def awards_for_counting(size: int):
    funder = OrganisationFactory(slug="the-funder")
    workstream = WorkstreamFactory(slug="the-workstream")
    through = OrganisationFactory()
    programme = FundingProgrammeFactory(funder=funder)
    for number in range(size):
        award = AwardFactory(
            funder=funder,
            routed_through=through,
            programme=programme,
            award_date=datetime.date(2010 + number % 12, 1, 1),
        )
        award.workstreams.add(workstream)


def count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        explore(client, params)
    return len(queries.captured_queries)


@pytest.mark.parametrize("size", [3, 30])
def test_the_unfiltered_explorer_costs_the_same_queries_for_3_awards_as_for_30(
    client, settings, size
):
    awards_for_counting(size)
    # Figures computed afresh: 1 the summary (count, total, smallest, largest, median), 2 the
    # totals by year, 3 by funder and 4 the funders' names, 5 by the recipients' nation or
    # region (the map), 6 the page of awards with funder, recipient, routed-through body and
    # programme joined, 7 to 10 the funder, recipient, programme and workstream drop-downs,
    # 11 the counts beside the funders, recipients, programmes, regions and statuses together
    # and 12 those beside the workstreams.
    settings.RECORD_FIGURES_CACHE_SECONDS = 0
    assert count_queries(client, {}) == 12
    # Figures, drop-downs and counts remembered from an earlier request: for each, the record
    # generation and the cache entry stand in for its queries (1-2 the figures, the map's
    # among them, 3 the page, 4-5 the four drop-downs, 6-7 the counts).
    settings.RECORD_FIGURES_CACHE_SECONDS = 60
    explore(client, {})
    assert count_queries(client, {}) == 7


@pytest.mark.parametrize("size", [3, 30])
def test_the_filtered_explorer_costs_the_same_queries_for_3_awards_as_for_30(
    client, settings, size
):
    awards_for_counting(size)
    params = {
        "funder": "the-funder",
        "workstream": "the-workstream",
        "q": "award",
        "year_from": "2010",
        "year_to": "2030",
        "amount_min": "1",
        "status": "awarded",
        "sort": "-amount",
        "per_page": "10",
        "page": "2",
    }
    # 1 the funder's slug checked, 2 the workstream's slug checked, 3 the organisations the
    # search words name, 4 the summary, 5 totals by year, 6 by funder, 7 the funders' names,
    # 8 by the recipients' nation or region, 9 the page of awards, 10 to 13 the four
    # drop-downs; the counts, each of the filter less the facet counted: 14 the funders', 15
    # the recipients', programmes' and regions' together (less nothing), 16 the statuses' and
    # 17 the workstreams'.
    settings.RECORD_FIGURES_CACHE_SECONDS = 0
    assert count_queries(client, params) == 17
    # Leaving out checks its slugs too (18 and 19), and counts nothing more for a facet the
    # filter chooses from already, as its counts leave out its own part, chosen or left out.
    # A region left out is one more set of counts (20): those of the filter less the region.
    AwardFactory(funder=OrganisationFactory(slug="another-funder"))
    WorkstreamFactory(slug="another-workstream")
    leaving_out = {
        **params,
        "funder_not": "another-funder",
        "workstream_not": "another-workstream",
        "region_not": "london",
    }
    assert count_queries(client, leaving_out) == 20
    settings.RECORD_FIGURES_CACHE_SECONDS = 60
    explore(client, params)
    assert count_queries(client, params) == 10


def test_the_drop_downs_follow_the_record(client, settings):
    """The drop-downs are remembered until the record changes, never past it."""
    settings.RECORD_FIGURES_CACHE_SECONDS = 60
    AwardFactory(funder=OrganisationFactory(name="First Funder"))
    assert "First Funder" in explore(client).content.decode()
    AwardFactory(funder=OrganisationFactory(name="Second Funder"))
    assert "Second Funder" in explore(client).content.decode()
    # Choosing a funder is remembered apart from choosing none.
    chosen = explore(client, {"funder": "no-such-funder"}).content.decode()
    assert "Second Funder" in chosen
