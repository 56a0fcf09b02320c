"""The review of progress updates, four eyes: a reporter of the target's workstream submits
their own update; a reviewer of that workstream who is not its author returns it with a
note or approves it; only approval changes the record. Keyword-only and typed, each in one
transaction. A refusal is a ValidationError whose message a member of staff can act on,
and it changes nothing."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from mmip.records import stored_values
from mmip.services import record_baselines, record_history
from tracking.models import (
    Commitment,
    ProgressUpdate,
    StatusChange,
    UpdateState,
    WorkstreamRole,
    has_role,
)
from workstreams.models import IndicatorPeriod
from workstreams.plans import CLOSED, PlannedWork

# What an update may change on a milestone or an initiative.
PLAN_FIELDS = [
    "delivery_status",
    "rating",
    "rating_reason",
    "forecast_date",
    "forecast_precision",
    "actual_date",
    "actual_precision",
]

# The evidence an update links, each kind added to its commitment's own when approved.
EVIDENCE_FIELDS = [
    "evidence_outputs",
    "evidence_awards",
    "evidence_milestones",
    "evidence_initiatives",
]


def submit_update(*, update: ProgressUpdate, author: AbstractBaseUser) -> ProgressUpdate:
    """Send a draft, or a returned update, to the workstream's reviewers. What its target is
    now is kept with it, for approval to compare with."""
    with transaction.atomic():
        update = _locked(update)
        if update.author_id != author.pk:
            raise ValidationError("Only its author can submit an update.", code="not-the-author")
        if not update.is_editable:
            raise ValidationError(
                f"This update is already {update.get_state_display().lower()}: only a draft "
                "or a returned update can be submitted.",
                code="wrong-state",
            )
        _must_hold_role(author, update, WorkstreamRole.Role.REPORTER, "submit its updates")
        # Every rule of the update itself, in the words its form would use.
        update.full_clean()
        target = update.target
        update.started_from = stored_values(type(target)._base_manager.filter(pk=target.pk))[
            str(target.pk)
        ]
        update.state = UpdateState.SUBMITTED
        update.submitted_at = timezone.now()
        # The last return's note stays, so its reviewer sees what was asked for.
        update.reviewer = None
        update.reviewed_at = None
        _save_with_history(update, author)
    return update


def return_update(
    *,
    update: ProgressUpdate,
    reviewer: AbstractBaseUser,
    note: str,
    seen: datetime.datetime | None = None,
) -> ProgressUpdate:
    """Send a submitted update back to its author with a note saying what to change.
    ``seen``, when given, is the submission the reviewer read (its submitted_at): if the
    update was submitted again since, it is refused, to be read again."""
    with transaction.atomic():
        update = _locked(update)
        _may_review(update, reviewer, seen, "return")
        if not note.strip():
            raise ValidationError(
                "Say what needs changing: an update is returned with a note for its author.",
                code="no-note",
            )
        update.state = UpdateState.RETURNED
        update.reviewer = reviewer
        update.reviewed_at = timezone.now()
        update.review_note = note.strip()
        _save_with_history(update, reviewer)
    return update


def approve_update(
    *, update: ProgressUpdate, reviewer: AbstractBaseUser, seen: datetime.datetime | None = None
) -> ProgressUpdate:
    """Approve a submitted update and make the change it reports, all at once: on a
    commitment, its new status and rating (with a StatusChange and a history entry) and its
    evidence. Refused if the target was changed or deleted since the update was submitted.
    ``seen`` as for return_update()."""
    with transaction.atomic():
        update = _locked(update)
        _may_review(update, reviewer, seen, "approve")
        target = update.target
        # Locked until the transaction ends, so nothing changes it between the comparison
        # and the write below.
        now = stored_values(type(target)._base_manager.filter(pk=target.pk), lock=True).get(
            str(target.pk)
        )
        if now is None:
            raise ValidationError(
                f"The {target._meta.verbose_name} this update is on has been deleted.",
                code="target-deleted",
            )
        if isinstance(target, IndicatorPeriod) and now["is_locked"]:
            raise ValidationError(
                f"The period {target.period_display} has been locked: its actual is settled, "
                "so no update may change it.",
                code="period-locked",
            )
        changed = _changed_fields(type(target), update.started_from, now)
        if changed:
            raise ValidationError(
                f"The {target._meta.verbose_name} “{target}” was changed after this update "
                f"was submitted ({', '.join(changed)}), so the update may no longer hold. "
                "Return it, so that its author can check it against the record as it now "
                "stands and submit it again.",
                code="target-changed",
            )
        now_time = timezone.now()
        if isinstance(target, Commitment):
            _apply_to_commitment(update, reviewer, now_time)
        elif isinstance(target, IndicatorPeriod):
            _apply_to_period(update, reviewer)
        elif isinstance(target, PlannedWork):
            _apply_to_planned_work(update, reviewer, now_time)
        update.state = UpdateState.APPROVED
        update.reviewer = reviewer
        update.reviewed_at = now_time
        _save_with_history(update, reviewer)
    return update


def _locked(update: ProgressUpdate) -> ProgressUpdate:
    """The update as stored now, locked until the transaction ends: two reviewers acting at
    once take turns, and the second sees what the first did."""
    found = ProgressUpdate.objects.select_for_update().filter(pk=update.pk).first()
    if found is None:
        raise ValidationError(
            "This update no longer exists: it, or what it was on, has been deleted.",
            code="deleted",
        )
    return found


def _must_hold_role(user, update: ProgressUpdate, role: str, to_do: str) -> None:
    """A role in the target's workstream; for an indicator's period, in any of the
    indicator's workstreams."""
    workstreams = update.target_workstreams
    if not any(has_role(user, workstream.pk, role) for workstream in workstreams):
        names = " or ".join(str(workstream) for workstream in workstreams) or "any"
        raise ValidationError(
            f"Only a {WorkstreamRole.Role(role).label.lower()} of the {names} workstream "
            f"can {to_do}.",
            code=f"not-a-{role}",
        )


def _may_review(
    update: ProgressUpdate, reviewer, seen: datetime.datetime | None, verb: str
) -> None:
    if update.author_id == reviewer.pk:
        raise ValidationError(
            f"You wrote this update, so another reviewer must {verb} it.", code="own-update"
        )
    if update.state != UpdateState.SUBMITTED:
        raise ValidationError(
            f"Only an update awaiting review can be {verb}d; this one is "
            f"{update.get_state_display().lower()}.",
            code="wrong-state",
        )
    _must_hold_role(reviewer, update, WorkstreamRole.Role.REVIEWER, f"{verb} its updates")
    if seen is not None and seen != update.submitted_at:
        raise ValidationError(
            "This update was submitted again after you opened it: read it again before "
            f"you {verb} it.",
            code="resubmitted",
        )


def _changed_fields(model: type[models.Model], before: dict, after: dict) -> list[str]:
    return [
        str(model._meta.get_field(name).verbose_name)
        for name in after
        if before.get(name) != after[name]
    ]


def _apply_to_commitment(update: ProgressUpdate, reviewer, when: datetime.datetime) -> None:
    """The change an approved update reports: the commitment's new status and rating, and
    its evidence added to the commitment's. Nothing is written if it changes nothing."""
    # Read again now that it is locked, so what is written starts from what was compared.
    commitment = Commitment.objects.get(pk=update.commitment_id)
    before = (commitment.status, commitment.rating)
    own_before = (commitment.status, commitment.rating, commitment.rating_reason)
    if update.new_status:
        commitment.status = update.new_status
    if update.new_rating:
        commitment.rating = update.new_rating
        commitment.rating_reason = update.new_rating_reason
    after = (commitment.status, commitment.rating)
    new_evidence = {
        field: set(getattr(update, field).values_list("pk", flat=True))
        - set(getattr(commitment, field).values_list("pk", flat=True))
        for field in EVIDENCE_FIELDS
    }
    if own_before == (*after, commitment.rating_reason) and not any(new_evidence.values()):
        return
    record_baselines(Commitment.objects.filter(pk=commitment.pk))
    # One history entry for the commitment's columns and links together, written once both
    # are set (mmip.services.record_history), as an admin save leaves.
    commitment.skip_history_when_saving = True
    try:
        commitment.full_clean()
        commitment.save()
        for field, added in new_evidence.items():
            if added:
                getattr(commitment, field).add(*added)
    finally:
        del commitment.skip_history_when_saving
    record_history([commitment], user=reviewer, reason=f"Approved update {update.pk}")
    if after != before:
        _write_status_change(update, reviewer, when, before, after, commitment=commitment)


def _apply_to_planned_work(update: ProgressUpdate, reviewer, when: datetime.datetime) -> None:
    """The change an approved update reports on a milestone or an initiative: its new status,
    rating, forecast and date done, with a StatusChange when the status or rating moved.
    Done or dropped work keeps no forecast. Nothing is written if it changes nothing."""
    model = type(update.target)
    record = model.objects.get(pk=update.target.pk)
    before = (record.delivery_status, record.rating)
    own_before = [getattr(record, field) for field in PLAN_FIELDS]
    if update.new_status:
        record.delivery_status = update.new_status
    if update.new_rating:
        record.rating = update.new_rating
        record.rating_reason = update.new_rating_reason
    if update.new_forecast_date:
        record.forecast_date = update.new_forecast_date
        record.forecast_precision = update.new_forecast_precision
    if update.new_actual_date:
        record.actual_date = update.new_actual_date
        record.actual_precision = update.new_actual_date_precision
    if record.delivery_status in CLOSED:
        record.forecast_date = None
    if [getattr(record, field) for field in PLAN_FIELDS] == own_before:
        return
    record.full_clean()
    record._history_user = reviewer
    record._change_reason = f"Approved update {update.pk}"
    record.save()
    after = (record.delivery_status, record.rating)
    if after != before:
        _write_status_change(
            update, reviewer, when, before, after, **{update.target_key[0]: record}
        )


def _write_status_change(update, reviewer, when, before, after, **record) -> None:
    change = StatusChange(
        **record,
        changed_at=when,
        changed_by=reviewer,
        from_status=before[0],
        to_status=after[0],
        from_rating=before[1],
        to_rating=after[1],
        # Why: the reason given for a new rating, else the update's own account.
        reason=update.new_rating_reason if update.new_rating else update.narrative,
        update=update,
    )
    change._history_user = reviewer
    change.save()


def _apply_to_period(update: ProgressUpdate, reviewer) -> None:
    """The new actual an approved update reports, with its qualifier and source, kept in the
    period's history as the reviewer's change. Nothing is written if it has none."""
    if update.new_actual is None:
        return
    period = IndicatorPeriod.objects.get(pk=update.period_id)
    period.actual = update.new_actual
    period.actual_qualifier = update.new_actual_qualifier
    period.actual_source_title = update.new_actual_source_title
    period.actual_source_url = update.new_actual_source_url
    period.full_clean()
    period._history_user = reviewer
    period._change_reason = f"Approved update {update.pk}"
    period.save()


def _save_with_history(update: ProgressUpdate, user) -> None:
    update._history_user = user
    update.save()
