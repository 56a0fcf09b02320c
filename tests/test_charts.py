"""The shared SVG bar chart: scaled bars, an accessible picture and its numbers as a table."""

from decimal import Decimal

from django.template import Context, Template

from mmip.charts import WIDTH, bar_chart

ROWS = [("2018", Decimal("1500000"), "£1,500,000"), ("2019", 0, "£0"), ("2020", 750000, "£750,000")]


def render(chart) -> str:
    return Template('{% load mmip_widgets %}{% chart c "by-year" %}').render(Context({"c": chart}))


def test_bars_scale_to_the_largest_value():
    chart = bar_chart(
        ROWS, title="By year", description="d", label_heading="Year", value_heading="Amount"
    )
    widths = [bar.width for bar in chart.bars]
    assert widths[1] == 0
    assert widths[2] == widths[0] / 2
    assert max(bar.value_x for bar in chart.bars) < WIDTH


def test_columns_grow_upwards_from_a_common_baseline():
    chart = bar_chart(
        ROWS, title="t", description="d", label_heading="Year", value_heading="£", horizontal=False
    )
    bottoms = {round(bar.y + bar.height, 3) for bar in chart.bars}
    assert len(bottoms) == 1
    assert chart.bars[0].height == 2 * chart.bars[2].height


def test_the_chart_is_an_image_with_a_title_and_its_numbers_in_a_table():
    html = render(
        bar_chart(
            ROWS,
            title="Awards by year",
            description="Amount awarded each year",
            label_heading="Year",
            value_heading="Amount",
        )
    )
    assert 'role="img"' in html
    assert 'aria-labelledby="by-year-title by-year-desc"' in html
    assert '<title id="by-year-title">Awards by year</title>' in html
    assert '<desc id="by-year-desc">Amount awarded each year</desc>' in html
    assert html.count('<tr><th scope="row">') == 3
    assert '<td class="numeric">£750,000</td>' in html


def test_labels_are_escaped():
    html = render(
        bar_chart(
            [("<script>x</script>", 1, "1")],
            title="t",
            description="d",
            label_heading="a",
            value_heading="b",
        )
    )
    assert "<script>" not in html


def test_an_empty_chart_says_so_instead_of_drawing_nothing():
    html = render(bar_chart([], title="t", description="d", label_heading="a", value_heading="b"))
    assert "No figures to chart." in html
    assert "<svg" not in html
