"""Widgets that recur across the public pages: a date at its precision, a link to an
organisation's page, a table of awards with their total."""

from django import template
from django.utils.html import format_html

from mmip.dates import format_date, iso_date

register = template.Library()


@register.simple_tag
def dated(value, precision="day"):
    """{% dated milestone.date milestone.date_precision %} -> <time datetime="2021-07">July 2021</time>

    A year or a year and month is a valid HTML datetime, so machines read the same
    precision people do."""
    if value is None:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>', iso_date(value, precision), format_date(value, precision)
    )


@register.simple_tag
def organisation_link(organisation):
    """The organisation's name linked to its page, or nothing when the organisation is not
    public: a draft is never named. Pages list only public organisations where they can, and
    where a record names one it may not (a programme's lead, an award's routed-through
    body) they ask its is_public to leave out the words around it too."""
    if organisation is None or not organisation.is_public:
        return ""
    return format_html('<a href="{}">{}</a>', organisation.get_absolute_url(), organisation.name)


@register.inclusion_tag("includes/award_table.html")
def award_table(awards, totals, caption):
    """A table of awards; with `totals` (AwardQuerySet.totals() of the same awards) it ends
    in a total row."""
    return {"awards": awards, "totals": totals, "caption": caption}


@register.inclusion_tag("includes/bar_chart.html")
def chart(chart, chart_id):
    """{% chart by_year_chart "by-year" %}: an SVG bar chart (mmip.charts.bar_chart) with its
    numbers in a table. chart_id must be unique on the page; it ties the SVG to its title."""
    return {"chart": chart, "chart_id": chart_id}
