"""Which of a workstream's milestones and commitments its roadmap shows. A picture of
thousands of rows is unreadable, so it shows up to ROADMAP_ROWS, those that most need
following, a share each (a third) of three groups: what is late and what is still to come,
each by when it is now expected (its forecast, else its plan or due date), soonest first;
and what was delivered or done, latest first. Room a group leaves goes to the others in
that order, and last to what was dropped or has no status, latest first. The rest are a link
away, on /progress/ for the workstream.

The order is worked out by the database, so a page asks for the first few of each group
and no more: annotate a queryset with milestone_priority() or commitment_priority() and
read its first_of_each_group(). chosen() then picks the rows from the first few of the two
kinds by the same order (priority_key()), and how many there are of all is counted as they
are read."""

import datetime
import math
from itertools import chain

from django.db.models import (
    Case,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from tracking.models import Commitment, CommitmentStatus
from tracking.models.commitments import OPEN_STATUSES, late_condition
from workstreams.models import Milestone
from workstreams.plans import UNDELIVERED, DeliveryStatus, plan_late_condition

ROADMAP_ROWS = 20

# The groups, in the roadmap's order; the first three share its rows.
GROUPS = LATE, TO_COME, DELIVERED, OTHER = range(4)
SHARING = [LATE, TO_COME, DELIVERED]


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


def first_of_each_group(annotated: QuerySet, name_field: str) -> list:
    """Of a queryset annotated with milestone_priority() or commitment_priority(), the
    first ROADMAP_ROWS of each group, in the roadmap's order: whatever room the other groups
    leave, chosen() finds enough in each. Ranked within each group and cut to as many rows
    as all the groups could fill, which asks less of the database than a filter on the
    rank; a group with fewer rows leaves room for more of the others, which does no harm."""
    order = by_priority(name_field)
    ranked = annotated.annotate(
        roadmap_rank=Window(RowNumber(), partition_by=[F("roadmap_group")], order_by=order[1:])
    ).order_by("roadmap_rank", *order)
    return sorted(ranked[: len(GROUPS) * ROADMAP_ROWS], key=priority_key)


def shares() -> list[int]:
    """How many rows each group of SHARING has room for at first: a third each, the first
    groups taking what does not divide."""
    size, spare = divmod(ROADMAP_ROWS, len(SHARING))
    return [size + (1 if index < spare else 0) for index in range(len(SHARING))]


def chosen(
    milestones: list[Milestone], commitments: list[Commitment]
) -> tuple[list[Milestone], list[Commitment]]:
    """Up to ROADMAP_ROWS of the two kinds together: of each group of SHARING, its share
    of the first in the roadmap's order; then, while there is room, the first of the rest
    in that order. Each kind is given on the plan and read with the annotations above."""
    ordered = sorted(chain(milestones, commitments), key=priority_key)
    first = []
    for group, share in zip(SHARING, shares(), strict=True):
        first += [record for record in ordered if record.roadmap_group == group][:share]
    taken = {id(record) for record in first}
    first += [record for record in ordered if id(record) not in taken][: ROADMAP_ROWS - len(first)]
    return (
        [record for record in first if isinstance(record, Milestone)],
        [record for record in first if isinstance(record, Commitment)],
    )
