"""The daily reporting reminder of one member of staff, and its sending.

A reporter is told what still needs an update in each open round on the workstreams they
report on, and what is late there (commitments and milestones); a reviewer, the submitted
updates on the workstreams they review that are not their own. Nothing to tell, no email.
Each is sent in the transaction that claims the day's ReminderSent row, so nobody gets two
in a day: a second run, even one under way at the same moment, finds the claim (waiting for
the first run's transaction to end) and sends nothing."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from mmip.dates import DatePrecision, format_date
from tracking.models import (
    EDITABLE_STATES,
    ROUND_KINDS,
    Commitment,
    ProgressUpdate,
    ReminderSent,
    ReportingRound,
    UpdateState,
    WorkstreamRole,
)
from tracking.models.rounds import of_workstreams
from workstreams.models import Milestone

# How each kind of record is read for its line in the email: with what the line names.
READS = {
    "workstream": lambda rows: rows,
    "commitment": lambda rows: rows.select_related("workstream"),
    "milestone": lambda rows: rows.select_related("workstream"),
    "initiative": lambda rows: rows.select_related("workstream"),
    "period": lambda rows: rows.select_related("indicator"),
}


# What is said of a record whose update in the round the reporter has begun but not sent.
UNFINISHED = {
    UpdateState.DRAFT: "your draft is not yet submitted",
    UpdateState.RETURNED: "your update was returned to you with a note",
}


@dataclass
class RoundDue:
    round: ReportingRound
    overdue: bool
    # Each record still needing its update, with what is said of the draft or returned
    # update of theirs it has in the round ("" if none).
    records: list[tuple[models.Model, str]]

    @property
    def heading(self) -> str:
        due = format_date(self.round.due_date, DatePrecision.DAY)
        when = f"were due {due}: overdue" if self.overdue else f"due {due}"
        return f"Still needs an update in {self.round.name} (updates {when})"

    @property
    def lines(self) -> list[str]:
        return [
            record_line(record) + (f" — {state}" if state else "") for record, state in self.records
        ]


@dataclass
class Reminder:
    user: AbstractBaseUser
    today: datetime.date
    to_report: list[RoundDue] = field(default_factory=list)
    late: list[models.Model] = field(default_factory=list)
    to_review: list[ProgressUpdate] = field(default_factory=list)

    @property
    def to_report_count(self) -> int:
        return sum(len(due.records) for due in self.to_report)

    @property
    def says_something(self) -> bool:
        # What is late is told beside what a round asks for, not alone every day.
        return bool(self.to_report or self.to_review)

    @property
    def subject(self) -> str:
        parts = []
        if self.to_report_count:
            parts.append(f"{self.to_report_count} to update")
        if self.late:
            parts.append(f"{len(self.late)} late")
        if self.to_review:
            parts.append(f"{len(self.to_review)} to review")
        return f"MMIP reporting: {', '.join(parts)}"

    @property
    def late_lines(self) -> list[str]:
        return [late_line(record) for record in self.late]

    @property
    def review_lines(self) -> list[str]:
        return [review_line(update) for update in self.to_review]

    @property
    def body(self) -> str:
        return render_to_string(
            "tracking/email/reporting_reminder.txt",
            {
                "reminder": self,
                "name": self.user.get_full_name() or self.user.get_username(),
                "today": format_date(self.today, DatePrecision.DAY),
                "links": _links() if settings.SITE_URL else None,
            },
        )

    def message(self) -> EmailMessage:
        return EmailMessage(self.subject, self.body, to=[self.user.email])


def record_line(record: models.Model) -> str:
    """What it is and what it is, with its workstream: "Commitment: A talent plan (Skills)"."""
    kind = record._meta.verbose_name.capitalize()
    workstream = getattr(record, "workstream", None)
    return f"{kind}: {record}" + (f" ({workstream})" if workstream else "")


def late_line(record: models.Model) -> str:
    if isinstance(record, Commitment):
        return f"{record_line(record)}, due {record.due_display}"
    dates = [f"planned {record.planned_display}"] if record.planned_date else []
    if record.forecast_date:
        dates.append(f"forecast {record.forecast_display}")
    return f"{record_line(record)}, {' and '.join(dates)}"


def review_line(update: ProgressUpdate) -> str:
    line = f"{update}, by {update.author}"
    if settings.SITE_URL:
        url = reverse("admin:tracking_progressupdate_change", args=[update.pk])
        line += f": {settings.SITE_URL}{url}"
    return line


def _links() -> dict[str, str]:
    def url(name: str, query: str = "") -> str:
        return f"{settings.SITE_URL}{reverse(name)}{query}"

    return {
        "write": url("admin:tracking_progressupdate_add"),
        "mine": url("admin:tracking_progressupdate_changelist", "?for_me=to-finish"),
        "review": url("admin:tracking_progressupdate_changelist", "?for_me=to-review"),
    }


def reminder_for(user: AbstractBaseUser, today: datetime.date) -> Reminder:
    """What ``user`` has to be told today, from the same rules as the admin's filters: a
    round's still_to_report(), late(), awaiting_review_by()."""
    reminder = Reminder(user=user, today=today)
    reported = WorkstreamRole.objects.workstreams_of(user, WorkstreamRole.Role.REPORTER)
    for round_ in ReportingRound.objects.filter(is_open=True).order_by("due_date", "name"):
        drafts = {
            update.target_key: UNFINISHED[update.state]
            for update in round_.updates.filter(author=user, state__in=EDITABLE_STATES)
        }
        records = [
            (record, drafts.get((kind, record.pk), ""))
            for kind in ROUND_KINDS
            for record in READS[kind](
                round_.still_to_report(kind).filter(of_workstreams(kind, reported))
            )
        ]
        if records:
            reminder.to_report.append(
                RoundDue(round=round_, overdue=round_.due_date < today, records=records)
            )
    reminder.late = [
        *Commitment.objects.late(today)
        .filter(workstream__in=reported)
        .select_related("workstream"),
        *Milestone.objects.late(today).filter(workstream__in=reported).select_related("workstream"),
    ]
    reminder.to_review = list(
        ProgressUpdate.objects.awaiting_review_by(user)
        .with_targets()
        .select_related("author")
        .order_by("submitted_at", "pk")
    )
    return reminder


def staff_with_roles():
    """Everyone who reports on or reviews a workstream, whatever their account's state: the
    command says who could not be told, and why."""
    return (
        get_user_model()
        .objects.filter(workstream_roles__isnull=False)
        .distinct()
        .order_by("username")
    )


def already_reminded(user: AbstractBaseUser, today: datetime.date) -> bool:
    return ReminderSent.objects.filter(user=user, day=today).exists()


def send(reminder: Reminder) -> bool:
    """Claim the day's reminder for its member of staff and send it, in one transaction.
    False, and nothing sent, if they have had one today. If sending fails the claim goes
    with the transaction, so the next run tries again."""
    with transaction.atomic():
        try:
            # A savepoint, so that a refused claim leaves the transaction usable.
            with transaction.atomic():
                ReminderSent.objects.create(
                    user=reminder.user, day=reminder.today, subject=reminder.subject
                )
        except IntegrityError as refused:
            if _constraint_of(refused) != ONE_A_DAY:
                raise
            return False
        reminder.message().send()
    return True


ONE_A_DAY = "reminder_one_per_person_per_day"


def _constraint_of(error: IntegrityError) -> str | None:
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
