"""What each grant of the 360Giving package carries of the record: the parties' org-ids and
numbers, where they are as ONS areas, where the award benefits, its programme, its planned
dates and their length, its data source and when the record last changed it."""

import datetime
import json
from decimal import Decimal

import pytest

from funding.exports import giving_package
from funding.filters import public_awards
from funding.models import Award
from mmip.regions import ONS_AREAS, NationRegion
from tests.factories import (
    AwardFactory,
    FundingProgrammeFactory,
    OrganisationFactory,
    WorkstreamFactory,
)
from tests.test_funding_exports import assert_valid_360giving

pytestmark = pytest.mark.django_db

SITE = "https://mmip.example.org"


def grants(awards=None, site_url: str = SITE) -> dict[str, dict]:
    package = json.loads("".join(giving_package(awards or public_awards(), site_url=site_url)))
    assert_valid_360giving(package)
    return {grant["id"]: grant for grant in package["grants"]}


def full_award(identifier: str = "360G-MMIP-FULL") -> Award:
    """An award with every field the 360Giving export writes filled in."""
    funder = OrganisationFactory(
        name="Scottish Enterprise Trust", org_id="GB-SC-SC012345", nation_region="scotland"
    )
    recipient = OrganisationFactory(
        name="Cell Works Ltd", org_id="GB-COH-07964711", nation_region="south-east"
    )
    through = OrganisationFactory(
        name="Ulster Fund", org_id="GB-NIC-100002", nation_region="northern-ireland"
    )
    award = AwardFactory(
        identifier=identifier,
        title="Scale-up",
        description="Bioreactors.\r\nA = sign, & an ampersand.",
        funder=funder,
        recipient=recipient,
        routed_through=through,
        programme=FundingProgrammeFactory(slug="mmc", name="Medicines Manufacturing Challenge"),
        amount=Decimal("1500000.50"),
        award_date=datetime.date(2018, 1, 1),
        award_date_precision="year",
        planned_start=datetime.date(2018, 4, 1),
        planned_end=datetime.date(2021, 3, 31),
        beneficiary_region="wales",
        follow_on_of=AwardFactory(identifier=f"{identifier}-EARLIER"),
        source_url="https://example.org/announcement",
    )
    award.workstreams.set(
        [WorkstreamFactory(slug="skills", name="Skills"), WorkstreamFactory(slug="ats")]
    )
    return award


def test_the_ons_codes_of_the_nations_and_regions():
    assert {region: area.code for region, area in ONS_AREAS.items()} == {
        "north-east": "E12000001",
        "north-west": "E12000002",
        "yorkshire-humber": "E12000003",
        "east-midlands": "E12000004",
        "west-midlands": "E12000005",
        "east": "E12000006",
        "london": "E12000007",
        "south-east": "E12000008",
        "south-west": "E12000009",
        "wales": "W92000004",
        "scotland": "S92000003",
        "northern-ireland": "N92000002",
        "uk-wide": "K02000001",
    }
    # Every choice but "outside the UK", which no ONS code covers.
    assert set(NationRegion.values) - set(ONS_AREAS) == {"outside-uk"}


def test_a_grant_of_a_fully_described_award_carries_all_of_it():
    full_award()
    grant = grants()["360G-MMIP-FULL"]
    assert grant["fundingOrganization"] == [
        {
            "id": "GB-SC-SC012345",
            "name": "Scottish Enterprise Trust",
            "charityNumber": "SC012345",
            "location": [
                {
                    "name": "Scotland",
                    "geoCode": "S92000003",
                    "geoCodeType": "CTRY",
                    "countryCode": "GB",
                }
            ],
        }
    ]
    assert grant["recipientOrganization"] == [
        {
            "id": "GB-COH-07964711",
            "name": "Cell Works Ltd",
            "companyNumber": "07964711",
            "location": [
                {
                    "name": "South East",
                    "geoCode": "E12000008",
                    "geoCodeType": "RGN",
                    "countryCode": "GB",
                }
            ],
        }
    ]
    (through,) = grant["routedThrough"]
    assert (through["charityNumber"], through["location"][0]["geoCode"]) == (
        "NIC100002",
        "N92000002",
    )
    assert grant["beneficiaryLocation"] == [
        {"name": "Wales", "geoCode": "W92000004", "geoCodeType": "CTRY", "countryCode": "GB"}
    ]
    assert grant["grantProgramme"] == [
        {
            "code": "mmc",
            "title": "Medicines Manufacturing Challenge",
            "url": f"{SITE}/funding/programmes/mmc/",
        }
    ]
    assert grant["plannedDates"] == [
        {"startDate": "2018-04-01", "endDate": "2021-03-31", "duration": 36}
    ]
    assert grant["dataSource"] == "https://example.org/announcement"
    assert grant["relatedActivity"] == ["360G-MMIP-FULL-EARLIER"]
    assert [item["code"] for item in grant["classifications"]] == ["ats", "skills"]


def test_a_place_the_record_does_not_know_or_outside_the_uk_is_left_out():
    AwardFactory(
        identifier="360G-MMIP-NOWHERE",
        funder=OrganisationFactory(nation_region=""),
        recipient=OrganisationFactory(nation_region="outside-uk"),
    )
    grant = grants()["360G-MMIP-NOWHERE"]
    assert "location" not in grant["fundingOrganization"][0]
    assert "location" not in grant["recipientOrganization"][0]
    assert "beneficiaryLocation" not in grant


def test_the_whole_uk_has_its_code_without_a_region_s_code_type():
    AwardFactory(identifier="360G-MMIP-UK", beneficiary_region="uk-wide")
    assert grants()["360G-MMIP-UK"]["beneficiaryLocation"] == [
        {"name": "United Kingdom", "geoCode": "K02000001", "countryCode": "GB"}
    ]


@pytest.mark.parametrize(
    ("start", "end", "planned"),
    [
        # the end day counts: a financial year is 12 months
        ("2021-04-01", "2022-03-31", {"duration": 12}),
        # whole months, then the days over in average months, to a tenth
        ("2021-04-15", "2021-06-30", {"duration": Decimal("2.5")}),
        ("2021-02-01", "2021-02-28", {"duration": 1}),
        ("2021-02-01", "2021-02-01", {"duration": Decimal("0")}),
        # only one end known: no length
        ("2021-04-01", None, {}),
        (None, "2022-03-31", {}),
    ],
)
def test_planned_dates_carry_their_length_in_months_when_both_are_known(start, end, planned):
    AwardFactory(
        identifier="360G-MMIP-PLAN",
        planned_start=start and datetime.date.fromisoformat(start),
        planned_end=end and datetime.date.fromisoformat(end),
    )
    dates = {
        key: value for key, value in (("startDate", start), ("endDate", end)) if value is not None
    }
    assert grants()["360G-MMIP-PLAN"]["plannedDates"] == [{**dates, **planned}]


def test_no_planned_dates_no_planned_dates():
    AwardFactory(identifier="360G-MMIP-UNPLANNED")
    assert "plannedDates" not in grants()["360G-MMIP-UNPLANNED"]


def test_date_modified_is_when_the_record_last_changed_the_award():
    award = AwardFactory(identifier="360G-MMIP-CHANGED")
    history = Award.history.filter(id=award.pk)
    history.update(history_date=datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC))
    assert grants()["360G-MMIP-CHANGED"]["dateModified"] == "2024-05-06T07:08:09Z"

    award.title = "Renamed"
    award.save()
    latest = history.latest().history_date.astimezone(datetime.UTC)
    assert latest.year > 2024
    assert grants()["360G-MMIP-CHANGED"]["dateModified"] == latest.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_change_of_its_links_alone_moves_date_modified():
    award = AwardFactory(identifier="360G-MMIP-LINKED")
    Award.history.filter(id=award.pk).update(
        history_date=datetime.datetime(2024, 5, 6, tzinfo=datetime.UTC)
    )
    award.workstreams.add(WorkstreamFactory())
    assert grants()["360G-MMIP-LINKED"]["dateModified"] > "2025"


def test_an_award_the_history_never_saw_has_no_date_modified():
    """Such as the demo record, loaded from fixtures without history entries."""
    award = AwardFactory(identifier="360G-MMIP-UNSEEN")
    Award.history.filter(id=award.pk).delete()
    assert "dateModified" not in grants()["360G-MMIP-UNSEEN"]


def test_data_source_is_the_award_s_page_when_the_record_knows_no_other():
    AwardFactory(identifier="360G-MMIP-HERE", source_url="")
    AwardFactory(identifier="360G-MMIP-THERE", source_url="https://example.org/news")
    found = grants()
    assert found["360G-MMIP-HERE"]["dataSource"] == f"{SITE}/funding/360G-MMIP-HERE/"
    assert found["360G-MMIP-THERE"]["dataSource"] == "https://example.org/news"
    # Without the site's address there is no page to name.
    assert "dataSource" not in grants(site_url="")["360G-MMIP-HERE"]


def test_a_draft_programme_is_not_named_though_where_the_award_benefits_is():
    AwardFactory(
        identifier="360G-MMIP-DRAFTPROG",
        programme=FundingProgrammeFactory(is_published=False),
        beneficiary_region="london",
    )
    grant = grants()["360G-MMIP-DRAFTPROG"]
    assert "grantProgramme" not in grant
    assert grant["beneficiaryLocation"][0]["geoCode"] == "E12000007"


def test_the_package_names_its_publisher_and_licence():
    AwardFactory()
    package = json.loads("".join(giving_package(public_awards(), site_url=SITE)))
    assert package["publisher"] == {
        "name": "Medicines Manufacturing Industry Partnership",
        "website": SITE,
    }
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
