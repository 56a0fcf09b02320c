"""CSV, JSON and 360Giving downloads: their contents, validity, query counts and memory."""

import collections
import csv
import datetime
import io
import json
import re
import tracemalloc
from decimal import Decimal
from glob import glob
from pathlib import Path

import pytest
from django.core.management import call_command
from django.http import Http404
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from funding.exports import (
    CSV_COLUMNS,
    NothingToExport,
    awards_csv,
    awards_json,
    giving_package,
)
from funding.filters import AwardFilterSet, public_awards
from funding.models import Award
from tests.factories import (
    AwardFactory,
    FundingProgrammeFactory,
    OrganisationFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db

# The standard's schema, kept in the repository (CC BY 4.0, see its README) so tests run offline anywhere.
STANDARD = Path(__file__).resolve().parents[1] / "docs" / "standards" / "360giving"


def giving_validator() -> Draft202012Validator:
    """The package schema, with the grant schema it refers to by URL served from the local
    copy: no network. The schemas' "$schema" is spelt in a way referencing does not detect,
    so the draft is named; FormatChecker (with jsonschema[format-nongpl]) is what tells a
    date from a date-time in the standard's oneOf."""
    package = json.loads((STANDARD / "360-giving-package-schema.json").read_text())
    grant = json.loads((STANDARD / "360-giving-schema.json").read_text())
    grant_url = package["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resource(grant_url, DRAFT202012.create_resource(grant))
    return Draft202012Validator(package, registry=registry, format_checker=FormatChecker())


def assert_valid_360giving(package: dict):
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in giving_validator().iter_errors(package)
    ]
    assert errors == []


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def as_text(chunks) -> str:
    return "".join(chunks)


@pytest.fixture
def record():
    dsit = OrganisationFactory(slug="dsit", name="Department for Science", org_id="GB-GOR-D1")
    catapult = OrganisationFactory(
        slug="catapult", name="Cell Catapult Ltd", org_id="GB-COH-07964711"
    )
    ukri = OrganisationFactory(slug="ukri", name="UK Research and Innovation")
    programme = FundingProgrammeFactory(
        slug="mmc", name="Medicines Manufacturing Challenge", funder=dsit
    )
    draft_programme = FundingProgrammeFactory(slug="secret", is_published=False)
    ws_a = WorkstreamFactory(slug="ws-a", name="Advanced therapies")
    ws_b = WorkstreamFactory(slug="ws-b", name="Skills")
    ws_draft = WorkstreamFactory(slug="ws-draft", is_published=False)
    earlier = AwardFactory(
        identifier="360G-MMIP-EXP-0",
        title="Apprenticeships",
        description="The first award.",
        funder=dsit,
        recipient=catapult,
        amount=Decimal("1234.56"),
        award_date=datetime.date(2017, 7, 1),
        award_date_precision="month",
    )
    main = AwardFactory(
        identifier="360G-MMIP-EXP-1",
        title="Cell therapy scale-up",
        description="Money for bioreactors.\nSecond line, with a comma",
        funder=dsit,
        recipient=catapult,
        routed_through=ukri,
        amount=Decimal("1500000.00"),
        award_date=datetime.date(2018, 1, 1),
        award_date_precision="year",
        planned_start=datetime.date(2018, 4, 1),
        planned_end=datetime.date(2021, 3, 31),
        programme=programme,
        follow_on_of=earlier,
        status="closed",
        source_url="https://example.org/source",
    )
    main.workstreams.set([ws_b, ws_a, ws_draft])
    draft = AwardFactory(identifier="360G-MMIP-EXP-DRAFT", funder=dsit, is_published=False)
    AwardFactory(
        identifier="360G-MMIP-EXP-2",
        title="After a draft",
        funder=ukri,
        recipient=catapult,
        amount=Decimal("75000"),
        award_date=datetime.date(2022, 10, 14),
        award_date_precision="day",
        programme=draft_programme,
        follow_on_of=draft,
    )


def exported_identifiers(awards) -> dict[str, list[str]]:
    return {
        "csv": [row[0] for row in read_csv(as_text(awards_csv(awards)))[1:]],
        "json": [a["identifier"] for a in json.loads(as_text(awards_json(awards)))["awards"]],
        "360": [g["id"] for g in json.loads(as_text(giving_package(awards)))["grants"]],
    }


def test_each_export_holds_exactly_the_published_awards_in_order(record):
    expected = ["360G-MMIP-EXP-2", "360G-MMIP-EXP-1", "360G-MMIP-EXP-0"]
    assert exported_identifiers(public_awards()) == {
        "csv": expected,
        "json": expected,
        "360": expected,
    }


def test_each_export_holds_the_filtered_set_in_the_chosen_order(record):
    awards = AwardFilterSet({"funder": ["dsit"], "sort": "amount"}).qs
    expected = ["360G-MMIP-EXP-0", "360G-MMIP-EXP-1"]
    assert exported_identifiers(awards) == {"csv": expected, "json": expected, "360": expected}


def test_csv_header_and_row_exactly(record):
    rows = read_csv(as_text(awards_csv(public_awards())))
    assert rows[0] == CSV_COLUMNS
    assert rows[0][:13] == [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Award Date",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Grant Programme:Title",
        "Planned Dates:Start Date",
        "Planned Dates:End Date",
    ]
    assert rows[2] == [
        "360G-MMIP-EXP-1",
        "Cell therapy scale-up",
        "Money for bioreactors.\nSecond line, with a comma",
        "GBP",
        "1500000.00",
        "2018-01-01",
        "GB-GOR-D1",
        "Department for Science",
        "GB-COH-07964711",
        "Cell Catapult Ltd",
        "Medicines Manufacturing Challenge",
        "2018-04-01",
        "2021-03-31",
        "year",
        "360G-MMIP-ORG-ukri",
        "UK Research and Innovation",
        "ws-a; ws-b",
        "360G-MMIP-EXP-0",
        "closed",
        "https://example.org/source",
        "Entered here",
        "https://example.org/source",
    ]
    # A draft programme and a draft earlier award are left blank, not named.
    assert rows[1][10] == "" and rows[1][17] == ""


def test_an_empty_set_gives_a_header_an_empty_list_and_no_360giving_file(record):
    nothing = public_awards().filter(amount__gt=10**9)
    assert read_csv(as_text(awards_csv(nothing))) == [CSV_COLUMNS]
    assert json.loads(as_text(awards_json(nothing))) == {"count": 0, "awards": []}
    with pytest.raises(NothingToExport) as raised:
        giving_package(nothing)  # raised at the call, before any streaming starts
    assert isinstance(raised.value, Http404)


@pytest.mark.parametrize(
    ("title", "cell"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-5", "-5"),
        ("+1.5", "+1.5"),
        ("-.5", "-.5"),
        ("Plain words = fine", "Plain words = fine"),
    ],
)
def test_cells_that_would_run_as_formulas_are_neutralised(title, cell):
    AwardFactory(title=title)
    assert read_csv(as_text(awards_csv(public_awards())))[1][1] == cell


def test_formula_injection_is_neutralised_in_the_download():
    AwardFactory(
        identifier="360G-MMIP-EVIL",
        title='=HYPERLINK("http://evil.example","Click")',
        description="@SUM(1+1)*cmd|' /C calc'!A0",
        recipient=OrganisationFactory(name="-Minus Ltd"),
    )
    row = read_csv(as_text(awards_csv(public_awards())))[1]
    assert row[1] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row[2] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row[9] == "'-Minus Ltd"
    assert row[4] == "100000.00"


def test_json_parses_and_matches_the_record(record):
    data = json.loads(as_text(awards_json(public_awards())))
    assert data["count"] == 3
    assert data["awards"][1] == {
        "identifier": "360G-MMIP-EXP-1",
        "title": "Cell therapy scale-up",
        "description": "Money for bioreactors.\nSecond line, with a comma",
        "currency": "GBP",
        "amount": "1500000.00",
        "award_date": "2018-01-01",
        "award_date_precision": "year",
        "planned_start": "2018-04-01",
        "planned_end": "2021-03-31",
        "funder": {"slug": "dsit", "name": "Department for Science", "identifier": "GB-GOR-D1"},
        "recipient": {
            "slug": "catapult",
            "name": "Cell Catapult Ltd",
            "identifier": "GB-COH-07964711",
        },
        "routed_through": {
            "slug": "ukri",
            "name": "UK Research and Innovation",
            "identifier": "360G-MMIP-ORG-ukri",
        },
        "programme": {"slug": "mmc", "name": "Medicines Manufacturing Challenge"},
        "workstreams": ["ws-a", "ws-b"],
        "follow_on_of": "360G-MMIP-EXP-0",
        "status": "closed",
        "source_url": "https://example.org/source",
        "origin": "Entered here",
        "data_source": "https://example.org/source",
        "url": "/funding/360G-MMIP-EXP-1/",
    }
    after_draft = data["awards"][0]
    assert after_draft["programme"] is None
    assert after_draft["follow_on_of"] is None
    assert after_draft["routed_through"] is None
    assert after_draft["source_url"] is None


def test_360giving_package_of_factory_data_is_valid_and_honest_about_dates(record):
    text = as_text(
        giving_package(
            public_awards(),
            site_url="https://mmip.example.org/",
            issued=datetime.date(2025, 5, 6),
        )
    )
    package = json.loads(text)
    assert_valid_360giving(package)
    assert package["version"] == "1.4"
    assert package["issued"] == "2025-05-06"
    assert package["publisher"]["name"] == "Medicines Manufacturing Industry Partnership"
    assert package["license"].startswith("https://")
    later, main, earlier = package["grants"]
    # When the record last changed it: tests/test_funding_360giving.py checks the value.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", main.pop("dateModified"))
    assert main == {
        "id": "360G-MMIP-EXP-1",
        "title": "Cell therapy scale-up",
        "description": (
            "Money for bioreactors.\nSecond line, with a comma\n\nThe source gives the award "
            "date only as 2018, so the award date 2018-01-01 stands for that year."
        ),
        "currency": "GBP",
        "amountAwarded": 1500000,
        "awardDate": "2018-01-01",
        "awardDatePrecision": "year",
        "fundingOrganization": [{"id": "GB-GOR-D1", "name": "Department for Science"}],
        "recipientOrganization": [
            {"id": "GB-COH-07964711", "name": "Cell Catapult Ltd", "companyNumber": "07964711"}
        ],
        "routedThrough": [{"id": "360G-MMIP-ORG-ukri", "name": "UK Research and Innovation"}],
        "grantProgramme": [
            {
                "code": "mmc",
                "title": "Medicines Manufacturing Challenge",
                "url": "https://mmip.example.org/funding/programmes/mmc/",
            }
        ],
        "plannedDates": [{"startDate": "2018-04-01", "endDate": "2021-03-31", "duration": 36}],
        "classifications": [
            {"vocabulary": "MMIP workstreams", "code": "ws-a", "title": "Advanced therapies"},
            {"vocabulary": "MMIP workstreams", "code": "ws-b", "title": "Skills"},
        ],
        "relatedActivity": ["360G-MMIP-EXP-0"],
        "dataSource": "https://example.org/source",
        "url": "https://mmip.example.org/funding/360G-MMIP-EXP-1/",
    }
    assert earlier["amountAwarded"] == 1234.56
    assert earlier["awardDatePrecision"] == "month"
    assert earlier["description"].endswith(
        "only as July 2017, so the award date 2017-07-01 stands for that month."
    )
    assert later["awardDatePrecision"] == "day"
    assert later["description"] == "Money to grow medicines manufacturing."
    assert "grantProgramme" not in later and "relatedActivity" not in later
    assert later["fundingOrganization"] == [
        {"id": "360G-MMIP-ORG-ukri", "name": "UK Research and Innovation"}
    ]


def test_360giving_package_of_the_demo_record_is_valid():
    call_command("loaddata", *sorted(glob("fixtures/*.json")), verbosity=0)
    package = json.loads(as_text(giving_package(public_awards())))
    assert_valid_360giving(package)
    assert {grant["id"] for grant in package["grants"]} == set(
        Award.objects.published().values_list("identifier", flat=True)
    )


def test_the_validator_catches_an_invalid_package(record):
    """The schema check above is only worth something if it can fail."""
    package = json.loads(as_text(giving_package(public_awards())))
    package["grants"][0]["awardDate"] = "2018"
    with pytest.raises(AssertionError):
        assert_valid_360giving(package)
    with pytest.raises(AssertionError):
        assert_valid_360giving({**package, "grants": []})


def _make(size: int):
    workstream = WorkstreamFactory()
    programme = FundingProgrammeFactory()
    through = OrganisationFactory()
    earlier = None
    for _ in range(size):
        earlier = AwardFactory(programme=programme, routed_through=through, follow_on_of=earlier)
        earlier.workstreams.add(workstream)


@pytest.mark.parametrize("size", [3, 30])
def test_exports_cost_the_same_queries_for_3_awards_as_for_30(size, django_assert_num_queries):
    _make(size)
    awards = AwardFilterSet({"q": "award"}).qs
    with django_assert_num_queries(1):  # the lines, with parties, programme and workstreams
        assert len(read_csv(as_text(awards_csv(awards)))) == size + 1
    with django_assert_num_queries(2):  # the count, then the awards
        assert len(json.loads(as_text(awards_json(awards)))["awards"]) == size
    with django_assert_num_queries(2):  # whether there are any awards, then the grants
        assert len(json.loads(as_text(giving_package(awards)))["grants"]) == size


def _peak_bytes(consume) -> int:
    """Peak Python memory while consume() runs, counting from nothing."""
    tracemalloc.start()
    try:
        consume()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _streamed(export, awards):
    """Reads a download chunk by chunk and throws each away, as a client would."""
    return lambda: collections.deque(export(awards, chunk_size=250), maxlen=0)


def test_memory_stays_flat_whatever_the_size_of_the_export():
    """Method: 5,000 synthetic awards, and the first 500 of them, exported in chunks of 250
    rows under tracemalloc, which counts every Python allocation. A streaming export holds one
    chunk at a time, so ten times the awards must not need much more memory: we allow
    double. As a control, holding the whole 5,000-award CSV at once needs several times the
    streaming peak, so the test can tell the two apart."""
    call_command("generate_synthetic", awards=5000, seed=11, verbosity=0)
    everything = public_awards()
    first_500 = everything.filter(identifier__lte="360G-MMIP-SYN-0000500")
    assert first_500.count() == 500
    for export in (awards_csv, awards_json, giving_package):
        small = _peak_bytes(_streamed(export, first_500))
        large = _peak_bytes(_streamed(export, everything))
        assert large < 2 * small, (export.__name__, small, large)
    streamed = _peak_bytes(_streamed(awards_csv, everything))
    held = _peak_bytes(lambda: as_text(awards_csv(everything, chunk_size=250)))
    assert held > 3 * streamed, (streamed, held)


def test_quotes_backslashes_and_non_ascii_text_survive_every_export():
    title = 'She said "£5m, café\\lab"\tthen left'
    AwardFactory(title=title, description="Line one\r\nline two ☃", award_date_precision="day")
    awards = public_awards()
    assert read_csv(as_text(awards_csv(awards)))[1][1:3] == [title, "Line one\r\nline two ☃"]
    assert json.loads(as_text(awards_json(awards)))["awards"][0]["title"] == title
    grant = json.loads(as_text(giving_package(awards)))["grants"][0]
    assert (grant["title"], grant["description"]) == (title, "Line one\r\nline two ☃")
