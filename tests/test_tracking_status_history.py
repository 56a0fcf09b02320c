"""The kept history of status and rating in the admin: read-only on the page of the
milestone, initiative or commitment that changed, and in the list of every change, filtered
by what changed and by its workstream."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.test_admin import admin_url, form_data, form_errors
from tests.test_tracking_review import staff
from tracking import services
from tracking.models import Commitment, StatusChange
from workstreams.models import Initiative, Milestone

pytestmark = pytest.mark.django_db

TRACKED = [(Milestone, f.MilestoneFactory), (Initiative, f.InitiativeFactory)]
by_model = pytest.mark.parametrize(
    "model,factory", TRACKED, ids=[model.__name__.lower() for model, _ in TRACKED]
)


def approved_change(record, *, rating_reason: str):
    """A status change as an approved update on ``record`` leaves it."""
    workstream = record.workstream
    reporter = staff(f"reporter-{record.pk}-{rating_reason[:5]}", "Reporters", reports=[workstream])
    reviewer = staff(f"reviewer-{record.pk}-{rating_reason[:5]}", "Reviewers", reviews=[workstream])
    kind = type(record)._meta.model_name
    update = f.ProgressUpdateFactory(
        author=reporter,
        workstream=None,
        **{kind: record},
        narrative="The venue is not yet booked.",
        new_status="at-risk",
        new_rating="amber",
        new_rating_reason=rating_reason,
    )
    services.submit_update(update=update, author=reporter)
    services.approve_update(update=update, reviewer=reviewer)
    return update


def tracked(factory, **fields):
    return factory(delivery_status="on-track", planned_date=datetime.date(2027, 1, 1), **fields)


@by_model
def test_the_page_shows_its_status_changes_read_only(editor_client, viewer_client, model, factory):
    record = tracked(factory)
    update = approved_change(record, rating_reason="The venue is not yet booked.")

    for client in (editor_client, viewer_client):
        page = client.get(admin_url(model, "change", record.pk))
        content = page.content.decode()
        (history,) = [
            inline
            for inline in page.context["inline_admin_formsets"]
            if inline.formset.model is StatusChange
        ]
        assert "Changes of status and rating (made by approved updates)" in content
        assert "On track → At risk; no rating → Amber" in content
        assert "The venue is not yet booked." in content
        assert admin_url(type(update), "change", update.pk) in content
        # Nothing to add, change or delete: each change is written by its approval.
        assert history.has_add_permission is False
        assert history.has_change_permission is False
        assert history.has_delete_permission is False
        assert 'name="status_changes-0-reason"' not in content


@by_model
def test_an_editor_saves_the_page_with_its_history_unchanged(editor_client, model, factory):
    record = tracked(factory)
    approved_change(record, rating_reason="The venue is not yet booked.")
    url = admin_url(model, "change", record.pk)

    data = form_data(editor_client.get(url))
    data["description"] = "Now with a description."
    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert model.objects.get(pk=record.pk).description == "Now with a description."
    assert StatusChange.objects.get().reason == "The venue is not yet booked."


@pytest.mark.parametrize(
    "model,factory",
    [*TRACKED, (Commitment, f.CommitmentFactory)],
    ids=["milestone", "initiative", "commitment"],
)
def test_the_page_costs_the_same_with_3_and_30_changes(editor_client, model, factory):
    record = factory() if model is Commitment else tracked(factory)
    url = admin_url(model, "change", record.pk)
    reviewer = f.StaffUserFactory()

    def add(count):
        for number in range(count):
            f.StatusChangeFactory(
                **{"commitment": None, model._meta.model_name: record},
                changed_by=reviewer,
                from_status="planned",
                to_status="planned",
                from_rating="",
                to_rating="amber",
                reason=f"Change {number}.",
            )

    add(3)
    editor_client.get(url)
    # The session, the user, the group permissions, the record, each autocomplete's chosen
    # records, and the status changes with the record and who made them: one query, however
    # many there are.
    with CaptureQueriesContext(connection) as three:
        editor_client.get(url)
    add(27)
    with CaptureQueriesContext(connection) as thirty:
        response = editor_client.get(url)

    assert response.content.decode().count("Change ") >= 30
    assert len(thirty) == len(three), "\n".join(query["sql"] for query in thirty)


def test_the_list_of_changes_names_what_changed_and_filters_by_kind_and_workstream(
    editor_client,
):
    skills = f.WorkstreamFactory(name="Skills")
    fiscal = f.WorkstreamFactory(name="Fiscal Environment")
    milestone = tracked(f.MilestoneFactory, workstream=skills, title="Skills summit")
    initiative = tracked(f.InitiativeFactory, workstream=fiscal, name="Tax review")
    commitment_change = f.StatusChangeFactory(
        commitment=f.CommitmentFactory(workstream=skills, title="A talent plan")
    )
    approved_change(milestone, rating_reason="The venue is not yet booked.")
    approved_change(initiative, rating_reason="The review is slow to start.")
    url = admin_url(StatusChange, "changelist")

    def listed(query):
        response = editor_client.get(url, query)
        assert response.status_code == 200
        return {str(change.record) for change in response.context["cl"].result_list}

    everything = editor_client.get(url).content.decode()
    assert "Milestone: 2018: Skills summit" in everything
    assert "Initiative: Tax review" in everything
    assert "Commitment: A talent plan" in everything
    assert listed({"record": "milestone"}) == {"2018: Skills summit"}
    assert listed({"record": "initiative"}) == {"Tax review"}
    assert listed({"workstream": str(skills.pk)}) == {"2018: Skills summit", "A talent plan"}
    assert listed({"workstream": str(fiscal.pk), "record": "commitment"}) == set()
    assert commitment_change.commitment.title in listed({"q": "talent"})


@pytest.mark.parametrize("value", ["x", "-1", "1.5", "9" * 40, "\u0661"])
def test_a_bad_filter_value_is_ignored(editor_client, value):
    f.StatusChangeFactory()
    url = admin_url(StatusChange, "changelist")

    for query in ({"workstream": value}, {"record": value}):
        response = editor_client.get(url, query)
        assert response.status_code == 200
        assert response.context["cl"].result_count == 1
