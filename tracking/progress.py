"""What /progress/ and its downloads read: the commitments, the milestones and initiatives
tracked against a plan, and the indicators' reporting periods, each through its model's
public(), for one workstream or for all.

Commitments, milestones and initiatives are three models with one shape on the page
(Tracked): each list asks each model once, cut to the list's length, and merges the three
here, so a list costs three queries however long the record is.

The page's overview (its counts and its lists, everything but the page of every commitment)
changes only when the record or the day does, so it is remembered until then, as the funding
explorer's figures are: a request after the first reads it in one query."""

import datetime
import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from mmip import pagecache
from mmip.ratings import Rating
from tracking.models import Commitment, ProgressUpdate, StatusChange
from workstreams.models import IndicatorPeriod, Initiative, Milestone
from workstreams.plans import DeliveryStatus

LIST_SIZE = 20  # of each list on /progress/: the downloads hold every item
DELIVERED_LATELY = datetime.timedelta(days=91)  # "the last quarter"


def three_months_before(today: datetime.date) -> datetime.datetime:
    """The start of the day three months before ``today``: delivered lately is counted in
    whole days, so that it holds all day as the page's other lists do."""
    return timezone.make_aware(
        datetime.datetime.combine(today - DELIVERED_LATELY, datetime.time.min)
    )


# The public records, for one workstream or all -------------------------------------------


def tracked_milestones(slug: str | None = None) -> QuerySet:
    """Public milestones tracked against a plan. A milestone of the whole programme has no
    workstream, so it is left out when a workstream is chosen."""
    milestones = Milestone.objects.public().tracked().select_related("workstream")
    return milestones.filter(workstream__slug=slug) if slug else milestones


def tracked_initiatives(slug: str | None = None) -> QuerySet:
    initiatives = Initiative.objects.public().tracked().select_related("workstream")
    return initiatives.filter(workstream__slug=slug) if slug else initiatives


def public_periods(slug: str | None = None) -> QuerySet:
    """The reporting periods of public indicators; with a workstream, of its indicators."""
    periods = IndicatorPeriod.objects.public().select_related("indicator")
    return periods.filter(indicator__workstreams__slug=slug) if slug else periods


# One shape for the three kinds of tracked work ---------------------------------------------


@dataclass(frozen=True)
class Tracked:
    """A commitment, a milestone or an initiative as /progress/ and its downloads print it.
    A commitment's due date stands where a milestone's planned date does: both say when the
    plan has it due. Only milestones and initiatives have a forecast and a date done."""

    record: Commitment | Milestone | Initiative
    today: datetime.date

    @property
    def kind(self) -> str:
        return self.record._meta.model_name

    @property
    def kind_label(self) -> str:
        return self.record._meta.verbose_name.capitalize()

    @property
    def is_commitment(self) -> bool:
        return isinstance(self.record, Commitment)

    @property
    def title(self) -> str:
        return self.record.name if isinstance(self.record, Initiative) else self.record.title

    @property
    def url(self) -> str:
        return self.record.get_absolute_url()

    @property
    def workstream(self):
        """None for a milestone of the whole programme."""
        return self.record.workstream if self.record.workstream_id else None

    @property
    def status(self) -> str:
        return self.record.status if self.is_commitment else self.record.delivery_status

    @property
    def status_label(self) -> str:
        if self.is_commitment:
            return self.record.get_status_display()
        return self.record.get_delivery_status_display()

    @property
    def rating(self) -> str:
        return self.record.rating

    @property
    def rating_label(self) -> str:
        return self.record.get_rating_display()

    @property
    def rating_reason(self) -> str:
        return self.record.rating_reason

    @property
    def due_date(self) -> datetime.date | None:
        """When the plan has it due: a commitment's due date, else the planned date."""
        return self.record.due_date if self.is_commitment else self.record.planned_date

    @property
    def due_precision(self) -> str:
        return self.record.due_precision if self.is_commitment else self.record.planned_precision

    @property
    def forecast_date(self) -> datetime.date | None:
        return None if self.is_commitment else self.record.forecast_date

    @property
    def forecast_precision(self) -> str:
        return "" if self.is_commitment else self.record.forecast_precision

    @property
    def done_date(self) -> datetime.date | None:
        return None if self.is_commitment else self.record.actual_date

    @property
    def done_precision(self) -> str:
        return "" if self.is_commitment else self.record.actual_precision

    @property
    def first_due(self) -> datetime.date | None:
        """The date the plan first gave: the due or planned date, else the forecast. The
        late or at risk list is in this order."""
        return self.due_date or self.forecast_date

    @property
    def expected(self) -> datetime.date | None:
        """When it is now expected: the forecast, else the due or planned date. The due
        next list is in this order."""
        return self.forecast_date or self.due_date

    @property
    def is_late(self) -> bool:
        """On the day the page or the download is made, as each page cache key holds it."""
        return self.record.is_late_on(self.today)


@dataclass(frozen=True)
class Delivered:
    """Delivered lately: a commitment on the day its delivery was approved, or a milestone
    or an initiative on its date done, at its precision."""

    item: Tracked
    date: datetime.date
    precision: str


def _earliest_first(day: datetime.date | None) -> tuple:
    return (day is None, day or datetime.date.max)


def _merged(lists: Iterable[list], key: Callable) -> list:
    """The first LIST_SIZE of lists each already in the order of key: each kind's list is
    its own query's first LIST_SIZE, so the merge is the first LIST_SIZE of all three."""
    return list(heapq.merge(*lists, key=key))[:LIST_SIZE]


def _tracked(rows: QuerySet, today: datetime.date) -> list[Tracked]:
    return [Tracked(record, today) for record in rows[:LIST_SIZE]]


def late_or_at_risk(commitments: QuerySet, slug: str | None, today: datetime.date) -> list[Tracked]:
    """Open and late, at risk or rated red or amber, in the order the plan first had them
    due, undated last."""
    kinds = [
        commitments.late_or_at_risk(today),
        tracked_milestones(slug).late_or_at_risk(today),
        tracked_initiatives(slug).late_or_at_risk(today),
    ]
    return _merged(
        [_tracked(rows, today) for rows in kinds], key=lambda item: _earliest_first(item.first_due)
    )


def due_next(commitments: QuerySet, slug: str | None, today: datetime.date) -> list[Tracked]:
    """Still to do, dated and not late, soonest first by when it is now expected."""
    kinds = [
        commitments.due_next(today),
        tracked_milestones(slug).due_next(today),
        tracked_initiatives(slug).due_next(today),
    ]
    return _merged(
        [_tracked(rows, today) for rows in kinds], key=lambda item: _earliest_first(item.expected)
    )


def delivered_lately(slug: str | None, today: datetime.date) -> list[Delivered]:
    """Commitments whose delivery was approved in the last three months, and milestones and
    initiatives done in them, by their date done: latest first."""
    since = three_months_before(today)
    changes = StatusChange.objects.public().delivered_since(since)
    if slug:
        changes = changes.filter(commitment__workstream__slug=slug)
    commitments = [
        Delivered(Tracked(change.commitment, today), timezone.localdate(change.changed_at), "day")
        for change in changes[:LIST_SIZE]
    ]
    done = [
        [
            Delivered(Tracked(record, today), record.actual_date, record.actual_precision)
            for record in rows.done_since(today - DELIVERED_LATELY)[:LIST_SIZE]
        ]
        for rows in (tracked_milestones(slug), tracked_initiatives(slug))
    ]
    return _merged([commitments, *done], key=lambda delivered: -delivered.date.toordinal())


def latest_updates(slug: str | None) -> list[ProgressUpdate]:
    """The latest approved updates, on anything of the workstream ``slug`` or on anything."""
    updates = ProgressUpdate.objects.public().with_targets().latest_approved_first()
    if slug:
        updates = updates.on_workstream(slug)
    return list(updates[:LIST_SIZE])


# The overview -------------------------------------------------------------------------------


def overview(commitments: QuerySet, slug: str | None, today: datetime.date) -> dict:
    """Everything /progress/ shows above its page of every commitment, for the workstream
    ``slug`` (all of them without one) on ``today``: kept until the record changes, and for
    the day it was made on, as late and due next are of the day. ``commitments`` are the
    public commitments of that workstream."""
    return pagecache.remembered(
        "progress-overview",
        (slug, today.isoformat()),
        lambda: _overview(commitments, slug, today),
        seconds=settings.RECORD_FIGURES_CACHE_SECONDS,
    )


def _overview(commitments: QuerySet, slug: str | None, today: datetime.date) -> dict:
    periods, more_periods = latest_periods(slug, today)
    return {
        "counts": counts(commitments, slug, today),
        "late_or_at_risk": late_or_at_risk(commitments, slug, today),
        "delivered": delivered_lately(slug, today),
        "due_next": due_next(commitments, slug, today),
        "periods": periods,
        "more_periods": more_periods,
        "updates": latest_updates(slug),
    }


# Counts -------------------------------------------------------------------------------------


def counts(commitments: QuerySet, slug: str | None, today: datetime.date) -> dict:
    """How many commitments, and milestones and initiatives tracked against a plan, by
    status and by rating, and how many are late: one query for each kind, each reading
    every row of its kind."""
    of_commitments = commitments.counts(today)
    of_milestones = tracked_milestones(slug).counts(today)
    of_initiatives = tracked_initiatives(slug).counts(today)
    kinds = [of_commitments, of_milestones, of_initiatives]
    return {
        "commitments": of_commitments,
        "milestones": of_milestones,
        "initiatives": of_initiatives,
        "total": sum(kind["total"] for kind in kinds),
        "late": sum(kind["late"] for kind in kinds),
        "in_words": _in_words(
            [
                (of_commitments["total"], "commitment"),
                (of_milestones["total"], "milestone"),
                (of_initiatives["total"], "initiative"),
            ]
        ),
        "late_in_words": _in_words(
            [
                (of_commitments["late"], "commitment"),
                (of_milestones["late"], "milestone"),
                (of_initiatives["late"], "initiative"),
            ]
        ),
        "commitments_by_status": [
            (value, label, of_commitments["by_status"][value])
            for value, label in Commitment.Status.choices
        ],
        "plans_by_status": [
            (value, label, of_milestones["by_status"][value], of_initiatives["by_status"][value])
            for value, label in DeliveryStatus.choices
        ],
        "by_rating": [
            (value, label, *(kind["by_rating"][value] for kind in kinds))
            for value, label in [*Rating.choices, ("", "Not rated")]
        ],
    }


def _in_words(numbers: list[tuple[int, str]]) -> str:
    """'1 commitment, 4 milestones and 1 initiative', leaving out the kinds there are none of;
    '' when there are none at all."""
    parts = [f"{count} {noun}{'' if count == 1 else 's'}" for count, noun in numbers if count]
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


# Indicators against their targets -----------------------------------------------------------


@dataclass(frozen=True)
class AgainstTarget:
    """A reporting period's target and actual as /progress/ prints them: the actual with its
    qualifier ("over 150" is never 150), and the share of the target only where both are
    exact."""

    period: IndicatorPeriod

    @property
    def share(self) -> Decimal | None:
        return self.period.share_of_target

    @property
    def share_display(self) -> str:
        share = self.share
        if share is not None:
            return f"{share:.0%}"
        if self.period.target is None:
            return "No target"
        if self.period.actual is None:
            return "Not yet known"
        return "Not exact"


def latest_periods(slug: str | None, today: datetime.date) -> tuple[list[AgainstTarget], bool]:
    """Each indicator's current period, or its latest if none is current, among those that
    have begun by ``today``, by indicator name: the first LIST_SIZE, and whether there are
    more. One query: PostgreSQL's DISTINCT ON keeps the first period of each indicator in
    the order given."""
    periods = list(
        public_periods(slug)
        .filter(start__lte=today)
        .order_by("indicator__name", "indicator_id", "-start")
        .distinct("indicator__name", "indicator_id")[: LIST_SIZE + 1]
    )
    return [AgainstTarget(period) for period in periods[:LIST_SIZE]], len(periods) > LIST_SIZE
