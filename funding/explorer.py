"""The funding explorer: every published award, filtered, sorted, totalled and charted.

The explorer and its downloads (funding/downloads.py) read the same query string through the
same filter (funding.filters.AwardFilterSet), so a download holds exactly the awards the page
lists, in the page's order. A part of the filter that makes no sense is left out, with a
message on the page.
"""

from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from funding import stats
from funding.explorer_form import award_filter, facet_fields, leaves_out
from funding.filters import AwardFilterSet
from mmip.breadcrumbs import trail
from mmip.charts import bar_chart
from mmip.formatting import money
from mmip.paging import page_of, page_size
from mmip.regions import NationRegion

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
# Parameters that choose a page of the list, not which awards are in it.
PAGE_PARAMETERS = ("page", "per_page")
FUNDERS_CHARTED = 10
DENSE_CHART_YEARS = 10  # more columns than this and the chart shows fewer labels (funding.css)

# The explorer's sortable columns: the sort a first click gives, then the reverse.
SORTABLE_COLUMNS = {"title": ("title", "-title"), "date": ("-date", "date"), "amount": ("-amount", "amount")}  # fmt: skip
DEFAULT_SORT = "-date"
SORT_LABELS = dict(AwardFilterSet.base_filters["sort"].extra["choices"])


def explorer_url(**params) -> str:
    """The explorer filtered by params, e.g. explorer_url(funder="innovate-uk")."""
    return f"{reverse('funding-explorer')}?{urlencode(params)}"


def kept_query(data, left_out=()) -> QueryDict:
    """The filter and sort as the address gives them, less empty values, the page (a
    download holds every page; a new sort or filter starts at the first) and the parts the
    filter ``left_out``: a link does not carry on what could not be used (10,000 letters of
    search, say) when the page says it was left out."""
    query = QueryDict(mutable=True)
    for key, values in data.lists():
        kept = [value for value in values if value != ""]
        if key not in PAGE_PARAMETERS and key not in left_out and kept:
            query.setlist(key, kept)
    return query


def download_query(data, left_out=()) -> str:
    """The query string of the downloads: kept_query()."""
    query = kept_query(data, left_out)
    return f"?{query.urlencode()}" if query else ""


def region_links(query: QueryDict) -> dict[str, str]:
    """For the map, each nation or region's explorer address: the filter with that region
    chosen in place of any region chosen or left out."""
    links = {}
    for region in NationRegion.values:
        linked = query.copy()
        linked.pop("region_not", None)
        linked.setlist("region", [region])
        links[region] = f"{reverse('funding-explorer')}?{linked.urlencode()}"
    return links


def _current_sort(filterset: AwardFilterSet) -> str:
    return (filterset.form.cleaned_data.get("sort") or [DEFAULT_SORT])[0]


def _sort_headers(current: str) -> dict[str, dict]:
    """For each sortable column: the sort its heading links to and, for the column the
    awards are sorted by, its aria-sort."""
    headers = {}
    for column, (first, second) in SORTABLE_COLUMNS.items():
        target = second if current == first else first
        direction = None
        if current in (first, second):
            direction = "descending" if current.startswith("-") else "ascending"
        headers[column] = {"sort": target, "label": SORT_LABELS[target], "aria_sort": direction}
    return headers


def year_chart(years: list[stats.YearTotal]):
    first, last = years[0].year, years[-1].year
    span = str(first) if first == last else f"{first} to {last}"
    return bar_chart(
        [(str(row.year), row.total, money(row.total, short=True)) for row in years],
        title="Amount awarded by year",
        description=f"One column for each year from {span}, as tall as the amount awarded that year; a year without awards shows £0.",
        label_heading="Year",
        value_heading="Amount awarded",
        horizontal=False,
    )


def funder_chart(totals: list[stats.FunderTotal]):
    """The largest funders, and the rest together in one bar, so the bars still add up to
    the total of the selection however many funders there are."""
    rows = [(row.name, row.total, money(row.total)) for row in totals[:FUNDERS_CHARTED]]
    rest = totals[FUNDERS_CHARTED:]
    if rest:
        total = sum(row.total for row in rest)
        rows.append((f"{len(rest)} other funders", total, money(total)))
    return bar_chart(
        rows,
        title="Amount awarded by funder",
        description="One bar for each funder, largest first, as long as the amount it awarded.",
        label_heading="Funder",
        value_heading="Amount awarded",
        horizontal=True,
    )


@require_safe
def explorer(request):
    data = request.GET
    filterset = award_filter(data)
    awards = filterset.qs
    totals, years, by_funder, by_region = stats.figures(awards)
    per_page, size_problem = page_size(
        data.get("per_page"), sizes=PAGE_SIZES, default=DEFAULT_PAGE_SIZE, things="awards"
    )
    paginator = Paginator(awards, per_page)
    paginator.count = totals.count  # counted by the summary already: no second COUNT
    page, page_problem = page_of(paginator, data.get("page"), things="awards")
    sort = _current_sort(filterset)
    query = kept_query(data, filterset.left_out)
    context = {
        "filter": filterset,
        "is_filtered": filterset.is_filtered,
        # With no awards at all there is one empty page, whatever page was asked for.
        "page_problems": [
            problem for problem in (size_problem, totals.count and page_problem) if problem
        ],
        "choice_fields": facet_fields(filterset, data),
        "leaves_out": leaves_out(data),
        "totals": totals,
        "page_obj": page,
        "paginator": paginator,
        "awards": page.object_list,
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "sort_headers": _sort_headers(sort),
        "sort_label": SORT_LABELS[sort],
        "year_chart": year_chart(years) if years else None,
        "dense_year_chart": len(years) > DENSE_CHART_YEARS,
        "funder_chart": funder_chart(by_funder) if by_funder else None,
        "by_region": by_region,
        "region_links": region_links(query),
        "query": query,
        "download_query": f"?{query.urlencode()}" if query else "",
        "breadcrumbs": trail(("Funding", None)),
    }
    return render(request, "funding/explorer.html", context)
