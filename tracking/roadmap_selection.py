"""Which of a workstream's milestones and commitments its roadmap shows. A picture of
thousands of rows is unreadable, so it shows up to ROADMAP_ROWS, those that matter most:
first what is late, then what is still to be delivered, each by when it is now expected
(its forecast, else its plan or due date), soonest first; then what was delivered or done,
and last what was dropped or has no status, each by its latest date, latest first. The
rest are a link away, on /progress/ for the workstream.

The order is worked out by the database, so a page asks for the first few of each kind
and no more: annotate a queryset with milestone_priority() or commitment_priority() and
order it by_priority(). chosen() then merges the first few of the two kinds by the same
order (priority_key()), and how many there are of all is counted as they are read."""

import datetime
import math
from itertools import chain

from django.db.models import Case, DateField, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce

from tracking.models import Commitment, CommitmentStatus
from tracking.models.commitments import OPEN_STATUSES, late_condition
from workstreams.models import Milestone
from workstreams.plans import UNDELIVERED, DeliveryStatus, plan_late_condition

ROADMAP_ROWS = 20

# The groups, in the order they are shown.
LATE, TO_COME, DELIVERED, OTHER = range(4)


def on_the_plan_condition() -> Q:
    """Tracked against a plan: a delivery status, or a planned, forecast or actual date.
    Must agree with tracking.roadmap.is_on_the_plan()."""
    return (
        ~Q(delivery_status="")
        | Q(planned_date__isnull=False)
        | Q(forecast_date__isnull=False)
        | Q(actual_date__isnull=False)
    )


def milestone_priority(today: datetime.date) -> dict:
    """Annotations of a milestone's place in the roadmap's order on ``today``: its group
    (roadmap_group); for late work and work to come, when it is now expected
    (roadmap_soonest); and the latest of its dates (roadmap_latest), by which the rest go."""
    return {
        "roadmap_group": Case(
            When(plan_late_condition(today), then=Value(LATE)),
            When(delivery_status__in=UNDELIVERED, then=Value(TO_COME)),
            When(delivery_status=DeliveryStatus.DONE, then=Value(DELIVERED)),
            default=Value(OTHER),
            output_field=IntegerField(),
        ),
        "roadmap_soonest": Case(
            When(
                delivery_status__in=UNDELIVERED,
                then=Coalesce("forecast_date", "planned_date"),
            ),
            output_field=DateField(),
        ),
        "roadmap_latest": Coalesce("actual_date", "forecast_date", "planned_date"),
    }


def commitment_priority(today: datetime.date) -> dict:
    """As milestone_priority(), for a commitment: it has only its due date to go by."""
    return {
        "roadmap_group": Case(
            When(late_condition(today), then=Value(LATE)),
            When(status__in=OPEN_STATUSES, then=Value(TO_COME)),
            When(status=CommitmentStatus.DELIVERED, then=Value(DELIVERED)),
            default=Value(OTHER),
            output_field=IntegerField(),
        ),
        "roadmap_soonest": Case(
            When(status__in=OPEN_STATUSES, then="due_date"), output_field=DateField()
        ),
        "roadmap_latest": F("due_date"),
    }


def by_priority(name_field: str) -> list:
    """The order_by() of the roadmap's order, given the annotations above: within late
    work and work to come, the soonest first; within the rest, the latest. Undated last in
    each group, then by name and key, so a list cut short is always the same."""
    return [
        "roadmap_group",
        F("roadmap_soonest").asc(nulls_last=True),
        F("roadmap_latest").desc(nulls_last=True),
        name_field,
        "pk",
    ]


def priority_key(record: Milestone | Commitment) -> tuple:
    """by_priority() for a record read with the annotations, to merge the two kinds."""
    soonest, latest = record.roadmap_soonest, record.roadmap_latest
    return (
        record.roadmap_group,
        soonest.toordinal() if soonest else math.inf,
        -latest.toordinal() if latest else math.inf,
        record.title,
        record.pk,
    )


def chosen(
    milestones: list[Milestone], commitments: list[Commitment]
) -> tuple[list[Milestone], list[Commitment]]:
    """The first ROADMAP_ROWS of the two kinds together in the roadmap's order, each kind
    given in that order, on the plan and read with the annotations above."""
    first = sorted(chain(milestones, commitments), key=priority_key)[:ROADMAP_ROWS]
    return (
        [record for record in first if isinstance(record, Milestone)],
        [record for record in first if isinstance(record, Commitment)],
    )
