"""The rules of a progress update, each written twice side by side: a named database
constraint, and the same rule in words for a member of staff. ProgressUpdate's Meta takes
CONSTRAINTS and its clean() takes problems(); the model itself is in updates.py."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from mmip.dates import precision_condition, precision_problem
from mmip.ratings import SAYS_SOMETHING
from tracking.models.commitments import (
    CommitmentStatus,
    rating_has_a_reason,
    rating_problems,
)
from tracking.models.roles import WorkstreamRole, has_role
from workstreams.periods import Qualifier
from workstreams.plans import CLOSED, DeliveryStatus


class UpdateState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting review"
    RETURNED = "returned", "Returned to its author"
    APPROVED = "approved", "Approved"


# States in which the author may still edit the update and (re)submit it.
EDITABLE_STATES = [UpdateState.DRAFT, UpdateState.RETURNED]
REVIEWED_STATES = [UpdateState.RETURNED, UpdateState.APPROVED]
# An update that counts as its target's in a round: approved, or with its reviewers.
REPORTED_STATES = [UpdateState.SUBMITTED, UpdateState.APPROVED]

# An update is on exactly one target. Each kind of target is a nullable foreign key, named
# here with the path from it to the workstream whose reporters write its updates and whose
# reviewers approve them. Milestones and indicator periods join the same way: a key, a line
# here, and the constraint below follows.
UPDATE_TARGETS = {
    "workstream": "workstream",
    "commitment": "commitment__workstream",
    "milestone": "milestone__workstream",
    "initiative": "initiative__workstream",
    # An indicator may belong to several workstreams: a reporter of any of them may report on
    # its periods, and a reviewer of any of them may review the update.
    "period": "period__indicator__workstreams",
}
# What carries a status and a rating, and so a history of them (StatusChange).
TRACKED_TARGETS = ["commitment", "milestone", "initiative"]
# A commitment's statuses and a milestone's or initiative's, for the fields that hold either.
STATUSES = list(dict([*CommitmentStatus.choices, *DeliveryStatus.choices]).items())


def exactly_one_of(fields) -> Q:
    condition = Q()
    for chosen in fields:
        condition |= Q(**{f"{field}__isnull": field != chosen for field in fields})
    return condition


# What it is on, and what it says ---------------------------------------------------------

ON_ONE_TARGET = [
    models.CheckConstraint(
        condition=exactly_one_of(UPDATE_TARGETS), name="progress_update_on_one_target"
    ),
    models.CheckConstraint(
        condition=Q(narrative__regex=SAYS_SOMETHING), name="progress_update_has_a_narrative"
    ),
]


def target_problems(update) -> dict:
    errors = {}
    chosen = chosen_targets(update)
    if len(chosen) != 1:
        errors[NON_FIELD_ERRORS] = (
            "Choose what this update is on: a workstream, a commitment, a milestone, an "
            "initiative or an indicator period, only one."
            if chosen
            else "Choose what this update is on: a workstream, a commitment, a milestone, "
            "an initiative or an indicator period."
        )
    if not update.narrative.strip():
        errors["narrative"] = "Write the update: what has happened, in plain words."
    return errors


def chosen_targets(update) -> list[str]:
    return [field for field in UPDATE_TARGETS if getattr(update, f"{field}_id") is not None]


# A new status, rating and dates: for a commitment, a milestone or an initiative ----------

STATUS_RATING_AND_DATES = [
    models.CheckConstraint(
        condition=Q(commitment__isnull=False)
        | Q(milestone__isnull=False)
        | Q(initiative__isnull=False)
        | Q(new_status="", new_rating=""),
        name="progress_update_status_and_rating_for_tracked_records",
    ),
    # Each kind of record has its own statuses.
    models.CheckConstraint(
        condition=Q(commitment__isnull=True) | Q(new_status__in=["", *CommitmentStatus.values]),
        name="progress_update_status_of_a_commitment",
    ),
    models.CheckConstraint(
        condition=Q(commitment__isnull=False) | Q(new_status__in=["", *DeliveryStatus.values]),
        name="progress_update_status_of_planned_work",
    ),
    models.CheckConstraint(
        condition=Q(milestone__isnull=False)
        | Q(initiative__isnull=False)
        | Q(new_forecast_date__isnull=True, new_actual_date__isnull=True),
        name="progress_update_dates_for_planned_work",
    ),
    models.CheckConstraint(
        condition=precision_condition("new_forecast_date", "new_forecast_precision"),
        name="progress_update_forecast_matches_precision",
    ),
    models.CheckConstraint(
        condition=precision_condition("new_actual_date", "new_actual_date_precision"),
        name="progress_update_actual_date_matches_precision",
    ),
    models.CheckConstraint(
        condition=rating_has_a_reason("new_rating", "new_rating_reason"),
        name="progress_update_rating_has_a_reason",
    ),
]


def status_problems(update) -> dict:
    """The rules of a new status, rating and dates, in words."""
    tracked = any(getattr(update, f"{field}_id") for field in TRACKED_TARGETS)
    planned = bool(update.milestone_id or update.initiative_id)
    if not tracked and (update.new_status or update.new_rating):
        return {
            "new_status": "A new status or rating is for a commitment, a milestone or an "
            "initiative: choose one, or clear them."
        }
    if not planned and (update.new_forecast_date or update.new_actual_date):
        return {
            "new_forecast_date": "A new forecast or date done is for a milestone or an "
            "initiative: choose one, or clear them."
        }
    if update.commitment_id and update.new_status not in ["", *CommitmentStatus.values]:
        return {"new_status": "That status is for a milestone or an initiative."}
    if planned and update.new_status not in ["", *DeliveryStatus.values]:
        return {"new_status": "That status is for a commitment."}
    errors = {}
    for field, precision in [
        ("new_forecast_date", "new_forecast_precision"),
        ("new_actual_date", "new_actual_date_precision"),
    ]:
        problem = precision_problem(getattr(update, field), getattr(update, precision))
        if problem:
            errors[field] = problem
    if planned and update.new_status == DeliveryStatus.DONE and not update.new_actual_date:
        target = update.target
        if target is not None and target.actual_date is None:
            errors["new_actual_date"] = "Give the date it was done: done work has one."
    if update.new_actual_date and update.new_status != DeliveryStatus.DONE:
        errors["new_actual_date"] = "A date done goes with the new status done."
    # Not a constraint: a check comparing with today would change its answer every day.
    if update.new_actual_date and update.new_actual_date > timezone.localdate():
        errors["new_actual_date"] = "The date done is in the future: it records what happened."
    if update.new_forecast_date and update.new_status in CLOSED:
        errors["new_forecast_date"] = "Work that is done or dropped has no forecast."
    return errors


def rating_reason_problems(update) -> dict:
    return rating_problems(
        update.new_rating,
        update.new_rating_reason,
        rating_field="new_rating",
        reason_field="new_rating_reason",
    )


# A new actual: for an indicator period, with its source -----------------------------------

NEW_ACTUAL = [
    models.CheckConstraint(
        condition=Q(period__isnull=False)
        | Q(
            new_actual__isnull=True,
            new_actual_qualifier=Qualifier.EXACT,
            new_actual_source_title="",
            new_actual_source_url="",
        ),
        name="progress_update_actual_for_periods",
    ),
    models.CheckConstraint(
        condition=Q(new_actual__isnull=True)
        | Q(new_actual__gte=0, new_actual_source_title__regex=SAYS_SOMETHING),
        name="progress_update_actual_with_its_source",
    ),
]


def actual_problems(update) -> dict:
    """The rules of the new actual, in words."""
    given = update.new_actual is not None
    if not update.period_id and (
        given
        or update.new_actual_source_title
        or update.new_actual_source_url
        or update.new_actual_qualifier != Qualifier.EXACT
    ):
        return {
            "new_actual": "A new actual is for an indicator period: choose the period, or clear it."
        }
    if given and update.new_actual < 0:
        return {"new_actual": "A figure cannot be negative."}
    if given and not update.new_actual_source_title.strip():
        return {"new_actual_source_title": "Name the source of the new actual."}
    if not given and (update.new_actual_source_title or update.new_actual_source_url):
        return {"new_actual": "A source is given without a figure: add the figure."}
    return {}


# The review, which the services keep and nobody types ------------------------------------

REVIEW = [
    models.CheckConstraint(
        condition=Q(reviewer__isnull=True) | ~Q(reviewer=F("author")),
        name="progress_update_not_reviewed_by_its_author",
    ),
    models.CheckConstraint(
        condition=Q(state=UpdateState.DRAFT, submitted_at__isnull=True)
        | Q(submitted_at__isnull=False, started_from__isnull=False) & ~Q(state=UpdateState.DRAFT),
        name="progress_update_submitted_with_its_starting_point",
    ),
    models.CheckConstraint(
        condition=Q(state__in=REVIEWED_STATES, reviewer__isnull=False, reviewed_at__isnull=False)
        | Q(state__in=[UpdateState.DRAFT, UpdateState.SUBMITTED], reviewer__isnull=True),
        name="progress_update_reviewed_by_someone",
    ),
    models.CheckConstraint(
        condition=~Q(state=UpdateState.RETURNED) | Q(review_note__regex=SAYS_SOMETHING),
        name="progress_update_returned_with_a_note",
    ),
]


def review_problems(update) -> dict:
    if update.reviewer_id and update.reviewer_id == update.author_id:
        return {NON_FIELD_ERRORS: "Nobody may review their own update: another reviewer must."}
    if update.state == UpdateState.RETURNED and not update.review_note.strip():
        return {NON_FIELD_ERRORS: "An update is returned with a note saying what to change."}
    if update.state in REVIEWED_STATES and not (update.reviewer_id and update.reviewed_at):
        return {NON_FIELD_ERRORS: "A reviewed update records who reviewed it and when."}
    if update.state in [UpdateState.DRAFT, UpdateState.SUBMITTED] and update.reviewer_id:
        return {NON_FIELD_ERRORS: "An update not yet reviewed has no reviewer."}
    if update.state != UpdateState.DRAFT and (
        update.submitted_at is None or update.started_from is None
    ):
        return {
            NON_FIELD_ERRORS: "A submitted update records when it was submitted and what "
            "its target was then."
        }
    if update.state == UpdateState.DRAFT and update.submitted_at is not None:
        return {NON_FIELD_ERRORS: "A draft has not been submitted."}
    return {}


# One update for each thing a round asks about ----------------------------------------------


def one_per_round(field: str, noun: str) -> models.UniqueConstraint:
    # A returned update is corrected and submitted again, not written afresh, so a round has
    # one update for each thing it asks about. The message is the database's and the form's.
    return models.UniqueConstraint(
        fields=["round", field],
        name=f"progress_update_one_per_{field}_per_round",
        violation_error_message=f"This {noun} already has an update in that round: "
        "continue that one.",
    )


ONE_PER_ROUND = [
    one_per_round("workstream", "workstream"),
    one_per_round("commitment", "commitment"),
    one_per_round("milestone", "milestone"),
    one_per_round("initiative", "initiative"),
    one_per_round("period", "period"),
]


# While its author may still change it ------------------------------------------------------


def author_problems(update) -> dict:
    """Its author must report on its workstream, its period must not be locked and its round
    must be open. Each reads another table, so the database cannot hold them as a
    constraint; tracking/services.py asks them again at each step."""
    problems = {}
    workstreams = update.target_workstreams
    if update.author_id and not any(
        has_role(update.author, workstream.pk, WorkstreamRole.Role.REPORTER)
        for workstream in workstreams
    ):
        names = " or ".join(str(workstream) for workstream in workstreams) or "any"
        problems[NON_FIELD_ERRORS] = (
            f"{update.author} is not a reporter of the {names} workstream, so cannot "
            "write its updates."
        )
    if update.period_id and update.period.is_locked:
        problems["period"] = (
            f"The period {update.period.period_display} is locked: its actual is settled "
            "and no update may change it."
        )
    if update.round_id and not update.round.is_open:
        problems["round"] = f"The round {update.round} is closed: choose an open round, or none."
    return problems


CONSTRAINTS = [*ON_ONE_TARGET, *STATUS_RATING_AND_DATES, *NEW_ACTUAL, *REVIEW, *ONE_PER_ROUND]


def problems(update) -> dict:
    """Every rule above in words, by field. Where two rules speak of the same field the
    later one's message is kept: the review's and the author's over the target's."""
    errors = target_problems(update)
    errors.update(actual_problems(update))
    errors.update(status_problems(update))
    errors.update(rating_reason_problems(update))
    errors.update(review_problems(update))
    if update.is_editable and len(chosen_targets(update)) == 1:
        errors.update(author_problems(update))
    return errors
