"""Reporting rounds: a period, the date its updates are due, open or closed; and what a round
asks about, with whether each has had its update in it."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, Subquery

from mmip.dates import DatePrecision, DateRange, format_date
from mmip.records import RecordHistory
from tracking.models.commitments import Commitment
from tracking.models.roles import StaffOnlyQuerySet
from tracking.models.updates import REPORTED_STATES, ProgressUpdate
from workstreams.models import Indicator, IndicatorPeriod, Initiative, Milestone, Workstream
from workstreams.plans import UNDELIVERED

# What a round asks an update of, in the order its page lists them: each a kind of target of
# a progress update (ProgressUpdate.round is unique with each).
ROUND_KINDS = ["workstream", "commitment", "milestone", "initiative", "period"]
ROUND_MODELS = {
    "workstream": Workstream,
    "commitment": Commitment,
    "milestone": Milestone,
    "initiative": Initiative,
    "period": IndicatorPeriod,
}
# An indicator's workstreams, through which its periods are reported on.
_INDICATOR_WORKSTREAMS = Indicator.workstreams.through


def kind_of(model: type[models.Model]) -> str:
    """The kind of record (ROUND_KINDS) that ``model`` is."""
    (kind,) = [kind for kind, of_kind in ROUND_MODELS.items() if of_kind is model]
    return kind


def asked_about(kind: str, *, period_start, period_end) -> QuerySet:
    """What a round over ``period_start`` to ``period_end`` (dates, or expressions naming a
    round's columns) asks an update of, of one kind: every active workstream; every
    commitment, milestone and initiative still to be delivered (a milestone of the whole
    programme has no workstream, so nobody reports on it); and every period not locked, of an
    indicator of some workstream, that ends within the round, as its actual is then due."""
    if kind == "workstream":
        return Workstream.objects.filter(status=Workstream.Status.ACTIVE)
    if kind == "commitment":
        return Commitment.objects.open()
    if kind in ("milestone", "initiative"):
        return ROUND_MODELS[kind].objects.filter(
            delivery_status__in=UNDELIVERED, workstream__isnull=False
        )
    if kind == "period":
        return IndicatorPeriod.objects.filter(
            is_locked=False,
            end__gte=period_start,
            end__lte=period_end,
            indicator__in=_INDICATOR_WORKSTREAMS.objects.values("indicator"),
        )
    raise ValueError(f"A round asks nothing of {kind!r}.")


def reported_in(kind: str, round_id) -> Exists:
    """The record (the outer row) has had its update in the round: approved or awaiting
    review. ``round_id`` is a number or an expression naming a round's."""
    return Exists(
        ProgressUpdate.objects.filter(
            round=round_id, state__in=REPORTED_STATES, **{kind: OuterRef("pk")}
        )
    )


def of_workstreams(kind: str, workstream_ids) -> Q:
    """Records of one kind that belong to one of ``workstream_ids`` (a list or a subquery);
    a period through any of its indicator's workstreams, matched without a join so that
    each is counted once."""
    if kind == "workstream":
        return Q(pk__in=workstream_ids)
    if kind == "period":
        indicators = _INDICATOR_WORKSTREAMS.objects.filter(workstream__in=workstream_ids)
        return Q(indicator__in=indicators.values("indicator"))
    return Q(workstream__in=workstream_ids)


def count_of(rows: QuerySet) -> Subquery:
    """How many rows, as a subquery a query of rounds can annotate each round with."""
    return Subquery(rows.order_by().annotate(count=Func(F("pk"), function="COUNT")).values("count"))


class ReportingRoundQuerySet(StaffOnlyQuerySet):
    def with_still_to_report(self, **conditions: Q):
        """Each round with how many of each kind still need their update in it, as
        ``to_report_<kind>``: in the query of the rounds, whatever their number. A condition
        given for a kind narrows what is counted of it (a member of staff's workstreams)."""
        counts = {}
        for kind in ROUND_KINDS:
            rows = asked_about(
                kind, period_start=OuterRef("period_start"), period_end=OuterRef("period_end")
            ).filter(conditions.get(kind, Q()))
            counts[f"to_report_{kind}"] = count_of(
                rows.exclude(reported_in(kind, OuterRef(OuterRef("pk"))))
            )
        return self.annotate(**counts)


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
    objects = ReportingRoundQuerySet.as_manager()
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

    def asked_about(self, kind: str) -> QuerySet:
        return asked_about(kind, period_start=self.period_start, period_end=self.period_end)

    def still_to_report(self, kind: str) -> QuerySet:
        """What of one kind still needs its update in this round: asked about, and with no
        update in it that is approved or awaiting review (a draft or a returned one is not
        yet an update)."""
        return self.asked_about(kind).exclude(reported_in(kind, self.pk))

    def reporting(self) -> list[dict]:
        """What this round asks about, each with its workstreams and the update it has had in
        the round, if any, kind by kind (ROUND_KINDS). Seven queries, whatever the number."""
        updates = {
            update.target_key: update
            for update in self.updates.select_related("author").order_by("pk")
        }
        reads = {
            "workstream": lambda rows: rows,
            "commitment": lambda rows: rows.select_related("workstream"),
            "milestone": lambda rows: rows.select_related("workstream").order_by("date", "title"),
            "initiative": lambda rows: rows.select_related("workstream").order_by("name"),
            # An indicator's workstreams: one query for every period's.
            "period": lambda rows: (
                rows.select_related("indicator")
                .prefetch_related("indicator__workstreams")
                .order_by("indicator__name", "start")
            ),
        }
        rows = []
        for kind in ROUND_KINDS:
            for target in reads[kind](self.asked_about(kind)):
                rows.append(
                    {
                        "kind": kind,
                        "target": target,
                        "workstreams": _workstreams_of(target),
                        "update": updates.get((kind, target.pk)),
                    }
                )
        return rows


def _workstreams_of(target) -> list[Workstream]:
    if isinstance(target, Workstream):
        return [target]
    if isinstance(target, IndicatorPeriod):
        return list(target.indicator.workstreams.all())
    return [target.workstream]
