"""The funding explorer: every published award, filtered, sorted, totalled and charted.

The explorer and its downloads (funding/downloads.py) read the same query string through the
same filter (funding.filters.AwardFilterSet), so a download holds exactly the awards the page
lists, in the page's order. A part of the filter that makes no sense is left out, with a
message on the page.
"""

import re

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from funding import stats
from funding.filters import AwardFilterSet
from mmip import pagecache
from mmip.breadcrumbs import trail
from mmip.charts import bar_chart
from mmip.formatting import money
from mmip.paging import page_of, page_size
from mmip.widgets import QuickSelectMixin

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
# Parameters that choose a page of the list, not which awards are in it.
PAGE_PARAMETERS = ("page", "per_page")
# A filter's drop-down lists every choice up to this many; past it (thousands of recipients
# at scale) only the chosen ones, as a longer list is too heavy to send and too long to use.
CHOICES_LISTED = 200
FUNDERS_CHARTED = 10
DENSE_CHART_YEARS = 10  # more columns than this and the chart shows fewer labels (funding.css)
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")

# The explorer's sortable columns: the sort a first click gives, then the reverse.
SORTABLE_COLUMNS = {"title": ("title", "-title"), "date": ("-date", "date"), "amount": ("-amount", "amount")}  # fmt: skip
DEFAULT_SORT = "-date"
SORT_LABELS = dict(AwardFilterSet.base_filters["sort"].extra["choices"])


def explorer_url(**params) -> str:
    """The explorer filtered by params, e.g. explorer_url(funder="innovate-uk")."""
    return f"{reverse('funding-explorer')}?{urlencode(params)}"


# ---------- Reading the filter from the address ----------


class OneOrSeveral(QuickSelectMixin, forms.SelectMultiple):
    """A drop-down of one choice, as most people want; a list box when the address already
    chooses several (?funder=a&funder=b), so none is dropped when the form is sent again."""

    def get_context(self, name, value, attrs):
        self.allow_multiple_selected = len(value or []) > 1
        return super().get_context(name, value, attrs)


# (field, what the choices are, the page that lists them all, order of the drop-down)
CHOICE_FIELDS = (
    ("funder", "funders", "funder-list", ("name",)),
    ("recipient", "recipients", "recipient-list", ("name",)),
    ("programme", "programmes", "funding-programme-list", ("name",)),
    ("workstream", "workstreams", "workstream-list", ("display_order", "name")),
)


def award_filter(data) -> AwardFilterSet:
    """The explorer's filter, bound to a query string; the downloads read it the same way.
    Only how the form reads and shows values changes here: what they mean is the filter's."""
    filterset = AwardFilterSet(data)
    fields = filterset.form.fields
    for name, *_ in CHOICE_FIELDS:
        fields[name].widget = OneOrSeveral()
    fields["status"].widget = forms.CheckboxSelectMultiple(choices=fields["status"].choices)
    # Text boxes, not number boxes, so "£50,000" can be typed as the filter reads it.
    for name in ("year_from", "year_to"):
        fields[name].widget = forms.TextInput(attrs={"inputmode": "numeric", "size": 6})
    for name in ("amount_min", "amount_max"):
        fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 12})
    return filterset


def listed_choices(queryset, ordering, chosen: list[str]) -> tuple[list[tuple[str, str]], bool]:
    """(slug, name) pairs for a drop-down in its order, and whether there were too many to
    list, in which case only the chosen ones come back. One query: the first rows in order
    (found by an index, not by ranking every row) together with the chosen ones. More rows
    than can be listed means the list was cut short; fewer means the first rows were all
    of them, the chosen ones included."""
    first = queryset.order_by(*ordering).values("pk")[: CHOICES_LISTED + 1]
    rows = list(
        queryset.filter(Q(pk__in=first) | Q(slug__in=chosen))
        .order_by(*ordering)
        .values_list("slug", "name")
    )
    too_many = len(rows) > CHOICES_LISTED
    return [row for row in rows if row[0] in chosen] if too_many else rows, too_many


def _choice_fields(filterset: AwardFilterSet, data) -> list[dict]:
    """The four drop-downs. Past CHOICES_LISTED a drop-down offers only what the address
    chooses, with a pointer to the page that lists them all. Their choices are the same for
    every visitor who chooses the same values, so all four are made together (a query each)
    and kept until the record changes."""
    chosen = {
        name: [value for value in data.getlist(name) if SLUG.fullmatch(value)]
        for name, *_ in CHOICE_FIELDS
    }
    fields = filterset.form.fields
    lists = pagecache.remembered(
        "explorer-choices",
        sorted(chosen.items()),
        lambda: {
            name: listed_choices(fields[name].queryset, ordering, chosen[name])
            for name, _, _, ordering in CHOICE_FIELDS
        },
        seconds=settings.RECORD_FIGURES_CACHE_SECONDS,
    )
    choice_fields = []
    for name, things, list_page, _ in CHOICE_FIELDS:
        choices, too_many = lists[name]
        fields[name].widget.choices = [("", f"Any {things[:-1]}"), *choices]
        choice_fields.append(
            {
                "field": filterset.form[name],
                "things": things,
                "too_many": too_many,
                "list_url": reverse(list_page),
            }
        )
    return choice_fields


def download_query(data) -> str:
    """The query string of the downloads: the filter and sort as the address gives them, less
    empty values and the page, as a download holds every page."""
    query = QueryDict(mutable=True)
    for key, values in data.lists():
        kept = [value for value in values if value != ""]
        if key not in PAGE_PARAMETERS and kept:
            query.setlist(key, kept)
    return f"?{query.urlencode()}" if query else ""


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
    context = {
        "filter": filterset,
        "is_filtered": filterset.is_filtered,
        # With no awards at all there is one empty page, whatever page was asked for.
        "page_problems": [
            problem for problem in (size_problem, totals.count and page_problem) if problem
        ],
        "choice_fields": _choice_fields(filterset, data),
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
        "download_query": download_query(data),
        "breadcrumbs": trail(("Funding", None)),
    }
    return render(request, "funding/explorer.html", context)
