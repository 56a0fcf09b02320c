"""Progress updates and their review (four eyes): what each is on, what it would change, and
where it stands. Its rules, each a named constraint beside the same rule in words, are in
update_rules.py."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from funding.models import Award
from mmip.dates import DatePrecision, format_date, precision_field
from mmip.records import PublicQuerySet, RecordHistory
from tracking.models.commitments import Rating
from tracking.models.roles import WorkstreamRole
from tracking.models.update_rules import (
    CONSTRAINTS,
    EDITABLE_STATES,
    REPORTED_STATES,
    REVIEWED_STATES,
    STATUSES,
    TRACKED_TARGETS,
    UPDATE_TARGETS,
    UpdateState,
    exactly_one_of,
    problems,
)
from workstreams.models import Indicator, IndicatorPeriod, Initiative, Milestone, Output, Workstream
from workstreams.periods import Qualifier

# The update's states and targets are named here too, as the status history (changes.py) and
# tracking.models import them from this module.
__all__ = [
    "EDITABLE_STATES",
    "REPORTED_STATES",
    "REVIEWED_STATES",
    "STATUSES",
    "TRACKED_TARGETS",
    "UPDATE_TARGETS",
    "ProgressUpdate",
    "ProgressUpdateQuerySet",
    "UpdateState",
    "exactly_one_of",
    "on_workstreams",
]

# Targets reached through a many-to-many relation, matched by a subquery rather than a join
# so that an update is listed once however many of one's workstreams its target is in.
MANY_WORKSTREAMS = {"period": ("period__indicator", Indicator.workstreams.through, "indicator")}


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
        )

    def with_target_workstreams(self):
        """With targets, and for an indicator's period the indicator's workstreams, which
        target_workstreams names. A separate query, asked only when some update is on a
        period: a list that does not name the workstreams (/progress/) leaves it out, so
        its queries do not depend on what the updates are on."""
        return self.with_targets().prefetch_related("period__indicator__workstreams")

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
        "ReportingRound",
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
        constraints = CONSTRAINTS
        indexes = [
            # The reviewers' list of what awaits them reads updates by state, newest first; the
            # public's approved updates (/feeds/updates/, /progress/, a commitment's page)
            # pick theirs by state too.
            models.Index(fields=["state", "-submitted_at"], name="progress_update_state_idx"),
            # /progress/'s latest approved updates and /feeds/updates/: the newest approved
            # first, so the first twenty are read from the index rather than every approved
            # update joined to its target and sorted (at 17,000 updates, 190 ms to 1 ms).
            models.Index(
                F("reviewed_at").desc(),
                F("id").desc(),
                condition=Q(state=UpdateState.APPROVED),
                name="progress_update_approved_idx",
            ),
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
        """What this update is on: a workstream, a commitment, a milestone, an initiative or
        an indicator period."""
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
        errors = problems(self)
        if errors:
            raise ValidationError(errors)
