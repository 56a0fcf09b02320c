"""An indicator's values as a chart: the indicator page, the workstream page and the skills
pages all draw them this way."""

from mmip.charts import BarChart, bar_chart
from mmip.formatting import figure
from workstreams.models import Indicator, IndicatorValue


def value_label(value: IndicatorValue) -> str:
    return f"{value.date_display} (projected)" if value.is_projection else value.date_display


def indicator_chart(
    indicator: Indicator, values: list[IndicatorValue] | None = None, *, title: str = ""
) -> BarChart:
    """Columns, one per value in date order, each labelled with its date at its precision
    and marked when projected. values defaults to the indicator's (prefetched) values."""
    if values is None:
        values = list(indicator.values.all())
    description = f"One column per recorded value of “{indicator.name}”"
    if values:
        description += f", from {values[0].date_display} to {values[-1].date_display}"
    description += "."
    if indicator.target is not None:
        description += f" The target is {figure(indicator.target, 'exact', indicator.unit)}."
    return bar_chart(
        [(value_label(value), value.value, value.display) for value in values],
        title=title or f"{indicator.name} over time",
        description=description,
        label_heading="Date",
        value_heading=indicator.get_unit_display(),
        horizontal=False,
    )
