"""Widgets that recur across the public pages: a date at its precision, a link to an
organisation's page, a table of awards with their total, an output and a milestone in a
list."""

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

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


@register.simple_tag
def award_cells(award):
    """An award's first cells in a table row, the same in every table of awards: what it is,
    who gave it (and through whom, where public), who received it, when. Written here
    rather than in an included template, as a table draws it for each of its rows (the
    explorer's fifty) and an include costs each row more than these cells."""
    through = award.routed_through
    return format_html(
        '<td role="cell"><a href="{}">{}</a><br><span class="muted identifier">{}</span></td>'
        '<td role="cell" data-label="Funder">{}{}</td>'
        '<td role="cell" data-label="Recipient">{}</td>'
        '<td role="cell" data-label="Awarded">{}</td>',
        award.get_absolute_url(),
        award.title,
        award.identifier,
        organisation_link(award.funder),
        format_html(' <span class="muted">through {}</span>', organisation_link(through))
        if through is not None and through.is_public
        else "",
        organisation_link(award.recipient),
        dated(award.award_date, award.award_date_precision),
    )


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


def _linked(text, url):
    """The text escaped, and linked to url if there is one."""
    return format_html('<a href="{}">{}</a>', url, text) if url else conditional_escape(text)


def _in_words(parts) -> str:
    """Parts already escaped, as "A", "A and B" or "A, B and C": safe, as the words between
    them are plain."""
    parts = list(parts)
    if len(parts) < 2:
        return mark_safe("".join(parts))
    return mark_safe(f"{', '.join(parts[:-1])} and {parts[-1]}")


@register.inclusion_tag("includes/output_items.html")
def output_items(
    outputs, *, heading=None, anchors=False, publishers=False, summaries=False, workstreams=False
):
    """The <li> of each output of a list, the same on every page that lists outputs: its
    title, linked to the output or, failing that, to where it was announced; its kind; and
    its date, or "undated".

    heading: the level of a heading for each title (a paragraph without); anchors: an id,
    output-<slug>; publishers: names its publishers; summaries: its summary beneath;
    workstreams, for the list of every workstream's outputs: names its workstreams, and
    where it was announced when the title links to the output itself. Give the outputs with
    their public publishers and workstreams prefetched for those.

    One tag for the whole list, with the values worked out here rather than by tags in the
    template: a tag drawn once for each output made a list slower than the same markup
    written out in each page."""
    items = []
    for output in outputs:
        # Every key in every item: a name a template looks up and misses costs it far more
        # than one it finds.
        item = {
            "output": output,
            "title": _linked(output.title, output.url or output.source_url),
            "date": dated(output.date, output.date_precision),
            "publishers": "",
            "summary": output.summary if summaries else "",
            "workstreams": "",
            "workstream_count": 0,
            "announced": "",
        }
        if publishers:
            item["publishers"] = _in_words(
                filter(None, map(organisation_link, output.publishers.all()))
            )
        if workstreams:
            named = list(output.workstreams.all())
            item["workstreams"] = _in_words(
                _linked(workstream.name, workstream.get_absolute_url()) for workstream in named
            )
            item["workstream_count"] = len(named)
            if output.url and output.source_url:
                item["announced"] = output.source_url
        items.append(item)
    return {"items": items, "heading": heading, "anchors": anchors}


@register.inclusion_tag("includes/milestone_items.html")
def milestone_items(
    milestones,
    *,
    heading=None,
    anchors=False,
    links=False,
    workstreams=False,
    details=False,
    initiatives_here=None,
    connections=False,
    changes=False,
):
    """The <li> of each milestone of a list, the same on every page that lists milestones:
    its date at its precision, its title and its kind.

    heading: the level of a heading for each title (a paragraph without); anchors: an id,
    milestone-<slug>, the place its address points at on its workstream's page or the
    timeline; links: the title links to that address; workstreams: names its workstream
    (linked, unless the title links to its page already) or the whole programme; details:
    its place and description; initiatives_here: the keys of the initiatives further up
    the same page (a workstream's), to name its initiative where public, linked to it there
    if it is among them; connections: lists beneath it its
    initiative, output and awards where public; changes: a table beneath it of the public
    changes of its status and rating (when, from, to and why).

    Give the milestones with what is asked joined: the workstream for links and
    workstreams; the initiative and its workstream (which its is_public reads) for
    initiatives_here and connections; the output and the public awards, prefetched, for
    connections; the list of its public status changes as public_status_changes, for
    changes.

    One tag for the whole list, with the values worked out here, as in output_items()."""
    items = []
    workstream_urls = {}  # by workstream: many milestones share one, and reverse() is dear
    for milestone in milestones:
        # Every key in every item, as in output_items().
        item = {
            "milestone": milestone,
            "date": dated(milestone.date, milestone.date_precision),
            "title": _linked(milestone.title, milestone.get_absolute_url() if links else ""),
            "workstream": "",
            "place": milestone.place if details else "",
            "description": milestone.description if details else "",
            "initiative_here": None,
            "initiative": None,
            "output": "",
            "awards": (),
            "changes": [
                {
                    "when": dated(timezone.localtime(change.changed_at).date()),
                    "from": change.from_display,
                    "to": change.to_display,
                    "why": change.reason,
                }
                for change in milestone.public_status_changes
            ]
            if changes
            else (),
        }
        if workstreams:
            shown = milestone.workstream
            if shown is None:
                item["workstream"] = "Whole programme"
            elif links:
                # The title leads to the workstream's page already: one link is enough.
                item["workstream"] = conditional_escape(shown.name)
            else:
                if shown.pk not in workstream_urls:
                    workstream_urls[shown.pk] = shown.get_absolute_url()
                item["workstream"] = _linked(shown.name, workstream_urls[shown.pk])
        if (initiatives_here is not None or connections) and milestone.initiative_id:
            initiative = milestone.initiative
            if initiative.is_public:
                if initiatives_here is None:
                    item["initiative"] = initiative
                else:
                    here = initiative.pk in initiatives_here
                    item["initiative_here"] = _linked(
                        initiative.name, f"#initiative-{initiative.slug}" if here else ""
                    )
        if connections:
            output = milestone.output if milestone.output_id else None
            if output is not None and output.is_public:
                item["output"] = _linked(output.title, output.url or output.source_url)
            item["awards"] = milestone.awards.all()
        items.append(item)
    return {"items": items, "heading": heading, "anchors": anchors}
