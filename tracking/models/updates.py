"""Progress updates and their review (four eyes), and the kept history of every change of a
commitment's status or rating."""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from funding.models import Award
from mmip.dates import (
    DatePrecision,
    format_date,
    precision_condition,
    precision_field,
    precision_problem,
)
from mmip.ratings import SAYS_SOMETHING
from mmip.records import (
    PublicQuerySet,
    RecordHistory,
)
from tracking.models.commitments import (
    CommitmentStatus,
    Rating,
    rating_has_a_reason,
    rating_problems,
)
from tracking.models.roles import WorkstreamRole, has_role
from tracking.models.rounds import ReportingRound
from workstreams.models import Indicator, IndicatorPeriod, Initiative, Milestone, Output, Workstream
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

# Targets reached through a many-to-many relation, matched by a subquery rather than a join
# so that an update is listed once however many of one's workstreams its target is in.
MANY_WORKSTREAMS = {"period": ("period__indicator", Indicator.workstreams.through, "indicator")}


def exactly_one_of(fields) -> Q:
    condition = Q()
    for chosen in fields:
        condition |= Q(**{f"{field}__isnull": field != chosen for field in fields})
    return condition


def on_workstreams(workstream_ids, path: str = "") -> Q:
    """Updates whose target belongs to one of ``workstream_ids`` (a list or a subquery)."""
    condition = Q()
    for field, to_workstream in UPDATE_TARGETS.items():
        if field in MANY_WORKSTREAMS:
            to_owner, links, owner = MANY_WORKSTREAMS[field]
            owners = links.objects.filter(workstream__in=workstream_ids).values(owner)
            condition |= Q(**{f"{path}{to_owner}__in": owners})
        else:
            condition |= Q(**{f"{path}{to_workstream}__in": workstream_ids})
    return condition


class ProgressUpdateQuerySet(PublicQuerySet):
    def public_condition(self, path: str = "") -> Q:
        """Approved updates on a public target: never a draft, a submitted or a returned
        update, and none on a draft workstream or commitment. Must agree with
        ProgressUpdate.is_public."""
        target_public = Q()
        for field in UPDATE_TARGETS:
            target = ProgressUpdate._meta.get_field(field).related_model
            target_public |= Q(**{f"{path}{field}__isnull": False}) & (
                target._default_manager.public_condition(f"{path}{field}__")
            )
        return Q(**{f"{path}state": UpdateState.APPROVED}) & target_public

    def with_targets(self):
        # Every list of updates names its target and that target's workstream.
        return self.select_related(
            "workstream",
            "commitment__workstream",
            "milestone__workstream",
            "initiative__workstream",
            "period__indicator",
        ).prefetch_related("period__indicator__workstreams")

    def on_workstream(self, slug: str):
        """Updates on the workstream of that slug or on anything of it."""
        condition = Q()
        for to_workstream in UPDATE_TARGETS.values():
            condition |= Q(**{f"{to_workstream}__slug": slug})
        return self.filter(condition)

    def latest_approved_first(self):
        # An approved update is dated by its approval: that is when the public could read it.
        return self.order_by("-reviewed_at", "-pk")

    def visible_to(self, user):
        """What a member of staff may read in the admin: their own updates, and others' once
        submitted, on the workstreams they report on or review. A draft is its author's
        alone."""
        if user.is_superuser:
            return self
        theirs = WorkstreamRole.objects.workstreams_of(
            user, WorkstreamRole.Role.REPORTER, WorkstreamRole.Role.REVIEWER
        )
        return self.filter(Q(author=user) | (~Q(state=UpdateState.DRAFT) & on_workstreams(theirs)))

    def awaiting_review_by(self, user):
        reviewed = WorkstreamRole.objects.workstreams_of(user, WorkstreamRole.Role.REVIEWER)
        return self.filter(on_workstreams(reviewed), state=UpdateState.SUBMITTED).exclude(
            author=user
        )

    def drafts_and_returned_of(self, user):
        return self.filter(author=user, state__in=EDITABLE_STATES)


class ProgressUpdate(models.Model):
    State = UpdateState

    workstream = models.ForeignKey(
        Workstream,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="progress_updates",
        help_text="For an update on the workstream as a whole.",
    )
    commitment = models.ForeignKey(
        "Commitment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="progress_updates",
        help_text="For an update on one commitment.",
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="progress_updates_on",
        help_text="For an update on one milestone of a workstream.",
    )
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="progress_updates_on",
        help_text="For an update on one initiative.",
    )
    period = models.ForeignKey(
        IndicatorPeriod,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="progress_updates",
        verbose_name="indicator period",
        help_text="For an update on one reporting period of an indicator: its actual figure.",
    )
    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates",
        verbose_name="reporting round",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="progress_updates",
        editable=False,
    )
    narrative = models.TextField(
        help_text="What has happened, in plain words. The public reads it once approved."
    )
    new_status = models.CharField(
        "new status",
        max_length=20,
        choices=STATUSES,
        blank=True,
        help_text="For a commitment, a milestone or an initiative: its status once this "
        "update is approved. Blank keeps it.",
    )
    new_rating = models.CharField(
        "new rating",
        max_length=10,
        choices=Rating.choices,
        blank=True,
        help_text="For a commitment, a milestone or an initiative: its rating once this "
        "update is approved. Blank keeps it.",
    )
    new_forecast_date = models.DateField(
        "new forecast date",
        null=True,
        blank=True,
        help_text="For a milestone or an initiative: when it is now expected.",
    )
    new_forecast_precision = precision_field()
    new_actual_date = models.DateField(
        "date done",
        null=True,
        blank=True,
        help_text="For a milestone or an initiative marked done: when it was done.",
    )
    new_actual_date_precision = precision_field()
    new_rating_reason = models.TextField(
        "reason for the rating", blank=True, help_text="Required with a new rating."
    )
    new_actual = models.DecimalField(
        "new actual",
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="For an indicator period: its actual figure once this update is approved.",
    )
    new_actual_qualifier = models.CharField(
        "qualifier", max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    new_actual_source_title = models.CharField("source of the figure", max_length=300, blank=True)
    new_actual_source_url = models.URLField("source address", blank=True)
    evidence_outputs = models.ManyToManyField(
        Output, related_name="progress_updates", blank=True, verbose_name="outputs"
    )
    evidence_awards = models.ManyToManyField(
        Award, related_name="progress_updates", blank=True, verbose_name="awards"
    )
    evidence_milestones = models.ManyToManyField(
        Milestone, related_name="progress_updates", blank=True, verbose_name="milestones"
    )
    evidence_initiatives = models.ManyToManyField(
        Initiative, related_name="progress_updates", blank=True, verbose_name="initiatives"
    )
    state = models.CharField(
        max_length=20, choices=UpdateState.choices, default=UpdateState.DRAFT, editable=False
    )
    # The target as stored when the update was submitted (mmip.records.stored_values), so
    # that approval can tell whether it was changed since and refuse rather than approve
    # an update written against a record that no longer stands.
    started_from = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField("written", auto_now_add=True)
    submitted_at = models.DateTimeField("submitted", null=True, blank=True, editable=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates_reviewed",
        editable=False,
    )
    reviewed_at = models.DateTimeField("reviewed", null=True, blank=True, editable=False)
    review_note = models.TextField(
        "reviewer's note",
        blank=True,
        editable=False,
        help_text="Why it was last returned: what its author should change.",
    )

    objects = ProgressUpdateQuerySet.as_manager()
    history = RecordHistory(
        m2m_fields=[
            "evidence_outputs",
            "evidence_awards",
            "evidence_milestones",
            "evidence_initiatives",
        ]
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_of(UPDATE_TARGETS), name="progress_update_on_one_target"
            ),
            models.CheckConstraint(
                condition=Q(narrative__regex=SAYS_SOMETHING),
                name="progress_update_has_a_narrative",
            ),
            models.CheckConstraint(
                condition=Q(commitment__isnull=False)
                | Q(milestone__isnull=False)
                | Q(initiative__isnull=False)
                | Q(new_status="", new_rating=""),
                name="progress_update_status_and_rating_for_tracked_records",
            ),
            # Each kind of record has its own statuses.
            models.CheckConstraint(
                condition=Q(commitment__isnull=True)
                | Q(new_status__in=["", *CommitmentStatus.values]),
                name="progress_update_status_of_a_commitment",
            ),
            models.CheckConstraint(
                condition=Q(commitment__isnull=False)
                | Q(new_status__in=["", *DeliveryStatus.values]),
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
            models.CheckConstraint(
                condition=rating_has_a_reason("new_rating", "new_rating_reason"),
                name="progress_update_rating_has_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True) | ~Q(reviewer=F("author")),
                name="progress_update_not_reviewed_by_its_author",
            ),
            models.CheckConstraint(
                condition=Q(state=UpdateState.DRAFT, submitted_at__isnull=True)
                | Q(submitted_at__isnull=False, started_from__isnull=False)
                & ~Q(state=UpdateState.DRAFT),
                name="progress_update_submitted_with_its_starting_point",
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=REVIEWED_STATES, reviewer__isnull=False, reviewed_at__isnull=False
                )
                | Q(state__in=[UpdateState.DRAFT, UpdateState.SUBMITTED], reviewer__isnull=True),
                name="progress_update_reviewed_by_someone",
            ),
            models.CheckConstraint(
                condition=~Q(state=UpdateState.RETURNED) | Q(review_note__regex=SAYS_SOMETHING),
                name="progress_update_returned_with_a_note",
            ),
            # A returned update is corrected and submitted again, not written afresh, so a
            # round has one update for each thing it asks about.
            models.UniqueConstraint(
                fields=["round", "workstream"],
                name="progress_update_one_per_workstream_per_round",
                violation_error_message="This workstream already has an update in that round: "
                "continue that one.",
            ),
            models.UniqueConstraint(
                fields=["round", "commitment"],
                name="progress_update_one_per_commitment_per_round",
                violation_error_message="This commitment already has an update in that round: "
                "continue that one.",
            ),
            models.UniqueConstraint(
                fields=["round", "milestone"],
                name="progress_update_one_per_milestone_per_round",
                violation_error_message="This milestone already has an update in that round: "
                "continue that one.",
            ),
            models.UniqueConstraint(
                fields=["round", "initiative"],
                name="progress_update_one_per_initiative_per_round",
                violation_error_message="This initiative already has an update in that round: "
                "continue that one.",
            ),
            models.UniqueConstraint(
                fields=["round", "period"],
                name="progress_update_one_per_period_per_round",
                violation_error_message="This period already has an update in that round: "
                "continue that one.",
            ),
        ]
        indexes = [
            # The reviewers' list of what awaits them reads updates by state, newest first; the
            # public's approved updates (/feeds/updates/, /progress/, a commitment's page)
            # pick theirs by state too.
            models.Index(fields=["state", "-submitted_at"], name="progress_update_state_idx"),
        ]

    def __str__(self):
        target = self.target
        if target is None:
            return "New progress update"
        if self.created_at is None:
            return f"Update on {target}"
        written = format_date(timezone.localdate(self.created_at), DatePrecision.DAY)
        return f"Update on {target}, {written}"

    @property
    def target(self) -> models.Model | None:
        """The workstream or commitment this update is on."""
        for field in UPDATE_TARGETS:
            if getattr(self, f"{field}_id") is not None:
                return getattr(self, field)
        return None

    @property
    def target_key(self) -> tuple[str, int] | None:
        for field in UPDATE_TARGETS:
            pk = getattr(self, f"{field}_id")
            if pk is not None:
                return (field, pk)
        return None

    @property
    def target_url(self) -> str:
        """Where the public reads about this update's target: its own page or its place on
        one (an indicator's period is on the indicator's page)."""
        target = self.target
        if isinstance(target, IndicatorPeriod):
            return target.indicator.get_absolute_url()
        return target.get_absolute_url()

    @property
    def target_workstreams(self) -> list[Workstream]:
        """The workstreams whose reporters may write this update and whose reviewers may
        review it: one, or an indicator's several."""
        target = self.target
        if target is None:
            return []
        if isinstance(target, Workstream):
            return [target]
        if isinstance(target, IndicatorPeriod):
            return list(target.indicator.workstreams.all())
        # A milestone of the whole programme has no workstream, so nobody reports on it.
        return [target.workstream] if target.workstream_id else []

    @property
    def is_public(self) -> bool:
        """The rule of ProgressUpdateQuerySet.public_condition(), for one update."""
        return self.state == UpdateState.APPROVED and self.target.is_public

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    def clean(self):
        errors = {}
        chosen = [field for field in UPDATE_TARGETS if getattr(self, f"{field}_id") is not None]
        if len(chosen) != 1:
            errors[NON_FIELD_ERRORS] = (
                "Choose what this update is on: a workstream, a commitment, a milestone, an "
                "initiative or an indicator period, only one."
                if chosen
                else "Choose what this update is on: a workstream, a commitment, a milestone, "
                "an initiative or an indicator period."
            )
        if not self.narrative.strip():
            errors["narrative"] = "Write the update: what has happened, in plain words."
        errors.update(self._actual_problems())
        errors.update(self._status_problems())
        errors.update(
            rating_problems(
                self.new_rating,
                self.new_rating_reason,
                rating_field="new_rating",
                reason_field="new_rating_reason",
            )
        )
        errors.update(self._review_problems())
        if self.is_editable and len(chosen) == 1:
            errors.update(self._author_problems())
        if errors:
            raise ValidationError(errors)

    def _author_problems(self) -> dict:
        """While its author may still change it: they must report on its workstream, and its
        round must be open. Both read other tables, so the database cannot hold them as a
        constraint; tracking/services.py asks them again at each step."""
        problems = {}
        workstreams = self.target_workstreams
        if self.author_id and not any(
            has_role(self.author, workstream.pk, WorkstreamRole.Role.REPORTER)
            for workstream in workstreams
        ):
            names = " or ".join(str(workstream) for workstream in workstreams) or "any"
            problems[NON_FIELD_ERRORS] = (
                f"{self.author} is not a reporter of the {names} workstream, so cannot "
                "write its updates."
            )
        if self.period_id and self.period.is_locked:
            problems["period"] = (
                f"The period {self.period.period_display} is locked: its actual is settled "
                "and no update may change it."
            )
        if self.round_id and not self.round.is_open:
            problems["round"] = f"The round {self.round} is closed: choose an open round, or none."
        return problems

    def _status_problems(self) -> dict:
        """The rules of a new status, rating and dates, in words."""
        tracked = any(getattr(self, f"{field}_id") for field in TRACKED_TARGETS)
        planned = bool(self.milestone_id or self.initiative_id)
        if not tracked and (self.new_status or self.new_rating):
            return {
                "new_status": "A new status or rating is for a commitment, a milestone or an "
                "initiative: choose one, or clear them."
            }
        if not planned and (self.new_forecast_date or self.new_actual_date):
            return {
                "new_forecast_date": "A new forecast or date done is for a milestone or an "
                "initiative: choose one, or clear them."
            }
        if self.commitment_id and self.new_status not in ["", *CommitmentStatus.values]:
            return {"new_status": "That status is for a milestone or an initiative."}
        if planned and self.new_status not in ["", *DeliveryStatus.values]:
            return {"new_status": "That status is for a commitment."}
        errors = {}
        for field, precision in [
            ("new_forecast_date", "new_forecast_precision"),
            ("new_actual_date", "new_actual_date_precision"),
        ]:
            problem = precision_problem(getattr(self, field), getattr(self, precision))
            if problem:
                errors[field] = problem
        if planned and self.new_status == DeliveryStatus.DONE and not self.new_actual_date:
            target = self.target
            if target is not None and target.actual_date is None:
                errors["new_actual_date"] = "Give the date it was done: done work has one."
        if self.new_actual_date and self.new_status != DeliveryStatus.DONE:
            errors["new_actual_date"] = "A date done goes with the new status done."
        if self.new_actual_date and self.new_actual_date > timezone.localdate():
            errors["new_actual_date"] = "The date done is in the future: it records what happened."
        if self.new_forecast_date and self.new_status in CLOSED:
            errors["new_forecast_date"] = "Work that is done or dropped has no forecast."
        return errors

    def _actual_problems(self) -> dict:
        """The rules of the new actual, in words."""
        given = self.new_actual is not None
        if not self.period_id and (
            given
            or self.new_actual_source_title
            or self.new_actual_source_url
            or self.new_actual_qualifier != Qualifier.EXACT
        ):
            return {
                "new_actual": "A new actual is for an indicator period: choose the period, "
                "or clear it."
            }
        if given and self.new_actual < 0:
            return {"new_actual": "A figure cannot be negative."}
        if given and not self.new_actual_source_title.strip():
            return {"new_actual_source_title": "Name the source of the new actual."}
        if not given and (self.new_actual_source_title or self.new_actual_source_url):
            return {"new_actual": "A source is given without a figure: add the figure."}
        return {}

    def _review_problems(self) -> dict:
        """The rules of the review, which the services keep and nobody types."""
        if self.reviewer_id and self.reviewer_id == self.author_id:
            return {NON_FIELD_ERRORS: "Nobody may review their own update: another reviewer must."}
        if self.state == UpdateState.RETURNED and not self.review_note.strip():
            return {NON_FIELD_ERRORS: "An update is returned with a note saying what to change."}
        if self.state in REVIEWED_STATES and not (self.reviewer_id and self.reviewed_at):
            return {NON_FIELD_ERRORS: "A reviewed update records who reviewed it and when."}
        if self.state in [UpdateState.DRAFT, UpdateState.SUBMITTED] and self.reviewer_id:
            return {NON_FIELD_ERRORS: "An update not yet reviewed has no reviewer."}
        if self.state != UpdateState.DRAFT and (
            self.submitted_at is None or self.started_from is None
        ):
            return {
                NON_FIELD_ERRORS: "A submitted update records when it was submitted and what "
                "its target was then."
            }
        if self.state == UpdateState.DRAFT and self.submitted_at is not None:
            return {NON_FIELD_ERRORS: "A draft has not been submitted."}
        return {}
