"""Reporting rounds: a period, the date its updates are due, open or closed."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from mmip.dates import (
    DatePrecision,
    DateRange,
    format_date,
)
from mmip.records import (
    RecordHistory,
)
from tracking.models.commitments import Commitment
from tracking.models.roles import StaffOnlyQuerySet
from workstreams.models import Workstream


class ReportingRound(models.Model):
    name = models.CharField(max_length=100, help_text='Such as "2026 Q4".')
    period_start = models.DateField("period starts", help_text="The first day the round covers.")
    period_end = models.DateField("period ends", help_text="The last day the round covers.")
    due_date = models.DateField(
        "updates due", help_text="On or after the last day of the period it covers."
    )
    is_open = models.BooleanField(
        "open", default=True, help_text="Updates can be put in an open round only."
    )

    # The staff's reporting timetable, not the record: never public.
    objects = StaffOnlyQuerySet.as_manager()
    history = RecordHistory()

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="reporting_round_name_unique",
                violation_error_message="There is already a round of that name.",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")),
                name="reporting_round_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("period_end")),
                name="reporting_round_due_after_its_period",
            ),
            # Each day belongs to one round at most, so an update's round is never in doubt.
            ExclusionConstraint(
                name="reporting_round_periods_do_not_overlap",
                expressions=[
                    (
                        DateRange("period_start", "period_end", RangeBoundary(True, True)),
                        RangeOperators.OVERLAPS,
                    )
                ],
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_public(self) -> bool:
        """The rule of StaffOnlyQuerySet.public_condition(): never."""
        return False

    @property
    def period_display(self) -> str:
        start = format_date(self.period_start, DatePrecision.DAY)
        return f"{start} to {format_date(self.period_end, DatePrecision.DAY)}"

    def clean(self):
        errors = {}
        if self.period_start and self.period_end:
            if self.period_end <= self.period_start:
                errors["period_end"] = "The period must end after it starts."
            else:
                overlapping = (
                    ReportingRound.objects.exclude(pk=self.pk)
                    .filter(period_start__lte=self.period_end, period_end__gte=self.period_start)
                    .first()
                )
                if overlapping:
                    errors["period_start"] = (
                        f"This period overlaps the round {overlapping.name} "
                        f"({overlapping.period_display}): rounds cover separate periods."
                    )
        if self.period_end and self.due_date and self.due_date < self.period_end:
            errors["due_date"] = "Updates cannot be due before the period they report on has ended."
        if errors:
            raise ValidationError(errors)

    def reporting(self) -> list[dict]:
        """What this round asks about, with the update each has had in it, if any: every
        active workstream and every commitment still open. Three queries, whatever the
        number."""
        updates = {
            update.target_key: update
            for update in self.updates.select_related("author").order_by("pk")
        }
        rows = [
            {"target": workstream, "workstream": workstream, "key": ("workstream", workstream.pk)}
            for workstream in Workstream.objects.filter(status=Workstream.Status.ACTIVE)
        ]
        rows += [
            {
                "target": commitment,
                "workstream": commitment.workstream,
                "key": ("commitment", commitment.pk),
            }
            for commitment in Commitment.objects.open().select_related("workstream")
        ]
        for row in rows:
            row["update"] = updates.get(row["key"])
        return rows
