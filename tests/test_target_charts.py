"""The chart of an indicator's targets and actuals by period (workstreams.target_charts): the
geometry, and the picture drawn from it beside a table of the same figures. Built from
unsaved records: the chart reads only what it is given."""

import datetime
import itertools
from decimal import Decimal

from django.template.loader import render_to_string

from workstreams.models import Indicator, IndicatorPeriod
from workstreams.target_charts import (
    ACTUAL,
    BASELINE_Y,
    CHAR_WIDTH,
    PLOT_HEIGHT,
    TARGET,
    WIDTH,
    target_chart,
)


def indicator(**fields) -> Indicator:
    return Indicator(name="Apprentices", slug="apprentices", unit="people", **fields)


def periods(of: Indicator, *rows) -> list[IndicatorPeriod]:
    """One calendar-year period from 2020 on for each (target, actual, qualifier) row."""
    return [
        IndicatorPeriod(
            indicator=of,
            start=datetime.date(2020 + index, 1, 1),
            end=datetime.date(2020 + index, 12, 31),
            target=None if target is None else Decimal(target),
            actual=None if actual is None else Decimal(actual),
            actual_qualifier=qualifier,
            actual_source_title="" if actual is None else "Annual count",
        )
        for index, (target, actual, qualifier) in enumerate(rows)
    ]


def columns(chart, kind):
    return [column for group in chart.groups for column in group.columns if column.kind == kind]


def render(chart, of, rows) -> str:
    return render_to_string(
        "workstreams/includes/target_chart.html",
        {"chart": chart, "chart_id": "targets", "indicator": of, "periods": rows},
    )


def test_no_periods_draw_no_columns_and_say_so():
    apprentices = indicator()

    chart = target_chart(apprentices, [])

    assert chart.groups == []
    assert not chart.has_targets and not chart.has_actuals
    assert chart.description == "“Apprentices” has no reporting periods yet."


def test_each_period_has_its_target_beside_its_actual_on_a_common_baseline():
    apprentices = indicator()
    chart = target_chart(
        apprentices, periods(apprentices, (200, 100, "exact"), (400, 300, "exact"))
    )

    for group in chart.groups:
        target, actual = group.columns
        assert (target.kind, actual.kind) == (TARGET, ACTUAL)
        assert target.x + target.width < actual.x
        assert target.x < group.label_x < actual.x + actual.width
    bottoms = {
        round(column.y + column.height, 3) for group in chart.groups for column in group.columns
    }
    assert bottoms == {BASELINE_Y}
    # The largest figure fills the plot and the others are to scale.
    heights = [column.height for group in chart.groups for column in group.columns]
    assert heights == [PLOT_HEIGHT / 2, PLOT_HEIGHT / 4, PLOT_HEIGHT, PLOT_HEIGHT * 3 / 4]
    assert all(column.y >= 0 for group in chart.groups for column in group.columns)
    assert chart.groups[-1].columns[-1].x + chart.groups[-1].columns[-1].width <= WIDTH


def test_only_targets_draw_outlined_columns_centred_on_their_periods():
    apprentices = indicator()
    chart = target_chart(
        apprentices, periods(apprentices, (200, None, "exact"), (300, None, "exact"))
    )

    assert chart.has_targets and not chart.has_actuals
    assert columns(chart, ACTUAL) == []
    for group in chart.groups:
        (target,) = group.columns
        assert target.x + target.width / 2 == group.label_x
    html = render(chart, apprentices, [group.period for group in chart.groups])
    assert 'class="target-chart__target"' in html
    assert 'class="target-chart__actual"' not in html


def test_only_actuals_draw_filled_columns_centred_on_their_periods():
    apprentices = indicator()
    chart = target_chart(
        apprentices, periods(apprentices, (None, 120, "exact"), (None, 80, "exact"))
    )

    assert chart.has_actuals and not chart.has_targets
    assert columns(chart, TARGET) == []
    for group in chart.groups:
        (actual,) = group.columns
        assert actual.x + actual.width / 2 == group.label_x
        assert actual.arrow == ""


def test_a_period_with_a_target_and_no_actual_yet_keeps_the_actual_its_place():
    apprentices = indicator()
    chart = target_chart(
        apprentices, periods(apprentices, (200, 150, "exact"), (200, None, "exact"))
    )

    (target,) = chart.groups[1].columns
    assert target.x == chart.groups[0].columns[0].x + WIDTH / 2


def test_an_actual_over_a_figure_is_drawn_to_it_and_marked_as_a_lower_bound():
    apprentices = indicator()
    rows = periods(apprentices, (200, 150, "over"), (200, 150, "exact"))
    chart = target_chart(apprentices, rows)

    over, exact = columns(chart, ACTUAL)
    # Drawn to 150, no further: the arrow says the rest.
    assert over.height == exact.height == PLOT_HEIGHT * 3 / 4
    assert over.is_lower_bound and not exact.is_lower_bound
    assert over.display == "over 150"
    tip = min(float(point.split(",")[1]) for point in over.arrow.split())
    assert tip < over.y
    assert over.value_y < tip  # its figure above the arrow
    assert exact.arrow == ""
    assert chart.has_lower_bounds and not chart.has_approximations
    assert "arrow pointing up" in chart.description

    html = render(chart, apprentices, rows)
    assert html.count("<polygon") == 2  # the arrow, and the key's
    assert "More than shown" in html
    assert '<td role="cell" data-label="Actual" class="numeric">over 150</td>' in html


def test_an_approximate_actual_is_drawn_with_a_dashed_outline_and_no_arrow():
    apprentices = indicator()
    chart = target_chart(apprentices, periods(apprentices, (200, 150, "about")))

    (about,) = columns(chart, ACTUAL)
    assert about.is_approximate and about.arrow == ""
    assert chart.has_approximations
    html = render(chart, apprentices, [chart.groups[0].period])
    assert 'class="target-chart__actual target-chart__actual--about"' in html


def test_where_lower_is_better_the_columns_are_the_same_and_the_description_says_so():
    lower = indicator(direction=Indicator.Direction.LOWER)
    higher = indicator()
    rows = ((100, 80, "exact"),)

    lower_chart = target_chart(lower, periods(lower, *rows))
    higher_chart = target_chart(higher, periods(higher, *rows))

    assert lower_chart.groups[0].columns == higher_chart.groups[0].columns
    assert lower_chart.description.endswith("For this figure lower is better.")
    assert "lower is better" not in higher_chart.description


def test_a_single_period_sits_in_the_middle_with_its_label_and_figures():
    apprentices = indicator()
    chart = target_chart(apprentices, periods(apprentices, (200, 150, "exact")))

    (group,) = chart.groups
    assert group.label == "2020"
    assert group.label_x == WIDTH / 2
    assert group.show_label
    assert chart.show_values
    assert "the 1 reporting period" not in chart.description
    assert chart.description.startswith("For the one reporting period of “Apprentices” (2020),")
    html = render(chart, apprentices, [group.period])
    assert '<text class="target-chart__value"' in html
    assert 'role="img"' in html
    assert '<title id="targets-title">Apprentices: target and actual by period</title>' in html


def test_many_periods_fit_the_width_and_thin_their_labels_rather_than_overlap_them():
    apprentices = indicator()
    # Thirty financial years, whose labels are long.
    rows = [
        IndicatorPeriod(
            indicator=apprentices,
            start=datetime.date(2000 + index, 4, 1),
            end=datetime.date(2001 + index, 3, 31),
            target=Decimal(1000),
            actual=Decimal(1500),
            actual_qualifier="over",
        )
        for index in range(30)
    ]

    chart = target_chart(apprentices, rows)

    assert chart.groups[0].label == "April 2000 to March 2001"
    shown = [group for group in chart.groups if group.show_label]
    assert 1 < len(shown) < 30
    for left, right in itertools.pairwise(shown):
        assert right.label_x - left.label_x > len(left.label) * CHAR_WIDTH
    assert not chart.show_values  # the table gives them
    for group in shown:  # the first and last too, though their periods are at the edges
        half = len(group.label) * CHAR_WIDTH / 2
        assert group.label_x - half >= 0 and group.label_x + half <= WIDTH
    assert all(
        column.x >= 0 and column.x + column.width <= WIDTH for column in columns(chart, ACTUAL)
    )
