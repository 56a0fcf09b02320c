"""What each workstream has undertaken to deliver, traced to its source, with its status and
rating and whether it is late."""

import datetime

from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from funding.models import Award
from mmip.dates import (
    DatePrecision,
    format_date,
    precision_condition,
    precision_field,
    precision_problem,
    start_of_period,
)
from mmip.fulltext import search_document
from mmip.models import Organisation
from mmip.ratings import Rating, rating_has_a_reason, rating_problems
from mmip.records import (
    PublishableModel,
    PublishedQuerySet,
    RecordHistory,
    SlugNaturalKeyManager,
)
from workstreams.models import Initiative, Milestone, Output, Workstream


class CommitmentStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in-progress", "In progress"
    DELIVERED = "delivered", "Delivered"
    DROPPED = "dropped", "Dropped"


# Still to be delivered: what can be late, and what a reporting round asks about.
OPEN_STATUSES = [CommitmentStatus.PLANNED, CommitmentStatus.IN_PROGRESS]


def late_condition(today: datetime.date, path: str = "") -> Q:
    """Still open and past its due date. A date known only to the month or the year is due
    by the end of it: a commitment due "2026" is late from 1 January 2027, not from
    2 January 2026. Must agree with Commitment.is_late_on()."""
    past_due = Q()
    for precision in DatePrecision:
        past_due |= Q(
            **{
                f"{path}due_precision": precision,
                f"{path}due_date__lt": start_of_period(today, precision),
            }
        )
    return Q(**{f"{path}status__in": OPEN_STATUSES}) & past_due


# Ratings that say delivery is in doubt.
AT_RISK_RATINGS = [Rating.RED, Rating.AMBER]


class CommitmentQuerySet(PublishedQuerySet):
    def public_condition(self, path: str = "") -> Q:
        """Published commitments of a public workstream, traced to a public source: a
        commitment's page is to sit under its workstream and quote its source, so neither
        may be a draft. Owners and evidence are named only where public themselves. Must
        agree with Commitment.is_public."""
        return (
            super().public_condition(path)
            & Workstream.objects.public_condition(f"{path}workstream__")
            & Output.objects.public_condition(f"{path}source__")
        )

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def late(self, today: datetime.date):
        """Past its due date and neither delivered nor dropped, on ``today``."""
        return self.filter(late_condition(today))

    def late_or_at_risk(self, today: datetime.date):
        """Open and late, or rated red or amber: what /progress/ asks about first. In the
        order they were due, undated last."""
        return (
            self.open()
            .filter(late_condition(today) | Q(rating__in=AT_RISK_RATINGS))
            .order_by(F("due_date").asc(nulls_last=True), "title", "pk")
        )

    def due_next(self, today: datetime.date):
        """Open, dated and not yet late, soonest first."""
        return (
            self.open()
            .filter(due_date__isnull=False)
            .exclude(late_condition(today))
            .order_by("due_date", "title", "pk")
        )

    def with_workstream(self):
        # Every list of commitments names its workstream, and is_public reads the source.
        return self.select_related("workstream", "source")

    def counts(self, today: datetime.date) -> dict:
        """How many by each status, by each rating (and unrated) and late on ``today``, in
        one query."""
        aggregates = {
            f"status_{value}": Count("pk", filter=Q(status=value))
            for value in CommitmentStatus.values
        }
        aggregates |= {
            f"rating_{value}": Count("pk", filter=Q(rating=value)) for value in Rating.values
        }
        aggregates["rating_none"] = Count("pk", filter=Q(rating=""))
        aggregates["late"] = Count("pk", filter=late_condition(today))
        aggregates["total"] = Count("pk")
        totals = self.order_by().aggregate(**aggregates)
        return {
            "total": totals["total"],
            "late": totals["late"],
            "by_status": {value: totals[f"status_{value}"] for value in CommitmentStatus.values},
            "by_rating": {
                **{value: totals[f"rating_{value}"] for value in Rating.values},
                "": totals["rating_none"],
            },
        }

    def not_late(self, today: datetime.date):
        return self.exclude(late_condition(today))


class Commitment(PublishableModel):
    Status = CommitmentStatus

    workstream = models.ForeignKey(Workstream, on_delete=models.PROTECT, related_name="commitments")
    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="Its address; keep it once published."
    )
    description = models.TextField(blank=True)
    source = models.ForeignKey(
        Output,
        on_delete=models.PROTECT,
        related_name="commitments",
        help_text="The published document it comes from: an action plan, a strategy, a roadmap.",
    )
    source_reference = models.CharField(
        "where in the source",
        max_length=300,
        blank=True,
        help_text='Such as "a recommendation of the Action Plan".',
    )
    owners = models.ManyToManyField(
        Organisation, related_name="commitments_owned", blank=True, verbose_name="owners"
    )
    due_date = models.DateField(
        null=True, blank=True, help_text="Leave blank if the source gives none."
    )
    due_precision = precision_field()
    status = models.CharField(
        max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.PLANNED
    )
    rating = models.CharField(
        "rating",
        max_length=10,
        choices=Rating.choices,
        blank=True,
        help_text="Red, amber or green: how delivery stands.",
    )
    rating_reason = models.TextField(
        "reason for the rating", blank=True, help_text="Required with a rating."
    )
    evidence_outputs = models.ManyToManyField(
        Output, related_name="commitments_evidenced", blank=True, verbose_name="outputs"
    )
    evidence_awards = models.ManyToManyField(
        Award, related_name="commitments_evidenced", blank=True, verbose_name="awards"
    )
    evidence_milestones = models.ManyToManyField(
        Milestone, related_name="commitments_evidenced", blank=True, verbose_name="milestones"
    )
    evidence_initiatives = models.ManyToManyField(
        Initiative, related_name="commitments_evidenced", blank=True, verbose_name="initiatives"
    )

    objects = SlugNaturalKeyManager.from_queryset(CommitmentQuerySet)()
    history = RecordHistory(
        m2m_fields=[
            "owners",
            "evidence_outputs",
            "evidence_awards",
            "evidence_milestones",
            "evidence_initiatives",
        ]
    )

    class Meta:
        ordering = ["workstream__display_order", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["workstream", "title"],
                name="commitment_title_unique_in_workstream",
                violation_error_message="This workstream already has a commitment of that title.",
            ),
            models.CheckConstraint(
                condition=precision_condition("due_date", "due_precision"),
                name="commitment_due_date_matches_precision",
            ),
            models.CheckConstraint(
                condition=rating_has_a_reason("rating", "rating_reason"),
                name="commitment_rating_has_a_reason",
            ),
        ]
        indexes = [
            # late(): the commitments admin's late filter, and the late and due-next lists
            # of /progress/, read open commitments by due date.
            models.Index(
                fields=["due_date"],
                condition=Q(status__in=OPEN_STATUSES),
                name="commitment_open_due_idx",
            ),
            # The admin's status and rating filters, and /progress/'s counts by both.
            models.Index(fields=["status", "rating"], name="commitment_status_rating_idx"),
            # /search/: commitments by the words of their title, where in their source they
            # come from, and their description.
            GinIndex(
                search_document(
                    title=["title"], summary=["source_reference"], body=["description"]
                ),
                name="commitment_search_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("commitment-detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        """The rule of CommitmentQuerySet.public_condition(), for one commitment. It reads the
        workstream and the source, so lists that ask it select_related() both."""
        return self.is_published and self.workstream.is_public and self.source.is_public

    @property
    def due_display(self) -> str:
        return format_date(self.due_date, self.due_precision)

    def is_late_on(self, today: datetime.date) -> bool:
        """The rule of late_condition(), for one commitment."""
        return (
            self.status in OPEN_STATUSES
            and self.due_date is not None
            and self.due_date < start_of_period(today, self.due_precision)
        )

    @property
    def is_late(self) -> bool:
        """Derived, never typed: past its due date today and not delivered or dropped."""
        return self.is_late_on(timezone.localdate())

    def clean(self):
        errors = rating_problems(
            self.rating, self.rating_reason, rating_field="rating", reason_field="rating_reason"
        )
        problem = precision_problem(self.due_date, self.due_precision)
        if problem:
            errors["due_date"] = problem
        if errors:
            raise ValidationError(errors)


# Reporting rounds -----------------------------------------------------------------------
