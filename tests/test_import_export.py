"""Staff import and export of awards and organisations in the admin: CSV and Excel files, a
preview before anything is saved, every problem in plain words with its row, all or nothing,
and an export that imports back without changing anything."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from funding.models import Award, FundingProgramme
from funding.resources import AWARD_COLUMNS, AwardResource
from mmip.models import Organisation
from mmip.resources import ORGANISATION_COLUMNS
from tests import factories

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"


def url(model, view: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def csv_bytes(rows: list[dict], columns: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[dict], columns: list[str]) -> bytes:
    data = tablib.Dataset(headers=columns)
    for row in rows:
        data.append([row.get(column, "") for column in columns])
    return data.export("xlsx")


def preview(client, model, content: bytes, name: str, file_format: str = CSV_FORMAT):
    """The first step: upload the file and get the preview (a dry run)."""
    upload = SimpleUploadedFile(name, content)
    return client.post(url(model, "import"), {"format": file_format, "import_file": upload})


def confirm(client, model, previewed):
    """The second step: confirm the preview, as its form posts back."""
    form = previewed.context.get("confirm_form")
    assert form is not None, previewed.context["result"].problems()
    return client.post(url(model, "process_import"), {**form.initial, "confirm": "Confirm"})


def import_file(client, model, content: bytes, name: str, file_format: str = CSV_FORMAT):
    return confirm(client, model, preview(client, model, content, name, file_format))


def export(client, model, file_format: str = CSV_FORMAT) -> bytes:
    response = client.post(url(model, "export"), {"format": file_format, "resource": "0"})
    assert response.status_code == 200
    return response.content


def history_count() -> int:
    return Award.history.count() + Organisation.history.count()


def awards_as_they_stand() -> list[tuple]:
    """Every award with its links, by identifier: what an import must not change."""
    return [
        (
            award.identifier,
            award.title,
            award.description,
            award.status,
            award.amount,
            award.funder.slug,
            award.recipient.slug,
            award.routed_through and award.routed_through.slug,
            award.programme and award.programme.slug,
            award.award_date,
            award.award_date_precision,
            award.planned_start,
            award.planned_end,
            award.follow_on_of and award.follow_on_of.identifier,
            sorted(award.workstreams.values_list("slug", flat=True)),
            sorted(award.milestones.values_list("slug", flat=True)),
            sorted(award.outputs.values_list("slug", flat=True)),
            award.source_url,
            award.is_published,
        )
        for award in Award.objects.order_by("identifier")
    ]


def organisations_as_they_stand() -> list[tuple]:
    return list(
        Organisation.objects.order_by("slug").values_list(
            *(column if column != "parent" else "parent__slug" for column in ORGANISATION_COLUMNS)
        )
    )


@pytest.fixture
def parties():
    funder = factories.OrganisationFactory(slug="innovate-uk", name="Innovate UK")
    recipient = factories.OrganisationFactory(slug="cpi", name="CPI")
    programme = factories.FundingProgrammeFactory(slug="mmic", funder=funder)
    workstreams = [factories.WorkstreamFactory(slug=slug) for slug in ("skills", "digital")]
    return funder, recipient, programme, workstreams


def award_row(**changes) -> dict:
    row = {
        "identifier": "360G-MMIP-IMPORT-1",
        "title": "Continuous manufacturing pilot",
        "description": "A pilot line.",
        "status": "active",
        "amount_gbp": "1500000.00",
        "funder": "innovate-uk",
        "recipient": "cpi",
        "routed_through": "",
        "programme": "mmic",
        "award_date": "2021-07-01",
        "award_date_precision": "month",
        "planned_start": "2021-09-01",
        "planned_end": "2023-08-31",
        "follow_on_of": "",
        "workstreams": "skills, digital",
        "milestones": "",
        "outputs": "",
        "source_url": "https://example.org/award",
        "is_published": "yes",
    }
    return row | changes


@pytest.fixture
def varied_record(parties):
    """Awards and organisations with everything a file must carry faithfully: drafts, links,
    empty dates, each precision, pence, a follow-on, a parent listed after its part, text a
    spreadsheet would take for a formula, and Windows line breaks."""
    funder, recipient, programme, workstreams = parties
    parent = factories.OrganisationFactory(
        slug="zeta-parent", name="Zeta Holdings", org_id="GB-COH-01234567"
    )
    factories.OrganisationFactory(
        slug="alpha-part",
        name="Alpha Part",
        parent=parent,
        nation_region="wales",
        is_published=False,
    )
    first = factories.AwardFactory(
        identifier="360G-MMIP-A",
        title="=HYPERLINK(“http://evil.example”)",
        description="Two lines,\r\nWindows style.",
        funder=funder,
        recipient=recipient,
        programme=programme,
        amount=Decimal("1234.56"),
        award_date=datetime.date(2016, 1, 1),
        award_date_precision="year",
    )
    first.workstreams.set(workstreams)
    first.milestones.add(factories.MilestoneFactory(slug="launch"))
    first.outputs.add(factories.OutputFactory(slug="report"))
    factories.AwardFactory(
        identifier="360G-MMIP-B",
        title="-5 things to know",
        funder=funder,
        recipient=recipient,
        routed_through=parent,
        follow_on_of=first,
        amount=Decimal("250000.00"),
        award_date=datetime.date(2021, 10, 14),
        award_date_precision="day",
        planned_start=datetime.date(2021, 11, 1),
        is_published=False,
    )


# Buttons and permissions.


def test_changelists_offer_import_and_export_and_change_pages_keep_their_history(
    editor_client, varied_record
):
    for model in (Award, Organisation):
        changelist = editor_client.get(url(model, "changelist")).content.decode()
        assert url(model, "import") in changelist
        assert url(model, "export") in changelist
        assert url(model, "add") in changelist
    award = Award.objects.get(identifier="360G-MMIP-A")
    change = editor_client.get(reverse("admin:funding_award_change", args=[award.pk]))
    assert reverse("admin:funding_award_history", args=[award.pk]) in change.content.decode()


def test_viewers_may_export_but_not_import(viewer_client, varied_record):
    changelist = viewer_client.get(url(Award, "changelist")).content.decode()
    assert url(Award, "export") in changelist
    assert url(Award, "import") not in changelist

    assert b"360G-MMIP-A" in export(viewer_client, Award)
    assert viewer_client.get(url(Award, "import")).status_code == 403
    upload = SimpleUploadedFile("awards.csv", csv_bytes([award_row()], AWARD_COLUMNS))
    response = viewer_client.post(
        url(Award, "import"), {"format": CSV_FORMAT, "import_file": upload}
    )
    assert response.status_code == 403
    assert viewer_client.post(url(Award, "process_import"), {}).status_code == 403
    assert not Award.objects.filter(identifier="360G-MMIP-IMPORT-1").exists()


# Importing.


def test_a_csv_file_is_previewed_then_imported_with_one_history_entry_a_row(
    editor_client, editor, parties
):
    rows = [
        award_row(),
        award_row(identifier="360G-MMIP-IMPORT-2", workstreams="", is_published="no"),
    ]

    previewed = preview(editor_client, Award, csv_bytes(rows, AWARD_COLUMNS), "awards.csv")
    assert "2 new, 0 to update and 0 unchanged (skipped)" in previewed.content.decode()
    assert not Award.objects.exists()  # the preview is a dry run

    response = confirm(editor_client, Award, previewed)

    assert response.status_code == 302
    award = Award.objects.get(identifier="360G-MMIP-IMPORT-1")
    assert award.amount == Decimal("1500000.00")
    assert (award.award_date, award.award_date_precision) == (datetime.date(2021, 7, 1), "month")
    assert award.programme.slug == "mmic"
    assert sorted(award.workstreams.values_list("slug", flat=True)) == ["digital", "skills"]
    assert award.is_published
    assert not Award.objects.get(identifier="360G-MMIP-IMPORT-2").is_published
    entries = award.history.all()
    assert len(entries) == 1
    assert entries[0].history_user == editor
    assert entries[0].history_change_reason == "Imported from awards.csv"
    assert {link.workstream.slug for link in entries[0].workstreams.all()} == {"skills", "digital"}


def test_an_excel_file_imports_too(editor_client, parties):
    rows = [award_row(amount_gbp="£2,000,000", award_date="2021-07")]

    import_file(editor_client, Award, xlsx_bytes(rows, AWARD_COLUMNS), "awards.xlsx", XLSX_FORMAT)

    award = Award.objects.get(identifier="360G-MMIP-IMPORT-1")
    assert award.amount == Decimal("2000000")
    assert award.award_date == datetime.date(2021, 7, 1)


def test_an_import_updates_a_row_that_changed_and_skips_one_that_did_not(editor_client, parties):
    import_file(
        editor_client,
        Award,
        csv_bytes([award_row(), award_row(identifier="360G-MMIP-IMPORT-2")], AWARD_COLUMNS),
        "first.csv",
    )
    before = history_count()
    changed = [award_row(title="A better title"), award_row(identifier="360G-MMIP-IMPORT-2")]

    previewed = preview(editor_client, Award, csv_bytes(changed, AWARD_COLUMNS), "second.csv")
    assert "0 new, 1 to update and 1 unchanged (skipped)" in previewed.content.decode()
    confirm(editor_client, Award, previewed)

    assert Award.objects.get(identifier="360G-MMIP-IMPORT-1").title == "A better title"
    assert history_count() == before + 1


BAD_ROWS = [
    (
        award_row(identifier="360G-MMIP-BAD-1", amount_gbp="-5"),
        "Row 3, amount_gbp: The amount must be more than £0.",
    ),
    (
        award_row(identifier="not an identifier"),
        "Row 4, identifier: The identifier must start 360G- and go on with letters, digits, hyphens or underscores (a dot or a slash only between them), such as 360G-MMIP-2021-ATMA.",
    ),
    (
        award_row(identifier="360G-MMIP-BAD-3", funder="nobody"),
        "Row 5, funder: There is no organisation with the slug “nobody”.",
    ),
    (
        award_row(
            identifier="360G-MMIP-BAD-4", award_date="2021-07-14", award_date_precision="year"
        ),
        "Row 6, award_date: A date known only to the year must be entered as 1 January of that year.",
    ),
    (
        award_row(
            identifier="360G-MMIP-BAD-5", planned_start="2022-01-01", planned_end="2021-01-01"
        ),
        "Row 7, planned_end: The planned end cannot be before the planned start.",
    ),
    (
        award_row(identifier="360G-MMIP-BAD-6", workstreams="skills, nowhere", amount_gbp="lots"),
        "Row 8, amount_gbp: Write the amount in pounds, such as 150000.00, not “lots”.",
    ),
]


def test_bad_rows_are_each_reported_in_plain_words_and_nothing_is_written(editor_client, parties):
    rows = [award_row(), *(row for row, _ in BAD_ROWS)]
    before = (awards_as_they_stand(), history_count())

    previewed = preview(editor_client, Award, csv_bytes(rows, AWARD_COLUMNS), "awards.csv")

    problems = previewed.context["result"].problems()
    for _, message in BAD_ROWS:
        assert message in problems
    assert "Row 8, workstreams: There is no workstream with the slug “nowhere”." in problems
    assert not any(problem.startswith("Row 2") for problem in problems)
    page = previewed.content.decode()
    assert "Nothing has been imported" in page
    assert "The amount must be more than £0." in page
    assert previewed.context.get("confirm_form") is None
    assert (awards_as_they_stand(), history_count()) == before


def test_an_import_that_meets_bad_rows_writes_none_of_the_good_ones(parties):
    rows = [award_row(), BAD_ROWS[0][0]]
    dataset = tablib.Dataset().load(
        csv_bytes(rows, AWARD_COLUMNS).decode("utf-8-sig"), format="csv"
    )
    history_before = history_count()

    result = AwardResource().import_data(dataset, dry_run=False, rollback_on_validation_errors=True)

    assert result.problems() == [BAD_ROWS[0][1]]
    assert not Award.objects.exists()
    assert history_count() == history_before


def test_an_import_that_fails_half_way_leaves_the_record_as_it_was(
    editor_client, varied_record, monkeypatch
):
    rows = [
        award_row(),
        award_row(identifier="360G-MMIP-A", title="Changed"),
        award_row(identifier="360G-MMIP-IMPORT-3"),
    ]
    before = (awards_as_they_stand(), history_count())
    previewed = preview(editor_client, Award, csv_bytes(rows, AWARD_COLUMNS), "awards.csv")
    saved = []
    original_save = AwardResource.do_instance_save

    def save_then_fail(resource, instance, is_create):
        saved.append(instance.identifier)
        if len(saved) == 3:
            raise RuntimeError("The database went away.")
        original_save(resource, instance, is_create)

    monkeypatch.setattr(AwardResource, "do_instance_save", save_then_fail)

    response = confirm(editor_client, Award, previewed)

    assert len(saved) == 3  # two rows were written before the third failed
    assert (awards_as_they_stand(), history_count()) == before
    assert response["Location"] == url(Award, "import")
    followed = editor_client.get(response["Location"])
    message = str(next(iter(followed.context["messages"])))
    assert message == "Nothing was imported. Row 4: The database went away."


def test_the_confirm_step_is_all_or_nothing_when_the_record_changed_after_the_preview(
    editor_client, parties
):
    rows = [award_row(), award_row(identifier="360G-MMIP-IMPORT-2", programme="gone")]
    gone = factories.FundingProgrammeFactory(slug="gone")
    previewed = preview(editor_client, Award, csv_bytes(rows, AWARD_COLUMNS), "awards.csv")
    gone.delete()

    confirm(editor_client, Award, previewed)

    assert not Award.objects.exists()


def test_organisations_import_with_their_parents_and_report_unknown_ones(editor_client):
    rows = [
        {"slug": "mhra", "name": "MHRA", "kind": "Public body", "is_published": "yes"},
        {
            "slug": "mhra-io",
            "name": "MHRA Innovation Office",
            "kind": "public-body",
            "parent": "mhra",
            "nation_region": "London (England)",
            "is_published": "no",
        },
        {
            "slug": "orphan",
            "name": "Orphan",
            "kind": "company",
            "parent": "missing",
            "is_published": "no",
        },
        {"slug": "vague", "name": "Vague", "kind": "company", "is_published": ""},
    ]

    previewed = preview(
        editor_client, Organisation, csv_bytes(rows, ORGANISATION_COLUMNS), "orgs.csv"
    )

    assert previewed.context["result"].problems() == [
        "Row 4, parent: There is no organisation with the slug “missing”.",
        "Row 5, is_published: Write yes or no: a blank is taken for neither.",
    ]
    import_file(editor_client, Organisation, csv_bytes(rows[:2], ORGANISATION_COLUMNS), "orgs.csv")
    part = Organisation.objects.get(slug="mhra-io")
    assert (part.parent.slug, part.kind, part.nation_region) == ("mhra", "public-body", "london")


# Exporting.


def test_the_export_holds_drafts_and_says_which_records_are_published(editor_client, varied_record):
    rows = list(csv.DictReader(io.StringIO(export(editor_client, Award).decode("utf-8-sig"))))

    assert list(rows[0]) == AWARD_COLUMNS
    published = {row["identifier"]: row["is_published"] for row in rows}
    assert published == {"360G-MMIP-A": "yes", "360G-MMIP-B": "no"}
    first = next(row for row in rows if row["identifier"] == "360G-MMIP-A")
    assert first["amount_gbp"] == "1234.56"
    assert (first["award_date"], first["award_date_precision"]) == ("2016-01-01", "year")
    assert first["workstreams"] == "digital, skills"
    # Opened in a spreadsheet, the title is text, not a formula.
    assert first["title"] == "'=HYPERLINK(“http://evil.example”)"
    organisations = export(editor_client, Organisation).decode("utf-8-sig")
    assert "alpha-part" in organisations and ",no\r\n" in organisations


def test_an_export_lists_each_record_after_the_one_it_points_at(editor_client, varied_record):
    rows = list(
        csv.DictReader(io.StringIO(export(editor_client, Organisation).decode("utf-8-sig")))
    )
    slugs = [row["slug"] for row in rows]
    assert slugs.index("zeta-parent") < slugs.index("alpha-part")
    awards = [
        row["identifier"]
        for row in csv.DictReader(io.StringIO(export(editor_client, Award).decode("utf-8-sig")))
    ]
    assert awards.index("360G-MMIP-A") < awards.index("360G-MMIP-B")


@pytest.mark.parametrize(
    ("file_format", "name"), [(CSV_FORMAT, "export.csv"), (XLSX_FORMAT, "export.xlsx")]
)
def test_an_export_imported_again_changes_nothing(editor_client, varied_record, file_format, name):
    before = (awards_as_they_stand(), organisations_as_they_stand(), history_count())

    for model in (Organisation, Award):
        content = export(editor_client, model, file_format)
        previewed = preview(editor_client, model, content, name, file_format)
        totals = previewed.context["result"].totals
        assert (totals["new"], totals["update"], totals["skip"]) == (0, 0, model.objects.count())
        confirm(editor_client, model, previewed)

    assert (awards_as_they_stand(), organisations_as_they_stand(), history_count()) == before


def test_an_export_imports_into_an_empty_record(editor_client, varied_record):
    before = (awards_as_they_stand(), organisations_as_they_stand())
    files = {model: export(editor_client, model) for model in (Organisation, Award)}
    Award.objects.filter(follow_on_of__isnull=False).delete()
    Award.objects.all().delete()
    programmes = list(FundingProgramme.objects.values_list("slug", "name", "funder__slug"))
    FundingProgramme.objects.all().delete()
    Organisation.objects.filter(parent__isnull=False).delete()
    Organisation.objects.all().delete()

    import_file(editor_client, Organisation, files[Organisation], "organisations.csv")
    for slug, name, funder in programmes:
        factories.FundingProgrammeFactory(
            slug=slug, name=name, funder=Organisation.objects.get(slug=funder)
        )
    import_file(editor_client, Award, files[Award], "awards.csv")

    assert (awards_as_they_stand(), organisations_as_they_stand()) == before
