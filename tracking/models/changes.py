"""The kept history of every change of status or rating of a commitment, a milestone or an
initiative, each made by an approved progress update."""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from mmip.ratings import SAYS_SOMETHING, Rating
from mmip.records import PublicQuerySet, RecordHistory
from tracking.models.commitments import Commitment, CommitmentStatus
from tracking.models.updates import (
    STATUSES,
    TRACKED_TARGETS,
    ProgressUpdate,
    exactly_one_of,
)
from workstreams.models import Initiative, Milestone

STATUS_LABELS = dict(STATUSES)


class StatusChangeQuerySet(PublicQuerySet):
    def public_condition(self, path: str = "") -> Q:
        """The changes of a public commitment, milestone or initiative: each is made by an
        approved update, and the public sees the history of the approved changes. Must agree
        with StatusChange.is_public."""
        condition = Q()
        for field in TRACKED_TARGETS:
            target = StatusChange._meta.get_field(field).related_model
            condition |= Q(**{f"{path}{field}__isnull": False}) & (
                target._default_manager.public_condition(f"{path}{field}__")
            )
        return condition

    def delivered_since(self, when):
        """Changes that made a commitment delivered, at or after ``when``: what /progress/
        lists as delivered lately."""
        return (
            self.filter(
                commitment__isnull=False,
                to_status=CommitmentStatus.DELIVERED,
                changed_at__gte=when,
            )
            .exclude(from_status=CommitmentStatus.DELIVERED)
            .select_related("commitment__workstream")
        )


class StatusChange(models.Model):
    """One change of the status or rating of a commitment, a milestone or an initiative (one
    of the three): when, who, from, to and why, and the approved update that made it. Written
    by tracking/services.py, never typed."""

    # A record whose status or rating has changed has a history the public may have read, so
    # it is kept: unpublish it, or drop it through an update, rather than delete it.
    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, null=True, blank=True, related_name="status_changes"
    )
    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, null=True, blank=True, related_name="status_changes"
    )
    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, null=True, blank=True, related_name="status_changes"
    )
    changed_at = models.DateTimeField("when", default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="who",
        help_text="Who approved the change.",
    )
    # Blank: a milestone or initiative not tracked against a plan until then.
    from_status = models.CharField(max_length=20, choices=STATUSES, blank=True)
    to_status = models.CharField(max_length=20, choices=STATUSES, blank=True)
    from_rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    to_rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    reason = models.TextField("why")
    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_changes",
        help_text="The approved update that made it.",
    )

    objects = StatusChangeQuerySet.as_manager()
    history = RecordHistory()

    class Meta:
        verbose_name = "status change"
        ordering = ["-changed_at", "-pk"]
        get_latest_by = "changed_at"
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_of(TRACKED_TARGETS), name="status_change_of_one_record"
            ),
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")) | ~Q(from_rating=F("to_rating")),
                name="status_change_changes_something",
            ),
            models.CheckConstraint(
                condition=Q(reason__regex=SAYS_SOMETHING), name="status_change_has_a_reason"
            ),
        ]
        indexes = [
            # A commitment's status history, newest first: its admin page now, its public
            # page (/commitments/<slug>/) to come.
            models.Index(fields=["commitment", "-changed_at"], name="status_change_history_idx"),
            # A milestone's or initiative's history, on its admin page now.
            models.Index(fields=["milestone", "-changed_at"], name="status_change_milestone_idx"),
            models.Index(fields=["initiative", "-changed_at"], name="status_change_initiative_idx"),
        ]

    def __str__(self):
        return f"{self.record}: {self.summary}"

    @property
    def record(self) -> models.Model | None:
        """The commitment, milestone or initiative that changed."""
        for field in TRACKED_TARGETS:
            if getattr(self, f"{field}_id") is not None:
                return getattr(self, field)
        return None

    @property
    def summary(self) -> str:
        parts = []
        if self.from_status != self.to_status:
            parts.append(f"{self.get_from_status_display()} → {self.get_to_status_display()}")
        if self.from_rating != self.to_rating:
            parts.append(
                f"{self.get_from_rating_display() or 'no rating'} → "
                f"{self.get_to_rating_display() or 'no rating'}"
            )
        return "; ".join(parts)

    @property
    def from_display(self) -> str:
        """What it was, in words: "On track", or "On track, green" where the rating changed."""
        return self._standing(self.from_status, self.from_rating)

    @property
    def to_display(self) -> str:
        return self._standing(self.to_status, self.to_rating)

    def _standing(self, status: str, rating: str) -> str:
        # A blank status: a milestone or initiative not tracked against a plan until then.
        words = STATUS_LABELS.get(status) or "Not tracked"
        if self.from_rating != self.to_rating:
            words += f", {Rating(rating).label.lower() if rating else 'not rated'}"
        return words

    @property
    def is_public(self) -> bool:
        """The rule of StatusChangeQuerySet.public_condition(), for one change."""
        return self.record.is_public

    def clean(self):
        errors = {}
        if self.from_status == self.to_status and self.from_rating == self.to_rating:
            errors[NON_FIELD_ERRORS] = "A change of status or rating must change one of them."
        if not self.reason.strip():
            errors["reason"] = "Say why the status or rating changed."
        if errors:
            raise ValidationError(errors)
