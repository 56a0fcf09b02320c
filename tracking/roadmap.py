"""A workstream's roadmap: its public milestones tracked against a plan and its public
commitments over the years, each drawn as planned against forecast and done. The geometry is
worked out here; templates/tracking/includes/roadmap.html draws it as SVG with the same rows
in a table beside it, so a screen reader or a printout loses nothing.

Each row has two lanes: above, when it was planned (a commitment's due date); beneath, when
it is now forecast or when it was done (done work has no forecast, so the two never meet). A
date known only to the year or the month spans that year or month, and one known to the day
is a point. Rows with no date at all are left out of the picture and listed in the table
with "no date". Late is the models' own rule (is_late_on()), never worked out here."""

import datetime
import math
from dataclasses import dataclass

from mmip.dates import DatePrecision, format_date, iso_date, start_of_period
from mmip.ratings import Rating
from tracking.models import Commitment, CommitmentStatus
from workstreams.models import Milestone
from workstreams.plans import DeliveryStatus

# In the SVG's own units. The picture is as wide as the text column (at most 36rem), so the
# titles' 14-unit text (.roadmap__label in site.css) is 12 px on a 375 px phone and about
# body size on a desktop.
WIDTH = 400
PAD = 4  # room for a point's half-width at either end of the years
LINE_HEIGHT = 17
# How many characters of 14-unit text fit across WIDTH: an average character of a sans-serif
# face is about 0.55 em wide, and a title that runs a little short of it only wraps sooner.
CHARS_PER_LINE = 48
MAX_LINES = 2
AXIS_HEIGHT = 24  # the years along the top
TODAY_HEIGHT = 20  # "Today" beneath the rows
LANE_HEIGHT = 8
LANE_GAP = 3
ROW_GAP = 14
MIN_SPAN = 3  # a month is drawn at least this wide, so a hollow one still shows
POINT_HALF = 4  # a day is a diamond this far either side of it
YEAR_LABEL_ROOM = 32  # a year's label needs about this much; narrower years skip labels

PLANNED, FORECAST, DONE = "planned", "forecast", "done"


@dataclass(frozen=True, slots=True)
class DateAt:
    """A date at its precision, as the table prints it, and the days it spans."""

    day: datetime.date
    precision: str
    display: str  # "2026", "July 2026", "14 July 2026"
    iso: str  # the same for <time datetime>: "2026", "2026-07", "2026-07-14"
    start: datetime.date  # the first day of the year, month or day it is known to
    end: datetime.date  # the first day after it

    @classmethod
    def of(cls, day: datetime.date | None, precision: str) -> "DateAt | None":
        if day is None:
            return None
        start = start_of_period(day, precision)
        if precision == DatePrecision.YEAR:
            end = start.replace(year=start.year + 1)
        elif precision == DatePrecision.MONTH:
            end = (start + datetime.timedelta(days=31)).replace(day=1)
        else:
            end = start + datetime.timedelta(days=1)
        return cls(
            day, precision, format_date(day, precision), iso_date(day, precision), start, end
        )


@dataclass(frozen=True, slots=True)
class Mark:
    """One date of a row in the picture: a span (a rectangle) or, for a day, a point (a
    diamond whose corners are in ``points``)."""

    kind: str  # PLANNED, FORECAST or DONE
    x: float
    y: float
    width: float
    height: float
    points: str  # empty for a span


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    y: float


@dataclass(slots=True)
class RoadmapRow:
    kind: str  # "milestone" or "commitment"
    title: str
    url: str
    status: str  # the status in words: "Done", "In progress", "Not given"
    is_late: bool
    # What the marks' colour repeats (the status is always written too): late, at-risk,
    # done, dropped or open.
    state: str
    rating: str
    rating_label: str
    rating_reason: str
    planned: DateAt | None
    forecast: DateAt | None
    done: DateAt | None
    # In the picture, set by workstream_roadmap(): the status and the title, wrapped, and
    # the marks. None of them for a row with no date, which is in the table only.
    lines: tuple[Line, ...] = ()
    marks: tuple[Mark, ...] = ()

    @property
    def dates(self) -> list[DateAt]:
        return [day for day in (self.planned, self.forecast, self.done) if day is not None]

    @property
    def begins(self) -> datetime.date:
        """The first day of its earliest date: the roadmap's order. Only for a dated row."""
        return min(day.start for day in self.dates)

    @property
    def table_dates(self) -> list[tuple[str, DateAt | None]]:
        """Each date with the heading of its column in the table."""
        return [("Planned or due", self.planned), ("Forecast", self.forecast), ("Done", self.done)]

    @property
    def headline(self) -> str:
        """The status as the picture writes it before the title, with late where it is."""
        return f"{self.status}, late" if self.is_late else self.status


@dataclass(frozen=True)
class YearTick:
    x: float  # where the year begins: a grid line
    label_x: float  # the middle of the year
    label: str  # empty where the years are too narrow to name each one


@dataclass(frozen=True)
class Roadmap:
    title: str
    description: str
    rows: list[RoadmapRow]  # every row, in the table's order: dated first, by date
    drawn: list[RoadmapRow]  # the rows with a date, in the picture
    years: list[YearTick]
    width: int
    height: float
    today: DateAt
    today_x: float
    today_label_x: float
    today_label_y: float
    rows_top: float
    rows_bottom: float
    # How many more of the workstream's milestones and commitments are on the plan than the
    # roadmap has rows for (tracking/roadmap_selection.py chooses them), and the page that
    # has them all.
    more: int = 0
    more_url: str = ""


# Labels by value, looked up once: get_FOO_display() costs a row many times a dict lookup.
DELIVERY_LABELS = dict(DeliveryStatus.choices)
COMMITMENT_LABELS = dict(CommitmentStatus.choices)
RATING_LABELS = dict(Rating.choices)


def is_on_the_plan(milestone: Milestone) -> bool:
    """Tracked against a plan: it has a delivery status or a planned, forecast or actual
    date. Other milestones are events of the timeline, not items of the plan. Must agree
    with roadmap_selection.on_the_plan_condition()."""
    return bool(
        milestone.delivery_status
        or milestone.planned_date
        or milestone.forecast_date
        or milestone.actual_date
    )


def state_of(status: str, is_late: bool) -> str:
    if is_late:
        return "late"
    if status in (DeliveryStatus.DONE, CommitmentStatus.DELIVERED):
        return "done"
    if status in (DeliveryStatus.DROPPED, CommitmentStatus.DROPPED):
        return "dropped"
    if status == DeliveryStatus.AT_RISK:
        return "at-risk"
    return "open"


def milestone_row(milestone: Milestone, today: datetime.date) -> RoadmapRow:
    is_late = milestone.is_late_on(today)
    return RoadmapRow(
        kind="milestone",
        title=milestone.title,
        # Its entry in the same page's timeline, where its history is.
        url=f"#milestone-{milestone.slug}",
        status=DELIVERY_LABELS.get(milestone.delivery_status, "Not given"),
        is_late=is_late,
        state=state_of(milestone.delivery_status, is_late),
        rating=milestone.rating,
        rating_label=RATING_LABELS.get(milestone.rating, ""),
        rating_reason=milestone.rating_reason,
        planned=DateAt.of(milestone.planned_date, milestone.planned_precision),
        forecast=DateAt.of(milestone.forecast_date, milestone.forecast_precision),
        done=DateAt.of(milestone.actual_date, milestone.actual_precision),
    )


def commitment_row(commitment: Commitment, today: datetime.date) -> RoadmapRow:
    """A commitment is planned by its due date; the record keeps no forecast for it nor the
    date it was delivered, only its status."""
    is_late = commitment.is_late_on(today)
    return RoadmapRow(
        kind="commitment",
        title=commitment.title,
        url=commitment.get_absolute_url(),
        status=COMMITMENT_LABELS[commitment.status],
        is_late=is_late,
        state=state_of(commitment.status, is_late),
        rating=commitment.rating,
        rating_label=RATING_LABELS.get(commitment.rating, ""),
        rating_reason=commitment.rating_reason,
        planned=DateAt.of(commitment.due_date, commitment.due_precision),
        forecast=None,
        done=None,
    )


def counted(number: int) -> str:
    if number == 1:
        return "One milestone or commitment"
    return f"{number} milestones and commitments"


def wrapped(text: str) -> list[str]:
    """The text in at most MAX_LINES lines of CHARS_PER_LINE, broken between words, the last
    cut short with an ellipsis if it runs on: the table beside the picture has it whole.
    Simpler than textwrap, which cost more than the rest of a row put together."""
    words = text.split()
    lines = []
    line = ""
    for index, word in enumerate(words):
        if line and len(line) + 1 + len(word) > CHARS_PER_LINE:
            if len(lines) == MAX_LINES - 1:
                rest = " ".join([line, *words[index:]])
                return [*lines, f"{rest[: CHARS_PER_LINE - 1].rstrip()}…"]
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line]


def workstream_roadmap(
    workstream_name: str,
    milestones: list[Milestone],
    commitments: list[Commitment],
    *,
    today: datetime.date,
    more: int = 0,
    more_url: str = "",
) -> Roadmap | None:
    """The roadmap of a workstream's public milestones and commitments (as its page has
    them already: this asks no query), or None when nothing of it is on a plan. ``more``
    of them on the plan were left out (roadmap_selection.chosen()), all at ``more_url``."""
    rows = [milestone_row(m, today) for m in milestones if is_on_the_plan(m)]
    rows += [commitment_row(c, today) for c in commitments]
    if not rows:
        return None
    dated = sorted((row for row in rows if row.dates), key=lambda row: (row.begins, row.title))
    undated = sorted((row for row in rows if not row.dates), key=lambda row: row.title)

    years = [day.start.year for row in dated for day in row.dates]
    first_year, last_year = min([today.year, *years]), max([today.year, *years])
    scale = Scale(datetime.date(first_year, 1, 1), datetime.date(last_year + 1, 1, 1))

    y = AXIS_HEIGHT
    for row in dated:
        texts = wrapped(f"{row.headline} · {row.title}")
        row.lines = tuple(
            Line(text, y + (index + 1) * LINE_HEIGHT - 4) for index, text in enumerate(texts)
        )
        planned_lane = y + len(texts) * LINE_HEIGHT + 4
        outcome_lane = planned_lane + LANE_HEIGHT + LANE_GAP
        marks = []
        if row.planned:
            marks.append(scale.mark(PLANNED, row.planned, planned_lane))
        if row.forecast:
            marks.append(scale.mark(FORECAST, row.forecast, outcome_lane))
        if row.done:
            marks.append(scale.mark(DONE, row.done, outcome_lane))
        row.marks = tuple(marks)
        y = outcome_lane + LANE_HEIGHT + ROW_GAP
    rows_bottom = y - ROW_GAP / 2

    today_at = DateAt.of(today, DatePrecision.DAY)
    today_x = scale.middle(today_at)
    described = (
        f"{counted(len(dated))} of the {workstream_name} workstream, from {first_year} to "
        f"{last_year}. Each has its status and title, a bar for when it was planned or due "
        "and, beneath, a dashed bar for when it is now forecast or a solid one for when it "
        "was done. A bar spans the year or month its date is known to; a date known to the "
        f"day is a diamond. A dashed line marks today, {today_at.display}."
    )
    if undated:
        described += (
            " One more, with no date, is in the table only."
            if len(undated) == 1
            else f" {len(undated)} more, with no date, are in the table only."
        )
    if more:
        described += (
            " They are a third each of what is late, what is due next and what was "
            f"delivered or done most recently: {more} more on the plan are not drawn."
        )
    return Roadmap(
        title=f"Roadmap of the {workstream_name} workstream: planned against done",
        description=described,
        rows=[*dated, *undated],
        drawn=dated,
        years=scale.years(),
        width=WIDTH,
        height=rows_bottom + TODAY_HEIGHT,
        today=today_at,
        today_x=today_x,
        today_label_x=min(max(today_x, 20), WIDTH - 20),
        today_label_y=rows_bottom + TODAY_HEIGHT - 6,
        rows_top=AXIS_HEIGHT - 6,
        rows_bottom=rows_bottom,
        more=more,
        more_url=more_url,
    )


class Scale:
    """Days to x across the years from ``start`` to ``end`` (each a 1 January)."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.start = start
        self.end = end
        self.per_day = (WIDTH - 2 * PAD) / (end - start).days

    def x(self, day: datetime.date) -> float:
        return PAD + (day - self.start).days * self.per_day

    def middle(self, date: DateAt) -> float:
        return (self.x(date.start) + self.x(date.end)) / 2

    def mark(self, kind: str, date: DateAt, y: float) -> Mark:
        if date.precision == DatePrecision.DAY:
            x = self.middle(date)
            middle = y + LANE_HEIGHT / 2
            return Mark(
                kind,
                x - POINT_HALF,
                y,
                2 * POINT_HALF,
                LANE_HEIGHT,
                f"{x:.1f},{y - 1:.1f} {x + POINT_HALF:.1f},{middle:.1f} "
                f"{x:.1f},{y + LANE_HEIGHT + 1:.1f} {x - POINT_HALF:.1f},{middle:.1f}",
            )
        left, right = self.x(date.start), self.x(date.end)
        if right - left < MIN_SPAN:
            centre = (left + right) / 2
            left, right = centre - MIN_SPAN / 2, centre + MIN_SPAN / 2
        return Mark(kind, left, y, right - left, LANE_HEIGHT, "")

    def years(self) -> list[YearTick]:
        count = self.end.year - self.start.year
        year_width = (WIDTH - 2 * PAD) / count
        every = math.ceil(YEAR_LABEL_ROOM / year_width)
        return [
            YearTick(
                x=self.x(datetime.date(year, 1, 1)),
                label_x=self.x(datetime.date(year, 1, 1)) + year_width / 2,
                label=str(year) if (year - self.start.year) % every == 0 else "",
            )
            for year in range(self.start.year, self.end.year)
        ]
