"""An indicator's reporting periods: each with a target and, once known, an actual recorded as
a figure with its qualifier and source ("over 150" stays "over 150"), and locked once it is
settled. Periods of one indicator never overlap."""

from decimal import Decimal

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import BigIntegerRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q

from mmip.dates import DatePrecision, DateRange, format_date
from mmip.formatting import figure
from mmip.ratings import SAYS_SOMETHING
from mmip.records import PublicQuerySet, RecordHistory
from workstreams.targets import Progress, period_bounds, period_label, progress, share_of


class PointRange(Func):
    """int8range(value, value, '[]'): one value as a range, so that a GiST exclusion
    constraint can ask "the same indicator" with && as it asks "an overlapping period". Plain
    equality there needs the btree_gist extension, which not every PostgreSQL has (the
    embedded server has none)."""

    function = "INT8RANGE"
    output_field = BigIntegerRangeField()


class Qualifier(models.TextChoices):
    # The same words as an indicator's recorded values (IndicatorValue.Qualifier).
    EXACT = "exact", "exactly"
    OVER = "over", "over"
    ABOUT = "about", "about"


# Units counted in whole numbers: a target of 12.5 people is in the wrong unit.
COUNTED = ["people", "organisations", "jobs"]


class IndicatorPeriodQuerySet(PublicQuerySet):
    def public_condition(self, path: str = "") -> Q:
        """The periods of public indicators, shown only with their indicator. Must agree with
        IndicatorPeriod.is_public."""
        # The indicator's model is read from the key: workstreams.models imports this module.
        indicator = self.model._meta.get_field("indicator").related_model
        return indicator.objects.public_condition(f"{path}indicator__")


class IndicatorPeriod(models.Model):
    indicator = models.ForeignKey(
        "workstreams.Indicator", on_delete=models.CASCADE, related_name="periods"
    )
    start = models.DateField("period starts", help_text="The first day the period covers.")
    end = models.DateField("period ends", help_text="The last day the period covers.")
    target = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="An exact figure in the indicator's unit, more than zero. Blank if none was set.",
    )
    actual = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The figure reached, as its source gives it. Blank until known.",
    )
    actual_qualifier = models.CharField(
        "qualifier", max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    actual_source_title = models.CharField("source", max_length=300, blank=True)
    actual_source_url = models.URLField("source address", blank=True)
    is_locked = models.BooleanField(
        "locked", default=False, help_text="Settled: no update may change its actual."
    )

    objects = IndicatorPeriodQuerySet.as_manager()
    history = RecordHistory()

    class Meta:
        verbose_name = "reporting period"
        ordering = ["indicator", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="indicator_period_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gt=0),
                name="indicator_period_target_positive",
            ),
            models.CheckConstraint(
                condition=Q(actual__isnull=True) | Q(actual__gte=0),
                name="indicator_period_actual_not_negative",
            ),
            # An actual is as good as its source; with no actual there is nothing to qualify.
            models.CheckConstraint(
                condition=Q(actual__isnull=False, actual_source_title__regex=SAYS_SOMETHING)
                | Q(
                    actual__isnull=True,
                    actual_qualifier=Qualifier.EXACT,
                    actual_source_title="",
                    actual_source_url="",
                ),
                name="indicator_period_actual_with_its_source",
            ),
            # Each day of an indicator belongs to one period at most, so an actual is never
            # counted twice.
            ExclusionConstraint(
                name="indicator_period_periods_do_not_overlap",
                expressions=[
                    (
                        PointRange("indicator", "indicator", RangeBoundary(True, True)),
                        RangeOperators.OVERLAPS,
                    ),
                    (DateRange("start", "end", RangeBoundary(True, True)), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self):
        return f"{self.indicator}, {self.period_display}"

    @property
    def is_public(self) -> bool:
        """The rule of IndicatorPeriodQuerySet.public_condition(), for one period."""
        return self.indicator.is_public

    @property
    def period_display(self) -> str:
        start = format_date(self.start, DatePrecision.DAY)
        return f"{start} to {format_date(self.end, DatePrecision.DAY)}"

    @property
    def label(self) -> str:
        """The span as short as it can be said exactly: "2024", "April 2024 to March 2025"."""
        return period_label(self.start, self.end)

    @property
    def bounds(self):
        """The span as (date, precision) pairs, for pages to print as dates."""
        return period_bounds(self.start, self.end)

    @property
    def target_display(self) -> str:
        return figure(self.target, Qualifier.EXACT, self.indicator.unit)

    @property
    def actual_display(self) -> str:
        return figure(self.actual, self.actual_qualifier, self.indicator.unit)

    @property
    def share_of_target(self) -> Decimal | None:
        """The share of the target reached, as a fraction (1 is the whole target), where both
        are exact: "over 150" against 200 says no more than that, so no share is given."""
        return share_of(self.target, self.actual, self.actual_qualifier)

    @property
    def progress(self) -> Progress:
        """How the actual stands against the target, in the indicator's direction."""
        return progress(
            target=self.target,
            actual=self.actual,
            qualifier=self.actual_qualifier,
            direction=self.indicator.direction,
            unit=self.indicator.unit,
        )

    def clean(self):
        errors = {}
        if self.start and self.end:
            if self.end <= self.start:
                errors["end"] = "The period must end after it starts."
            elif self.indicator_id:
                other = (
                    IndicatorPeriod.objects.filter(
                        indicator_id=self.indicator_id, start__lte=self.end, end__gte=self.start
                    )
                    .exclude(pk=self.pk)
                    .first()
                )
                if other:
                    errors["start"] = (
                        f"This period overlaps the indicator's period {other.period_display}: "
                        "an indicator's periods cover separate days."
                    )
        if self.target is not None:
            if self.target <= 0:
                errors["target"] = "A target must be more than zero."
            elif self._counted() and self.target != self.target.to_integral_value():
                errors["target"] = (
                    f"{self.indicator.get_unit_display()} are counted in whole numbers: "
                    "give the target in the indicator's unit."
                )
        if self.actual is not None and self.actual < 0:
            errors["actual"] = "A figure cannot be negative."
        if self.actual is not None and not self.actual_source_title.strip():
            errors["actual_source_title"] = "Name the source of the actual figure."
        if self.actual is None and (
            self.actual_qualifier != Qualifier.EXACT
            or self.actual_source_title
            or self.actual_source_url
        ):
            errors["actual"] = "A qualifier or a source is given without a figure: add the figure."
        if errors:
            raise ValidationError(errors)

    def _counted(self) -> bool:
        # A rule about the indicator's row, so clean() alone holds it.
        return bool(self.indicator_id) and self.indicator.unit in COUNTED
