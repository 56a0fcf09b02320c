"""Every other kind of public record in the API: a list and a detail each, keyed by slug,
public records only (through the models' public() QuerySets), naming other records only
where they are public, and the same queries for a page of 3 as of 30."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from funding.models import Award, FundingProgramme
from mmip.models import Organisation
from skills.models import ApprenticeshipProgramme, LearningResource, TrainingCentre
from tests.api import every_page, get_json
from tests.factories import (
    ApprenticeshipProgrammeFactory,
    AwardFactory,
    CohortEmployerFactory,
    CohortFactory,
    FundingProgrammeFactory,
    IndicatorFactory,
    IndicatorPeriodFactory,
    IndicatorValueFactory,
    InitiativeFactory,
    LearningResourceFactory,
    MilestoneFactory,
    OrganisationFactory,
    OutputFactory,
    PartnershipFactory,
    TrainingCentreFactory,
    WorkstreamFactory,
)
from tests.test_public_record import build_context, build_drafts
from workstreams.models import Indicator, Initiative, Milestone, Output, Workstream

pytestmark = pytest.mark.django_db

API = "http://testserver/api/v1/"

# (list address, model, the field a detail's address names it by)
ENDPOINTS = [
    ("funding-programmes", FundingProgramme, "slug"),
    ("organisations", Organisation, "slug"),
    ("workstreams", Workstream, "slug"),
    ("initiatives", Initiative, "slug"),
    ("milestones", Milestone, "slug"),
    ("outputs", Output, "slug"),
    ("indicators", Indicator, "slug"),
    ("apprenticeship-programmes", ApprenticeshipProgramme, "slug"),
    ("training-centres", TrainingCentre, "slug"),
    ("learning-resources", LearningResource, "slug"),
    ("awards", Award, "identifier"),
]


def test_the_root_lists_every_kind_of_record(client):
    listed = get_json(client, "/api/v1/")["endpoints"].values()

    for name, _, _ in ENDPOINTS:
        assert f"{API}{name}/" in listed


@pytest.mark.parametrize(("name", "model", "key"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_a_record_is_in_the_api_exactly_when_it_is_public(client, name, model, key):
    build_drafts(build_context())
    public = set(model._default_manager.public().values_list(key, flat=True))
    drafts = set(model._default_manager.values_list(key, flat=True)) - public
    assert public
    assert drafts

    listed = every_page(client, f"/api/v1/{name}/", {"per_page": "100"})

    assert {record["apiUrl"] for record in listed} == {f"{API}{name}/{k}/" for k in public}
    for value in public:
        assert get_json(client, f"/api/v1/{name}/{value}/")["apiUrl"] == f"{API}{name}/{value}/"
    for value in drafts:
        get_json(client, f"/api/v1/{name}/{value}/", status=404)


@pytest.mark.parametrize(("name", "model", "key"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_a_record_in_a_list_is_as_its_own_address_gives_it(client, name, model, key):
    build_drafts(build_context())

    for record in every_page(client, f"/api/v1/{name}/", {"per_page": "100"}):
        detail = get_json(client, record["apiUrl"])
        if name == "organisations":
            # Its own address adds the records of each role to what the list says.
            detail = {field: value for field, value in detail.items() if field in record}
        assert detail == record


# ---------- What each kind of record says ----------


def test_a_workstream_lists_its_public_partners_by_role(client):
    workstream = WorkstreamFactory(slug="skills", name="Skills", aim="Skills for all.")
    lead = OrganisationFactory(slug="lead-org", name="Lead Org")
    PartnershipFactory(workstream=workstream, organisation=lead, role="lead", note="Chairs it")
    PartnershipFactory(workstream=workstream, organisation=OrganisationFactory(slug="p", name="P"))
    PartnershipFactory(
        workstream=workstream, organisation=OrganisationFactory(name="Hidden", is_published=False)
    )

    found = get_json(client, "/api/v1/workstreams/skills/")

    assert [(p["organisation"]["slug"], p["role"], p["note"]) for p in found["partners"]] == [
        ("lead-org", "lead", "Chairs it"),
        ("p", "partner", None),
    ]
    assert found["url"] == "http://testserver/workstreams/skills/"
    assert found["aim"] == "Skills for all."


def test_an_organisation_lists_every_role_it_plays_and_the_records_that_give_it(client):
    organisation = OrganisationFactory(slug="acme", name="Acme", org_id="GB-COH-01234567")
    workstream = WorkstreamFactory(slug="ws")
    PartnershipFactory(workstream=workstream, organisation=organisation, role="lead")
    AwardFactory(funder=organisation, amount=Decimal("250000"))
    AwardFactory(funder=organisation, amount=Decimal("50000"))
    AwardFactory(recipient=organisation, amount=Decimal("10"), is_published=False)
    CohortEmployerFactory(organisation=organisation, apprentices=3, cohort__name="2020 intake")
    TrainingCentreFactory(organisation=organisation, slug="acme-centre")
    output = OutputFactory(slug="acme-report")
    output.publishers.add(organisation)

    listed = get_json(client, "/api/v1/organisations/", {"per_page": "100"})["results"]
    found = get_json(client, "/api/v1/organisations/acme/")

    expected_roles = ["funder", "workstream-lead", "publisher", "employer", "training-centre"]
    assert [o["roles"] for o in listed if o["slug"] == "acme"] == [expected_roles]
    assert found["roles"] == expected_roles
    assert found["id"] == "GB-COH-01234567"
    assert found["awardsGiven"] == {
        "count": 2,
        "total": "300000.00",
        "awards": "http://testserver/api/v1/awards/?funder=acme",
    }
    assert found["awardsReceived"] == {"count": 0, "total": "0.00", "awards": None}
    assert [p["workstream"]["slug"] for p in found["partnerships"]] == ["ws"]
    assert [(c["cohort"], c["apprentices"]) for c in found["cohortsEmployed"]] == [
        ("2020 intake", 3)
    ]
    assert [c["slug"] for c in found["trainingCentres"]] == ["acme-centre"]
    assert [o["slug"] for o in found["outputsPublished"]] == ["acme-report"]
    # The awards link is the list of just those awards.
    assert get_json(client, found["awardsGiven"]["awards"])["count"] == 2


def test_an_indicator_gives_its_values_and_reporting_periods(client):
    indicator = IndicatorFactory(slug="apprentices", unit="people", target=Decimal("200"))
    IndicatorValueFactory(
        indicator=indicator,
        value=Decimal("150"),
        qualifier="over",
        date=datetime.date(2021, 1, 1),
        date_precision="year",
        source_title="BIA news",
    )
    IndicatorPeriodFactory(
        indicator=indicator,
        start=datetime.date(2021, 4, 1),
        end=datetime.date(2022, 3, 31),
        target=Decimal("100"),
        actual=Decimal("120"),
        actual_qualifier="about",
        actual_source_title="Annual count",
        is_locked=True,
    )

    found = get_json(client, "/api/v1/indicators/apprentices/")

    assert found["target"] == "200.00"
    assert found["values"] == [
        {
            "value": "150.00",
            "qualifier": "over",
            "projected": False,
            "date": "2021-01-01",
            "datePrecision": "year",
            "period": None,
            "sourceTitle": "BIA news",
            "sourceUrl": None,
        }
    ]
    assert found["periods"] == [
        {
            "start": "2021-04-01",
            "end": "2022-03-31",
            "target": "100.00",
            "actual": "120.00",
            "actualQualifier": "about",
            "actualSourceTitle": "Annual count",
            "actualSourceUrl": None,
            "locked": True,
        }
    ]


def test_a_milestone_says_how_it_stands_against_its_plan(client):
    MilestoneFactory(
        slug="launch",
        date=datetime.date(2020, 1, 1),
        planned_date=datetime.date(2020, 6, 1),
        planned_precision="month",
        delivery_status="on-track",
        rating="amber",
        rating_reason="Suppliers are slow.",
        workstream=None,
    )

    found = get_json(client, "/api/v1/milestones/launch/")

    assert found["workstream"] is None
    assert found["plannedDate"] == "2020-06-01"
    assert found["plannedPrecision"] == "month"
    assert found["forecastDate"] is None
    assert found["forecastPrecision"] is None
    assert found["deliveryStatus"] == "on-track"
    assert found["rating"] == "amber"
    assert found["ratingReason"] == "Suppliers are slow."
    # June 2020 has gone by and it is not done: late, worked out today.
    assert found["late"] is True
    assert found["url"] == "http://testserver/timeline/#milestone-launch"


def test_references_to_drafts_are_null_or_left_out(client):
    draft_workstream = WorkstreamFactory(is_published=False)
    draft_network = InitiativeFactory(workstream=draft_workstream, slug="draft-network")
    draft_org = OrganisationFactory(is_published=False)
    TrainingCentreFactory(slug="centre", network=draft_network, organisation=draft_org)
    LearningResourceFactory(slug="resource", provider=draft_org, platform=draft_network)
    parent = InitiativeFactory(slug="parent", is_published=False)
    InitiativeFactory(slug="child", part_of=parent)
    output = OutputFactory(slug="report")
    output.publishers.add(draft_org)
    output.workstreams.add(draft_workstream)
    programme = ApprenticeshipProgrammeFactory(slug="apps", lead=draft_org)
    cohort = CohortFactory(programme=programme, training_provider=draft_org)
    CohortEmployerFactory(cohort=cohort, organisation=draft_org)
    FundingProgrammeFactory(slug="fund", funder=draft_org)

    centre = get_json(client, "/api/v1/training-centres/centre/")
    resource = get_json(client, "/api/v1/learning-resources/resource/")
    child = get_json(client, "/api/v1/initiatives/child/")
    report = get_json(client, "/api/v1/outputs/report/")
    apps = get_json(client, "/api/v1/apprenticeship-programmes/apps/")
    fund = get_json(client, "/api/v1/funding-programmes/fund/")

    assert centre["organisation"] is None
    assert centre["network"] is None
    assert resource["provider"] is None
    assert resource["platform"] is None
    assert child["partOf"] is None
    assert report["publishers"] == []
    assert report["workstreams"] == []
    assert apps["lead"] is None
    assert apps["cohorts"][0]["trainingProvider"] is None
    assert apps["cohorts"][0]["employers"] == []
    assert fund["funder"] is None


def test_outputs_are_latest_first_with_undated_ones_last(client):
    OutputFactory(slug="old", date=datetime.date(2019, 1, 1))
    OutputFactory(slug="undated", date=None)
    OutputFactory(slug="new", date=datetime.date(2022, 1, 1))

    listed = every_page(client, "/api/v1/outputs/", {"per_page": "10"})

    assert [output["slug"] for output in listed] == ["new", "old", "undated"]


def test_undated_outputs_page_in_order_across_pages(client):
    for number in range(25):
        OutputFactory(
            slug=f"output-{number:02}",
            title="Same title",
            date=None if number % 2 else datetime.date(2020, 1, 1 + number),
        )

    forward = [o["slug"] for o in every_page(client, "/api/v1/outputs/", {"per_page": "10"})]
    backward = []
    page = get_json(client, "/api/v1/outputs/", {"per_page": "10"})
    while page["next"]:
        page = get_json(client, page["next"])
    backward = [o["slug"] for o in page["results"]]
    while page["previous"]:
        page = get_json(client, page["previous"])
        backward = [o["slug"] for o in page["results"]] + backward

    assert forward == backward
    assert len(forward) == 25
    assert forward[:13] == [f"output-{n:02}" for n in range(24, -1, -2)]
    assert forward[13:] == [f"output-{n:02}" for n in range(1, 25, 2)]


def test_a_funding_programme_adds_up_its_public_awards(client):
    programme = FundingProgrammeFactory(slug="challenge")
    AwardFactory(programme=programme, amount=Decimal("100"))
    AwardFactory(programme=programme, amount=Decimal("250.50"))
    AwardFactory(programme=programme, amount=Decimal("1000"), is_published=False)

    found = get_json(client, "/api/v1/funding-programmes/challenge/")

    assert found["awards"] == {
        "count": 2,
        "total": "350.50",
        "awards": "http://testserver/api/v1/awards/?programme=challenge",
    }


# ---------- What it costs ----------


def records_for_counting(size: int) -> None:
    """size records of every kind, each naming as many others as its representation can."""
    today = timezone.localdate()
    for number in range(size):
        workstream = WorkstreamFactory()
        organisation = OrganisationFactory(parent=OrganisationFactory())
        PartnershipFactory(workstream=workstream, organisation=organisation, role="lead")
        PartnershipFactory(workstream=workstream)
        network = InitiativeFactory(workstream=workstream, part_of=InitiativeFactory())
        network.organisations.add(organisation, OrganisationFactory())
        MilestoneFactory(workstream=workstream, initiative=network, output=OutputFactory())
        output = OutputFactory(initiative=network, date=None if number % 2 else today)
        output.publishers.add(organisation)
        output.workstreams.add(workstream)
        indicator = IndicatorFactory()
        indicator.workstreams.add(workstream)
        IndicatorValueFactory(indicator=indicator)
        IndicatorPeriodFactory(indicator=indicator)
        fund = FundingProgrammeFactory(funder=organisation)
        fund.workstreams.add(workstream)
        award = AwardFactory(funder=organisation, programme=fund)
        programme = ApprenticeshipProgrammeFactory(lead=organisation, workstream=workstream)
        programme.community_organisations.add(OrganisationFactory())
        programme.awards.add(award)
        programme.indicators.add(indicator)
        cohort = CohortFactory(programme=programme, training_provider=organisation)
        CohortEmployerFactory(cohort=cohort, organisation=organisation)
        TrainingCentreFactory(organisation=organisation, network=network)
        LearningResourceFactory(provider=organisation, platform=network)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries)


def addresses() -> list[str]:
    """Every list, and the detail of one record of each kind (the last made)."""
    found = []
    for name, model, key in ENDPOINTS:
        if name == "awards":
            continue  # tests/test_api_awards.py counts the awards' queries
        found.append(f"/api/v1/{name}/")
        last = model._default_manager.public().order_by("-pk").values_list(key, flat=True)[0]
        found.append(f"/api/v1/{name}/{last}/")
    return found


# The four of every answer (tests/test_api_awards.py names them), then for each:
COUNTS = {
    # the count, the page, the awards added up
    "/api/v1/funding-programmes/": 4 + 3 + 1,
    # the count, the page, the roles of its organisations
    "/api/v1/organisations/": 4 + 3,
    # the count, the page, the partnerships
    "/api/v1/workstreams/": 4 + 3,
    # the count, the page, the organisations
    "/api/v1/initiatives/": 4 + 3,
    "/api/v1/milestones/": 4 + 2,
    # the count, the page, the publishers, the workstreams
    "/api/v1/outputs/": 4 + 4,
    # the count, the page, the workstreams, the values, the periods
    "/api/v1/indicators/": 4 + 5,
    # the count, the page, the community, the awards, the indicators, the cohorts, employers
    "/api/v1/apprenticeship-programmes/": 4 + 7,
    "/api/v1/training-centres/": 4 + 2,
    "/api/v1/learning-resources/": 4 + 2,
}


@pytest.mark.parametrize("size", [3, 30])
def test_every_list_and_detail_costs_the_same_queries_for_3_records_as_for_30(client, size):
    records_for_counting(size)
    counted = {url: count_queries(client, url) for url in addresses()}

    lists = {url: count for url, count in counted.items() if url.count("/") == 4}
    assert lists == COUNTS
    # A detail is its list's page of one, less the count; an organisation's adds the records
    # of every role (eleven kinds) and its awards added up in three roles.
    for url, count in counted.items():
        if url.count("/") == 5:
            base = "/".join(url.split("/")[:4]) + "/"
            extra = 11 + 3 if "organisations" in url else 0
            assert count == COUNTS[base] - 1 + extra, url
