"""/funding/360giving.xlsx: the 360Giving package as a workbook in 360Giving's spreadsheet
layout, made with flattentool. It opens in a spreadsheet, carries the standard's column
titles, reads back through flattentool to the very package /funding/360giving.json gives,
holds exactly the explorer's awards for the same query string, and streams with flat memory."""

import collections
import io
import json
import tracemalloc
from pathlib import Path
from urllib.parse import urlencode

import flattentool
import openpyxl
import pytest
import time_machine
from django.core.management import call_command

from funding.exports import awards_xlsx, giving_package
from funding.exports import xlsx as xlsx_export
from funding.filters import public_awards
from imports.spreadsheets import convert
from mmip.standards import GRANT_SCHEMA, PACKAGE_SCHEMA
from tests.factories import AwardFactory, OrganisationFactory
from tests.pages import count_queries
from tests.test_funding_360giving import full_award
from tests.test_funding_downloads import FILTERED, awards_for_counting, page_identifiers
from tests.test_funding_explorer import build_record
from tests.test_funding_exports import assert_valid_360giving

pytestmark = pytest.mark.django_db

URL = "/funding/360giving.xlsx"
JSON_URL = "/funding/360giving.json"


@pytest.fixture
def record():
    return build_record()


def download(client, params=None) -> bytes:
    response = client.get(URL + ("?" + urlencode(params, doseq=True) if params else ""))
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content)


def workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def rows(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def identifiers(client, params=None) -> list[str]:
    return [row["Identifier"] for row in rows(workbook(download(client, params))["grants"])]


def unflattened(content: bytes, tmp_path: Path) -> dict:
    """The workbook read back by flattentool, as 360Giving's tools read a spreadsheet: the
    grants by the standard's schema, the package's own fields from the Meta sheet."""
    path, out = tmp_path / "grants.xlsx", tmp_path / "grants.json"
    path.write_bytes(content)
    meta_schema = json.loads(PACKAGE_SCHEMA.read_text())
    meta_schema["properties"].pop("grants")
    (tmp_path / "meta.json").write_text(json.dumps({**meta_schema, "required": []}))
    flattentool.unflatten(
        str(path),
        input_format="xlsx",
        output_name=str(out),
        root_list_path="grants",
        id_name="id",
        root_id="",
        schema=str(GRANT_SCHEMA),
        convert_titles=True,
        metatab_name="Meta",
        metatab_vertical_orientation=True,
        metatab_schema=str(tmp_path / "meta.json"),
    )
    return json.loads(out.read_text())


def test_it_is_a_streamed_workbook_named_for_the_day(client, record):
    with time_machine.travel("2026-11-22 23:30 +00:00", tick=False):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert (
        response["Content-Disposition"] == 'attachment; filename="mmip-360giving-2026-11-22.xlsx"'
    )


def test_it_opens_with_360giving_s_own_headings(client, record):
    book = workbook(download(client, {"q": "vaccine"}))
    assert book.sheetnames[0] == "grants" and book.sheetnames[-1] == "Meta"
    (grant,) = rows(book["grants"])
    assert list(grant)[:6] == [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Award Date",
    ]
    assert {
        "Identifier": "360G-MMIP-T-03",
        "Title": "Vaccine fill-finish",
        "Amount Awarded": 1500000,
        "Award Date": "2021-10-14",
        "Funding Org:Name": "Research Council of Medicines",
        "Recipient Org:Identifier": "360G-MMIP-ORG-rec-x",
        "Recipient Org:Name": "Northgate Biologics Ltd",
        "URL": "http://testserver/funding/360G-MMIP-T-03/",
    }.items() <= grant.items()
    assert {row["Classifications:Code"] for row in rows(book["Classifications"])} == {
        "ws-1",
        "ws-2",
    }
    meta = dict(book["Meta"].iter_rows(values_only=True))
    assert meta["Publisher:Name"] == "Medicines Manufacturing Industry Partnership"
    assert meta["License"] == "https://creativecommons.org/licenses/by/4.0/"


def test_it_reads_back_through_flattentool_as_the_same_valid_package(client, tmp_path):
    full_award()
    AwardFactory(identifier="360G-MMIP-PLAIN", recipient=OrganisationFactory(nation_region=""))
    package = unflattened(download(client), tmp_path)
    assert_valid_360giving(package)
    response = client.get(JSON_URL)
    assert package == json.loads(b"".join(response.streaming_content))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"funder": ["fund-a", "fund-b"], "sort": "amount"},
        {"year_from": "2019", "year_to": "2021", "sort": "-amount"},
        {"workstream": "ws-1", "status": ["active", "closed"]},
    ],
)
def test_it_holds_exactly_the_explorer_s_awards_in_its_order(client, record, params):
    expected = page_identifiers(client, params)
    assert expected
    assert identifiers(client, params) == expected


def test_drafts_are_never_in_it(client, record):
    for params in ({}, {"programme": "prog-1"}, {"funder": "fund-a"}):
        assert "360G-MMIP-T-06" not in identifiers(client, params)
    assert "360G-MMIP-T-06" not in str(download(client))


@pytest.mark.parametrize(
    ("params", "left_out"),
    [
        ({"amount_min": "abc"}, "amount_min"),
        ({"funder": "no-such-funder", "q": "x" * 10_000}, "q, funder"),
        ({"year_from": "2022", "year_to": "2019"}, "year_from, year_to"),
    ],
)
def test_a_bad_part_of_the_query_string_is_left_out_and_named(client, record, params, left_out):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response["X-Filter-Left-Out"] == left_out
    assert len(identifiers(client, params)) == 5  # every published award, as on the page


def test_an_empty_selection_gives_a_page_that_says_why_there_is_no_file(client, record):
    response = client.get(URL, {"q": "unicorn"})
    assert response.status_code == 404
    assert not response.streaming
    assert "the 360Giving standard needs at least one grant" in response.content.decode()


def test_it_refuses_a_post(client, record):
    assert client.post(URL).status_code in {403, 405}


@pytest.mark.parametrize("size", [3, 30])
def test_it_costs_the_same_queries_for_3_awards_as_for_30(client, size):
    awards_for_counting(size)
    # 1 whether there is any award (a package must hold one), 2 the grants.
    assert count_queries(client, URL, {}) == 2
    # The filter adds: the funder's slug checked, the workstream's, and the organisations
    # the search words name.
    assert count_queries(client, URL, FILTERED) == 2 + 3


def test_text_stays_text_whatever_it_starts_with(client):
    AwardFactory(
        identifier="360G-MMIP-EVIL",
        title='=HYPERLINK("http://evil.example","Click")',
        description="Line one\r\nline two\x07 & <three>",
        award_date_precision="day",
    )
    cell = workbook(download(client))["grants"]["B2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil.example","Click")', "s")
    # A carriage return survives; a bell, which no workbook can hold, does not.
    assert workbook(download(client))["grants"]["C2"].value == "Line one\r\nline two & <three>"


def test_the_imports_read_it_back_as_the_same_grants(client, record, tmp_path):
    path = tmp_path / "ours.xlsx"
    path.write_bytes(download(client))
    package = json.loads("".join(giving_package(public_awards(), site_url="http://testserver/")))
    converted = convert(path, "xlsx")
    assert converted.grants == package["grants"]


def test_a_grant_field_the_layout_lacks_stops_the_workbook_rather_than_vanishing():
    with pytest.raises(xlsx_export.LayoutError):
        xlsx_export._values(("Identifier",), {"Identifier": "360G-X", "Surprise": 1})


def _peak_bytes(awards) -> int:
    tracemalloc.start()
    try:
        collections.deque(awards_xlsx(awards, chunk_size=100), maxlen=0)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_whatever_the_number_of_awards():
    """Method: 3,000 synthetic awards and the first 300, read and flattened 100 at a time
    (so both take many batches) under tracemalloc, which counts every Python allocation.
    Ten times the awards must not need much more memory: we allow double."""
    call_command("generate_synthetic", awards=3000, seed=11, verbosity=0)
    everything = public_awards()
    first_300 = everything.filter(identifier__lte="360G-MMIP-SYN-0000300")
    assert first_300.count() == 300
    xlsx_export.layout()  # worked out once a process, outside the measure
    small, large = _peak_bytes(first_300), _peak_bytes(everything)
    assert large < 2 * small, (small, large)
