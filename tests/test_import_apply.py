"""Applying an import in one transaction: awards keep their publisher's identifiers,
organisations gain org-ids, other identifiers and regions, programmes are matched within
their funder or made, chosen workstreams are added, and every change is in the history as
"import of <dataset>" with who ran it. Re-importing the same file changes nothing; a newer
file updates what changed upstream and keeps what staff added; a file with problems, a
stale preview or an import cut short changes nothing."""

import datetime
from decimal import Decimal

import psycopg
import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection

from funding.models import Award, FundingProgramme
from imports import writing
from imports.choices import Choices, Selection
from imports.models import (
    AwardSource,
    Dataset,
    DatasetImport,
    OrganisationIdentifier,
    OrganisationSource,
)
from imports.preview import preview
from imports.reading import open_grant_file
from imports.services import ImportRefused, RecordChanged, apply_import
from mmip.models import Organisation
from tests import giving_files as gf
from tests.factories import MilestoneFactory, OrganisationFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db

TRACKED_APPS = {"mmip", "funding", "imports", "workstreams"}


@pytest.fixture
def staff(db):
    return User.objects.create_user("importer", is_staff=True)


def file_of(tmp_path, grants, name="grants.json", **metadata):
    path = gf.write_json(tmp_path, gf.package(grants, **metadata), name=name)
    return open_grant_file(path, name)


def run(grant_file, user, **kwargs):
    return apply_import(
        grant_file=grant_file, choices=kwargs.pop("choices", Choices()), user=user, **kwargs
    )


def row_counts() -> dict:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in TRACKED_APPS
    }


def test_a_realistic_file_is_imported_whole(tmp_path, staff):
    grant_file = file_of(tmp_path, [gf.grant(n) for n in range(300)])
    result = run(grant_file, staff)

    assert Award.objects.count() == 300
    award = Award.objects.select_related("funder", "recipient", "programme").get(
        identifier="360G-NBT-1001"
    )
    assert (award.title, award.amount, award.award_date, award.award_date_precision) == (
        "Grant 1 for Clyde Biologics Ltd",
        Decimal("6234.50"),
        datetime.date(2019, 2, 7),
        "day",
    )
    assert award.funder.name == "Northern Bioprocessing Trust"
    assert award.funder.kind == "funder"
    assert award.programme.name == "Manufacturing Futures (Northern Bioprocessing Trust)"
    assert award.programme.funder == award.funder
    assert award.is_public
    # A summer midnight in the UK written in UTC keeps the UK's day.
    assert Award.objects.get(identifier="360G-MIA-1006").award_date == datetime.date(2019, 8, 11)

    severn = Organisation.objects.get(name="Severn Vaccine Works")
    assert (severn.org_id, severn.nation_region, severn.kind) == (
        "GB-COH-SC123456",
        "wales",
        "company",
    )
    assert list(severn.other_identifiers.values_list("identifier", "scheme")) == [
        ("360G-MIA-ORG-77", "360G")
    ]
    assert Organisation.objects.count() == 11
    assert FundingProgramme.objects.count() == 9

    dataset = Dataset.objects.get()
    assert (dataset.title, dataset.publisher_name, dataset.issued) == (
        "Medicines Innovation grants",
        "Medicines Innovation Agency",
        datetime.date(2024, 2, 1),
    )
    record = result.dataset_import
    assert (record.sha256, record.imported_by, record.new, record.grants_in_file) == (
        grant_file.sha256,
        staff,
        300,
        300,
    )
    assert (record.organisations_new, record.organisations_matched) == (11, 0)
    assert AwardSource.objects.filter(dataset=dataset).count() == 300
    assert OrganisationSource.objects.filter(dataset=dataset).count() == 11
    assert set(award.datasets.all()) == {dataset}


def test_every_record_written_has_its_history_as_an_import_of_the_dataset(tmp_path, staff):
    run(file_of(tmp_path, [gf.grant(n) for n in range(5)]), staff)

    reason = "import of Medicines Innovation grants (Medicines Innovation Agency)"
    for model in (Award, Organisation, FundingProgramme, Dataset):
        entries = model.history.all()
        assert entries.count() == model.objects.count()
        assert {(e.history_change_reason, e.history_user, e.history_type) for e in entries} == {
            (reason, staff, "+")
        }


def test_chosen_workstreams_are_given_to_the_new_awards(tmp_path, staff):
    skills = WorkstreamFactory(name="Skills")
    run(
        file_of(tmp_path, [gf.grant(0), gf.grant(1)]),
        staff,
        choices=Choices(workstreams=(skills.pk,)),
    )
    assert {award.identifier for award in skills.awards.all()} == {"360G-MIA-1000", "360G-NBT-1001"}
    # The history of each award holds its workstreams.
    entry = Award.objects.get(identifier="360G-MIA-1000").history.latest()
    assert [link.workstream_id for link in entry.workstreams.all()] == [skills.pk]


def test_importing_as_drafts_publishes_nothing(tmp_path, staff):
    run(file_of(tmp_path, [gf.grant(0)]), staff, choices=Choices(publish=False))
    assert not Award.objects.public().exists()
    assert not Organisation.objects.public().exists()


def test_only_the_chosen_grants_are_imported(tmp_path, staff):
    grant_file = file_of(tmp_path, [gf.grant(n) for n in range(30)])
    result = run(
        grant_file, staff, choices=Choices(selection=Selection(funders=("GB-CHC-1190001",)))
    )
    assert Award.objects.count() == 10
    assert (result.dataset_import.new, result.dataset_import.skipped) == (10, 20)
    assert result.dataset_import.selection == {"funders": ["GB-CHC-1190001"]}


# Again ----------------------------------------------------------------------------------


def history_count() -> int:
    return sum(model.history.count() for model in (Award, Organisation, FundingProgramme, Dataset))


def test_importing_the_same_file_again_changes_nothing(tmp_path, staff):
    grants = [gf.grant(n) for n in range(40)]
    run(file_of(tmp_path, grants), staff)
    counts, histories = row_counts(), history_count()

    again = run(file_of(tmp_path, grants), staff)
    assert again.changed_nothing
    assert again.preview["counts"]["unchanged"] == 40
    assert row_counts() == counts
    assert history_count() == histories


def test_a_newer_file_updates_what_changed_upstream_and_keeps_what_staff_added(tmp_path, staff):
    grants = [gf.grant(n) for n in range(6)]
    run(file_of(tmp_path, grants), staff)
    award = Award.objects.get(identifier="360G-MIA-1000")
    award.title = "Corrected by staff"
    award.save()
    skills = WorkstreamFactory()
    award.workstreams.add(skills)
    milestone = MilestoneFactory()
    award.milestones.add(milestone)

    newer = [gf.grant(0, amountAwarded=Decimal("9999.99")), *grants[1:5]]  # grant 5 is gone
    result = run(file_of(tmp_path, newer, name="newer.json", issued="2024-03-01"), staff)

    award.refresh_from_db()
    assert award.amount == Decimal("9999.99")
    assert award.title == "Corrected by staff"
    assert list(award.workstreams.all()) == [skills]
    assert list(award.milestones.all()) == [milestone]
    assert Award.objects.filter(identifier="360G-CTVF-1005").exists()  # reported, not deleted
    record = result.dataset_import
    assert (record.changed, record.unchanged, record.no_longer_in_file) == (1, 4, 1)
    assert result.preview["no_longer_in_file"] == ["360G-CTVF-1005"]
    assert Dataset.objects.get().issued == datetime.date(2024, 3, 1)
    assert DatasetImport.objects.count() == 2
    latest = award.history.latest()
    assert latest.history_change_reason.startswith("import of ")
    assert AwardSource.objects.get(award=award).last_import == record


def test_a_confirmed_match_by_name_gives_the_organisation_its_identifiers(tmp_path, staff):
    teesside = OrganisationFactory(name="Teesside Skills Charity")
    grant_file = file_of(tmp_path, [gf.grant(0)])
    with pytest.raises(ImportRefused, match="confirm that they are the same organisation"):
        run(grant_file, staff)

    run(grant_file, staff, choices=Choices(confirmed=frozenset({"GB-CHC-1170001"})))
    teesside.refresh_from_db()
    assert (teesside.org_id, teesside.nation_region) == ("GB-CHC-1170001", "north-east")
    assert Award.objects.get().recipient == teesside
    assert teesside.history.latest().history_change_reason.startswith("import of ")


# Refusals --------------------------------------------------------------------------------


def test_a_file_with_problems_changes_nothing_unless_they_are_skipped(tmp_path, staff):
    grants = [gf.grant(0), gf.grant(1, currency="EUR"), gf.grant(2)]
    grant_file = file_of(tmp_path, grants)
    counts = row_counts()
    with pytest.raises(ImportRefused) as refused:
        run(grant_file, staff)
    assert str(refused.value).startswith(
        "The file has grants with problems, so nothing was imported. The first: 360G-NBT-1001 "
        "(grant 2 in the file): The grant is in EUR;"
    )
    assert row_counts() == counts

    result = run(grant_file, staff, skip_problems=True)
    assert Award.objects.count() == 2
    assert (result.dataset_import.new, result.dataset_import.with_problems) == (2, 1)


def test_a_preview_made_before_the_record_changed_is_not_applied(tmp_path, staff):
    grant_file = file_of(tmp_path, [gf.grant(0)])
    seen = preview(grant_file, Choices())
    OrganisationFactory(name="Medicines Innovation Agency", org_id="GB-GOR-PB9001")  # meanwhile
    counts = row_counts()

    with pytest.raises(RecordChanged) as refused:
        run(grant_file, staff, expected_digest=seen["digest"])
    assert refused.value.preview["organisations"]["by_identifier"][0]["organisation"] == (
        "Medicines Innovation Agency"
    )
    assert row_counts() == counts
    assert run(grant_file, staff, expected_digest=refused.value.preview["digest"]).dataset_import


def test_the_preview_and_the_apply_agree(tmp_path, staff):
    grant_file = file_of(tmp_path, [gf.grant(n) for n in range(50)])
    seen = preview(grant_file, Choices())
    result = run(grant_file, staff, expected_digest=seen["digest"])
    assert result.preview["counts"] == seen["counts"]


def test_an_import_cut_short_leaves_nothing_applied(tmp_path, staff, monkeypatch):
    grant_file = file_of(tmp_path, [gf.grant(n) for n in range(1500)])
    counts = row_counts()
    written = []

    def fail_on_the_second_thousand(self, plans):
        if written:
            raise RuntimeError("the worker was stopped")
        written.append(len(plans))
        original(self, plans)

    original = writing.Writer._new_awards
    monkeypatch.setattr(writing.Writer, "_new_awards", fail_on_the_second_thousand)
    with pytest.raises(RuntimeError):
        run(grant_file, staff)

    assert written == [1000]
    assert row_counts() == counts


def test_a_file_being_imported_is_not_imported_again_at_the_same_time(tmp_path, staff):
    grant_file = file_of(tmp_path, [gf.grant(0)])
    # The same server as the tests' own connection, the embedded one included.
    other = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    lock = int(grant_file.sha256[:15], 16)
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [lock])
        with pytest.raises(ImportRefused, match="This very file is being imported right now"):
            run(grant_file, staff)
        # Released before the connection closes: the server ends a closed session's locks
        # only when it has noticed, which the import below could otherwise beat.
        other.execute("SELECT pg_advisory_unlock(%s)", [lock])
    finally:
        other.close()
    assert not Award.objects.exists()
    assert run(grant_file, staff).dataset_import


def test_a_record_that_would_break_a_rule_stops_the_whole_import(tmp_path, staff, monkeypatch):
    """The plan applies every rule of the record; should a record still break one, nothing
    is written, the dataset included."""

    def refuse(award):
        raise ValidationError({"amount": "Not this one."})

    monkeypatch.setattr(Award, "clean", refuse)
    with pytest.raises(ImportRefused) as refused:
        run(file_of(tmp_path, [gf.grant(0)]), staff)
    assert str(refused.value) == (
        "Nothing was imported. The grant 360G-MIA-1000 breaks a rule of the record "
        "(amount: Not this one.)."
    )
    assert not Dataset.objects.exists()
    assert not OrganisationIdentifier.objects.exists()


def test_an_award_changed_by_someone_while_the_import_runs_stops_it(tmp_path, staff, monkeypatch):
    run(file_of(tmp_path, [gf.grant(0)]), staff)
    original = writing.Writer._changed_awards

    def meanwhile(self, plans):
        # Somebody saves the award between the plan's reading it and the import's writing.
        Award.objects.filter(identifier="360G-MIA-1000").update(title="Saved meanwhile")
        original(self, plans)

    monkeypatch.setattr(writing.Writer, "_changed_awards", meanwhile)
    newer = file_of(tmp_path, [gf.grant(0, amountAwarded=Decimal("7000"))], name="newer.json")
    with pytest.raises(ImportRefused) as refused:
        run(newer, staff)
    assert str(refused.value) == (
        "Nothing was imported. The award 360G-MIA-1000 was changed or deleted by someone while "
        "the import ran. Preview the file again."
    )
    assert Award.objects.get().amount == Decimal("5000.00")
