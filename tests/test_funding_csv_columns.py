"""The CSV's columns chosen by the visitor (/funding/awards.csv?columns=…): each key, the
columns always in the file's order, the rows in the explorer's order, the whole file
unchanged without a choice, a clear 400 for a key that is not a column, drafts never shown,
the same queries at any size, and the chooser's form on the explorer."""

import csv
import datetime
import functools
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding.csv_columns import COLUMNS, UNKNOWN_NAMED
from funding.exports import CSV_COLUMNS, awards_csv
from funding.filters import public_awards
from funding.models import Award, FundingProgramme
from tests.factories import OrganisationFactory
from tests.pages import count_queries, page
from tests.test_funding_downloads import (
    CSV_URL,
    FILTERED,
    FILTERS,
    awards_for_counting,
    body,
    get,
    page_identifiers,
)
from tests.test_funding_explorer import build_record
from tests.test_funding_exports import _peak_bytes, _streamed
from tests.test_html_validity import validate
from workstreams.models import Workstream

pytestmark = pytest.mark.django_db

KEYS = [column.key for column in COLUMNS]


@pytest.fixture
def record():
    """The explorer's hand-computed record, with what it leaves empty filled in on one award,
    so that every column has a value somewhere."""
    awards = build_record()
    Award.objects.filter(pk=awards["A3"].pk).update(
        routed_through=OrganisationFactory(slug="through", name="Routing Body", org_id="GB-GOR-R1"),
        planned_start=datetime.date(2021, 11, 1),
        planned_end=datetime.date(2023, 10, 31),
        follow_on_of=awards["A1"],
        source_url="https://example.org/vaccines",
    )
    return awards


def rows(client, params=None) -> list[list[str]]:
    text = body(get(client, CSV_URL, params))
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def whole_file(client, params=None) -> list[dict[str, str]]:
    """Every row of the file without a choice of columns, by column title."""
    header, *data = rows(client, params)
    assert header == CSV_COLUMNS
    return [dict(zip(header, row, strict=True)) for row in data]


def raw(client, params=None) -> bytes:
    response = get(client, CSV_URL, params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


# ---------- The keys ----------


def test_the_keys_name_every_column_of_the_csv_in_the_file_s_order():
    assert [column.title for column in COLUMNS] == CSV_COLUMNS
    assert len(set(KEYS)) == len(KEYS)
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", key) for key in KEYS)
    assert all(column.holds for column in COLUMNS)


@pytest.mark.parametrize("column", COLUMNS, ids=KEYS)
def test_each_key_gives_its_column_alone_with_the_whole_file_s_cells(client, record, column):
    expected = [award[column.title] for award in whole_file(client)]
    assert any(expected), "the record fills this column somewhere, so the check means something"

    header, *data = rows(client, {"columns": column.key})

    assert header == [column.title]
    assert data == [[cell] for cell in expected]


# ---------- Order rules ----------


def test_columns_ticked_in_reverse_order_still_come_in_the_file_s_order(client, record):
    full = whole_file(client)
    chosen = ["Identifier", "Title", "Amount Awarded", "Recipient Org:Name", "Data Source"]

    header, *data = rows(client, {"columns": ["data_source", "recipient_name", "amount", "title", "identifier"]})  # fmt: skip

    assert header == chosen
    assert data == [[award[title] for title in chosen] for award in full]


def test_every_key_in_reverse_order_gives_the_whole_file_byte_for_byte(client, record):
    assert raw(client, {"columns": list(reversed(KEYS))}) == raw(client)


@pytest.mark.parametrize("params", FILTERS)
def test_the_rows_keep_the_explorer_s_filter_and_order(client, record, params):
    expected = page_identifiers(client, params)
    header, *data = rows(client, {**params, "columns": ["amount", "identifier"]})
    assert header == ["Identifier", "Amount Awarded"]
    assert [row[0] for row in data] == expected


def test_a_choice_that_leaves_out_the_identifier_still_lists_the_rows_in_the_page_s_order(
    client, record
):
    params = {"funder": "fund-a", "sort": "-amount"}
    header, *data = rows(client, {**params, "columns": "amount"})
    assert header == ["Amount Awarded"]
    assert data == [["250000.00"], ["100000.00"], ["75000.00"]]


def test_keys_may_also_be_separated_by_commas(client, record):
    repeated = raw(client, {"columns": ["title", "identifier", "status"]})
    assert raw(client, {"columns": "status, title,identifier"}) == repeated
    assert raw(client, {"columns": ["status,title", "identifier"]}) == repeated


def test_a_column_named_twice_comes_once(client, record):
    header, *_ = rows(client, {"columns": ["title", "title", "title,title", "identifier"]})
    assert header == ["Identifier", "Title"]


# ---------- No choice: the whole file, as before ----------


@pytest.mark.parametrize(
    "columns",
    [[], [""], ["", ""], [" , ,"], ","],
    ids=["absent", "empty", "two-empty", "commas-and-spaces", "comma"],
)
def test_an_empty_choice_gives_the_whole_file_byte_for_byte(client, record, columns):
    expected = "".join(awards_csv(public_awards())).encode()
    assert raw(client, {"columns": columns} if columns else None) == expected


def test_the_filter_still_applies_and_its_bad_parts_are_still_named(client, record):
    response = get(client, CSV_URL, {"funder": "fund-b", "amount_min": "lots", "columns": "title"})
    assert response["X-Filter-Left-Out"] == "amount_min"
    assert body(response).splitlines()[1:] == ['"Vaccine fill-finish"', '"Apprenticeships in cell therapy"']  # fmt: skip


def test_a_single_column_writes_an_empty_cell_as_quotes_not_a_blank_line(client, record):
    """A blank line is skipped by readers (pandas does), which would lose the row."""
    text = body(get(client, CSV_URL, {"columns": "programme", "sort": "title"}))
    assert text.split("\r\n") == [
        "\ufeffGrant Programme:Title",
        '"Widget Challenge"',  # A4 Apprenticeships in cell therapy
        '"Widget Challenge"',  # A1 Cell therapy scale-up
        '""',
        '""',
        '""',
        "",
    ]


# ---------- Keys that are not columns ----------


def refused(client, params):
    response = get(client, CSV_URL, params)
    assert response.status_code == 400
    assert not response.streaming
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    return response, response.content.decode()


def test_an_unknown_key_is_refused_with_a_page_that_names_it_and_lists_the_keys(client, record):
    _, content = refused(client, {"funder": "fund-a", "columns": ["title", "amount_awarded"]})

    assert "<h1>Columns not in the CSV</h1>" in content
    assert "<li><code>amount_awarded</code></li>" in content
    for column in COLUMNS:
        assert f"<code>{column.key}</code>" in content
        assert column.title in content
    # Back to the explorer with the filter and the good choice kept, the chooser open; or
    # the whole file with the filter.
    assert 'href="/funding/?funder=fund-a&amp;columns=title#csv-columns"' in content
    assert 'href="/funding/awards.csv?funder=fund-a"' in content


def test_no_file_is_given_when_only_some_keys_are_unknown(client, record):
    refused(client, {"columns": ["identifier", "Title"]})  # keys are lower case
    refused(client, {"columns": "identifier,nope"})


def test_a_10000_character_key_is_named_back_shortened(client, record):
    response, content = refused(client, {"columns": "x" * 10_000})
    assert "x" * 39 + "…" in content
    assert "x" * 41 not in content
    assert len(response.content) < 30_000


def test_thousands_of_unknown_keys_are_counted_not_listed(client, record):
    _, content = refused(client, {"columns": [f"bad{number}" for number in range(900)]})
    assert content.count("<li><code>bad") == UNKNOWN_NAMED
    assert f"and {900 - UNKNOWN_NAMED} more" in content


def test_markup_in_an_unknown_key_is_shown_as_text(client, record):
    _, content = refused(client, {"columns": '<script>alert("x")</script>'})
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content


def test_the_refusal_is_never_stored_in_the_page_cache(client, record):
    refused(client, {"columns": "nope"})
    response, _ = refused(client, {"columns": "nope"})
    assert "X-Cache" not in response


def test_the_csv_still_refuses_a_post(client, record):
    assert client.post(CSV_URL + "?columns=title").status_code in {403, 405}


# ---------- Drafts ----------


@pytest.mark.parametrize("params", [{}, {"q": "secret"}, {"programme": "prog-1"}])
def test_drafts_are_never_in_a_csv_of_chosen_columns(client, record, params):
    for columns in (["identifier"], ["title", "amount"], KEYS):
        text = body(get(client, CSV_URL, {**params, "columns": columns}))
        assert "360G-MMIP-T-06" not in text
        assert "secret draft" not in text
        assert "9999999" not in text


# ---------- Queries ----------


@pytest.mark.parametrize("size", [3, 30])
def test_a_choice_of_columns_costs_the_same_queries_for_3_awards_as_for_30(client, size):
    awards_for_counting(size)
    for columns in (["identifier"], ["workstreams", "funder_name", "origin"], KEYS):
        # 1: every award's line of the chosen cells, written by PostgreSQL in one query.
        assert count_queries(client, CSV_URL, {"columns": columns}) == 1
        # Filtered: the funder's slug checked, the workstream's slug checked and the
        # organisations the search words name.
        assert count_queries(client, CSV_URL, {**FILTERED, "columns": columns}) == 1 + 3


def sql_of(client, params) -> str:
    with CaptureQueriesContext(connection) as queries:
        raw(client, params)
    (query,) = queries.captured_queries
    return query["sql"]


def test_fewer_columns_read_fewer_tables(client, record):
    programmes = f'"{FundingProgramme._meta.db_table}"'
    links = f'"{Award.workstreams.through._meta.db_table}"'
    workstreams = f'"{Workstream._meta.db_table}"'
    everything = sql_of(client, {})
    assert programmes in everything and links in everything and workstreams in everything
    few = sql_of(client, {"columns": ["identifier", "title", "amount"]})
    assert programmes not in few and links not in few and workstreams not in few
    assert len(few) < len(everything) / 4


def test_memory_stays_flat_with_chosen_columns():
    """As test_funding_exports' test of the whole file: 5,000 awards must not need much more
    memory than 500, streamed 250 rows a chunk."""
    call_command("generate_synthetic", awards=5000, seed=11, verbosity=0)
    everything = public_awards()
    first_500 = everything.filter(identifier__lte="360G-MMIP-SYN-0000500")
    export = functools.partial(awards_csv, columns=["Title", "Funding Org:Name", "Workstreams"])
    small = _peak_bytes(_streamed(export, first_500))
    large = _peak_bytes(_streamed(export, everything))
    assert large < 2 * small, (small, large)


# ---------- The chooser on the explorer ----------


def chooser_of(content: str) -> str:
    match = re.search(r'<details class="csv-columns" id="csv-columns"[^>]*>.*?</details>', content, re.S)  # fmt: skip
    assert match
    return match.group(0)


def test_the_explorer_offers_every_column_unticked_in_a_closed_chooser(client, record):
    chooser = chooser_of(page(client, "/funding/"))
    assert chooser.startswith('<details class="csv-columns" id="csv-columns">')
    assert '<form class="csv-columns__form" method="get" action="/funding/awards.csv">' in chooser
    assert "<legend" in chooser and "Columns of the CSV</legend>" in chooser
    assert re.findall(r'name="columns" value="([a-z_]+)"', chooser) == KEYS
    assert "checked" not in chooser
    assert 'type="hidden"' not in chooser


def test_the_chooser_carries_the_page_s_filter_and_sort_but_not_its_page(client, record):
    content = page(
        client,
        "/funding/",
        {
            "funder": ["fund-a", "fund-b"],
            "q": 'a "quoted" <word>',
            "sort": "amount",
            "page": "2",
            "per_page": "10",
            "status": "",
        },
    )
    hidden = re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)">', chooser_of(content)
    )
    assert hidden == [
        ("funder", "fund-a"),
        ("funder", "fund-b"),
        ("q", "a &quot;quoted&quot; &lt;word&gt;"),
        ("sort", "amount"),
    ]


def test_the_chooser_does_not_carry_what_the_filter_left_out(client, record):
    params = {"funder": "fund-a", "q": "x" * 10_000, "amount_min": "lots", "sort": "password"}
    content = page(client, "/funding/", params)
    hidden = re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)">', chooser_of(content)
    )
    assert hidden == [("funder", "fund-a")]
    # The same awards in the same order as the page, which left those parts out too.
    _, *data = rows(client, {**dict(hidden), "columns": "identifier"})
    assert [row[0] for row in data] == page_identifiers(client, params)


def test_coming_back_with_columns_in_the_address_opens_the_chooser_with_them_ticked(client, record):
    content = page(client, "/funding/", {"funder": "fund-a", "columns": ["title", "nope"]})
    chooser = chooser_of(content)
    assert chooser.startswith('<details class="csv-columns" id="csv-columns" open>')
    assert re.findall(r'value="([a-z_]+)" checked', chooser) == ["title"]
    # The ticks are the checkboxes: no hidden copy of the columns to send twice.
    assert 'type="hidden" name="columns"' not in chooser


def test_what_the_form_sends_gives_the_file_the_page_describes(client, record):
    """The form's fields, as a browser would send them with three boxes ticked."""
    content = page(client, "/funding/", {"funder": "fund-b", "sort": "-amount"})
    chooser = chooser_of(content)
    action = re.search(r'action="([^"]+)"', chooser).group(1)
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', chooser)
    query = [*fields, ("columns", "amount"), ("columns", "identifier")]
    header, *data = rows(client, {name: [v for n, v in query if n == name] for name, _ in query})
    assert action == CSV_URL
    assert header == ["Identifier", "Amount Awarded"]
    assert data == [["360G-MMIP-T-03", "1500000.00"], ["360G-MMIP-T-04", "500000.00"]]


# ---------- Documentation and the API ----------


def test_about_the_data_lists_every_key_in_the_file_s_order(client):
    content = page(client, "/about/data/")
    section = content[content.index('id="award-columns"') :]
    keys = re.findall(r'<th scope="row" role="rowheader"><code>([a-z_]+)</code></th>', section)
    assert keys[: len(KEYS)] == KEYS


def test_the_api_does_not_take_columns_and_says_so(client, record):
    response = client.get("/api/v1/awards/?columns=title")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["parameter"] == "columns"


def test_the_export_refuses_a_title_it_does_not_have():
    with pytest.raises(ValueError, match="Not columns of the CSV"):
        list(awards_csv(Award.objects.none(), columns=["Amount"]))


def test_a_link_from_the_explorer_carries_the_explorer_s_query(client, record):
    """The chooser's way back from a refusal keeps everything the address had."""
    _, content = refused(client, {"year_from": "2019", "sort": "title", "columns": ["nope", "status", "title"]})  # fmt: skip
    link = re.search(r'href="(/funding/\?[^"]+)"', content).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query) == {"year_from": ["2019"], "sort": ["title"], "columns": ["title", "status"]}  # fmt: skip


# ---------- Valid HTML ----------


def test_the_chooser_the_refusal_and_the_documentation_are_valid_html(client, record, tmp_path):
    documents = {
        "explorer": page(client, "/funding/", {"funder": "fund-a", "q": 'a "b" <c>'}),
        "explorer-ticked": page(client, "/funding/", {"columns": ["title", "amount"]}),
        "refused": refused(client, {"columns": ["title", "x" * 10_000]})[1],
        "about-data": page(client, "/about/data/"),
    }
    assert validate(documents, tmp_path) == {name: [] for name in documents}
