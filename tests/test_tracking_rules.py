"""Tracking's rules, each held twice: as a named database constraint, and in clean() with a
message a member of staff understands. Also "late", derived and never typed, and what the
public may see of tracking (public() and is_public, which must agree)."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import ProtectedError
from django.utils import timezone

from tests import factories as f
from tests.test_record_rules import assert_clean_message, assert_violates
from tracking.models import (
    Commitment,
    ProgressUpdate,
    ReportingRound,
    StatusChange,
    WorkstreamRole,
)
from workstreams.models import Output, Workstream

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 14)


def submitted(**fields) -> dict:
    """The columns the services set when an update is submitted."""
    return {"state": "submitted", "submitted_at": timezone.now(), "started_from": {}, **fields}


def reviewed(state: str, **fields) -> dict:
    return submitted(
        **{"state": state, "reviewer": f.StaffUserFactory(), "reviewed_at": timezone.now()} | fields
    )


# Who reports and who reviews ----------------------------------------------------------


def test_a_member_of_staff_holds_each_role_in_a_workstream_once():
    role = f.WorkstreamRoleFactory(role="reporter")
    same = {"workstream": role.workstream, "user": role.user, "role": "reporter"}

    assert_violates("workstream_role_unique", lambda: f.WorkstreamRoleFactory(**same))
    assert_clean_message(WorkstreamRole(**same), NON_FIELD_ERRORS, "already has that role")
    # Reporting on a workstream and reviewing it too is allowed: never one's own update.
    f.WorkstreamRoleFactory(workstream=role.workstream, user=role.user, role="reviewer")


def test_only_members_of_staff_report_or_review():
    # A rule about another table's row: clean() alone can hold it.
    outsider = User.objects.create_user(username="outsider")
    role = WorkstreamRole(workstream=f.WorkstreamFactory(), user=outsider, role="reporter")

    assert_clean_message(role, "user", "Only members of staff")


# Commitments --------------------------------------------------------------------------


def test_a_commitment_title_is_unique_within_its_workstream():
    commitment = f.CommitmentFactory(title="A talent plan")
    duplicate = {"workstream": commitment.workstream, "title": "A talent plan"}

    assert_violates(
        "commitment_title_unique_in_workstream", lambda: f.CommitmentFactory(**duplicate)
    )
    assert_clean_message(
        f.CommitmentFactory.build(source=commitment.source, **duplicate),
        NON_FIELD_ERRORS,
        "already has a commitment of that title",
    )
    f.CommitmentFactory(title="A talent plan")  # in another workstream


def test_a_due_date_cannot_claim_more_than_its_precision():
    day = {"due_date": datetime.date(2026, 6, 14), "due_precision": "month"}

    assert_violates("commitment_due_date_matches_precision", lambda: f.CommitmentFactory(**day))
    assert_clean_message(
        f.CommitmentFactory.build(
            workstream=f.WorkstreamFactory(), source=f.OutputFactory(), **day
        ),
        "due_date",
        "1st of that month",
    )


@pytest.mark.parametrize(
    ("rating", "reason", "field", "words"),
    [
        ("red", "", "rating_reason", "Give the reason for the rating"),
        ("amber", "   ", "rating_reason", "Give the reason for the rating"),
        ("", "Funding is late.", "rating", "without a rating"),
    ],
)
def test_a_rating_comes_with_its_reason_and_a_reason_with_its_rating(rating, reason, field, words):
    values = {"rating": rating, "rating_reason": reason}

    assert_violates("commitment_rating_has_a_reason", lambda: f.CommitmentFactory(**values))
    assert_clean_message(
        f.CommitmentFactory.build(
            workstream=f.WorkstreamFactory(), source=f.OutputFactory(), **values
        ),
        field,
        words,
    )
    f.CommitmentFactory(rating=rating or "green", rating_reason=reason.strip() or "On track.")


@pytest.mark.parametrize(
    ("status", "due_date", "precision", "late"),
    [
        ("planned", datetime.date(2026, 5, 13), "day", True),
        ("in-progress", datetime.date(2026, 5, 14), "day", False),  # due today
        ("planned", datetime.date(2026, 4, 1), "month", True),  # April has ended
        ("planned", datetime.date(2026, 5, 1), "month", False),  # due in May, still May
        ("in-progress", datetime.date(2025, 1, 1), "year", True),
        ("planned", datetime.date(2026, 1, 1), "year", False),  # due in 2026, still 2026
        ("delivered", datetime.date(2020, 1, 1), "day", False),
        ("dropped", datetime.date(2020, 1, 1), "day", False),
        ("planned", None, "day", False),  # no due date, so never late
    ],
)
def test_late_is_derived_from_the_due_date_at_its_precision(status, due_date, precision, late):
    commitment = f.CommitmentFactory(status=status, due_date=due_date, due_precision=precision)

    assert commitment.is_late_on(TODAY) is late
    assert Commitment.objects.late(TODAY).filter(pk=commitment.pk).exists() is late


def test_is_late_asks_about_today():
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    assert f.CommitmentFactory(due_date=yesterday).is_late
    assert not f.CommitmentFactory(due_date=yesterday, status="delivered").is_late


# Reporting rounds ---------------------------------------------------------------------


def quarter(**changes) -> dict:
    return {
        "name": "2026 Q4",
        "period_start": datetime.date(2026, 10, 1),
        "period_end": datetime.date(2026, 12, 31),
        "due_date": datetime.date(2027, 1, 31),
        **changes,
    }


def test_a_round_ends_after_it_starts():
    backwards = quarter(period_end=datetime.date(2026, 10, 1))

    assert_violates(
        "reporting_round_ends_after_it_starts", lambda: ReportingRound.objects.create(**backwards)
    )
    assert_clean_message(ReportingRound(**backwards), "period_end", "must end after it starts")


def test_updates_are_due_on_or_after_the_end_of_the_period():
    early = quarter(due_date=datetime.date(2026, 12, 30))

    assert_violates(
        "reporting_round_due_after_its_period", lambda: ReportingRound.objects.create(**early)
    )
    assert_clean_message(ReportingRound(**early), "due_date", "before the period")
    ReportingRound.objects.create(**quarter(due_date=datetime.date(2026, 12, 31)))


def test_rounds_cover_separate_periods():
    ReportingRound.objects.create(**quarter())
    overlapping = quarter(
        name="Autumn", period_start=datetime.date(2026, 7, 1), period_end=datetime.date(2026, 10, 1)
    )

    assert_violates(
        "reporting_round_periods_do_not_overlap",
        lambda: ReportingRound.objects.create(**overlapping),
    )
    assert_clean_message(
        ReportingRound(**overlapping),
        "period_start",
        "overlaps the round 2026 Q4 (1 October 2026 to 31 December 2026)",
    )
    # The day before the next round starts is the last of this one.
    ReportingRound.objects.create(
        **quarter(
            name="2026 Q3",
            period_start=datetime.date(2026, 7, 1),
            period_end=datetime.date(2026, 9, 30),
        )
    )


def test_a_round_name_is_used_once():
    ReportingRound.objects.create(**quarter())
    again = quarter(period_start=datetime.date(2027, 1, 1), period_end=datetime.date(2027, 3, 31))
    again["due_date"] = datetime.date(2027, 4, 30)

    assert_violates("reporting_round_name_unique", lambda: ReportingRound.objects.create(**again))
    assert_clean_message(ReportingRound(**again), NON_FIELD_ERRORS, "already a round of that name")


def test_a_round_can_be_edited_without_overlapping_itself():
    round_ = ReportingRound.objects.create(**quarter())
    round_.due_date = datetime.date(2027, 2, 28)
    round_.full_clean()


# Progress updates ---------------------------------------------------------------------


def reporter_update(**fields) -> ProgressUpdate:
    """An unsaved update whose author reports on its workstream, so that only the rule under
    test can fail."""
    workstream = fields.get("workstream") or (
        fields["commitment"].workstream if fields.get("commitment") else f.WorkstreamFactory()
    )
    if "commitment" not in fields:
        fields.setdefault("workstream", workstream)
    role = f.WorkstreamRoleFactory(workstream=workstream, role="reporter")
    return f.ProgressUpdateFactory.build(author=role.user, **fields)


def test_an_update_is_on_exactly_one_target():
    workstream, commitment = f.WorkstreamFactory(), f.CommitmentFactory()

    assert_violates(
        "progress_update_on_one_target", lambda: f.ProgressUpdateFactory(workstream=None)
    )
    assert_violates(
        "progress_update_on_one_target",
        lambda: f.ProgressUpdateFactory(workstream=workstream, commitment=commitment),
    )
    assert_clean_message(
        reporter_update(workstream=None, commitment=None),
        NON_FIELD_ERRORS,
        "an initiative or an indicator period.",
    )
    assert_clean_message(
        reporter_update(workstream=workstream, commitment=commitment),
        NON_FIELD_ERRORS,
        "only one",
    )


@pytest.mark.parametrize("narrative", ["", "  \n "])
def test_an_update_says_what_has_happened(narrative):
    assert_violates(
        "progress_update_has_a_narrative", lambda: f.ProgressUpdateFactory(narrative=narrative)
    )
    assert_clean_message(reporter_update(narrative=narrative), "narrative", "Write the update")


@pytest.mark.parametrize("proposal", [{"new_status": "delivered"}, {"new_rating": "green"}])
def test_a_new_status_or_rating_is_for_a_commitment(proposal):
    with_reason = {**proposal, "new_rating_reason": "Done." if "new_rating" in proposal else ""}

    assert_violates(
        "progress_update_status_and_rating_for_tracked_records",
        lambda: f.ProgressUpdateFactory(**with_reason),
    )
    assert_clean_message(reporter_update(**with_reason), "new_status", "is for a commitment")
    f.ProgressUpdateFactory(workstream=None, commitment=f.CommitmentFactory(), **with_reason)


def test_a_new_rating_comes_with_its_reason():
    commitment = f.CommitmentFactory()

    assert_violates(
        "progress_update_rating_has_a_reason",
        lambda: f.ProgressUpdateFactory(workstream=None, commitment=commitment, new_rating="red"),
    )
    assert_clean_message(
        reporter_update(commitment=commitment, new_rating="red"),
        "new_rating_reason",
        "Give the reason for the rating",
    )


def test_nobody_reviews_their_own_update():
    author = f.StaffUserFactory()

    assert_violates(
        "progress_update_not_reviewed_by_its_author",
        lambda: f.ProgressUpdateFactory(author=author, **reviewed("approved", reviewer=author)),
    )
    update = reporter_update(**reviewed("approved"))
    update.reviewer = update.author
    assert_clean_message(update, NON_FIELD_ERRORS, "Nobody may review their own update")


def test_a_returned_update_carries_the_note_saying_what_to_change():
    assert_violates(
        "progress_update_returned_with_a_note",
        lambda: f.ProgressUpdateFactory(**reviewed("returned", review_note=" ")),
    )
    assert_clean_message(
        reporter_update(**reviewed("returned")), NON_FIELD_ERRORS, "returned with a note"
    )


def test_a_submitted_update_keeps_when_and_what_it_started_from():
    assert_violates(
        "progress_update_submitted_with_its_starting_point",
        lambda: f.ProgressUpdateFactory(**submitted(started_from=None)),
    )
    assert_violates(
        "progress_update_submitted_with_its_starting_point",
        lambda: f.ProgressUpdateFactory(submitted_at=timezone.now()),  # still a draft
    )
    assert_clean_message(
        reporter_update(**submitted(submitted_at=None)), NON_FIELD_ERRORS, "when it was submitted"
    )


def test_a_reviewed_update_names_its_reviewer_and_one_awaiting_review_none():
    assert_violates(
        "progress_update_reviewed_by_someone",
        lambda: f.ProgressUpdateFactory(**submitted(state="approved")),
    )
    assert_violates(
        "progress_update_reviewed_by_someone",
        lambda: f.ProgressUpdateFactory(**submitted(reviewer=f.StaffUserFactory())),
    )
    assert_clean_message(
        reporter_update(**submitted(state="approved")), NON_FIELD_ERRORS, "who reviewed it"
    )


def test_a_round_has_one_update_for_each_thing_it_asks_about():
    round_ = f.ReportingRoundFactory()
    on_workstream = f.ProgressUpdateFactory(round=round_)
    on_commitment = f.ProgressUpdateFactory(
        round=round_, workstream=None, commitment=f.CommitmentFactory()
    )

    assert_violates(
        "progress_update_one_per_workstream_per_round",
        lambda: f.ProgressUpdateFactory(round=round_, workstream=on_workstream.workstream),
    )
    assert_violates(
        "progress_update_one_per_commitment_per_round",
        lambda: f.ProgressUpdateFactory(
            round=round_, workstream=None, commitment=on_commitment.commitment
        ),
    )
    assert_clean_message(
        reporter_update(round=round_, workstream=on_workstream.workstream),
        NON_FIELD_ERRORS,
        "already has an update in that round",
    )
    # Outside a round, or in another, as many as there are to tell.
    f.ProgressUpdateFactory(workstream=on_workstream.workstream)
    f.ProgressUpdateFactory(round=f.ReportingRoundFactory(), workstream=on_workstream.workstream)


def test_an_author_reports_on_the_workstream_of_the_update():
    # Roles are rows of another table: clean() and the services hold this rule.
    skills, fiscal = f.WorkstreamFactory(name="Skills"), f.WorkstreamFactory(name="Fiscal")
    reporter = f.WorkstreamRoleFactory(workstream=skills, role="reporter").user
    f.WorkstreamRoleFactory(workstream=fiscal, user=reporter, role="reviewer")

    assert_clean_message(
        f.ProgressUpdateFactory.build(workstream=fiscal, author=reporter),
        NON_FIELD_ERRORS,
        "is not a reporter of the Fiscal workstream",
    )
    assert_clean_message(
        f.ProgressUpdateFactory.build(
            workstream=None, commitment=f.CommitmentFactory(workstream=fiscal), author=reporter
        ),
        NON_FIELD_ERRORS,
        "is not a reporter of the Fiscal workstream",
    )
    f.ProgressUpdateFactory.build(workstream=skills, author=reporter).full_clean()


def test_an_update_is_put_in_an_open_round_only():
    closed = f.ReportingRoundFactory(is_open=False)

    assert_clean_message(reporter_update(round=closed), "round", f"The round {closed} is closed")


# The history of status and rating -----------------------------------------------------


def test_a_status_change_changes_the_status_or_the_rating():
    assert_violates(
        "status_change_changes_something",
        lambda: f.StatusChangeFactory(from_status="planned", to_status="planned"),
    )
    same = f.StatusChangeFactory.build(
        commitment=f.CommitmentFactory(), changed_by=f.StaffUserFactory(), to_status="planned"
    )
    assert_clean_message(same, NON_FIELD_ERRORS, "must change one of them")
    f.StatusChangeFactory(to_status="planned", from_rating="", to_rating="amber")


def test_a_status_change_says_why():
    assert_violates("status_change_has_a_reason", lambda: f.StatusChangeFactory(reason=" "))
    assert_clean_message(
        f.StatusChangeFactory.build(
            commitment=f.CommitmentFactory(), changed_by=f.StaffUserFactory(), reason=""
        ),
        "reason",
        "Say why",
    )


def test_a_commitment_with_a_history_of_status_is_kept_one_without_can_go():
    changed = f.StatusChangeFactory().commitment
    unchanged = f.CommitmentFactory()
    f.ProgressUpdateFactory(workstream=None, commitment=unchanged)

    with pytest.raises(ProtectedError):
        changed.delete()
    unchanged.delete()
    assert not ProgressUpdate.objects.exists()


# What the public may see --------------------------------------------------------------


@pytest.fixture
def record():
    """Public rows and hidden ones of every tracking model, for public() and is_public to
    sort."""
    open_workstream = f.WorkstreamFactory()
    draft_workstream = f.WorkstreamFactory(is_published=False)
    draft_source = f.OutputFactory(is_published=False)
    commitments = {
        "public": f.CommitmentFactory(workstream=open_workstream),
        "draft": f.CommitmentFactory(workstream=open_workstream, is_published=False),
        "of a draft workstream": f.CommitmentFactory(workstream=draft_workstream),
        "from a draft source": f.CommitmentFactory(workstream=open_workstream, source=draft_source),
    }
    for commitment in commitments.values():
        f.StatusChangeFactory(commitment=commitment)
        f.ProgressUpdateFactory(workstream=None, commitment=commitment, **reviewed("approved"))
    for state_fields in ({}, submitted(), reviewed("returned", review_note="Say more.")):
        f.ProgressUpdateFactory(workstream=None, commitment=commitments["public"], **state_fields)
        f.ProgressUpdateFactory(workstream=open_workstream, **state_fields)
    f.ProgressUpdateFactory(workstream=open_workstream, **reviewed("approved"))
    f.ProgressUpdateFactory(workstream=draft_workstream, **reviewed("approved"))
    f.ReportingRoundFactory()
    f.WorkstreamRoleFactory(workstream=open_workstream)
    return commitments


STAFF_ONLY = [ReportingRound, WorkstreamRole]
PUBLIC = [Commitment, ProgressUpdate, StatusChange]


@pytest.mark.parametrize("model", PUBLIC + STAFF_ONLY, ids=lambda model: model.__name__)
def test_public_and_is_public_agree(record, model):
    public = set(model._default_manager.public().values_list("pk", flat=True))
    every = list(model._default_manager.all())

    assert public == {row.pk for row in every if row.is_public}
    if model in STAFF_ONLY:
        assert not public and every
    else:
        assert public and len(public) < len(every)


@pytest.mark.parametrize(
    ("child", "key", "model"),
    [
        (Commitment, "workstream", Workstream),
        (Commitment, "source", Output),
        (StatusChange, "commitment", Commitment),
        (ProgressUpdate, "commitment", Commitment),
        (ProgressUpdate, "workstream", Workstream),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_public_condition_along_a_relation_agrees_with_public(record, child, key, model):
    manager = model._default_manager
    joined = child._default_manager.filter(manager.public_condition(f"{key}__"))
    chosen = child._default_manager.filter(**{f"{key}__in": manager.public()})

    assert set(joined.values_list("pk", flat=True)) == set(chosen.values_list("pk", flat=True))


def test_only_approved_updates_on_public_targets_are_public(record):
    public = ProgressUpdate.objects.public().select_related("commitment", "workstream")

    assert {update.state for update in ProgressUpdate.objects.all()} == {
        "draft",
        "submitted",
        "returned",
        "approved",
    }
    assert {update.state for update in public} == {"approved"}
    assert {update.target for update in public} == {
        record["public"],
        record["public"].workstream,
    }


def test_no_commitment_of_a_draft_workstream_or_from_a_draft_source_is_public(record):
    assert list(Commitment.objects.public()) == [record["public"]]
    assert set(StatusChange.objects.public().values_list("commitment", flat=True)) == {
        record["public"].pk
    }
