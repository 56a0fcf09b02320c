"""Two members of staff editing the same record: the second save is refused rather than
quietly undoing the first, says who changed what, keeps what was typed, and succeeds when
made again. The same for an import confirmed after somebody edited a record it changes."""

import re

import pytest
import tablib
from django.contrib.auth.models import Group, User
from django.core import signing
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from funding.models import Award
from funding.resources import AWARD_COLUMNS, AwardResource
from mmip.edit_conflicts import RECORD_VERSION
from mmip.models import Organisation
from mmip.resources import ORGANISATION_COLUMNS
from skills.models import Cohort, CohortEmployer
from tests import factories
from tests.test_admin import (
    RECORD_MODELS,
    admin_url,
    by_label,
    form_data,
    form_errors,
    make_row,
)
from tests.test_import_export import award_row, confirm, csv_bytes, preview, url
from workstreams.models import Partnership, Workstream

pytestmark = pytest.mark.django_db

# For every record type, a field both people edit, with the first person's value and the
# second's.
EDITS = {
    "mmip.Organisation": ("name", "Changed by the first", "Typed by the second"),
    "workstreams.Workstream": ("name", "Changed by the first", "Typed by the second"),
    "workstreams.Partnership": ("note", "Changed by the first", "Typed by the second"),
    "workstreams.Initiative": ("name", "Changed by the first", "Typed by the second"),
    "workstreams.Milestone": ("title", "Changed by the first", "Typed by the second"),
    "workstreams.Output": ("title", "Changed by the first", "Typed by the second"),
    "workstreams.Indicator": ("name", "Changed by the first", "Typed by the second"),
    "workstreams.IndicatorValue": ("period", "Changed by the first", "Typed by the second"),
    "workstreams.IndicatorPeriod": ("start", "1990-01-01", "1991-01-01"),
    "funding.FundingProgramme": ("name", "Changed by the first", "Typed by the second"),
    "funding.Award": ("title", "Changed by the first", "Typed by the second"),
    "skills.ApprenticeshipProgramme": ("name", "Changed by the first", "Typed by the second"),
    "skills.Cohort": ("name", "Changed by the first", "Typed by the second"),
    "skills.CohortEmployer": ("apprentices", "2", "3"),
    "skills.TrainingCentre": ("name", "Changed by the first", "Typed by the second"),
    "skills.LearningResource": ("title", "Changed by the first", "Typed by the second"),
}


@pytest.fixture
def other_editor(db):
    user = User.objects.create_user(username="other", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def first(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def second(other_editor):
    client = Client()
    client.force_login(other_editor)
    return client


def save(client, obj, data, **changes):
    return client.post(admin_url(type(obj), "change", obj.pk), {**data, **changes})


def opened(client, obj) -> dict:
    return form_data(client.get(admin_url(type(obj), "change", obj.pk)))


def refusal(response) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(response.context["adminform"].form.non_field_errors())


def conflict_table(response) -> list[tuple[str, str, str]]:
    return [
        (line.what, line.started_from, line.now)
        for line in response.context["adminform"].form.edit_conflict
    ]


def shown(response) -> dict:
    """What the re-shown form would post back."""
    return form_data(response)


def test_every_record_type_is_covered():
    assert {model._meta.label for model in RECORD_MODELS} == set(EDITS)


@by_label(RECORD_MODELS)
def test_the_second_save_is_refused_says_what_changed_and_keeps_what_was_typed(
    first, second, model
):
    obj = make_row(model)
    name, theirs, mine = EDITS[model._meta.label]
    started_from = str(getattr(obj, name)) or "(blank)"
    label = model._meta.get_field(name).verbose_name
    first_page, second_page = opened(first, obj), opened(second, obj)

    assert save(first, obj, first_page, **{name: theirs}).status_code == 302
    response = save(second, obj, second_page, **{name: mine})

    message = refusal(response)
    assert f"Somebody else changed this {model._meta.verbose_name} after you opened it" in message
    assert "(editor, " in message
    assert "Nothing has been saved." in message
    assert (label[0].upper() + label[1:], started_from, theirs) in conflict_table(response)
    assert shown(response)[name] == mine  # what was typed is kept
    page = response.content.decode()
    assert "Changed since you opened this page" in page
    assert f'value="{mine}"' in page
    obj.refresh_from_db()
    assert str(getattr(obj, name)) == theirs  # nothing of theirs was saved

    again = save(second, obj, shown(response))

    assert again.status_code == 302, form_errors(again)
    obj.refresh_from_db()
    assert str(getattr(obj, name)) == mine


def test_fields_the_second_person_left_alone_come_back_as_now_stored(first, second):
    award = factories.AwardFactory(title="Old title", description="Old description")
    kept, added = factories.WorkstreamFactory(name="Kept"), factories.WorkstreamFactory()
    award.workstreams.add(kept)
    first_page, second_page = opened(first, award), opened(second, award)
    first_page.update(title="New title", workstreams=[str(kept.pk), str(added.pk)])
    save(first, award, first_page)

    response = save(second, award, second_page, description="My description")

    assert refusal(response)
    assert shown(response)["title"] == "New title"
    assert sorted(shown(response)["workstreams"]) == sorted([str(kept.pk), str(added.pk)])
    assert shown(response)["description"] == "My description"
    assert save(second, award, shown(response)).status_code == 302
    award.refresh_from_db()
    assert (award.title, award.description) == ("New title", "My description")
    assert set(award.workstreams.all()) == {kept, added}


def test_a_change_to_many_to_many_links_is_refused_and_named(first, second):
    award = factories.AwardFactory()
    skills = factories.WorkstreamFactory(name="Skills")
    digital = factories.WorkstreamFactory(name="Digital")
    supply = factories.WorkstreamFactory(name="Supply chain")
    award.workstreams.add(skills)
    first_page, second_page = opened(first, award), opened(second, award)
    save(first, award, first_page, workstreams=[str(skills.pk), str(digital.pk)])

    response = save(second, award, second_page, workstreams=[str(supply.pk)])

    assert "Somebody else changed this award" in refusal(response)
    assert conflict_table(response) == [("Workstreams", "Skills", "Digital, Skills")]
    assert shown(response)["workstreams"] == [str(supply.pk)]
    assert set(award.workstreams.all()) == {skills, digital}

    assert save(second, award, shown(response)).status_code == 302
    assert set(award.workstreams.all()) == {supply}


def test_a_change_to_an_inline_row_is_refused_and_named(first, second):
    workstream = factories.WorkstreamFactory(name="Skills")
    organisation = factories.OrganisationFactory(name="CPI")
    partnership = factories.PartnershipFactory(
        workstream=workstream, organisation=organisation, role=Partnership.Role.PARTNER
    )
    first_page, second_page = opened(first, workstream), opened(second, workstream)
    row = next(
        key
        for key, value in first_page.items()
        if key.endswith("-id") and value == str(partnership.pk)
    )
    first_page[row.replace("-id", "-role")] = Partnership.Role.LEAD
    saved = save(first, workstream, first_page)
    assert saved.status_code == 302, form_errors(saved)

    response = save(second, workstream, second_page, aim="My aim")

    assert "Somebody else changed this workstream" in refusal(response)
    assert conflict_table(response) == [
        ("Partnership “CPI — Lead of Skills”: Role", "Partner", "Lead")
    ]
    # The row the second person left alone comes back as now stored.
    assert shown(response)[row.replace("-id", "-role")] == Partnership.Role.LEAD
    assert save(second, workstream, shown(response)).status_code == 302
    partnership.refresh_from_db()
    workstream.refresh_from_db()
    assert (partnership.role, workstream.aim) == (Partnership.Role.LEAD, "My aim")


def test_an_inline_row_removed_meanwhile_is_named_and_left_removed(first, second):
    cohort = factories.CohortFactory(apprentices_started=10)
    leaving = factories.CohortEmployerFactory(
        cohort=cohort, organisation=factories.OrganisationFactory(name="Leaving Ltd")
    )
    staying = factories.CohortEmployerFactory(cohort=cohort)
    second_page = opened(second, cohort)
    leaving.delete()

    response = save(second, cohort, second_page, name="Renamed")

    assert "Somebody else changed this cohort" in refusal(response)
    ((what, started_from, now),) = conflict_table(response)
    assert (what, now) == ("Cohort employer", "removed")
    assert "organisation: Leaving Ltd" in started_from
    assert save(second, cohort, shown(response)).status_code == 302
    cohort.refresh_from_db()
    assert cohort.name == "Renamed"
    assert list(cohort.cohort_employers.all()) == [staying]


def test_an_inline_row_added_meanwhile_is_named_and_kept(first, second):
    cohort = factories.CohortFactory(apprentices_started=10)
    second_page = opened(second, cohort)
    joining = factories.CohortEmployerFactory(
        cohort=cohort, organisation=factories.OrganisationFactory(name="Joining Ltd")
    )

    response = save(second, cohort, second_page, name="Renamed")

    assert conflict_table(response) == [
        (
            "Cohort employer “Joining Ltd: 1”",
            "not there",
            "organisation: Joining Ltd; apprentices: 1",
        )
    ]
    assert save(second, cohort, shown(response)).status_code == 302
    assert list(Cohort.objects.get(pk=cohort.pk).cohort_employers.all()) == [joining]


def test_an_edit_on_its_own_page_of_a_row_shown_inline_is_caught(first, second):
    cohort = factories.CohortFactory(apprentices_started=10)
    employer = factories.CohortEmployerFactory(cohort=cohort, apprentices=1)
    cohort_page = opened(second, cohort)
    save(first, employer, opened(first, employer), apprentices="4")

    response = save(second, cohort, cohort_page, name="Renamed")

    assert conflict_table(response) == [
        (f"Cohort employer “{employer.organisation}: 4”: Apprentices", "1", "4")
    ]
    assert CohortEmployer.objects.get(pk=employer.pk).apprentices == 4


def test_the_history_names_nobody_when_it_does_not_know(second):
    award = factories.AwardFactory(title="Before")
    page = opened(second, award)
    Award.objects.filter(pk=award.pk).update(title="Changed outside the admin")

    response = save(second, award, page, title="Mine")

    assert "Somebody else changed this award after you opened it. Nothing" in refusal(response)


def test_the_same_person_in_two_windows_is_told_so(first):
    award = factories.AwardFactory()
    one, two = opened(first, award), opened(first, award)
    save(first, award, one, title="From the first window")

    response = save(first, award, two, title="From the second window")

    assert "(editor (you, in another window), " in refusal(response)


def test_a_save_without_a_conflict_works_as_before(first):
    award = factories.AwardFactory(title="Before")

    response = save(first, award, opened(first, award), title="After")

    assert response.status_code == 302, form_errors(response)
    award.refresh_from_db()
    assert award.title == "After"
    assert award.history.first().history_user.username == "editor"


def test_a_save_where_the_other_person_changed_nothing_is_not_refused(first, second):
    award = factories.AwardFactory()
    second_page = opened(second, award)
    assert save(first, award, opened(first, award)).status_code == 302  # saved unchanged

    assert save(second, award, second_page, title="Mine").status_code == 302


def test_a_save_costs_the_same_queries_with_3_links_as_with_30(first):
    def saving(count: int) -> int:
        award = factories.AwardFactory()
        award.workstreams.set(factories.WorkstreamFactory.create_batch(count))
        page = opened(first, award)
        # The check adds two queries to the admin's own: the award locked and read, and its
        # links read, one query for each many-to-many field (workstreams, milestones,
        # outputs). None of them is per link.
        with CaptureQueriesContext(connection) as queries:
            response = save(first, award, page, title="New title")
        assert response.status_code == 302, form_errors(response)
        return len(queries)

    assert saving(3) == saving(30)


def test_the_check_locks_the_record_and_its_inline_rows_in_one_query_each(first):
    def locks(count: int) -> list[str]:
        workstream = factories.WorkstreamFactory()
        for _ in range(count):
            factories.PartnershipFactory(workstream=workstream)
        page = opened(first, workstream)
        with CaptureQueriesContext(connection) as queries:
            response = save(first, workstream, page, aim="New aim")
        assert response.status_code == 302, form_errors(response)
        return [query["sql"] for query in queries if "FOR NO KEY UPDATE" in query["sql"]]

    # The workstream, then its partnerships: two queries however many rows.
    assert len(locks(3)) == len(locks(30)) == 2


@pytest.mark.parametrize(
    "token",
    ["", "made up", "abc:def", signing.dumps({"record": ["funding.award", "0"]}, salt="other")],
)
def test_a_missing_or_altered_version_is_refused_in_words_and_a_new_save_works(first, token):
    award = factories.AwardFactory(title="Before")
    page = opened(first, award)

    response = save(first, award, page, title="Mine", **{RECORD_VERSION: token})

    assert "was missing or altered" in refusal(response)
    assert shown(response)["title"] == "Mine"
    assert Award.objects.get(pk=award.pk).title == "Before"
    assert save(first, award, shown(response)).status_code == 302
    assert Award.objects.get(pk=award.pk).title == "Mine"


def test_a_version_made_for_another_record_is_refused(first):
    one, other = factories.AwardFactory(title="One"), factories.AwardFactory()
    token = opened(first, other)[RECORD_VERSION]

    response = save(first, one, opened(first, one), title="Mine", **{RECORD_VERSION: token})

    assert "was missing or altered" in refusal(response)
    assert Award.objects.get(pk=one.pk).title == "One"


def test_a_viewer_gets_no_version_field(viewer_client):
    award = factories.AwardFactory()

    page = viewer_client.get(admin_url(Award, "change", award.pk)).content.decode()

    assert RECORD_VERSION not in page


def test_the_version_field_is_not_logged_as_a_change(first):
    from django.contrib.admin.models import LogEntry

    award = factories.AwardFactory()
    save(first, award, opened(first, award), title="After")

    entry = LogEntry.objects.get(object_id=str(award.pk))
    assert re.sub(r"\s+", " ", entry.get_change_message()) == "Changed Title."


def test_a_workstream_cannot_be_saved_over_after_it_was_deleted(first, second):
    workstream = factories.WorkstreamFactory()
    page = opened(second, workstream)
    Workstream.objects.filter(pk=workstream.pk).delete()

    response = save(second, workstream, page, aim="Mine")

    assert response.status_code == 302  # the admin's own "no longer exists" redirect
    assert not Workstream.objects.filter(pk=workstream.pk).exists()


# The import: a preview, then a confirm that applies the file only if nothing it names
# changed in between.


@pytest.fixture
def awards_on_file():
    """The parties award_row() names, and two awards a file then updates."""
    funder = factories.OrganisationFactory(slug="innovate-uk", name="Innovate UK")
    factories.OrganisationFactory(slug="cpi", name="CPI")
    factories.FundingProgrammeFactory(slug="mmic", funder=funder)
    for slug in ("skills", "digital"):
        factories.WorkstreamFactory(slug=slug)
    return [
        factories.AwardFactory(identifier=identifier, title="As stored")
        for identifier in ("360G-MMIP-IMPORT-1", "360G-MMIP-IMPORT-2")
    ]


def award_file(*rows) -> bytes:
    return csv_bytes(list(rows), AWARD_COLUMNS)


def import_message(client, response, model=Award) -> str:
    """The message shown on the import page a refused confirm step leads back to."""
    assert response.status_code == 302
    assert response["Location"] == url(model, "import")
    return " ".join(
        str(message) for message in client.get(response["Location"]).context["messages"]
    )


def test_an_import_confirmed_after_an_edit_changes_nothing_and_names_the_record(
    editor_client, second, awards_on_file
):
    edited, other = awards_on_file
    rows = (
        award_row(identifier=edited.identifier, title="From the file"),
        award_row(identifier=other.identifier, title="Also from the file"),
    )
    previewed = preview(editor_client, Award, award_file(*rows), "awards.csv")
    save(second, edited, opened(second, edited), description="Edited meanwhile")
    entries = Award.history.count()

    response = confirm(editor_client, Award, previewed)

    assert import_message(editor_client, response) == (
        "Nothing was imported. Since the preview, somebody else changed 1 award this file "
        "names: 360G-MMIP-IMPORT-1. Upload the file again to preview it against the record "
        "as it now stands."
    )
    edited.refresh_from_db()
    other.refresh_from_db()
    assert (edited.title, edited.description) == ("As stored", "Edited meanwhile")
    assert other.title == "As stored"
    assert Award.history.count() == entries


def test_the_file_previewed_again_after_a_refusal_imports(editor_client, second, awards_on_file):
    edited, _ = awards_on_file
    content = award_file(award_row(identifier=edited.identifier, title="From the file"))
    previewed = preview(editor_client, Award, content, "awards.csv")
    save(second, edited, opened(second, edited), description="Edited meanwhile")
    confirm(editor_client, Award, previewed)

    response = confirm(editor_client, Award, preview(editor_client, Award, content, "awards.csv"))

    assert response["Location"] == url(Award, "changelist")
    edited.refresh_from_db()
    assert edited.title == "From the file"
    # Every column comes from the file, so the file's description replaces the edit, as the
    # second preview showed.
    assert edited.description == award_row()["description"]


def test_an_edit_to_a_record_the_preview_skipped_also_refuses(editor_client, awards_on_file):
    cpi = Organisation.objects.get(slug="cpi")
    row = dict.fromkeys(ORGANISATION_COLUMNS, "") | {
        "slug": "cpi",
        "name": "CPI",
        "kind": cpi.kind,
        "is_published": "yes",
    }
    previewed = preview(
        editor_client, Organisation, csv_bytes([row], ORGANISATION_COLUMNS), "orgs.csv"
    )
    assert previewed.context["result"].totals["skip"] == 1
    Organisation.objects.filter(pk=cpi.pk).update(name="Centre for Process Innovation")

    response = confirm(editor_client, Organisation, previewed)

    message = import_message(editor_client, response, Organisation)
    assert "somebody else changed 1 organisation this file names: cpi." in message
    assert Organisation.objects.get(pk=cpi.pk).name == "Centre for Process Innovation"


def test_a_record_added_under_a_new_rows_key_meanwhile_refuses(editor_client, awards_on_file):
    previewed = preview(
        editor_client, Award, award_file(award_row(identifier="360G-MMIP-NEW")), "awards.csv"
    )
    assert previewed.context["result"].totals["new"] == 1
    factories.AwardFactory(identifier="360G-MMIP-NEW", title="Added by hand")

    response = confirm(editor_client, Award, previewed)

    assert "names: 360G-MMIP-NEW." in import_message(editor_client, response)
    assert Award.objects.get(identifier="360G-MMIP-NEW").title == "Added by hand"


def test_an_import_still_works_beside_edits_to_records_it_does_not_name(
    editor_client, second, awards_on_file
):
    named, elsewhere = awards_on_file
    previewed = preview(
        editor_client,
        Award,
        award_file(award_row(identifier=named.identifier, title="From the file")),
        "awards.csv",
    )
    save(second, elsewhere, opened(second, elsewhere), title="Edited meanwhile")

    response = confirm(editor_client, Award, previewed)

    assert response["Location"] == url(Award, "changelist")
    named.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (named.title, elsewhere.title) == ("From the file", "Edited meanwhile")


@pytest.mark.parametrize("token", ["", "made up", "other-file"])
def test_a_confirm_that_does_not_match_its_preview_imports_nothing(
    editor_client, awards_on_file, token
):
    named, _ = awards_on_file
    previewed = preview(
        editor_client,
        Award,
        award_file(award_row(identifier=named.identifier, title="From the file")),
        "awards.csv",
    )
    form = previewed.context["confirm_form"]
    if token == "other-file":
        token = form.signed("another-file.csv", {named.identifier: ""})

    response = editor_client.post(
        url(Award, "process_import"), {**form.initial, "preview_states": token}
    )

    assert import_message(editor_client, response) == (
        "Nothing was imported. This confirmation does not match the preview it came from. "
        "Upload the file again for a new preview."
    )
    named.refresh_from_db()
    assert named.title == "As stored"


def test_the_confirm_steps_check_costs_the_same_queries_for_3_rows_as_for_30(awards_on_file):
    def checking(count: int) -> int:
        awards = factories.AwardFactory.create_batch(count)
        for award in awards:
            award.workstreams.add(factories.WorkstreamFactory())
        content = award_file(*(award_row(identifier=award.identifier) for award in awards))
        dataset = tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")
        # The awards locked and read, then their links: one query for each of the three
        # many-to-many fields.
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            states = AwardResource().stored_states(dataset, lock=True)
        assert len(states) == count
        return len(queries)

    assert checking(3) == checking(30) == 4


# Rows edited in place on a changelist (the workstreams' display order).


def changelist_data(response) -> dict:
    """What a browser would post back from a changelist's editable rows left as they are:
    each value beside the value the row was shown with."""
    formset = response.context["cl"].formset
    data = {"_save": "Save"}
    for bound in formset.management_form:
        data[bound.html_name] = str(bound.value())
    for form in formset.forms:
        for bound in form:
            data[bound.html_name] = str(bound.value())
            if bound.field.show_hidden_initial:
                shown_with = form.data.get(bound.html_initial_name) if form.is_bound else None
                data[bound.html_initial_name] = shown_with or str(bound.value())
    return data


def display_order_key(data: dict, workstream) -> str:
    row = next(
        key for key, value in data.items() if key.endswith("-id") and value == str(workstream.pk)
    )
    return row.replace("-id", "-display_order")


def test_a_list_saved_after_an_edit_leaves_the_rows_it_did_not_change_alone(first, second):
    edited = factories.WorkstreamFactory(display_order=1)
    reordered = factories.WorkstreamFactory(display_order=2)
    listed = changelist_data(second.get(admin_url(Workstream, "changelist")))
    save(first, edited, opened(first, edited), display_order="5")

    listed[display_order_key(listed, reordered)] = "7"
    response = second.post(admin_url(Workstream, "changelist"), listed)

    assert response.status_code == 302
    assert Workstream.objects.get(pk=edited.pk).display_order == 5
    assert Workstream.objects.get(pk=reordered.pk).display_order == 7


def test_a_list_row_changed_by_both_is_refused_then_saved_again(first, second):
    workstream = factories.WorkstreamFactory(display_order=1)
    listed = changelist_data(second.get(admin_url(Workstream, "changelist")))
    save(first, workstream, opened(first, workstream), display_order="5")

    listed[display_order_key(listed, workstream)] = "9"
    response = second.post(admin_url(Workstream, "changelist"), listed)

    assert response.status_code == 200
    (form,) = [f for f in response.context["cl"].formset.forms if f.instance.pk == workstream.pk]
    assert form.errors["display_order"] == [
        "Somebody else changed this to 5 after the list was shown. Nothing on this page has "
        "been saved; save again to keep yours."
    ]
    assert Workstream.objects.get(pk=workstream.pk).display_order == 5
    again = changelist_data(response)
    assert again[display_order_key(again, workstream)] == "9"

    assert second.post(admin_url(Workstream, "changelist"), again).status_code == 302
    assert Workstream.objects.get(pk=workstream.pk).display_order == 9
