"""Server-rendered bar charts: geometry computed here, drawn by includes/bar_chart.html.

Charts are SVG so they work without JavaScript, and the template always puts the same
numbers in a table beside the picture, so a screen reader (or a printout) loses nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 640
LABEL_WIDTH = 220  # room for a funder's name beside its bar
ROW_HEIGHT = 28
BAR_HEIGHT = 18
COLUMN_AREA_HEIGHT = 200
AXIS_GAP = 24


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    display: str  # the value as people read it: "£1,500,000", "over 150"
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    bars: list[Bar]
    width: int
    height: int
    horizontal: bool
    label_heading: str
    value_heading: str


def bar_chart(
    rows,
    *,
    title: str,
    description: str,
    label_heading: str,
    value_heading: str,
    horizontal: bool = True,
) -> BarChart:
    """rows: (label, value, display) triples, in the order to draw them.

    Horizontal bars suit long labels (funders); columns suit a time series (years).
    Bars scale to the largest value; a zero draws no bar but keeps its place.
    """
    rows = [(str(label), Decimal(value or 0), str(display)) for label, value, display in rows]
    largest = max((value for _, value, _ in rows), default=Decimal(0)) or Decimal(1)
    bars = []
    if horizontal:
        track = WIDTH - LABEL_WIDTH - 120  # leave room for the value after the bar
        for index, (label, value, display) in enumerate(rows):
            y = index * ROW_HEIGHT
            length = float(value / largest) * track
            bars.append(
                Bar(label, value, display, LABEL_WIDTH, y + 4, length, BAR_HEIGHT,
                    LABEL_WIDTH - 8, y + 4 + BAR_HEIGHT * 0.75,
                    LABEL_WIDTH + length + 6, y + 4 + BAR_HEIGHT * 0.75)
            )  # fmt: skip
        height = max(len(rows), 1) * ROW_HEIGHT
    else:
        slot = WIDTH / max(len(rows), 1)
        column = min(slot * 0.7, 48)
        for index, (label, value, display) in enumerate(rows):
            length = float(value / largest) * (COLUMN_AREA_HEIGHT - 20)
            x = index * slot + (slot - column) / 2
            bars.append(
                Bar(label, value, display, x, COLUMN_AREA_HEIGHT - length, column, length,
                    x + column / 2, COLUMN_AREA_HEIGHT + 16,
                    x + column / 2, COLUMN_AREA_HEIGHT - length - 4)
            )  # fmt: skip
        height = COLUMN_AREA_HEIGHT + AXIS_GAP
    return BarChart(
        title=title,
        description=description,
        bars=bars,
        width=WIDTH,
        height=height,
        horizontal=horizontal,
        label_heading=label_heading,
        value_heading=value_heading,
    )
