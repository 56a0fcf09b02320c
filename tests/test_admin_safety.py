"""Admin safety: every change kept with who, when and what; staff groups that grant the
least they need; and a lockout after repeated wrong passwords."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from funding.models import Award
from mmip.models import Organisation
from mmip.services import BASELINE_REASON
from tests import factories
from tests.test_admin import admin_url, form_data, form_errors, post_action
from workstreams.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db

RECORD_APPS = ("mmip", "workstreams", "funding", "skills", "tracking")
# The staff groups' permissions also cover imports (datasets and uploads of funders' files),
# whose provenance records are written by the import itself rather than kept with history.
PERMISSION_APPS = (*RECORD_APPS, "imports")
FIXTURES = sorted(Path(__file__).resolve().parent.parent.joinpath("fixtures").glob("*.json"))
LOCKOUT_MESSAGE = (
    "Too many failed log-in attempts. Try again in an hour, or ask another member of staff "
    "to unlock your account."
)


def history_models():
    for label in RECORD_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                yield model


def history_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in history_models()}


def edit_through_admin(client, obj, **changes):
    url = admin_url(type(obj), "change", obj.pk)
    data = form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)


def changes_of(entry) -> dict:
    """What an entry changed since the one before it, as {field: (old, new)}."""
    delta = entry.diff_against(entry.prev_record)
    return {change.field: (change.old, change.new) for change in delta.changes}


def linked_pks(rows, field: str) -> set:
    return {row[field] for row in rows}


# What the history keeps.


# Not the record: the log of reporting reminders sent, which only holds one a person a day.
NOT_THE_RECORD = {"tracking.ReminderSent"}


def test_every_record_model_keeps_history():
    tracked = {
        model
        for label in RECORD_APPS
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical") and model._meta.label not in NOT_THE_RECORD
    }
    assert all(hasattr(model, "history") for model in tracked), tracked


def test_an_admin_edit_is_recorded_with_who_when_and_the_changed_field(editor_client, editor):
    award = factories.AwardFactory(title="Before")
    before = timezone.now()

    edit_through_admin(editor_client, award, title="After")

    entry = award.history.first()
    assert entry.history_type == "~"
    assert entry.history_user == editor
    assert before <= entry.history_date <= timezone.now()
    assert changes_of(entry) == {"title": ("Before", "After")}


def test_a_save_that_also_changes_links_leaves_one_entry_with_both(editor_client, editor):
    award = factories.AwardFactory(title="Before")
    kept, added = factories.WorkstreamFactory(), factories.WorkstreamFactory()
    award.workstreams.add(kept)
    entries_before = award.history.count()

    edit_through_admin(
        editor_client, award, title="After", workstreams=[str(kept.pk), str(added.pk)]
    )

    assert award.history.count() == entries_before + 1
    entry = award.history.first()
    assert entry.history_user == editor
    changes = changes_of(entry)
    assert set(changes) == {"title", "workstreams"}
    old_links, new_links = changes["workstreams"]
    assert linked_pks(old_links, "workstream") == {kept.pk}
    assert linked_pks(new_links, "workstream") == {kept.pk, added.pk}


def test_an_admin_add_is_recorded_as_created_with_its_links(editor_client, editor):
    funder, recipient = factories.OrganisationFactory(), factories.OrganisationFactory()
    workstream = factories.WorkstreamFactory()
    data = form_data(editor_client.get(admin_url(Award, "add")))
    data.update(
        identifier="360G-MMIP-NEW",
        title="New award",
        description="Added by hand.",
        funder=str(funder.pk),
        recipient=str(recipient.pk),
        amount="5000",
        award_date="2022-01-01",
        award_date_precision="year",
        status="awarded",
        workstreams=[str(workstream.pk)],
    )

    response = editor_client.post(admin_url(Award, "add"), data)

    assert response.status_code == 302, form_errors(response)
    (entry,) = Award.objects.get(identifier="360G-MMIP-NEW").history.all()
    assert (entry.history_type, entry.history_user) == ("+", editor)
    assert [link.workstream_id for link in entry.workstreams.all()] == [workstream.pk]


def test_inline_rows_are_recorded_under_the_editor(editor_client, editor):
    indicator = factories.IndicatorFactory()
    value = factories.IndicatorValueFactory(indicator=indicator, value=10)
    url = admin_url(Indicator, "change", indicator.pk)
    data = form_data(editor_client.get(url))
    row = next(key for key, item in data.items() if key.endswith("-id") and item == str(value.pk))
    data[row.replace("-id", "-value")] = "12"

    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    entry = value.history.first()
    assert entry.history_user == editor
    assert changes_of(entry) == {"value": (10, 12)}


def test_a_delete_is_recorded_for_the_record_and_the_rows_it_takes_with_it(editor_client, editor):
    indicator = factories.IndicatorFactory(name="Jobs created")
    value = factories.IndicatorValueFactory(indicator=indicator)

    response = editor_client.post(admin_url(Indicator, "delete", indicator.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    for model, pk in ((Indicator, indicator.pk), (IndicatorValue, value.pk)):
        entry = model.history.filter(id=pk).first()
        assert (entry.history_type, entry.history_user) == ("-", editor), model
    assert Indicator.history.filter(id=indicator.pk).first().name == "Jobs created"


def test_a_bulk_delete_is_recorded_for_each_record(editor_client, editor):
    organisations = [factories.OrganisationFactory() for _ in range(2)]

    editor_client.post(
        admin_url(Organisation, "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [org.pk for org in organisations],
            "post": "yes",
        },
    )

    deleted = Organisation.history.filter(history_type="-", history_user=editor)
    assert {entry.id for entry in deleted} == {org.pk for org in organisations}


# Publishing in bulk goes around save(), so its history is written by hand.


def test_a_bulk_publish_is_recorded_for_the_rows_it_changed(editor_client, editor):
    workstream = factories.WorkstreamFactory()
    drafts = [factories.AwardFactory(is_published=False) for _ in range(2)]
    for award in drafts:
        award.workstreams.add(workstream)
    published = factories.AwardFactory(is_published=True)
    published_entries = published.history.count()

    post_action(editor_client, Award, "publish_selected", [*drafts, published])

    for award in drafts:
        entry = award.history.first()
        assert (entry.history_type, entry.history_user) == ("~", editor)
        # The links are copied too, so the entry shows only the flag as changed.
        assert changes_of(entry) == {"is_published": (False, True)}
        assert [link.workstream_id for link in entry.workstreams.all()] == [workstream.pk]
    assert published.history.count() == published_entries


def test_a_bulk_publish_costs_the_same_queries_for_3_rows_as_for_12(editor_client):
    def publish(count: int) -> int:
        drafts = [factories.AwardFactory(is_published=False) for _ in range(count)]
        for award in drafts:
            award.workstreams.add(factories.WorkstreamFactory())
        # Locking the rows, finding those without history, the update, the history
        # entries, the links read and copied once per many-to-many field, the admin's log
        # and the message's count: none of them per row.
        with CaptureQueriesContext(connection) as queries:
            editor_client.post(
                admin_url(Award, "changelist"),
                {
                    "action": "publish_selected",
                    "_selected_action": [award.pk for award in drafts],
                    "index": 0,
                },
            )
        assert Award.objects.filter(pk__in=[a.pk for a in drafts], is_published=True).count()
        return len(queries)

    assert publish(3) == publish(12)


# Records loaded from fixtures.


def test_fixture_loads_leave_no_history_and_a_first_edit_still_shows_what_changed(
    editor_client, editor
):
    call_command("loaddata", *[str(path) for path in FIXTURES], verbosity=0)
    call_command("loaddata", *[str(path) for path in FIXTURES], verbosity=0)
    assert not any(history_counts().values())
    award = Award.objects.get(identifier="360G-MMIP-2018-ATMA")

    edit_through_admin(editor_client, award, title="Renamed")

    change, baseline = award.history.all()
    assert (baseline.history_user, baseline.history_change_reason) == (None, BASELINE_REASON)
    assert baseline.title == "Advanced Therapy Manufacturing Apprenticeships"
    assert change.history_user == editor
    assert changes_of(change) == {
        "title": ("Advanced Therapy Manufacturing Apprenticeships", "Renamed")
    }
    page = editor_client.get(admin_url(Award, "history", award.pk)).content.decode()
    assert "<td>Not recorded</td>" in page
    assert BASELINE_REASON in page


def test_a_bulk_publish_of_fixture_records_shows_what_changed(editor_client, editor):
    call_command("loaddata", *[str(path) for path in FIXTURES], verbosity=0)
    award = Award.objects.get(identifier="360G-MMIP-2018-ATMA")
    Award.objects.filter(pk=award.pk).update(is_published=False)

    post_action(editor_client, Award, "publish_selected", [award])

    change = award.history.first()
    assert change.history_user == editor
    assert changes_of(change) == {"is_published": (False, True)}


# The History page.


@pytest.mark.parametrize("persona", ["editor", "viewer"])
def test_the_history_page_of_an_award_shows_who_changed_what(client, editor, viewer, persona):
    award = factories.AwardFactory(title="Old title")
    client.force_login(editor)
    edit_through_admin(client, award, title="New title")
    client.force_login({"editor": editor, "viewer": viewer}[persona])

    response = client.get(admin_url(Award, "history", award.pk))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<td>editor</td>" in content
    assert "<strong>Title:</strong> Old title &rarr; New title" in content
    assert "Revert" not in content


@pytest.mark.parametrize("persona", ["editor", "viewer"])
def test_a_past_version_can_be_read_but_not_reverted(client, editor, viewer, persona):
    award = factories.AwardFactory(title="Old title")
    client.force_login(editor)
    edit_through_admin(client, award, title="New title")
    oldest = award.history.last()
    url = reverse("admin:funding_award_simple_history", args=[award.pk, oldest.history_id])
    client.force_login({"editor": editor, "viewer": viewer}[persona])
    data = form_data(client.get(admin_url(Award, "change", award.pk)))
    entries = award.history.count()

    page = client.get(url)
    revert = client.post(url, {**data, "title": "Old title"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert revert.status_code == 403
    award.refresh_from_db()
    assert award.title == "New title"
    assert award.history.count() == entries


def test_staff_without_a_group_cannot_read_history(client):
    award = factories.AwardFactory()
    client.force_login(User.objects.create_user("stranger", password="pw", is_staff=True))

    assert client.get(admin_url(Award, "history", award.pk)).status_code == 403


# What a viewer may do: read, including the history, and nothing else.


def test_a_viewer_changes_nothing_and_leaves_no_history(client, editor, viewer):
    award = factories.AwardFactory(title="Kept", is_published=False)
    award.workstreams.add(factories.WorkstreamFactory())
    client.force_login(editor)
    data = form_data(client.get(admin_url(Award, "change", award.pk)))
    client.force_login(viewer)
    counts = history_counts()

    refused = [
        client.post(admin_url(Award, "change", award.pk), {**data, "title": "Changed"}),
        client.post(admin_url(Award, "delete", award.pk), {"post": "yes"}),
        client.post(admin_url(Award, "add"), {**data, "identifier": "360G-MMIP-VIEWER"}),
    ]
    post_action(client, Award, "publish_selected", [award])
    post_action(client, Award, "delete_selected", [award])

    assert [response.status_code for response in refused] == [403, 403, 403]
    award.refresh_from_db()
    assert (award.title, award.is_published) == ("Kept", False)
    assert not Award.objects.filter(identifier="360G-MMIP-VIEWER").exists()
    assert history_counts() == counts


# The staff groups.


def permission_names(group_name: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_viewers_may_only_view_records_and_their_history():
    granted = permission_names("Viewers")

    assert granted
    assert all(name.split(".")[1].startswith("view_") for name in granted)
    assert {name.split(".")[0] for name in granted} == set(PERMISSION_APPS)
    assert "funding.view_award" in granted
    assert "funding.view_historicalaward" in granted


def test_editors_keep_records_but_only_view_history_and_nothing_else():
    granted = permission_names("Editors")
    history = {name for name in granted if "historical" in name}

    assert {name.split(".")[0] for name in granted} == set(PERMISSION_APPS)
    assert {
        "funding.add_award",
        "funding.change_award",
        "funding.delete_award",
        "funding.view_award",
        "funding.view_historicalaward",
        "workstreams.delete_partnership",
    } <= granted
    assert history
    assert all(name.split(".")[1].startswith("view_") for name in history)
    # Nothing on users, groups or log-in lockouts.
    assert not granted & {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(content_type__app_label__in=["auth", "axes"])
    }


# Locking out repeated wrong passwords.

LOGIN = "/admin/login/"


def log_in(client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_name_even_with_the_right_password(client, editor):
    for _ in range(5):
        log_in(client, "editor", "wrong")

    response = log_in(client, "editor", "pw")

    assert response.status_code == 429
    assert LOCKOUT_MESSAGE in " ".join(response.content.decode().split())
    assert "MMIP programme tracker — staff" in response.content.decode()
    assert not logged_in(client)


def test_four_wrong_passwords_do_not_lock(client, editor):
    for _ in range(4):
        assert log_in(client, "editor", "wrong").status_code == 200

    assert log_in(client, "editor", "pw").status_code == 302
    assert logged_in(client)


def test_the_lockout_holds_one_name_from_one_address(client, editor, viewer):
    for _ in range(5):
        log_in(client, "editor", "wrong")

    assert log_in(client, "viewer", "pw").status_code == 302
    client.logout()
    assert log_in(client, "editor", "pw", address="192.0.2.7").status_code == 302


def test_a_successful_log_in_resets_the_count(client, editor):
    for _ in range(4):
        log_in(client, "editor", "wrong")
    assert log_in(client, "editor", "pw").status_code == 302
    client.logout()

    for _ in range(4):
        log_in(client, "editor", "wrong")

    assert log_in(client, "editor", "pw").status_code == 302


def test_the_lockout_ends_after_an_hour(client, editor):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            log_in(client, "editor", "wrong")
        clock.shift(datetime.timedelta(minutes=59))
        assert log_in(client, "editor", "pw").status_code == 429

        clock.shift(datetime.timedelta(minutes=61))
        assert log_in(client, "editor", "pw").status_code == 302
