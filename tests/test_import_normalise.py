"""One grant read as the record keeps an award: dates with times and zones become UK days
with their precision, amounts become pounds, org-ids are checked against the org-id
register, postcodes and geographic codes become nations and regions, and every problem is
said in plain words with its field."""

import datetime
from decimal import Decimal

import pytest

from imports import locations
from imports.normalise import read_date, read_grant
from tests import giving_files as gf


def facts_of(grant, *, from_spreadsheet=False):
    reading = read_grant(grant, from_spreadsheet=from_spreadsheet)
    assert reading.problems == [], reading.problems
    return reading.facts


def problems_of(grant, *, from_spreadsheet=False) -> list[tuple[tuple, str]]:
    reading = read_grant(grant, from_spreadsheet=from_spreadsheet)
    assert reading.facts is None
    return [(problem.path, problem.message) for problem in reading.problems]


def test_a_grant_becomes_the_facts_of_an_award():
    facts = facts_of(gf.grant(1))

    assert facts.identifier == "360G-NBT-1001"
    assert facts.title == "Grant 1 for Clyde Biologics Ltd"
    assert facts.amount == Decimal("6234.50")
    assert facts.award_date == datetime.date(2019, 2, 7)
    assert facts.award_date_precision == "day"
    assert facts.planned_start == datetime.date(2019, 2, 7)
    assert facts.planned_end is None
    assert facts.funder.identifier == "GB-CHC-1190001"
    assert facts.funder.org_id == "GB-CHC-1190001"
    assert facts.recipient.name == "Clyde Biologics Ltd"
    assert facts.recipient.org_ids == ("GB-COH-08880001",)
    assert facts.recipient.region == "scotland"
    assert facts.programme == "Manufacturing Futures"
    assert facts.source_url == "https://grants.example.org/data/2024.json"


# Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "day", "noted"),
    [
        ("2021-07-14", datetime.date(2021, 7, 14), False),
        ("2021-07-14T10:30:00", datetime.date(2021, 7, 14), False),
        # Midnight of a summer day in the UK, written in UTC by the funder's system.
        ("2020-06-30T23:00:00Z", datetime.date(2020, 7, 1), True),
        ("2020-06-30T23:00:00+00:00", datetime.date(2020, 7, 1), True),
        ("2021-01-31T23:30:00+00:00", datetime.date(2021, 1, 31), False),
        ("2021-03-01T00:30:00+02:00", datetime.date(2021, 2, 28), True),
    ],
)
def test_a_date_with_a_time_and_zone_becomes_the_day_in_the_uk(written, day, noted):
    found, note = read_date(written)
    assert found == day
    assert bool(note) == noted


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("2021-02-30", "“2021-02-30” is not a date: February 2021 has 28 days."),
        ("2020-13-01", "there is no month 13"),
        ("14/10/2021", "is not a date (YYYY-MM-DD) or a date and time"),
    ],
)
def test_an_impossible_date_is_refused_in_words(written, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        read_date(written)


def test_an_impossible_award_date_is_a_problem_of_its_field():
    assert problems_of(gf.grant(0, awardDate="2021-02-30")) == [
        (("awardDate",), "“2021-02-30” is not a date: February 2021 has 28 days.")
    ]


def test_a_date_known_to_the_year_keeps_its_precision_and_loses_our_exports_sentence():
    grant = gf.grant(
        0,
        awardDate="2018-01-01",
        awardDatePrecision="year",
        description="£1.5m for apprenticeships.\n\nThe source gives the award date only as "
        "2018, so the award date 2018-01-01 stands for that year.",
    )
    facts = facts_of(grant)
    assert (facts.award_date, facts.award_date_precision) == (datetime.date(2018, 1, 1), "year")
    assert facts.description == "£1.5m for apprenticeships."


def test_a_precision_that_the_date_does_not_fit_is_a_problem():
    assert problems_of(gf.grant(0, awardDate="2018-03-04", awardDatePrecision="month")) == [
        (
            ("awardDatePrecision",),
            "The award date 2018-03-04 is said to be known only to the month, so it should "
            "be the first day of that month.",
        )
    ]


def test_a_planned_end_before_its_start_is_a_problem():
    grant = gf.grant(0, plannedDates=[{"startDate": "2021-05-01", "endDate": "2021-04-30"}])
    assert problems_of(grant) == [
        (
            ("plannedDates", 0, "endDate"),
            "The planned end (30 April 2021) is before the planned start (1 May 2021).",
        )
    ]


# Money ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "The amount is 0; an award must be more than £0."),
        (-5, "The amount is -5; an award must be more than £0."),
        (Decimal("12.345"), "The amount 12.345 has fractions of a penny."),
        (Decimal("1e13"), "is more than the record can hold"),
    ],
)
def test_an_amount_the_record_cannot_keep_is_a_problem(amount, words):
    ((path, message),) = problems_of(gf.grant(0, amountAwarded=amount))
    assert path == ("amountAwarded",)
    assert words in message


def test_an_amount_in_another_currency_is_a_problem():
    assert problems_of(gf.grant(0, currency="USD")) == [
        (
            ("currency",),
            "The grant is in USD; the record keeps amounts in pounds sterling (GBP) only, so it "
            "cannot be imported.",
        )
    ]


@pytest.mark.parametrize("typed", ["£1,500,000", "1,500,000.00", "£ 1500000"])
def test_an_amount_typed_with_commas_or_a_pound_sign_in_a_spreadsheet_is_read_with_a_note(typed):
    reading = read_grant(gf.grant(0, amountAwarded=typed), from_spreadsheet=True)

    assert reading.problems == []
    assert reading.facts.amount == Decimal("1500000.00")
    assert [note.message for note in reading.notes] == [
        f"The amount “{typed}” was read as {Decimal(typed.strip('£ ').replace(',', ''))}."
    ]


@pytest.mark.parametrize("typed", ["£1,500,000", "1.500,00", "£1,50"])
def test_an_amount_written_as_text_in_json_or_unplainly_anywhere_is_a_problem(typed):
    ((path, message),) = problems_of(gf.grant(0, amountAwarded=typed))
    assert path == ("amountAwarded",)
    assert message == f"Amount Awarded is “{typed}”, which is not a number."
    if typed != "£1,500,000":
        assert problems_of(gf.grant(0, amountAwarded=typed), from_spreadsheet=True)


def test_an_excel_number_is_read_to_the_penny():
    # What flattentool makes of an Excel cell holding 2000.1, a binary fraction.
    grant = gf.grant(0, amountAwarded=Decimal("2000.09999999999990905052982270717620849609375"))
    assert facts_of(grant, from_spreadsheet=True).amount == Decimal("2000.10")


# Identifiers and organisations ------------------------------------------------------------


def test_an_org_id_whose_prefix_is_not_in_the_register_is_a_problem():
    grant = gf.grant(0, recipientOrganization=[{"id": "GB-NOTALIST-123", "name": "Nobody"}])
    assert problems_of(grant) == [
        (
            ("recipientOrganization", 0, "id"),
            "The recipient's identifier “GB-NOTALIST-123” does not start with a list code of "
            "the org-id register (such as GB-CHC- or GB-COH-), nor with 360G- for the "
            "publisher's own.",
        )
    ]


def test_charity_and_company_numbers_give_org_ids():
    grant = gf.grant(
        0,
        recipientOrganization=[
            {
                "id": "360G-MIA-ORG-1",
                "name": "A",
                "charityNumber": "1170001",
                "companyNumber": "123",
            }
        ],
    )
    recipient = facts_of(grant).recipient
    assert recipient.scheme == "360G"
    assert recipient.org_ids == ("GB-CHC-1170001", "GB-COH-00000123")
    assert recipient.org_id == "GB-CHC-1170001"


def test_an_org_id_of_a_list_the_record_field_does_not_take_is_kept_aside():
    grant = gf.grant(0, recipientOrganization=[{"id": "GB-SCOTEDU-5500001", "name": "A School"}])
    recipient = facts_of(grant).recipient
    assert recipient.scheme == "GB-SCOTEDU"
    assert recipient.org_id == ""  # the record's org-id field takes list codes of 2 to 6 letters


def test_an_org_id_of_a_list_the_register_no_longer_uses_is_kept_aside():
    """The Organisation form refuses such an org-id (mmip/standards.py), so the import does
    not put one in the field: the organisation keeps it as another identifier."""
    grant = gf.grant(0, recipientOrganization=[{"id": "GB-GOVUK-dept-of-health", "name": "A"}])
    recipient = facts_of(grant).recipient
    assert recipient.scheme == "GB-GOVUK"
    assert recipient.org_ids == ("GB-GOVUK-dept-of-health",)
    assert recipient.org_id == ""


@pytest.mark.parametrize(
    ("locations", "region"),
    [
        ([{"name": "Wales", "geoCode": "W92000004", "geoCodeType": "CTRY"}], "wales"),
        ([{"name": "United Kingdom", "geoCode": "K02000001"}], "uk-wide"),
        ([{"geoCode": "E12000008"}, {"geoCode": "E12000008", "name": "South East"}], "south-east"),
        # Several places, or one that cannot be placed for certain: the one field says none.
        ([{"geoCode": "E12000008"}, {"geoCode": "E12000007"}], ""),
        ([{"geoCode": "E12000008"}, {"name": "Somewhere"}], ""),
        ([{"name": "England", "countryCode": "GB"}], ""),
        ([{"name": "Lyon", "countryCode": "FR"}], "outside-uk"),
        ([], ""),
    ],
)
def test_where_a_grant_benefits_is_read_when_its_locations_agree(locations, region):
    grant = gf.grant(0, beneficiaryLocation=locations)
    assert facts_of(grant).beneficiary_region == region


def test_an_identifier_that_would_not_make_a_clean_address_is_a_problem():
    ((path, message),) = problems_of(gf.grant(0, id="360G-MIA-1/../2"))
    assert path == ("id",)
    assert "is not one the record can keep" in message


def test_a_grant_invalid_against_the_schema_has_each_problem_said():
    grant = gf.grant(0, dataSource="not an address")
    del grant["title"]
    grant["fundingOrganization"] = [{"id": "GB-GOR-PB9001"}]
    assert problems_of(grant) == [
        ((), "The grant has no Title."),
        (("fundingOrganization", 0, "name"), "Funding Org has no Name."),
        (("dataSource",), "Data Source “not an address” is not a web address."),
    ]


def test_a_grant_that_is_not_an_object_is_a_problem():
    assert read_grant("360G-X-1", from_spreadsheet=False).problems[0].message == (
        "The grant is not a group of fields."
    )


def test_markup_and_formulas_in_a_title_are_kept_as_text_with_a_note():
    for title in ('=HYPERLINK("http://evil.example")', "<script>alert(1)</script> Pipettes"):
        reading = read_grant(gf.grant(0, title=title), from_spreadsheet=False)
        assert reading.facts.title == title
        assert len(reading.notes) == 1


# Places -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("organisation", "region"),
    [
        ({"postalCode": "SR1 1AA"}, "north-east"),
        ({"postalCode": "sw1a 1aa"}, "london"),
        ({"postalCode": "EH8"}, "scotland"),
        ({"postalCode": "BT1 1AA"}, "northern-ireland"),
        ({"postalCode": "CF10 3AT"}, "wales"),
        # Areas across a border say nothing rather than something wrong.
        ({"postalCode": "CH5 1AA"}, ""),
        ({"postalCode": "TD15 1AA"}, ""),
        ({"postalCode": "not a postcode"}, ""),
        ({"location": [{"geoCode": "E12000005"}]}, "west-midlands"),
        ({"location": [{"geoCode": "E09000001"}]}, "london"),
        ({"location": [{"geoCode": "S12000036"}]}, "scotland"),
        ({"location": [{"geoCode": "E92000001"}]}, ""),  # England as a whole
        ({"location": [{"countryCode": "FR"}]}, "outside-uk"),
        ({"addressCountry": "Wales"}, "wales"),
        # A geographic code says more than a postcode.
        ({"location": [{"geoCode": "W92000004"}], "postalCode": "SR1 1AA"}, "wales"),
    ],
)
def test_a_postcode_or_geographic_code_becomes_the_nation_or_region(organisation, region):
    assert locations.region_of(organisation) == region
