"""An indicator's targets and actuals by reporting period as a chart: geometry computed
here, drawn by workstreams/includes/target_chart.html beside a table of the same figures.

Each period is a group of two columns: its target, outlined, and its actual, filled, so the
two differ by shape and not by colour alone. An actual the source gives as "over 150" is
drawn to 150 with an arrow pointing up, since the true figure is higher; one given as
"about" has a dashed outline. Neither is ever drawn as if exact."""

import math
from dataclasses import dataclass
from decimal import Decimal

from workstreams.periods import IndicatorPeriod, Qualifier

WIDTH = 640
PLOT_HEIGHT = 180  # the tallest column
TOP_ROOM = 34  # above the tallest column: its arrow and its figure
LABEL_ROOM = 24  # below the columns: the periods' labels
BASELINE_Y = TOP_ROOM + PLOT_HEIGHT
HEIGHT = BASELINE_Y + LABEL_ROOM
COLUMN_WIDTH = 56  # at most; narrower when many periods share the width
COLUMN_GAP = 4  # between a period's target and its actual
CHAR_WIDTH = 6  # on average, of an 11 px figure or label, to tell whether it fits its room
LABEL_GAP = 6  # the least space between two labels side by side
ARROW_HEIGHT = 10
TARGET, ACTUAL = "target", "actual"


@dataclass(frozen=True)
class Column:
    kind: str  # TARGET or ACTUAL
    value: Decimal
    qualifier: str  # a target is always exact
    display: str  # as people read it: "over 150"
    x: float
    y: float
    width: float
    height: float
    value_x: float
    value_y: float
    arrow: str  # for an "over" actual, the points of the arrow above it; else ""

    @property
    def is_lower_bound(self) -> bool:
        return self.qualifier == Qualifier.OVER

    @property
    def is_approximate(self) -> bool:
        return self.qualifier == Qualifier.ABOUT


@dataclass(frozen=True)
class PeriodGroup:
    period: IndicatorPeriod
    label: str
    label_x: float
    label_y: float
    show_label: bool  # where periods are many, every few are labelled so none overlap
    columns: list[Column]


@dataclass(frozen=True)
class TargetChart:
    title: str
    description: str
    groups: list[PeriodGroup]
    width: int
    height: int
    baseline_y: float
    show_values: bool  # the figures over the columns, where there is room for them
    has_targets: bool
    has_actuals: bool
    has_lower_bounds: bool
    has_approximations: bool


def target_chart(indicator, periods: list[IndicatorPeriod]) -> TargetChart:
    """periods in date order, each with its target and actual in the indicator's unit. A
    kind of column no period has (no period has a target yet) leaves no empty place."""
    kinds = [
        kind
        for kind, field in ((TARGET, "target"), (ACTUAL, "actual"))
        if any(getattr(period, field) is not None for period in periods)
    ]
    figures = [
        value for period in periods for value in (period.target, period.actual) if value is not None
    ]
    largest = max(figures, default=Decimal(0)) or Decimal(1)
    slot = WIDTH / max(len(periods), 1)
    column_width = min(COLUMN_WIDTH, (slot - 2 * COLUMN_GAP) / max(len(kinds), 1) * 0.8)
    pair_width = len(kinds) * column_width + (len(kinds) - 1) * COLUMN_GAP

    labels = [period.label for period in periods]
    widest_label = max((len(label) for label in labels), default=0) * CHAR_WIDTH
    every = max(1, math.ceil((widest_label + LABEL_GAP) / slot))

    groups = []
    last_label_end = -LABEL_GAP
    for index, period in enumerate(periods):
        centre = index * slot + slot / 2
        left = centre - pair_width / 2
        columns = []
        for place, kind in enumerate(kinds):
            x = left + place * (column_width + COLUMN_GAP)
            value = period.target if kind == TARGET else period.actual
            if value is None:
                continue
            qualifier = Qualifier.EXACT if kind == TARGET else period.actual_qualifier
            display = period.target_display if kind == TARGET else period.actual_display
            columns.append(_column(kind, value, qualifier, display, x, column_width, largest))
        # Under its period, but kept inside the picture at either end, which can bring the
        # first and last labels nearer their neighbours: one that would touch is left out.
        half_label = len(labels[index]) * CHAR_WIDTH / 2
        label_x = min(max(centre, half_label), WIDTH - half_label)
        show_label = index % every == 0 and label_x - half_label >= last_label_end + LABEL_GAP
        if show_label:
            last_label_end = label_x + half_label
        groups.append(
            PeriodGroup(
                period=period,
                label=labels[index],
                label_x=label_x,
                label_y=BASELINE_Y + 16,
                show_label=show_label,
                columns=columns,
            )
        )

    displays = [column.display for group in groups for column in group.columns]
    widest_value = max((len(display) for display in displays), default=0) * CHAR_WIDTH
    # A figure is centred over its column: beside it is the period's other column, or,
    # alone, the next period's.
    room = column_width + COLUMN_GAP if len(kinds) == 2 else slot
    qualifiers = {period.actual_qualifier for period in periods if period.actual is not None}
    return TargetChart(
        title=f"{indicator.name}: target and actual by period",
        description=_description(indicator, periods, qualifiers),
        groups=groups,
        width=WIDTH,
        height=HEIGHT,
        baseline_y=BASELINE_Y,
        show_values=widest_value + LABEL_GAP <= room,
        has_targets=TARGET in kinds,
        has_actuals=ACTUAL in kinds,
        has_lower_bounds=Qualifier.OVER in qualifiers,
        has_approximations=Qualifier.ABOUT in qualifiers,
    )


def _column(kind, value, qualifier, display, x, width, largest) -> Column:
    height = float(value / largest) * PLOT_HEIGHT
    top = BASELINE_Y - height
    centre = x + width / 2
    arrow = ""
    label_y = top - 4
    if kind == ACTUAL and qualifier == Qualifier.OVER:
        # An upward arrow sitting on the column: more than the column shows.
        tip = top - 2 - ARROW_HEIGHT
        arrow = (
            f"{centre - width / 4:.1f},{top - 2:.1f} {centre + width / 4:.1f},{top - 2:.1f} "
            f"{centre:.1f},{tip:.1f}"
        )
        label_y = tip - 4
    return Column(
        kind=kind,
        value=value,
        qualifier=qualifier,
        display=display,
        x=x,
        y=top,
        width=width,
        height=height,
        value_x=centre,
        value_y=label_y,
        arrow=arrow,
    )


def _description(indicator, periods, qualifiers) -> str:
    if not periods:
        return f"“{indicator.name}” has no reporting periods yet."
    span = periods[0].label
    if len(periods) > 1:
        span = f"{span} to {periods[-1].label}"
    which = (
        f"For each of the {len(periods)} reporting periods"
        if len(periods) > 1
        else "For the one reporting period"
    )
    parts = [
        f"{which} of “{indicator.name}” ({span}), its target as an outlined column and its "
        "actual as a filled one."
    ]
    if Qualifier.OVER in qualifiers:
        parts.append(
            "An actual given as more than a figure (“over”) is drawn to that figure with an "
            "arrow pointing up, as the true figure is higher."
        )
    if Qualifier.ABOUT in qualifiers:
        parts.append("An approximate actual (“about”) has a dashed outline.")
    if indicator.direction == indicator.Direction.LOWER:
        parts.append("For this figure lower is better.")
    return " ".join(parts)
