"""Dates known to a year, a month or a day.

The sources say "in 2016", "July 2021" and "14/10/2021". We store the first day of the
period with its precision beside it, and print it back at that precision, so a page never
shows a day (or month) the source did not give.
"""

import datetime

from django.contrib.postgres.fields import DateRangeField
from django.db import models
from django.db.models import Func, Q


class DatePrecision(models.TextChoices):
    YEAR = "year", "Year"
    MONTH = "month", "Month"
    DAY = "day", "Day"


class DateRange(Func):
    """PostgreSQL's daterange() over two date columns, for the rule that no two periods of
    the same thing cover the same day (an exclusion constraint)."""

    function = "DATERANGE"
    output_field = DateRangeField()


def format_date(value: datetime.date | None, precision: str) -> str:
    """'2016', 'July 2021' or '14 October 2021'; '' for no date."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return f"{value:%B} {value.year}"
    return f"{value.day} {value:%B} {value.year}"


def iso_date(value: datetime.date | None, precision: str) -> str:
    """ISO 8601 at the known precision: '2016', '2021-07' or '2021-10-14'."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def start_of_period(day: datetime.date, precision: str) -> datetime.date:
    """The first day of the year, month or day that ``day`` falls in."""
    if precision == DatePrecision.YEAR:
        return day.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return day.replace(day=1)
    return day


def precision_problem(value: datetime.date | None, precision: str) -> str | None:
    """The staff-facing message when a date claims more than its precision, else None."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR and (value.month, value.day) != (1, 1):
        return "A date known only to the year must be entered as 1 January of that year."
    if precision == DatePrecision.MONTH and value.day != 1:
        return "A date known only to the month must be entered as the 1st of that month."
    return None


def precision_condition(date_field: str, precision_field: str) -> Q:
    """The database form of precision_problem(), for a CheckConstraint."""
    return (
        Q(**{f"{date_field}__isnull": True})
        | Q(**{precision_field: DatePrecision.DAY})
        | Q(**{precision_field: DatePrecision.MONTH, f"{date_field}__day": 1})
        | Q(
            **{
                precision_field: DatePrecision.YEAR,
                f"{date_field}__month": 1,
                f"{date_field}__day": 1,
            }
        )
    )


def in_years(field: str, first: int | None = None, last: int | None = None) -> Q:
    """Rows whose date falls in the years first to last, either end left open. Whole-date
    comparisons rather than __year, so an index on the date serves them; a date known only to
    its year or month is stored as its first day, so it always falls in its own year."""
    condition = Q()
    if first is not None:
        condition &= Q(**{f"{field}__gte": datetime.date(first, 1, 1)})
    if last is not None:
        condition &= Q(**{f"{field}__lte": datetime.date(last, 12, 31)})
    return condition


def in_financial_years(
    field: str, precision_field: str, first: int | None = None, last: int | None = None
) -> Q:
    """Rows whose date certainly falls in the UK financial years (1 April to 31 March) that
    start in the years first to last, either end left open: first=2019, last=2021 is 2019-20
    to 2021-22. A date known to the day or the month is placed exactly, as a financial year
    starts with a month. A date known only to its year (stored as 1 January) may be in either
    of two financial years, January to March in the one before; so it is matched only when
    both are in the range: "2021" is in 2020-21 to 2021-22, but not in 2021-22 alone, nor in
    2020-21 alone."""
    condition = Q()
    if first is not None:
        # A year-only date (1 January) passes only from the year after first, whose January
        # to March are in first's financial year and its April to December in the next.
        condition &= Q(**{f"{field}__gte": datetime.date(first, 4, 1)})
    if last is not None:
        # Up to 31 March after last, except that a year-only date of that following year
        # could be in its April to December, past the range.
        condition &= Q(**{f"{field}__lte": datetime.date(last, 12, 31)}) | (
            Q(**{f"{field}__lte": datetime.date(last + 1, 3, 31)})
            & ~Q(**{precision_field: DatePrecision.YEAR})
        )
    return condition


def years_of(rows: models.QuerySet, field: str) -> list[int]:
    """The years in which the rows have a date in field, newest first, in one query.
    Undated rows have no year to give."""
    return [day.year for day in rows.prefetch_related(None).dates(field, "year", order="DESC")]


def precision_field(**kwargs) -> models.CharField:
    return models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How precisely the source gives the date: year, month or day.",
        **kwargs,
    )
