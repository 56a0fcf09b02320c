"""The counts beside the explorer's choices: for each funder, recipient, programme,
workstream, recipient's nation or region and status, how many awards match it and the rest
of the filter ("Innovate UK (42)").

A facet's counts leave its own part of the filter out (what is chosen or left out of that
facet), as faceted search usually does where several choices of one facet find any of them:
with one funder chosen, the other funders still say how many awards choosing them too would
add. Facets whose own part of the filter is empty count the same awards, and are added up
together in one pass over them (GROUPING SETS); workstreams, several to an award, have a
query of their own. So counting costs two queries, and one more for each other facet the
address chooses from or leaves out, however many awards and choices there are; and the
counts are kept like the explorer's figures until the record changes.
"""

from collections import defaultdict

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Count, F, When

from funding.filter_fields import UNKNOWN_REGION
from funding.models import Award
from mmip import pagecache

# Each facet's parameters, which its own counts leave out of the filter.
PARAMETERS = {
    "funder": ("funder", "funder_not"),
    "recipient": ("recipient", "recipient_not"),
    "programme": ("programme", "programme_not"),
    "workstream": ("workstream", "workstream_not"),
    "region": ("region", "region_not"),
    "status": ("status",),
}
# What an award is counted under, for the facets counted together: its funder's, recipient's
# or programme's id, its recipient's nation or region, its status.
COLUMNS = {
    "funder": F("funder"),
    "recipient": F("recipient"),
    "programme": F("programme"),
    "region": F("recipient__nation_region"),
    "status": F("status"),
}

Counts = dict[str, dict]  # {facet: {id or value: number of awards}}


def facet_counts(filterset, listed: dict[str, list[int] | None]) -> Counts:
    """{facet: {choice: count}}: the count of each choice with an award (ids for funders,
    recipients, programmes and workstreams; values for regions, "unknown" for a recipient
    with none recorded, and statuses). A choice missing has no award. ``listed`` names, for
    a facet whose drop-down is cut short (thousands of recipients), the ids it lists: only
    those are counted, as counting thousands no one sees would cost as much again."""
    awards = {facet: filterset.without(*names) for facet, names in PARAMETERS.items()}
    return pagecache.remembered(
        "explorer-facet-counts",
        (
            sorted((facet, _sql(queryset)) for facet, queryset in awards.items()),
            sorted(listed.items()),
        ),
        lambda: _count(awards, listed),
        seconds=settings.RECORD_FIGURES_CACHE_SECONDS,
    )


def _sql(queryset):
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter Django knows matches nothing
        return None


def _count(awards: dict, listed: dict[str, list[int] | None]) -> Counts:
    counts = {facet: {} for facet in PARAMETERS}
    together = defaultdict(list)  # the facets that count the same awards
    for facet in COLUMNS:
        sql = _sql(awards[facet])
        if sql is not None and listed.get(facet) != []:
            together[sql].append(facet)
    for facets in together.values():
        counts.update(_grouped(awards[facets[0]], facets, listed))
    if _sql(awards["workstream"]) is not None:
        tagged = Award.workstreams.through.objects.filter(
            award__in=awards["workstream"].values("pk")
        )
        counts["workstream"] = dict(
            tagged.values("workstream")
            .annotate(count=Count("*"))
            .values_list("workstream", "count")
        )
    return counts


def _grouped(awards, facets: list[str], listed: dict[str, list[int] | None]) -> Counts:
    """The counts of several facets of the same awards, in one query. Django cannot group by
    sets, hence the SQL around the ORM's own query of the awards; GROUPING() says which
    facet each row counts. A facet counted only for the choices listed groups the rest
    under one empty value, which is not kept."""
    columns = {}
    for facet in facets:
        column = COLUMNS[facet]
        if listed.get(facet) is not None:
            column = Case(When(**{f"{column.name}__in": listed[facet]}, then=column))
        columns[f"facet_{facet}"] = column
    inner, params = awards.values(**columns).query.sql_with_params()
    quoted = [f'awards."{column}"' for column in columns]
    sql = (
        f"SELECT {', '.join(f'GROUPING({name})' for name in quoted)}, {', '.join(quoted)}, "
        f"COUNT(*) FROM ({inner}) awards "
        f"GROUP BY GROUPING SETS ({', '.join(f'({name})' for name in quoted)})"
    )
    counts = {facet: {} for facet in facets}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            flags, values, count = row[: len(facets)], row[len(facets) : -1], row[-1]
            index = flags.index(0)  # the one column this row is grouped by
            value = values[index]
            if facets[index] == "region":
                value = value or UNKNOWN_REGION
            if value is not None:  # an award without a programme, or one not listed
                counts[facets[index]][value] = count
    return counts
