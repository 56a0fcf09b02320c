"""How each synthetic record came to stand as it does: where it started when an editor added
it, the approved updates that changed it since (each a step, with the day it was approved),
and the update still under way on it, if any.

A step holds the fields of a progress update (new_status, new_rating…), and the record's
state after it is worked out by the same rules as tracking/services.py's approval (apply()),
so the record as stored, its approved updates and their status changes always agree.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from mmip.bench.synthetic_words import NARRATIVES, REASONS
from mmip.dates import DatePrecision, start_of_period
from tracking.models import CommitmentStatus, UpdateState
from workstreams.periods import Qualifier
from workstreams.plans import CLOSED, DeliveryStatus

DAY, MONTH, YEAR = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR
# Plans are often known only to the month or the year; what happened, more often to the day.
PLAN_PRECISIONS = [DAY] * 9 + [MONTH] * 7 + [YEAR] * 4
ACTUAL_PRECISIONS = [DAY] * 6 + [MONTH] * 3 + [YEAR]
UNDER_WAY = [UpdateState.DRAFT, UpdateState.SUBMITTED, UpdateState.RETURNED]

PLAN_START = {
    "delivery_status": DeliveryStatus.PLANNED,
    "rating": "",
    "rating_reason": "",
    "forecast_date": None,
    "forecast_precision": DAY,
    "actual_date": None,
    "actual_precision": DAY,
}
NOT_TRACKED = {**PLAN_START, "delivery_status": ""}
COMMITMENT_START = {"status": CommitmentStatus.PLANNED, "rating": "", "rating_reason": ""}
PERIOD_START = {
    "actual": None,
    "actual_qualifier": Qualifier.EXACT,
    "actual_source_title": "",
    "actual_source_url": "",
}


@dataclass
class Pending:
    """An update under way: a draft, one awaiting review, or one returned to its author."""

    step: dict
    state: str
    written: datetime.date


@dataclass
class Story:
    start: dict
    steps: list[dict] = field(default_factory=list)
    days: list[datetime.date] = field(default_factory=list)  # when each step was approved
    pending: Pending | None = None

    def states(self, apply) -> list[dict]:
        """The record's state first and after each approved step."""
        states = [self.start]
        for step in self.steps:
            states.append(apply(states[-1], step))
        return states


# ---------- Dates ----------


def end_of_period(day: datetime.date, precision: str) -> datetime.date:
    """The last day a date at its precision covers: "2026" runs to 31 December 2026."""
    if precision == YEAR:
        return datetime.date(day.year, 12, 31)
    if precision == MONTH:
        following = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return following - datetime.timedelta(days=1)
    return day


def between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def at_precision(rng: random.Random, day: datetime.date, precisions=PLAN_PRECISIONS):
    """(the day as stored at a precision drawn from ``precisions``, that precision)."""
    precision = rng.choice(precisions)
    return start_of_period(day, precision), precision


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def spread(rng: random.Random, count: int, first: datetime.date, last: datetime.date):
    """``count`` distinct days from first to last in order (fewer if the span is shorter)."""
    span = max(0, (last - first).days)
    picked = sorted(rng.sample(range(span + 1), k=min(count, span + 1)))
    return [first + days(offset) for offset in picked]


def written_after(
    rng: random.Random, today: datetime.date, approved: list[datetime.date]
) -> datetime.date | None:
    """A day in the last 80 days, after every approval so far and before today, for an
    update under way; None if there is no such day."""
    first = max([today - days(80), *[day + days(1) for day in approved]])
    return None if first >= today else between(rng, first, today - days(1))


# ---------- What an approval does (as tracking/services.py) ----------


def apply_plan(state: dict, step: dict) -> dict:
    """A milestone's or an initiative's plan after an approved step: _apply_to_planned_work."""
    after = dict(state)
    if step.get("new_status"):
        after["delivery_status"] = step["new_status"]
    if step.get("new_rating"):
        after["rating"], after["rating_reason"] = step["new_rating"], step["new_rating_reason"]
    if step.get("new_forecast_date"):
        after["forecast_date"] = step["new_forecast_date"]
        after["forecast_precision"] = step["new_forecast_precision"]
    if step.get("new_actual_date"):
        after["actual_date"] = step["new_actual_date"]
        after["actual_precision"] = step["new_actual_date_precision"]
    if after["delivery_status"] in CLOSED:
        after["forecast_date"] = None
    return after


def apply_commitment(state: dict, step: dict) -> dict:
    """A commitment's status and rating after an approved step: _apply_to_commitment."""
    after = dict(state)
    if step.get("new_status"):
        after["status"] = step["new_status"]
    if step.get("new_rating"):
        after["rating"], after["rating_reason"] = step["new_rating"], step["new_rating_reason"]
    return after


def apply_period(state: dict, step: dict) -> dict:
    """A period's actual after an approved step: _apply_to_period."""
    if step.get("new_actual") is None:
        return dict(state)
    return {
        "actual": step["new_actual"],
        "actual_qualifier": step["new_actual_qualifier"],
        "actual_source_title": step["new_actual_source_title"],
        "actual_source_url": step["new_actual_source_url"],
    }


# ---------- Steps ----------


def rated(rng: random.Random, rating: str) -> dict:
    return {"new_rating": rating, "new_rating_reason": rng.choice(REASONS[rating])}


def narrated(status: str, **fields) -> dict:
    return {"narrative": NARRATIVES[status], "new_status": status, **fields}


def plan_step(rng: random.Random, status: str, plan_end: datetime.date, on: datetime.date):
    """The update that moves planned work to ``status`` on the day ``on``."""
    if status == DeliveryStatus.ON_TRACK:
        return narrated(status, **(rated(rng, "green") if rng.random() < 0.8 else {}))
    if status == DeliveryStatus.AT_RISK:
        forecast, precision = at_precision(rng, max(plan_end, on) + days(rng.randint(45, 400)))
        return narrated(
            status,
            **rated(rng, rng.choice(["amber", "amber", "red"])),
            new_forecast_date=forecast,
            new_forecast_precision=precision,
        )
    if status == DeliveryStatus.DONE:
        done, precision = at_precision(rng, on, ACTUAL_PRECISIONS)
        extra = rated(rng, "green") if rng.random() < 0.5 else {}
        return narrated(status, new_actual_date=done, new_actual_date_precision=precision, **extra)
    return narrated(status, **rated(rng, "red"))  # dropped


PLAN_OUTCOMES_PAST = {"done": 70, "dropped": 6, "at-risk": 10, "on-track": 6, "planned": 4, "": 4}
PLAN_OUTCOMES_FUTURE = {
    "done": 3,
    "dropped": 3,
    "at-risk": 12,
    "on-track": 45,
    "planned": 30,
    "": 7,
}


def plan_story(
    rng: random.Random,
    today: datetime.date,
    planned: datetime.date,
    precision: str,
    under_way_share: float = 0.15,
) -> Story:
    """From planned (or not tracked) to its outcome: late when its plan has passed and it is
    not done or dropped, as plan_late_condition() says. Of those still to be delivered,
    ``under_way_share`` have an update under way."""
    plan_end = end_of_period(planned, precision)
    outcomes = PLAN_OUTCOMES_PAST if plan_end < today else PLAN_OUTCOMES_FUTURE
    outcome = rng.choices(list(outcomes), weights=list(outcomes.values()))[0]
    if outcome == "":
        return Story(start=dict(NOT_TRACKED))
    start = dict(PLAN_START)
    if rng.random() < 0.5:
        start["rating"], start["rating_reason"] = "green", rng.choice(REASONS["green"])
    path = {
        "planned": [],
        "on-track": ["on-track"],
        "at-risk": ["on-track"] * (rng.random() < 0.6) + ["at-risk"],
        "done": ["on-track"] * (rng.random() < 0.7) + ["at-risk"] * (rng.random() < 0.2) + ["done"],
        "dropped": ["at-risk"] * (rng.random() < 0.7) + ["dropped"],
    }[outcome]
    yesterday = today - days(1)
    if outcome == "done":
        # Done around its plan, or lately if that is still to come; approved after it.
        if plan_end < today:
            happened = min(yesterday, plan_end + days(rng.randint(-60, 90)))
        else:
            happened = today - days(rng.randint(2, 180))
        last = min(yesterday, happened + days(rng.randint(0, 30)))
    elif plan_end < today:
        happened, last = None, min(yesterday, plan_end + days(rng.randint(0, 120)))
    else:
        happened, last = None, today - days(rng.randint(1, 365))
    first = min(last, planned) - days(rng.randint(60, 720))
    story = Story(start=start)
    if path:
        # The steps before the last come before the work was done (or before the last step).
        earlier = spread(rng, len(path) - 1, first, (happened or last) - days(1))
        path = path[len(path) - len(earlier) - 1 :]
        story.days = [*earlier, last]
    for status, on in zip(path, story.days, strict=True):
        story.steps.append(plan_step(rng, status, plan_end, happened if status == "done" else on))
    if outcome == "planned" and rng.random() < 0.3:
        # An approved update that changed nothing: work going as planned.
        story.steps.append({"narrative": NARRATIVES["planned"]})
        story.days.append(between(rng, first, last))
        story.days.sort()
    written = written_after(rng, today, story.days)
    if outcome in ("planned", "on-track", "at-risk") and written and rng.random() < under_way_share:
        story.pending = Pending(
            step=plan_step(rng, rng.choice(NEXT_PLAN_STATUS[outcome]), plan_end, written),
            state=rng.choices(UNDER_WAY, weights=[35, 40, 25])[0],
            written=written,
        )
    return story


NEXT_PLAN_STATUS = {
    "planned": ["on-track"],
    "on-track": ["at-risk", "done"],
    "at-risk": ["done", "dropped", "on-track"],
}


COMMITMENT_OUTCOMES_PAST = {"delivered": 60, "dropped": 8, "in-progress": 22, "planned": 10}
COMMITMENT_OUTCOMES_FUTURE = {"planned": 35, "in-progress": 55, "delivered": 7, "dropped": 3}


def commitment_step(rng: random.Random, status: str, late: bool) -> dict:
    if status == CommitmentStatus.IN_PROGRESS:
        if rng.random() < (0.7 if late else 0.25):
            return narrated(status, **rated(rng, rng.choice(["amber", "red"])))
        return narrated(status, **(rated(rng, "green") if rng.random() < 0.6 else {}))
    if status == CommitmentStatus.DELIVERED:
        return narrated(status, **(rated(rng, "green") if rng.random() < 0.5 else {}))
    return narrated(status, **rated(rng, "red"))  # dropped


def commitment_story(
    rng: random.Random, today: datetime.date, due: datetime.date | None, precision: str
) -> Story:
    """From planned to its outcome: late when its due date has passed and it is still open,
    as late_condition() says. About one delivered in four is delivered in the last quarter,
    for /progress/ to list."""
    due_end = end_of_period(due, precision) if due else None
    late = due_end is not None and due_end < today
    outcomes = COMMITMENT_OUTCOMES_PAST if late else COMMITMENT_OUTCOMES_FUTURE
    outcome = rng.choices(list(outcomes), weights=list(outcomes.values()))[0]
    start = dict(COMMITMENT_START)
    if rng.random() < 0.4:
        start["rating"], start["rating_reason"] = "green", rng.choice(REASONS["green"])
    path = {
        "planned": [],
        "in-progress": ["in-progress"],
        "delivered": ["in-progress"] * (rng.random() < 0.8) + ["delivered"],
        "dropped": ["in-progress"] * (rng.random() < 0.5) + ["dropped"],
    }[outcome]
    story = Story(start=start)
    yesterday = today - days(1)
    if outcome == "delivered" and (not late or rng.random() < 0.25):
        last = today - days(rng.randint(1, 85))
    elif outcome == "delivered":
        last = min(yesterday, due_end + days(rng.randint(-90, 120)))
    else:
        last = today - days(rng.randint(1, 400))
    if path:
        first = min(last, due or last) - days(rng.randint(60, 900))
        earlier = spread(rng, len(path) - 1, first, last - days(1))
        path = path[len(path) - len(earlier) - 1 :]
        story.days = [*earlier, last]
        story.steps = [commitment_step(rng, status, late) for status in path]
    written = written_after(rng, today, story.days)
    if outcome in ("planned", "in-progress") and written and rng.random() < 0.35:
        if outcome == "planned":
            step = commitment_step(rng, CommitmentStatus.IN_PROGRESS, late)
        else:
            step = rng.choice(
                [
                    commitment_step(rng, CommitmentStatus.DELIVERED, late),
                    commitment_step(rng, CommitmentStatus.DROPPED, late),
                    {"narrative": NARRATIVES["in-progress"], **rated(rng, "amber")},
                    {"narrative": NARRATIVES["in-progress"]},
                ]
            )
        story.pending = Pending(
            step=step, state=rng.choices(UNDER_WAY, weights=[35, 40, 25])[0], written=written
        )
    return story


def period_story(
    rng: random.Random,
    today: datetime.date,
    start: datetime.date,
    end: datetime.date,
    expected: int,
    source: str,
) -> tuple[Story, bool]:
    """A reporting period's actual, and whether the period is locked. A period not yet over
    has no actual; most that are over have one, set by an approved update or recorded by an
    editor; some still await theirs, with an update under way. A period over for half a year
    with its actual is mostly locked."""
    story = Story(start=dict(PERIOD_START))
    if end >= today - days(2):
        return story, False
    figure = {
        "new_actual": whole(expected * rng.uniform(0.6, 1.3)),
        "new_actual_qualifier": rng.choices(list(Qualifier), weights=[75, 15, 10])[0],
        "new_actual_source_title": f"Synthetic source: {source}",
        "new_actual_source_url": "",
    }
    recent = (today - end).days < 120
    if rng.random() < (0.5 if recent else 0.08):
        written = between(rng, end + days(1), today - days(1))
        if rng.random() < 0.6:  # the rest have nothing yet: still to report
            story.pending = Pending(
                step={"narrative": NARRATIVES["period"], **figure},
                state=rng.choices(UNDER_WAY, weights=[35, 40, 25])[0],
                written=written,
            )
        return story, False
    if rng.random() < 0.35:  # recorded by an editor, not through an update
        story.start = apply_period(story.start, figure)
    else:
        story.steps.append({"narrative": NARRATIVES["period"], **figure})
        story.days.append(min(today - days(1), end + days(rng.randint(10, 60))))
    locked = (today - end).days > 180 and rng.random() < 0.85
    return story, locked


def whole(value: float) -> Decimal:
    """A figure in whole units, stored as the database gives it back (two decimal places)."""
    return Decimal(max(1, round(value))).quantize(Decimal("0.01"))
