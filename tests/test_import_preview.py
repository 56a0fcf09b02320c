"""The preview of an import, a pure computation: new, changed (field by field), unchanged,
not chosen and held-back grants; organisations matched by org-id, by charity or company
number, by name alone (for staff to confirm), or new; programmes; fields not kept; every
problem with its grant, field and place in the file; awards no longer in the file. It
writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imports.choices import Choices, Selection
from imports.preview import preview
from imports.reading import open_grant_file
from tests import giving_files as gf
from tests import import_factories as imf
from tests.factories import (
    AwardFactory,
    FundingProgrammeFactory,
    OrganisationFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db


def preview_of(tmp_path, grants, choices=None, *, kind="json", **metadata):
    if kind == "json":
        path = gf.write_json(tmp_path, gf.package(grants, **metadata))
    elif kind == "csv":
        path = gf.write_csv(tmp_path, grants)
    else:
        path = gf.write_xlsx(tmp_path, grants)
    return preview(open_grant_file(path, path.name), choices or Choices())


def problems(found) -> list[tuple[str, str, str]]:
    return [(p["identifier"], p["where"], p["message"]) for p in found["problems"]]


def test_a_realistic_file_into_an_empty_record_is_all_new(tmp_path):
    found = preview_of(tmp_path, [gf.grant(n) for n in range(300)])

    assert found["counts"] == {
        "new": 300,
        "changed": 0,
        "unchanged": 0,
        "skipped": 0,
        "with_problems": 0,
        "grants_in_file": 300,
        "no_longer_in_file": 0,
    }
    assert found["new"][1] == {
        "identifier": "360G-NBT-1001",
        "title": "Grant 1 for Clyde Biologics Ltd",
        "amount": "£6,234.50",
        "awarded": "7 February 2019",
        "funder": "Northern Bioprocessing Trust",
        "recipient": "Clyde Biologics Ltd",
        "programme": "Manufacturing Futures (Northern Bioprocessing Trust)",
    }
    assert len(found["new"]) == 200  # the first 200 are shown; the count says the rest
    new = {row["name"]: row for row in found["organisations"]["new"]}
    assert len(new) == 11  # three funders and eight recipients
    assert found["organisation_counts"] == {
        "by_identifier": 0,
        "by_number": 0,
        "by_name": 0,
        "confirmed": 0,
        "new": 11,
    }
    assert new["Severn Vaccine Works"] | {"grants": 0} == {
        "identifier": "360G-MIA-ORG-77",
        "name_in_file": "Severn Vaccine Works",
        "grants": 0,
        "name": "Severn Vaccine Works",
        "kind": "company",
        "org_id": "GB-COH-SC123456",  # from its company number
        "region": "Wales",
    }
    assert new["Medicines Innovation Agency"]["kind"] == "funder"
    assert new["Peak District Reagents Ltd"]["region"] == ""  # SK crosses a border
    assert {row["name"] for row in found["programmes"]["new"]} >= {
        "Small Grants",
        "Small Grants (Northern Bioprocessing Trust)",
    }
    assert found["dataset"] | {"imported_before": ""} == {
        "id": None,
        "title": "Medicines Innovation grants",
        "publisher_name": "Medicines Innovation Agency",
        "publisher_identifier": "GB-GOR-PB9001",
        "source_url": "https://grants.example.org/data/2024.json",
        "licence": "https://creativecommons.org/licenses/by/4.0/",
        "issued": "2024-02-01",
        "imported_before": "",
    }


def test_the_fields_the_record_does_not_keep_are_listed_with_their_grants(tmp_path):
    found = preview_of(tmp_path, [gf.grant(n) for n in range(3)])
    assert {(row["field"], row["grants"]) for row in found["fields_not_kept"]} == {
        ("Grant Programme: Code", 3),
        ("Last Modified", 3),
        ("Planned Dates: Duration (months)", 3),
    }


def test_a_spreadsheets_own_columns_are_listed_as_not_kept(tmp_path):
    found = preview_of(tmp_path, [gf.grant(n) for n in range(3)], kind="csv")
    assert {"field": "Internal Panel", "path": "Internal Panel", "grants": 3} in found[
        "fields_not_kept"
    ]


def test_nothing_is_written(tmp_path):
    models = [
        model
        for model in apps.get_models()
        if model._meta.app_label in {"mmip", "funding", "imports"}
    ]
    before = {model: model.objects.count() for model in models}
    preview_of(tmp_path, [gf.grant(n) for n in range(30)])
    assert {model: model.objects.count() for model in models} == before


# Changed and unchanged -------------------------------------------------------------------


def test_an_award_entered_here_with_the_same_identifier_shows_each_change(tmp_path):
    funder = OrganisationFactory(name="Medicines Innovation Agency", org_id="GB-GOR-PB9001")
    recipient = OrganisationFactory(name="Teesside Skills Charity", org_id="GB-CHC-1170001")
    award = AwardFactory(
        identifier="360G-MIA-1000",
        title="An older title",
        description=gf.grant(0)["description"],
        funder=funder,
        recipient=recipient,
        amount=Decimal("4000"),
        award_date=datetime.date(2019, 1, 1),
        award_date_precision="year",
        programme=FundingProgrammeFactory(name="Manufacturing Futures", funder=funder),
        planned_start=datetime.date(2019, 1, 1),
        source_url="https://grants.example.org/data/2024.json",
    )
    found = preview_of(tmp_path, [gf.grant(0)])

    assert found["counts"]["changed"] == 1
    (changed,) = found["changed"]
    assert changed["url"] == f"/admin/funding/award/{award.pk}/change/"
    assert changed["changes"] == [
        {"field": "Title", "old": "An older title", "new": "Grant 0 for Teesside Skills Charity"},
        {"field": "Amount", "old": "£4,000", "new": "£5,000"},
        {"field": "Award date known to the", "old": "year", "new": "day"},
    ]
    assert [row["name_in_file"] for row in found["organisations"]["by_identifier"]] == [
        "Medicines Innovation Agency",
        "Teesside Skills Charity",
    ]
    assert found["programmes"]["matched"][0]["title"] == "Manufacturing Futures"


def imported(grant: dict, **award_fields):
    """An award as an earlier import of grant left it, with what the file said then."""
    from imports.normalise import read_grant

    facts = read_grant(grant, from_spreadsheet=False).facts
    funder = OrganisationFactory(name=facts.funder.name, org_id=facts.funder.org_id)
    recipient = OrganisationFactory(name=facts.recipient.name, org_id=facts.recipient.org_id)
    fields = {
        "identifier": facts.identifier,
        "title": facts.title,
        "description": facts.description,
        "funder": funder,
        "recipient": recipient,
        "amount": facts.amount,
        "award_date": facts.award_date,
        "award_date_precision": "day",
        "planned_start": facts.planned_start,
        "programme": FundingProgrammeFactory(name=facts.programme, funder=funder),
        "source_url": facts.source_url,
    }
    award = AwardFactory(**(fields | award_fields))
    source = imf.AwardSourceFactory(
        award=award,
        first_import__dataset=imf.DatasetFactory(
            title="Medicines Innovation grants",
            publisher_name="Medicines Innovation Agency",
            source_url="https://grants.example.org/data/2024.json",
        ),
        imported_values=facts.upstream(),
    )
    return award, source


def test_a_grant_as_it_was_imported_is_unchanged(tmp_path):
    imported(gf.grant(0))
    found = preview_of(tmp_path, [gf.grant(0)])
    assert found["counts"]["unchanged"] == 1
    assert found["changed"] == []


def test_a_newer_file_changes_what_the_funder_changed_and_keeps_what_staff_corrected(tmp_path):
    imported(gf.grant(0), title="Corrected by staff")
    newer = gf.grant(0, amountAwarded=Decimal("7500"))

    found = preview_of(tmp_path, [newer])
    assert found["counts"]["changed"] == 1
    assert found["changed"][0]["changes"] == [{"field": "Amount", "old": "£5,000", "new": "£7,500"}]


def test_the_funder_changing_a_field_staff_corrected_changes_it(tmp_path):
    imported(gf.grant(0), title="Corrected by staff")
    found = preview_of(tmp_path, [gf.grant(0, title="Renamed by the funder")])
    assert found["changed"][0]["changes"] == [
        {"field": "Title", "old": "Corrected by staff", "new": "Renamed by the funder"}
    ]


def test_workstreams_chosen_are_added_never_taken_away(tmp_path):
    award, _ = imported(gf.grant(0))
    kept = WorkstreamFactory(name="Skills")
    award.workstreams.add(kept)
    chosen = WorkstreamFactory(name="Advanced therapies")

    found = preview_of(tmp_path, [gf.grant(0)], Choices(workstreams=(chosen.pk, kept.pk)))
    assert found["changed"][0]["changes"] == [
        {"field": "Workstreams", "old": "", "new": "added: Advanced therapies"}
    ]
    assert found["workstreams"] == ["Advanced therapies", "Skills"]


def test_awards_of_the_dataset_no_longer_in_the_file_are_reported(tmp_path):
    imported(gf.grant(0))
    found = preview_of(tmp_path, [gf.grant(1)])
    assert found["no_longer_in_file"] == ["360G-MIA-1000"]
    assert found["counts"]["no_longer_in_file"] == 1


# Selection -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selection", "chosen"),
    [
        (Selection(programmes=("small grants",)), 99),
        (Selection(funders=("GB-CHC-1190001",)), 100),
        (Selection(programmes=("Small Grants",), funders=("GB-CHC-1190001",)), 33),
        (
            Selection(
                awarded_from=datetime.date(2021, 1, 1), awarded_to=datetime.date(2021, 12, 31)
            ),
            79,
        ),
        (Selection(text="Clyde"), 38),
        (Selection(funders=("GB-NOBODY-1",)), 0),
    ],
)
def test_a_selection_takes_part_of_the_file_and_counts_the_rest_as_not_chosen(
    tmp_path, selection, chosen
):
    found = preview_of(tmp_path, [gf.grant(n) for n in range(300)], Choices(selection=selection))
    assert found["counts"]["new"] == chosen
    assert found["counts"]["skipped"] == 300 - chosen


# Organisations ---------------------------------------------------------------------------


def test_organisations_are_matched_by_identifier_number_or_name(tmp_path):
    OrganisationFactory(name="Medicines Innovation Agency", org_id="GB-GOR-PB9001")
    by_other_identifier = OrganisationFactory(name="The Severn Vaccine Works")
    imf.OrganisationIdentifierFactory(
        organisation=by_other_identifier, identifier="360G-MIA-ORG-77"
    )
    OrganisationFactory(name="Clyde Biologics", org_id="GB-COH-08880001")
    OrganisationFactory(name="Teesside Skills Charity")  # the same name, no org-id
    grants = [gf.grant(0), gf.grant(1), gf.grant(3)]
    grants[1]["recipientOrganization"][0]["id"] = "360G-NBT-ORG-CLYDE"  # but its company number

    found = preview_of(tmp_path, grants)
    organisations = found["organisations"]
    assert [(r["name_in_file"], r["organisation"]) for r in organisations["by_identifier"]] == [
        ("Medicines Innovation Agency", "Medicines Innovation Agency"),
        ("Severn Vaccine Works", "The Severn Vaccine Works"),
    ]
    assert [(r["name_in_file"], r["organisation"]) for r in organisations["by_number"]] == [
        ("Clyde Biologics Ltd", "Clyde Biologics")
    ]
    (by_name,) = organisations["by_name"]
    assert (by_name["name_in_file"], by_name["confirmed"]) == ("Teesside Skills Charity", False)
    # Until staff confirm it, its grant waits.
    assert problems(found) == [
        (
            "360G-MIA-1000",
            "grant 1 in the file",
            "The recipient “Teesside Skills Charity” (GB-CHC-1170001) has the same name as "
            "“Teesside Skills Charity” in the record, which is not known by that identifier: "
            "confirm that they are the same organisation.",
        )
    ]
    assert by_other_identifier.pk and organisations["by_number"][0]["gains"] == [
        "nation or region Scotland",
        "identifier 360G-NBT-ORG-CLYDE",
    ]


def test_a_confirmed_match_by_name_takes_the_organisation_and_gives_it_the_org_id(tmp_path):
    OrganisationFactory(name="Teesside Skills Charity")
    found = preview_of(tmp_path, [gf.grant(0)], Choices(confirmed=frozenset({"GB-CHC-1170001"})))

    assert found["problems"] == []
    (by_name,) = found["organisations"]["by_name"]
    assert by_name["confirmed"] is True
    assert by_name["gains"] == ["org-id GB-CHC-1170001", "nation or region North East (England)"]


def test_one_organisation_named_by_two_identifiers_is_made_once(tmp_path):
    by_number = gf.grant(
        1,
        recipientOrganization=[
            {"id": "360G-X-ORG-9", "name": "Teesside Skills Charity", "charityNumber": "1170001"}
        ],
    )
    found = preview_of(tmp_path, [gf.grant(0), by_number])
    names = [row["name"] for row in found["organisations"]["new"]]
    assert names.count("Teesside Skills Charity") == 1


# Problems --------------------------------------------------------------------------------


def test_every_problem_names_the_grant_the_field_and_where_it_is_in_a_spreadsheet(tmp_path):
    grants = [
        gf.grant(0, amountAwarded="£1,500"),  # read, in a spreadsheet
        gf.grant(1, awardDate="2021-02-30"),
        gf.grant(2, currency="USD"),
        gf.grant(3, amountAwarded="0"),
        gf.grant(4, recipientOrganization=[{"id": "ZZ-NOPE-1", "name": "Nobody"}]),
        gf.grant(5, id="360G-MIA-1006"),
        gf.grant(6),
    ]
    found = preview_of(tmp_path, grants, kind="csv")

    assert found["counts"]["new"] == 1
    # flattentool makes one grant of the two rows that share an identifier.
    assert found["counts"]["with_problems"] == 5
    assert problems(found) == [
        (
            "360G-NBT-1001",
            "row 3, column F (Award Date)",
            "“2021-02-30” is not a date: February 2021 has 28 days.",
        ),
        (
            "360G-CTVF-1002",
            "row 4, column D (Currency)",
            "The grant is in USD; the record keeps amounts in pounds sterling (GBP) only, so it cannot be imported.",
        ),
        (
            "360G-MIA-1003",
            "row 5, column E (Amount Awarded)",
            "The amount is 0; an award must be more than £0.",
        ),
        (
            "360G-NBT-1004",
            "row 6, column G (Recipient Org:Identifier)",
            "The recipient's identifier “ZZ-NOPE-1” does not start with a list code of the org-id register (such as GB-CHC- or GB-COH-), nor with 360G- for the publisher's own.",
        ),
        (
            "360G-MIA-1006",
            "row 7, column A (Identifier)",
            "The identifier 360G-MIA-1006 is given to rows 7 and 8: a grant identifier is given once. None of them is imported.",
        ),
    ]
    assert found["problems"][0]["field"] == "Award Date"
    assert found["notes"][0]["message"] == "The amount “£1,500” was read as 1500."


def test_a_duplicate_identifier_in_json_holds_back_every_grant_that_has_it(tmp_path):
    found = preview_of(tmp_path, [gf.grant(0), gf.grant(1, id="360G-MIA-1000"), gf.grant(2)])
    assert found["counts"]["with_problems"] == 2
    assert [p["where"] for p in found["problems"]] == ["grant 1 in the file", "grant 2 in the file"]
    assert "is given to 2 grants of the file" in found["problems"][0]["message"]


def test_a_schema_invalid_grant_in_json_is_a_problem_with_its_grant_number(tmp_path):
    grant = gf.grant(0)
    del grant["description"]
    found = preview_of(tmp_path, [grant, gf.grant(1)])
    assert problems(found) == [
        ("360G-MIA-1000", "grant 1 in the file", "The grant has no Description.")
    ]


def test_an_identifier_another_dataset_holds_is_a_problem(tmp_path):
    _, source = imported(gf.grant(0))
    other = imf.DatasetFactory(title="Someone else's grants", publisher_name="Another Funder")
    source.dataset = other
    source.first_import = source.last_import = imf.DatasetImportFactory(dataset=other)
    source.save()

    found = preview_of(tmp_path, [gf.grant(0)])
    assert problems(found) == [
        (
            "360G-MIA-1000",
            "grant 1 in the file",
            "The identifier 360G-MIA-1000 already belongs to an award from another dataset, "
            "“Someone else's grants (Another Funder)”: an award comes from one dataset only.",
        )
    ]


def test_the_same_file_imported_before_is_said(tmp_path):
    path = gf.write_json(tmp_path, gf.package([gf.grant(0)]))
    grant_file = open_grant_file(path, path.name)
    imf.DatasetImportFactory(sha256=grant_file.sha256, dataset__title="Medicines Innovation grants")
    found = preview(grant_file, Choices())
    assert found["dataset"]["imported_before"].startswith(
        "This very file was imported into “Medicines Innovation grants (Example Funder)” on "
    )


# Cost ------------------------------------------------------------------------------------


def test_the_preview_costs_the_same_queries_for_30_grants_as_for_300(tmp_path):
    def queries(count: int) -> int:
        path = gf.write_json(tmp_path, gf.realistic_package(count), name=f"g{count}.json")
        grant_file = open_grant_file(path, path.name)
        with CaptureQueriesContext(connection) as captured:
            preview(grant_file, Choices())
        return len(captured)

    # The dataset by address, then by publisher and title; the organisations, the
    # identifiers known, the programmes, the workstreams chosen; for each thousand grants
    # their awards (none here, so no prefetch); whether the file was imported before.
    assert queries(30) == queries(300) == 7
