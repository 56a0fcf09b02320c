"""Work tracked against its plan: the planned, forecast and actual dates of a milestone or an
initiative, each at its precision, how delivery stands (its status and a red/amber/green
rating with its reason), and whether it is late, which is derived and never typed.

For a milestone the dates are of the milestone itself; for an initiative they are of its
completion. Every rule is a named constraint (plan_constraints()) and the same rule in words
(PlannedWork.plan_errors())."""

import datetime

from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from mmip.dates import (
    DatePrecision,
    format_date,
    precision_condition,
    precision_field,
    precision_problem,
    start_of_period,
)
from mmip.ratings import Rating, rating_has_a_reason, rating_problems

PLAN_DATES = ["planned", "forecast", "actual"]


class DeliveryStatus(models.TextChoices):
    # Blank: not tracked against a plan. The record says what happened; a status is given
    # only where a source or an approved update supports one.
    PLANNED = "planned", "Planned"
    ON_TRACK = "on-track", "On track"
    AT_RISK = "at-risk", "At risk"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


# Still to be delivered: what can be late.
UNDELIVERED = [DeliveryStatus.PLANNED, DeliveryStatus.ON_TRACK, DeliveryStatus.AT_RISK]
# Finished one way or the other: nothing is forecast for it any more.
CLOSED = [DeliveryStatus.DONE, DeliveryStatus.DROPPED]
# Ratings that say delivery is in doubt.
DOUBTFUL_RATINGS = [Rating.RED, Rating.AMBER]


def past(date_field: str, precision_field_name: str, today: datetime.date, path: str) -> Q:
    """The date has gone by on ``today``. A date known only to the month or the year runs to
    the end of it: a milestone planned for "2026" is late from 1 January 2027."""
    condition = Q()
    for precision in DatePrecision:
        condition |= Q(
            **{
                f"{path}{precision_field_name}": precision,
                f"{path}{date_field}__lt": start_of_period(today, precision),
            }
        )
    return condition


def plan_late_condition(today: datetime.date, path: str = "") -> Q:
    """Not yet done or dropped, and past its planned date or its forecast date. A later
    forecast says when it will now come, not that it is on time: work that has slipped past
    its plan is late. Must agree with PlannedWork.is_late_on()."""
    return Q(**{f"{path}delivery_status__in": UNDELIVERED}) & (
        past("planned_date", "planned_precision", today, path)
        | past("forecast_date", "forecast_precision", today, path)
    )


class PlannedQuerySetMixin:
    name_field = "title"  # what the record is called; an initiative sets "name"

    def late(self, today: datetime.date):
        """Past its planned or forecast date and neither done nor dropped, on ``today``."""
        return self.filter(plan_late_condition(today))

    def not_late(self, today: datetime.date):
        return self.exclude(plan_late_condition(today))

    def tracked(self):
        """Tracked against a plan: with a delivery status. Other milestones are events the
        record tells of, not work to deliver."""
        return self.exclude(delivery_status="")

    def late_or_at_risk(self, today: datetime.date):
        """Not yet done or dropped, and late, at risk or rated red or amber, in the order of
        the date the plan first gave (the planned date, else the forecast), undated last."""
        return (
            self.filter(delivery_status__in=UNDELIVERED)
            .filter(
                plan_late_condition(today)
                | Q(delivery_status=DeliveryStatus.AT_RISK)
                | Q(rating__in=DOUBTFUL_RATINGS)
            )
            .order_by(
                Coalesce("planned_date", "forecast_date").asc(nulls_last=True), *self._by_name()
            )
        )

    def due_next(self, today: datetime.date):
        """Not yet done or dropped, dated and not late, soonest first by when it is now
        expected: its forecast date, else its planned date."""
        return (
            self.filter(delivery_status__in=UNDELIVERED)
            .filter(Q(planned_date__isnull=False) | Q(forecast_date__isnull=False))
            .exclude(plan_late_condition(today))
            .order_by(Coalesce("forecast_date", "planned_date"), *self._by_name())
        )

    def done_since(self, day: datetime.date):
        """Done on or after ``day``, latest first. An actual date is never in the future, so
        one known to the month or year that starts on or after ``day`` lies wholly between
        ``day`` and today."""
        return self.filter(delivery_status=DeliveryStatus.DONE, actual_date__gte=day).order_by(
            F("actual_date").desc(), *self._by_name()
        )

    def counts(self, today: datetime.date) -> dict:
        """How many by delivery status, by rating (and unrated) and late on ``today``, in one
        query. Only work tracked against a plan is counted: a milestone with no delivery
        status is an event, not work to deliver."""
        tracked = ~Q(delivery_status="")
        aggregates = {
            f"status_{value}": Count("pk", filter=Q(delivery_status=value))
            for value in DeliveryStatus.values
        }
        aggregates |= {
            f"rating_{value}": Count("pk", filter=Q(rating=value)) for value in Rating.values
        }
        aggregates["rating_none"] = Count("pk", filter=tracked & Q(rating=""))
        aggregates["late"] = Count("pk", filter=plan_late_condition(today))
        aggregates["total"] = Count("pk", filter=tracked)
        totals = self.order_by().aggregate(**aggregates)
        return {
            "total": totals["total"],
            "late": totals["late"],
            "by_status": {value: totals[f"status_{value}"] for value in DeliveryStatus.values},
            "by_rating": {
                **{value: totals[f"rating_{value}"] for value in Rating.values},
                "": totals["rating_none"],
            },
        }

    def _by_name(self) -> list[str]:
        # Ties on a date go alphabetically, then by key, so a list cut short is always the same.
        return [self.name_field, "pk"]


def plan_constraints(prefix: str) -> list[models.BaseConstraint]:
    """The rules of the plan fields, named for the model that holds them."""
    return [
        *[
            models.CheckConstraint(
                condition=precision_condition(f"{name}_date", f"{name}_precision"),
                name=f"{prefix}_{name}_date_matches_precision",
            )
            for name in PLAN_DATES
        ],
        models.CheckConstraint(
            condition=rating_has_a_reason("rating", "rating_reason"),
            name=f"{prefix}_rating_has_a_reason",
        ),
        # Done says it happened, and the actual date says when; an actual date on anything
        # else would claim that undelivered work was delivered. That an actual date is not
        # in the future is in clean() alone: a check comparing with now() would be declared
        # immutable while its answer changes every day, which PostgreSQL does not allow for.
        models.CheckConstraint(
            condition=Q(delivery_status=DeliveryStatus.DONE, actual_date__isnull=False)
            | (~Q(delivery_status=DeliveryStatus.DONE) & Q(actual_date__isnull=True)),
            name=f"{prefix}_actual_date_when_done",
        ),
        models.CheckConstraint(
            condition=~Q(delivery_status__in=CLOSED) | Q(forecast_date__isnull=True),
            name=f"{prefix}_no_forecast_when_closed",
        ),
        # A rating says how delivery stands, so it needs a status to stand beside.
        models.CheckConstraint(
            condition=~Q(delivery_status="") | Q(rating=""),
            name=f"{prefix}_rating_with_a_status",
        ),
    ]


class PlannedWork(models.Model):
    planned_date = models.DateField(
        "planned date", null=True, blank=True, help_text="When the plan says it is due."
    )
    planned_precision = precision_field()
    forecast_date = models.DateField(
        "forecast date",
        null=True,
        blank=True,
        help_text="When it is now expected, if not as planned. None once done or dropped.",
    )
    forecast_precision = precision_field()
    actual_date = models.DateField(
        "actual date", null=True, blank=True, help_text="When it was done: only once done."
    )
    actual_precision = precision_field()
    delivery_status = models.CharField(
        "delivery status",
        max_length=20,
        choices=DeliveryStatus.choices,
        blank=True,
        help_text="How delivery stands against the plan; blank if it is not tracked. "
        "Late is worked out from the dates, never chosen.",
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

    class Meta:
        abstract = True

    @property
    def planned_display(self) -> str:
        return format_date(self.planned_date, self.planned_precision)

    @property
    def forecast_display(self) -> str:
        return format_date(self.forecast_date, self.forecast_precision)

    @property
    def actual_display(self) -> str:
        return format_date(self.actual_date, self.actual_precision)

    def is_late_on(self, today: datetime.date) -> bool:
        """The rule of plan_late_condition(), for one record."""
        if self.delivery_status not in UNDELIVERED:
            return False
        return any(
            day is not None and day < start_of_period(today, precision)
            for day, precision in [
                (self.planned_date, self.planned_precision),
                (self.forecast_date, self.forecast_precision),
            ]
        )

    @property
    def is_late(self) -> bool:
        """Derived, never typed: past its planned or forecast date today and not done or
        dropped."""
        return self.is_late_on(timezone.localdate())

    def plan_errors(self) -> dict:
        """The rules of plan_constraints() in words, and that an actual date has come."""
        errors = rating_problems(
            self.rating, self.rating_reason, rating_field="rating", reason_field="rating_reason"
        )
        for name in PLAN_DATES:
            problem = precision_problem(
                getattr(self, f"{name}_date"), getattr(self, f"{name}_precision")
            )
            if problem:
                errors[f"{name}_date"] = problem
        status = self.delivery_status
        if status == DeliveryStatus.DONE and self.actual_date is None:
            errors["actual_date"] = "Give the date it was done: done work has an actual date."
        elif status != DeliveryStatus.DONE and self.actual_date is not None:
            errors["actual_date"] = (
                "An actual date is for work that is done: set the status to done, or clear "
                "the date."
            )
        elif self.actual_date and self.actual_date > timezone.localdate():
            errors["actual_date"] = "The actual date is in the future: it records what happened."
        if status in CLOSED and self.forecast_date is not None:
            errors["forecast_date"] = (
                f"Work that is {DeliveryStatus(status).label.lower()} has no forecast: "
                "clear the forecast date."
            )
        if not status and self.rating:
            errors["delivery_status"] = (
                "A rating says how delivery stands: give the delivery status too, or clear "
                "the rating."
            )
        return errors
