"""Progress towards a reporting period's target, in words: what an indicator's page and a
workstream's page say of each period, and the period's span as a short label.

A share of the target is given only where the target and the actual are both exact: "over
150" against 200 could be anything from 76% up, so saying 75% would claim what the source
does not. An inexact actual still settles the question where its bound does: "over 250"
has met a target of 200 whatever the true figure."""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from mmip.dates import DatePrecision, format_date
from mmip.formatting import figure

# The stored values of IndicatorPeriod's qualifier and Indicator.Direction: this module is
# imported by the model's own module, so it cannot import the choices.
EXACT, OVER = "exact", "over"
LOWER_IS_BETTER = "lower"


class State:
    """How a period stands against its target, for a tag's words and its style."""

    MET = "met"
    NOT_MET = "not-met"  # the actual falls short (or, lower being better, goes past it)
    UNDECIDED = "undecided"  # an inexact actual whose bound settles nothing
    NOT_REPORTED = "not-reported"  # a target and no actual yet
    NO_TARGET = "no-target"
    EMPTY = "empty"  # neither


@dataclass(frozen=True)
class Progress:
    state: str
    share: Decimal | None  # the actual over the target, where both are exact
    summary: str  # a few words for a table's cell: "75% of the target"
    sentence: str  # the whole of it for a reader: "150 of the target of 200: 75% of it."

    @property
    def is_met(self) -> bool:
        return self.state == State.MET


def share_of(target: Decimal | None, actual: Decimal | None, qualifier: str) -> Decimal | None:
    """The actual over the target (1 is the whole target), where both are exact."""
    if target is None or actual is None or qualifier != EXACT:
        return None
    return actual / target


def percent(fraction: Decimal) -> str:
    """A fraction as a whole percentage rounded down, so that a period 99.6% of the way is
    never said to be at 100%; and "less than 1%" rather than 0% for a small part."""
    hundredths = fraction * 100
    if 0 < hundredths < 1:
        return "less than 1%"
    return f"{math.floor(hundredths):,}%"


def progress(
    *,
    target: Decimal | None,
    actual: Decimal | None,
    qualifier: str,
    direction: str,
    unit: str,
) -> Progress:
    """How an actual stands against its target, the indicator's direction taken into
    account: where lower is better the target is a ceiling, and a share of it "reached"
    would read as the wrong way round, so the distance below or above it is given instead."""
    lower = direction == LOWER_IS_BETTER
    if actual is None and target is None:
        return Progress(State.EMPTY, None, "No target or actual", "No target or actual is set.")
    if target is None:
        said = figure(actual, qualifier, unit)
        return Progress(
            State.NO_TARGET, None, "No target", f"An actual of {said}; no target was set."
        )
    goal = figure(target, EXACT, unit)
    goal_words = f"a target of at most {goal}" if lower else f"a target of {goal}"
    if actual is None:
        return Progress(
            State.NOT_REPORTED,
            None,
            "Not reported yet",
            f"No actual is reported yet against {goal_words}.",
        )
    said = figure(actual, qualifier, unit)
    share = share_of(target, actual, qualifier)
    if share is not None:
        if lower:
            return _against_a_ceiling(share, said, goal)
        if actual >= target:
            return Progress(
                State.MET,
                share,
                f"Met: {percent(share)} of the target",
                f"Target met: {said} against a target of {goal}, {percent(share)} of it.",
            )
        return Progress(
            State.NOT_MET,
            share,
            f"{percent(share)} of the target",
            f"{_capitalised(said)} of a target of {goal}: {percent(share)} of it reached.",
        )
    # "over X" is more than X, so it has passed any target of X or less; "about X" and an
    # "over X" short of the target say nothing either way.
    if qualifier == OVER and actual >= target:
        if lower:
            return Progress(
                State.NOT_MET,
                None,
                "Not met: above the target",
                f"Target not met: {said} against {goal_words}, and lower is better.",
            )
        return Progress(State.MET, None, "Met", f"Target met: {said} against {goal_words}.")
    why = "a lower bound" if qualifier == OVER else "approximate"
    return Progress(
        State.UNDECIDED,
        None,
        f"No share: the actual is {why}",
        f"{_capitalised(said)} against {goal_words}: as the actual is {why}, no share of the "
        "target is given.",
    )


def _capitalised(words: str) -> str:
    # Not str.capitalize(), which lowers every letter after the first.
    return words[:1].upper() + words[1:]


def _against_a_ceiling(share: Decimal, said: str, goal: str) -> Progress:
    """Where lower is better: within the target or above it, and by how much."""
    if share < 1:
        by = percent(1 - share)
        return Progress(
            State.MET,
            share,
            f"Met: {by} below the target",
            f"Target met: {said} against a target of at most {goal}, {by} below it.",
        )
    if share == 1:
        return Progress(
            State.MET,
            share,
            "Met: at the target",
            f"Target met: {said} against a target of at most {goal}, exactly at it.",
        )
    by = percent(share - 1)
    return Progress(
        State.NOT_MET,
        share,
        f"Not met: {by} above the target",
        f"Target not met: {said} against a target of at most {goal}, {by} above it (lower is "
        "better).",
    )


# ---------- A period's span ----------


def _last_day_of_month(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def period_bounds(
    start: datetime.date, end: datetime.date
) -> tuple[tuple[datetime.date, str], ...]:
    """The period's span at the coarsest precision that says it exactly, as (date,
    precision) pairs to print: one for a calendar year or a calendar month, two (its first
    and last month) for whole months, else its first and last days."""
    whole_months = start.day == 1 and end == _last_day_of_month(end)
    if whole_months and start.month == 1 and (end.month, end.year) == (12, start.year):
        return ((start, DatePrecision.YEAR),)
    if whole_months and (end.month, end.year) == (start.month, start.year):
        return ((start, DatePrecision.MONTH),)
    if whole_months:
        return ((start, DatePrecision.MONTH), (end.replace(day=1), DatePrecision.MONTH))
    return ((start, DatePrecision.DAY), (end, DatePrecision.DAY))


def period_label(start: datetime.date, end: datetime.date) -> str:
    """ "2024", "July 2024", "April 2024 to March 2025" or "3 April 2024 to 2 April 2025"."""
    return " to ".join(format_date(day, precision) for day, precision in period_bounds(start, end))


def latest_period(periods: list, today: datetime.date):
    """Of periods in date order, the last that has begun by today; None if none has (a plan
    of periods still to come has no state yet)."""
    begun = [period for period in periods if period.start <= today]
    return begun[-1] if begun else None
