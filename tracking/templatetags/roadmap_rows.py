"""The rows of a workstream's roadmap (tracking/roadmap.py) as markup, for
templates/tracking/includes/roadmap.html: each row of its picture, and each row of the table
beside it. Written here rather than in the template, as mmip_widgets.award_cells is: a
roadmap has a row for each milestone on a workstream's plan, thousands at the synthetic
scale, and the template cost each row many times what these lines of formatting do."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

# An empty cell, as a screen reader reads it and as it is seen.
NONE = '<span aria-hidden="true">&ndash;</span><span class="visually-hidden">none</span>'
KINDS = {"milestone": "Milestone", "commitment": "Commitment"}


@register.simple_tag
def roadmap_picture_rows(roadmap) -> str:
    """A <g> for each dated row: its status and title, wrapped, and its marks. Safe: every
    text of the record is escaped, and the rest are numbers and the geometry's own words."""
    parts = []
    for row in roadmap.drawn:
        parts.append(
            f'<g class="roadmap__row roadmap__row--{row.state}"><text class="roadmap__label">'
        )
        parts.extend(
            f'<tspan x="0" y="{line.y:.1f}">{escape(line.text)}</tspan>' for line in row.lines
        )
        parts.append("</text>")
        for mark in row.marks:
            if mark.points:
                parts.append(
                    f'<polygon class="roadmap__mark roadmap__mark--{mark.kind}" '
                    f'points="{mark.points}"/>'
                )
            else:
                parts.append(
                    f'<rect class="roadmap__mark roadmap__mark--{mark.kind}" x="{mark.x:.1f}" '
                    f'y="{mark.y:.1f}" width="{mark.width:.1f}" height="{mark.height:.1f}"/>'
                )
        parts.append("</g>\n")
    return mark_safe("".join(parts))


@register.simple_tag
def roadmap_table_rows(roadmap) -> str:
    """A <tr> for every row: what it is, linked, its planned, forecast and done dates (or
    "No date" across the three), and its status, late and rating with the reason. The
    rating is marked up as tracking/includes/rating.html does. Safe as above."""
    parts = []
    for row in roadmap.rows:
        parts.append(
            f'<tr><th scope="row"><a href="{escape(row.url)}">{escape(row.title)}</a> '
            f'<span class="roadmap__kind">{KINDS[row.kind]}</span></th>'
        )
        if row.planned or row.forecast or row.done:
            for label, date in row.table_dates:
                shown = f'<time datetime="{date.iso}">{date.display}</time>' if date else NONE
                parts.append(f'<td data-label="{label}">{shown}</td>')
        else:
            parts.append('<td colspan="3" data-label="Dates">No date</td>')
        parts.append(f'<td data-label="Status">{escape(row.status)}')
        if row.is_late:
            parts.append(' <strong class="tag tag--late">Late</strong>')
        if row.rating:
            parts.append(
                f'<br><span class="rating rating--{escape(row.rating)}">{row.rating_label}</span>'
                f'<span class="roadmap__reason">{escape(row.rating_reason)}</span>'
            )
        parts.append("</td></tr>\n")
    return mark_safe("".join(parts))
