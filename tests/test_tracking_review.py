"""Progress updates and their review, four eyes: a reporter of the workstream drafts and
submits, a reviewer of it who is not the author returns or approves, and only approval
changes the record. Through the services (tracking/services.py) and through the admin, for
the right people and the wrong ones; then the tracking admin's other pages and what each
changelist costs."""

import datetime
import threading
from dataclasses import dataclass

import psycopg
import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.test_admin import form_data, form_errors
from tracking import services
from tracking.models import (
    Commitment,
    ProgressUpdate,
    ReportingRound,
    StatusChange,
    WorkstreamRole,
)
from workstreams.models import Workstream

pytestmark = pytest.mark.django_db


def staff(username: str, *groups: str, reports=(), reviews=()) -> User:
    user = User.objects.create_user(username=username, password="pw", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    for workstream in reports:
        f.WorkstreamRoleFactory(workstream=workstream, user=user, role="reporter")
    for workstream in reviews:
        f.WorkstreamRoleFactory(workstream=workstream, user=user, role="reviewer")
    return user


@dataclass
class Team:
    skills: Workstream
    fiscal: Workstream
    commitment: Commitment
    reporter: User  # reports on Skills
    colleague: User  # reports on Skills too
    reviewer: User  # reviews Skills
    both: User  # reports on Skills and reviews it
    fiscal_reporter: User
    fiscal_reviewer: User


@pytest.fixture
def team(db) -> Team:
    skills = f.WorkstreamFactory(name="Skills", slug="skills")
    fiscal = f.WorkstreamFactory(name="Fiscal Environment", slug="fiscal-environment")
    return Team(
        skills=skills,
        fiscal=fiscal,
        commitment=f.CommitmentFactory(workstream=skills, title="A talent plan"),
        reporter=staff("reporter", "Reporters", reports=[skills]),
        colleague=staff("colleague", "Reporters", reports=[skills]),
        reviewer=staff("reviewer", "Reviewers", reviews=[skills]),
        both=staff("both", "Reporters", "Reviewers", reports=[skills], reviews=[skills]),
        fiscal_reporter=staff("fiscal-reporter", "Reporters", reports=[fiscal]),
        fiscal_reviewer=staff("fiscal-reviewer", "Reviewers", reviews=[fiscal]),
    )


def draft(author: User, target, **fields) -> ProgressUpdate:
    on = {"commitment": target} if isinstance(target, Commitment) else {"workstream": target}
    return f.ProgressUpdateFactory(author=author, **{"workstream": None, **on}, **fields)


def refused(code: str, act) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        act()
    assert caught.value.code == code, caught.value.messages
    return caught.value


def reread(update: ProgressUpdate) -> ProgressUpdate:
    return ProgressUpdate.objects.get(pk=update.pk)


# The whole review --------------------------------------------------------------------


def test_draft_submit_return_resubmit_approve_changes_the_record_only_at_approval(team):
    award = f.AwardFactory()
    update = draft(
        team.reporter,
        team.commitment,
        narrative="The first cohort has started.",
        new_status="in-progress",
        new_rating="amber",
        new_rating_reason="The second year's funding is not yet agreed.",
    )
    update.evidence_awards.add(award)

    def unchanged():
        commitment = Commitment.objects.get(pk=team.commitment.pk)
        assert (commitment.status, commitment.rating) == ("planned", "")
        assert not commitment.evidence_awards.exists()
        assert not StatusChange.objects.exists()
        assert not ProgressUpdate.objects.public().exists()

    services.submit_update(update=update, author=team.reporter)
    update = reread(update)
    assert update.state == "submitted" and update.submitted_at is not None
    assert update.started_from["status"] == "planned"
    unchanged()

    services.return_update(update=update, reviewer=team.reviewer, note="Name the cohort's size.")
    update = reread(update)
    assert (update.state, update.reviewer, update.review_note) == (
        "returned",
        team.reviewer,
        "Name the cohort's size.",
    )
    unchanged()

    update.narrative = "The first cohort of twelve has started."
    update.save()
    services.submit_update(update=update, author=team.reporter)
    update = reread(update)
    assert (update.state, update.reviewer, update.reviewed_at) == ("submitted", None, None)
    unchanged()

    services.approve_update(update=update, reviewer=team.reviewer)

    update = reread(update)
    assert (update.state, update.reviewer) == ("approved", team.reviewer)
    commitment = Commitment.objects.get(pk=team.commitment.pk)
    assert (commitment.status, commitment.rating, commitment.rating_reason) == (
        "in-progress",
        "amber",
        "The second year's funding is not yet agreed.",
    )
    assert list(commitment.evidence_awards.all()) == [award]
    change = StatusChange.objects.get()
    assert (change.from_status, change.to_status, change.from_rating, change.to_rating) == (
        "planned",
        "in-progress",
        "",
        "amber",
    )
    assert (change.changed_by, change.update, change.reason) == (
        team.reviewer,
        update,
        "The second year's funding is not yet agreed.",
    )
    # The commitment's history names the reviewer and the update, with the evidence added.
    entry = commitment.history.first()
    assert (entry.history_user, entry.history_change_reason) == (
        team.reviewer,
        f"Approved update {update.pk}",
    )
    assert entry.status == "in-progress"
    assert [row.award_id for row in entry.evidence_awards.all()] == [award.pk]
    states = [entry.state for entry in update.history.order_by("history_date")]
    assert [state for i, state in enumerate(states) if states[i - 1 : i] != [state]] == [
        "draft",
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]
    assert list(ProgressUpdate.objects.public()) == [update]


def test_an_approved_update_on_a_workstream_changes_no_record(team):
    update = draft(team.reporter, team.skills)
    services.submit_update(update=update, author=team.reporter)
    before = Workstream.objects.filter(pk=team.skills.pk).values().get()

    services.approve_update(update=update, reviewer=team.reviewer)

    assert reread(update).state == "approved"
    assert Workstream.objects.filter(pk=team.skills.pk).values().get() == before
    assert not StatusChange.objects.exists()


def test_an_update_that_changes_nothing_leaves_the_commitment_and_its_history_alone(team):
    update = draft(team.reporter, team.commitment, new_status="planned")
    services.submit_update(update=update, author=team.reporter)
    entries = team.commitment.history.count()

    services.approve_update(update=update, reviewer=team.reviewer)

    assert reread(update).state == "approved"
    assert not StatusChange.objects.exists()
    assert team.commitment.history.count() == entries


# Who may do what ---------------------------------------------------------------------


def test_only_a_reporter_of_the_workstream_submits_and_only_their_own_update(team):
    on_skills = draft(team.fiscal_reporter, team.skills)
    refusal = refused(
        "not-a-reporter",
        lambda: services.submit_update(update=on_skills, author=team.fiscal_reporter),
    )
    assert refusal.messages == ["Only a reporter of the Skills workstream can submit its updates."]

    theirs = draft(team.reporter, team.commitment)
    refused("not-the-author", lambda: services.submit_update(update=theirs, author=team.colleague))
    assert reread(theirs).state == "draft"


def test_only_a_reviewer_of_the_workstream_returns_or_approves(team):
    update = draft(team.reporter, team.commitment, new_status="delivered")
    services.submit_update(update=update, author=team.reporter)

    for outsider in (team.fiscal_reviewer, team.colleague):
        refusal = refused(
            "not-a-reviewer",
            lambda user=outsider: services.approve_update(update=update, reviewer=user),
        )
        refused(
            "not-a-reviewer",
            lambda user=outsider: services.return_update(update=update, reviewer=user, note="No."),
        )
    assert refusal.messages == ["Only a reviewer of the Skills workstream can approve its updates."]
    assert reread(update).state == "submitted"
    assert Commitment.objects.get(pk=team.commitment.pk).status == "planned"


def test_a_reviewer_never_approves_or_returns_their_own_update(team):
    update = draft(team.both, team.commitment, new_status="delivered")
    services.submit_update(update=update, author=team.both)

    refusal = refused(
        "own-update", lambda: services.approve_update(update=update, reviewer=team.both)
    )
    assert refusal.messages == ["You wrote this update, so another reviewer must approve it."]
    refused(
        "own-update",
        lambda: services.return_update(update=update, reviewer=team.both, note="Hmm."),
    )
    assert reread(update).state == "submitted"
    # Nor can anything get round the services: the database refuses it too.
    with (
        pytest.raises(IntegrityError, match="progress_update_not_reviewed_by_its_author"),
        transaction.atomic(),
    ):
        ProgressUpdate.objects.filter(pk=update.pk).update(
            state="approved", reviewer=team.both, reviewed_at=timezone.now()
        )
    # Another reviewer may.
    services.approve_update(update=update, reviewer=team.reviewer)
    assert Commitment.objects.get(pk=team.commitment.pk).status == "delivered"


def test_each_step_only_from_the_state_before_it(team):
    update = draft(team.reporter, team.commitment)
    refused("wrong-state", lambda: services.approve_update(update=update, reviewer=team.reviewer))
    services.submit_update(update=update, author=team.reporter)
    refused("wrong-state", lambda: services.submit_update(update=update, author=team.reporter))
    services.approve_update(update=update, reviewer=team.reviewer)

    again = refused(
        "wrong-state", lambda: services.approve_update(update=update, reviewer=team.reviewer)
    )
    assert again.messages == [
        "Only an update awaiting review can be approved; this one is approved."
    ]
    refused(
        "wrong-state",
        lambda: services.return_update(update=update, reviewer=team.reviewer, note="Late."),
    )
    refused("wrong-state", lambda: services.submit_update(update=update, author=team.reporter))


def test_an_update_is_returned_only_with_a_note(team):
    update = draft(team.reporter, team.skills)
    services.submit_update(update=update, author=team.reporter)

    refused(
        "no-note", lambda: services.return_update(update=update, reviewer=team.reviewer, note=" ")
    )
    assert reread(update).state == "submitted"


def test_an_incomplete_update_is_not_submitted(team):
    closed = f.ReportingRoundFactory(is_open=False)
    update = draft(team.reporter, team.skills, round=closed)

    with pytest.raises(ValidationError) as caught:
        services.submit_update(update=update, author=team.reporter)

    assert caught.value.message_dict == {
        "round": [f"The round {closed} is closed: choose an open round, or none."]
    }
    assert reread(update).state == "draft"


# Changes made meanwhile ---------------------------------------------------------------


def test_approval_is_refused_when_the_target_changed_since_submission(team):
    update = draft(team.reporter, team.commitment, new_status="delivered")
    services.submit_update(update=update, author=team.reporter)
    commitment = Commitment.objects.get(pk=team.commitment.pk)
    commitment.title = "A talent plan for the sector"
    commitment.due_date = datetime.date(2027, 1, 1)
    commitment.save()

    refusal = refused(
        "target-changed", lambda: services.approve_update(update=update, reviewer=team.reviewer)
    )

    assert refusal.messages == [
        "The commitment “A talent plan for the sector” was changed after this update was "
        "submitted (title, due date), so the update may no longer hold. Return it, so that "
        "its author can check it against the record as it now stands and submit it again."
    ]
    assert reread(update).state == "submitted"
    assert Commitment.objects.get(pk=commitment.pk).status == "planned"
    assert not StatusChange.objects.exists()
    # Returned, checked and submitted again, it starts from the record as it now stands.
    services.return_update(update=update, reviewer=team.reviewer, note="Check the new date.")
    services.submit_update(update=update, author=team.reporter)
    services.approve_update(update=update, reviewer=team.reviewer)
    assert Commitment.objects.get(pk=commitment.pk).status == "delivered"


def test_of_two_updates_from_the_same_record_only_the_first_approved_stands(team):
    first = draft(team.reporter, team.commitment, new_status="in-progress")
    second = draft(team.colleague, team.commitment, new_status="dropped")
    services.submit_update(update=first, author=team.reporter)
    services.submit_update(update=second, author=team.colleague)

    services.approve_update(update=first, reviewer=team.reviewer)
    refused(
        "target-changed", lambda: services.approve_update(update=second, reviewer=team.reviewer)
    )

    assert Commitment.objects.get(pk=team.commitment.pk).status == "in-progress"


def test_approval_is_refused_when_the_target_was_deleted(team):
    update = draft(team.reporter, team.commitment)
    services.submit_update(update=update, author=team.reporter)
    Commitment.objects.filter(pk=team.commitment.pk).delete()

    refusal = refused(
        "deleted", lambda: services.approve_update(update=update, reviewer=team.reviewer)
    )
    assert "no longer exists" in refusal.messages[0]


def test_a_reviewer_who_read_an_earlier_submission_is_asked_to_read_it_again(team):
    update = draft(team.reporter, team.skills)
    services.submit_update(update=update, author=team.reporter)
    read = reread(update).submitted_at
    services.return_update(update=update, reviewer=team.both, note="More, please.")
    services.submit_update(update=update, author=team.reporter)

    refused(
        "resubmitted",
        lambda: services.approve_update(update=update, reviewer=team.reviewer, seen=read),
    )
    services.approve_update(update=update, reviewer=team.reviewer, seen=reread(update).submitted_at)


@pytest.mark.django_db(transaction=True)
def test_an_approval_waits_for_a_change_under_way_and_then_refuses():
    """Another connection has changed the commitment and not yet committed. The approval
    must wait for it and then see it: read without the lock, it would find the record as
    submitted, go on, and write over the other change once it committed."""
    workstream = f.WorkstreamFactory()
    commitment = f.CommitmentFactory(workstream=workstream)
    reporter = f.WorkstreamRoleFactory(workstream=workstream, role="reporter").user
    reviewer = f.WorkstreamRoleFactory(workstream=workstream, role="reviewer").user
    update = draft(reporter, commitment, new_status="delivered")
    services.submit_update(update=update, author=reporter)
    table = Commitment._meta.db_table

    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute(f"UPDATE {table} SET status = 'dropped' WHERE id = %s", [commitment.pk])
        committing = threading.Timer(0.3, other.commit)
        committing.start()
        try:
            refused(
                "target-changed",
                lambda: services.approve_update(update=update, reviewer=reviewer),
            )
        finally:
            committing.join()

    assert Commitment.objects.get(pk=commitment.pk).status == "dropped"
    assert reread(update).state == "submitted"


# Through the admin ---------------------------------------------------------------------


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(update) -> str:
    return reverse("admin:tracking_progressupdate_change", args=[update.pk])


def review_url(update, decision: str) -> str:
    return reverse(f"admin:tracking_progressupdate_{decision}", args=[update.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def submitted_by(author: User, target, **fields) -> ProgressUpdate:
    update = draft(author, target, **fields)
    services.submit_update(update=update, author=author)
    return reread(update)


def test_a_reporter_writes_and_submits_an_update_in_the_admin(team):
    client = client_for(team.reporter)
    add = reverse("admin:tracking_progressupdate_add")
    page = client.get(add)
    fields = page.context["adminform"].form.fields

    assert list(fields["workstream"].queryset) == [team.skills]
    assert list(fields["commitment"].queryset) == [team.commitment]
    assert "Save and submit for review" in page.content.decode()

    response = client.post(
        add,
        {
            "commitment": team.commitment.pk,
            "narrative": "The first cohort has started.",
            "new_actual_qualifier": "exact",
            "new_forecast_precision": "day",
            "new_actual_date_precision": "day",
            "new_status": "in-progress",
            "_submit_for_review": "on",
        },
        follow=True,
    )

    update = ProgressUpdate.objects.get()
    assert (update.author, update.state, update.commitment) == (
        team.reporter,
        "submitted",
        team.commitment,
    )
    assert messages_of(response)[-1] == f"“{update}” was submitted for review."


def test_a_reporter_finds_evidence_to_link(team):
    award = f.AwardFactory(title="Apprenticeship award")
    client = client_for(team.reporter)

    for field in ("evidence_awards", "evidence_outputs", "evidence_milestones"):
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "tracking",
                "model_name": "progressupdate",
                "field_name": field,
                "term": "a",
            },
        )
        assert response.status_code == 200, field
    awards = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "tracking",
            "model_name": "progressupdate",
            "field_name": "evidence_awards",
            "term": "Apprenticeship",
        },
    ).json()["results"]
    assert [found["id"] for found in awards] == [str(award.pk)]


def test_a_reporter_cannot_report_on_another_workstream_in_the_admin(team):
    client = client_for(team.reporter)

    response = client.post(
        reverse("admin:tracking_progressupdate_add"),
        {"workstream": team.fiscal.pk, "narrative": "Not mine to tell."},
    )

    assert response.status_code == 200
    assert "workstream" in response.context["adminform"].form.errors
    assert not ProgressUpdate.objects.exists()


def test_nobody_without_a_reporter_role_may_add_an_update(team):
    response = client_for(team.reviewer).get(reverse("admin:tracking_progressupdate_add"))

    assert response.status_code == 403


def test_each_sees_only_their_workstreams_updates_and_only_their_own_drafts(team):
    mine = draft(team.reporter, team.skills)
    colleagues_draft = draft(team.colleague, team.commitment)
    colleagues_submitted = submitted_by(team.colleague, team.commitment)
    on_fiscal = submitted_by(team.fiscal_reporter, team.fiscal)
    url = reverse("admin:tracking_progressupdate_changelist")

    def listed(user):
        return set(client_for(user).get(url).context["cl"].result_list)

    assert listed(team.reporter) == {mine, colleagues_submitted}
    assert listed(team.reviewer) == {colleagues_submitted}
    assert listed(team.fiscal_reviewer) == {on_fiscal}
    assert colleagues_draft not in listed(team.both)
    assert client_for(team.fiscal_reviewer).get(change_url(mine)).status_code == 302


def test_the_for_me_filter_shows_what_each_has_to_do(team):
    returned = submitted_by(team.reporter, team.skills)
    services.return_update(update=returned, reviewer=team.both, note="Say more.")
    mine = draft(team.reporter, team.commitment)
    awaiting = submitted_by(team.colleague, team.commitment)
    own_submitted = submitted_by(team.both, team.skills, round=f.ReportingRoundFactory())
    url = reverse("admin:tracking_progressupdate_changelist")

    def listed(user, choice):
        return set(client_for(user).get(f"{url}?for_me={choice}").context["cl"].result_list)

    assert listed(team.reporter, "to-finish") == {returned, mine}
    assert listed(team.both, "to-review") == {awaiting}  # not their own
    assert own_submitted in listed(team.reviewer, "to-review")


def test_a_reviewer_approves_from_the_update_page(team):
    update = submitted_by(team.reporter, team.commitment, new_status="delivered")
    client = client_for(team.reviewer)
    page = client.get(change_url(update))
    content = page.content.decode()

    assert 'value="Approve"' in content and 'value="Return with a note"' in content
    assert page.context["has_change_permission"] is False  # the words stay the author's

    response = client.post(
        review_url(update, "approve"), {"seen": update.submitted_at.isoformat()}, follow=True
    )

    assert messages_of(response) == [f"“{update}” was approved."]
    assert reread(update).state == "approved"
    assert Commitment.objects.get(pk=team.commitment.pk).status == "delivered"


def test_a_reviewer_returns_with_a_note_and_the_author_submits_it_again(team):
    update = submitted_by(team.reporter, team.skills)
    reviewer = client_for(team.reviewer)

    response = reviewer.post(review_url(update, "return"), {"note": ""}, follow=True)
    assert messages_of(response) == [
        "Say what needs changing: an update is returned with a note for its author."
    ]
    assert reread(update).state == "submitted"

    reviewer.post(review_url(update, "return"), {"note": "Which cohort?"})
    assert reread(update).state == "returned"

    author = client_for(team.reporter)
    page = author.get(change_url(update))
    assert "Which cohort?" in page.content.decode()
    data = form_data(page)
    data.update(narrative="The 2026 cohort has started.", _submit_for_review="on")
    response = author.post(change_url(update), data)

    assert response.status_code == 302, form_errors(response)
    update = reread(update)
    assert (update.state, update.narrative) == ("submitted", "The 2026 cohort has started.")


def test_an_author_cannot_approve_their_own_update_in_the_admin(team):
    update = submitted_by(team.both, team.commitment, new_status="delivered")
    client = client_for(team.both)

    assert 'value="Approve"' not in client.get(change_url(update)).content.decode()
    response = client.post(review_url(update, "approve"), follow=True)

    assert response.status_code == 200
    assert messages_of(response) == ["You wrote this update, so another reviewer must approve it."]
    assert reread(update).state == "submitted"


def test_a_reporter_who_does_not_review_is_told_so_not_shown_an_error(team):
    update = submitted_by(team.colleague, team.skills)

    response = client_for(team.reporter).post(review_url(update, "approve"), follow=True)

    assert response.status_code == 200
    assert messages_of(response) == [
        "Only a reviewer of the Skills workstream can approve its updates."
    ]


def test_a_reviewer_of_another_workstream_cannot_reach_the_update(team):
    update = submitted_by(team.reporter, team.skills)

    response = client_for(team.fiscal_reviewer).post(review_url(update, "approve"))

    assert response.status_code == 302
    assert reread(update).state == "submitted"


def test_a_viewer_is_refused_the_review(team, viewer_client):
    update = submitted_by(team.reporter, team.skills)

    assert viewer_client.post(review_url(update, "approve")).status_code == 403
    assert viewer_client.get(change_url(update)).status_code == 403
    assert reread(update).state == "submitted"


def test_the_review_addresses_take_only_a_post(team):
    update = submitted_by(team.reporter, team.skills)

    assert client_for(team.reviewer).get(review_url(update, "approve")).status_code == 405


def test_an_update_awaiting_review_is_read_only_to_its_author(team):
    update = submitted_by(team.reporter, team.skills)
    client = client_for(team.reporter)
    page = client.get(change_url(update))

    assert page.context["has_change_permission"] is False
    assert "Save and submit for review" not in page.content.decode()
    assert client.post(change_url(update), {"narrative": "Changed."}).status_code == 403


def test_the_list_actions_submit_and_approve_each_and_report_each_refusal(team):
    client = client_for(team.both)
    url = reverse("admin:tracking_progressupdate_changelist")
    own = [draft(team.both, team.skills), draft(team.both, team.commitment)]

    response = client.post(
        url,
        {"action": "submit_selected", "_selected_action": [u.pk for u in own]},
        follow=True,
    )
    assert messages_of(response) == ["2 updates submitted for review."]

    others = submitted_by(team.reporter, team.commitment, new_status="in-progress")
    response = client.post(
        url,
        {"action": "approve_selected", "_selected_action": [others.pk, own[0].pk]},
        follow=True,
    )
    assert sorted(messages_of(response)) == sorted(
        [
            f"“{reread(own[0])}”: You wrote this update, so another reviewer must approve it.",
            "1 update approved.",
        ]
    )
    assert reread(others).state == "approved"
    assert reread(own[0]).state == "submitted"


# The other tracking pages --------------------------------------------------------------


def editor_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_a_commitments_status_and_rating_are_set_when_added_then_only_by_updates(editor_client):
    commitment = f.CommitmentFactory()

    add = editor_page(editor_client, reverse("admin:tracking_commitment_add"))
    change = editor_page(
        editor_client, reverse("admin:tracking_commitment_change", args=[commitment.pk])
    )

    assert {"status", "rating", "rating_reason"} <= set(add.context["adminform"].form.fields)
    assert not {"status", "rating", "rating_reason"} & set(change.context["adminform"].form.fields)


def test_the_commitments_list_marks_and_filters_the_late(editor_client):
    late = f.CommitmentFactory(title="Late one", due_date=datetime.date(2020, 1, 1))
    on_time = f.CommitmentFactory(title="On time", due_date=datetime.date(2999, 1, 1))
    delivered = f.CommitmentFactory(due_date=datetime.date(2020, 1, 1), status="delivered")
    url = reverse("admin:tracking_commitment_changelist")

    def listed(query):
        return set(editor_page(editor_client, f"{url}{query}").context["cl"].result_list)

    assert listed("?late=yes") == {late}
    assert listed("?late=no") == {on_time, delivered}
    assert 'alt="True"' in editor_page(editor_client, f"{url}?late=yes").content.decode()


def test_an_editor_saves_a_commitment_posted_back_unchanged(editor_client):
    commitment = f.CommitmentFactory(rating="amber", rating_reason="Slow start.")
    f.StatusChangeFactory(commitment=commitment)
    url = reverse("admin:tracking_commitment_change", args=[commitment.pk])

    response = editor_client.post(url, form_data(editor_client.get(url)))

    assert response.status_code == 302, form_errors(response)


def test_the_round_page_shows_what_has_had_its_update_and_what_still_needs_one(editor_client):
    round_ = f.ReportingRoundFactory(name="2026 Q4")
    done = f.WorkstreamFactory(name="Done workstream")
    f.CommitmentFactory(workstream=done, title="Waiting commitment")
    f.CommitmentFactory(workstream=done, title="Delivered already", status="delivered")
    reporter = f.WorkstreamRoleFactory(workstream=done, role="reporter").user
    update = draft(reporter, done, round=round_)
    services.submit_update(update=update, author=reporter)

    page = editor_page(
        editor_client, reverse("admin:tracking_reportinground_change", args=[round_.pk])
    )
    content = page.content.decode()

    assert (
        "1 of 2 have had their update (approved or awaiting review); 1 still need one." in content
    )
    assert f"Awaiting review, by {reporter}" in content
    assert "Waiting commitment" in content and "None yet" in content
    assert "Delivered already" not in content


def test_a_superuser_names_reporters_and_reviewers_on_the_workstream_page(admin_client):
    workstream = f.WorkstreamFactory()
    reporter = f.StaffUserFactory()
    url = reverse("admin:workstreams_workstream_change", args=[workstream.pk])
    data = form_data(admin_client.get(url))
    data.update(
        {
            "staff_roles-TOTAL_FORMS": "1",
            "staff_roles-0-user": str(reporter.pk),
            "staff_roles-0-role": "reporter",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    role = WorkstreamRole.objects.get()
    assert (role.workstream, role.user, role.role) == (workstream, reporter, "reporter")
    assert role.history.get().history_type == "+"


def test_editors_neither_see_nor_name_reporters_and_reviewers(editor_client):
    workstream = f.WorkstreamFactory()
    page = editor_client.get(reverse("admin:workstreams_workstream_change", args=[workstream.pk]))

    assert all(
        inline.formset.prefix != "staff_roles" for inline in page.context["inline_admin_formsets"]
    )
    assert editor_client.get(reverse("admin:tracking_workstreamrole_changelist")).status_code == 403


def test_status_changes_are_read_only_to_everyone(editor_client, admin_client):
    change = f.StatusChangeFactory()
    for client in (editor_client, admin_client):
        assert client.get(reverse("admin:tracking_statuschange_add")).status_code == 403
        page = client.get(reverse("admin:tracking_statuschange_change", args=[change.pk]))
        assert page.context["has_change_permission"] is False


def test_rounds_are_opened_by_editors_and_read_by_viewers(editor, viewer):
    editor_client, viewer_client = client_for(editor), client_for(viewer)
    data = {
        "name": "2026 Q4",
        "period_start": "2026-10-01",
        "period_end": "2026-12-31",
        "due_date": "2027-01-31",
        "is_open": "on",
    }
    url = reverse("admin:tracking_reportinground_add")

    assert viewer_client.post(url, data).status_code == 403
    assert editor_client.post(url, data).status_code == 302
    assert ReportingRound.objects.get().name == "2026 Q4"
    overlapping = {**data, "name": "Autumn", "period_start": "2026-09-01"}
    response = editor_client.post(url, overlapping)
    assert "overlaps the round 2026 Q4" in str(response.context["adminform"].form.errors)


# What each changelist costs -----------------------------------------------------------


def make_row(model, team):
    if model is Commitment:
        commitment = f.CommitmentFactory(workstream=team.skills)
        f.StatusChangeFactory(commitment=commitment)
        return commitment
    if model is ReportingRound:
        round_ = f.ReportingRoundFactory()
        f.ProgressUpdateFactory(
            round=round_, state="submitted", submitted_at=timezone.now(), started_from={}
        )
        return round_
    if model is ProgressUpdate:
        target = f.CommitmentFactory(workstream=team.skills)
        return submitted_by(team.reporter, target, round=f.ReportingRoundFactory())
    if model is StatusChange:
        return f.StatusChangeFactory(commitment=f.CommitmentFactory(workstream=team.skills))
    return f.WorkstreamRoleFactory()


@pytest.mark.parametrize(
    ("model", "viewer"),
    [
        (Commitment, "editor"),
        (ReportingRound, "editor"),
        (StatusChange, "editor"),
        (ProgressUpdate, "reviewer"),
        (ProgressUpdate, "reporter"),
        (WorkstreamRole, "admin_user"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_changelist_query_count_does_not_grow_with_rows(request, team, model, viewer):
    user = getattr(team, viewer, None) or request.getfixturevalue(viewer)
    client = client_for(user)
    url = reverse(f"admin:tracking_{model._meta.model_name}_changelist")
    before = model.objects.count()
    for _ in range(3):
        make_row(model, team)
    client.get(url)  # fills per-process caches (content types)

    # Each request: the session, the user, their group permissions, (for updates) whether
    # they report or review anywhere, the counts, the page of rows with their joined
    # relations (target, workstream, author, round), one query per sidebar filter that
    # lists related records, and the date hierarchy's dates. None of them is per row.
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)
    assert response.context["cl"].result_count == before + 3

    for _ in range(27):
        make_row(model, team)
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(url)
    assert response.context["cl"].result_count == before + 30

    assert len(thirty) == len(three), "\n".join(query["sql"] for query in thirty)


def test_the_round_page_costs_the_same_with_3_and_30_to_report(editor_client, team):
    round_ = f.ReportingRoundFactory()
    url = reverse("admin:tracking_reportinground_change", args=[round_.pk])

    def cost(count):
        for _ in range(count):
            commitment = f.CommitmentFactory(workstream=team.skills)
            submitted_by(team.reporter, commitment, round=round_)
        with CaptureQueriesContext(connection) as queries:
            editor_page(editor_client, url)
        return len(queries)

    editor_page(editor_client, url)
    assert cost(3) == cost(27)
