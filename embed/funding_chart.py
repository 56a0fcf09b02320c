"""The funding explorer's chart for a filter, as a widget: the explorer's own filter, figures
and charts (funding.filters, funding.stats, funding.explorer), and what a chart seen on
another site needs besides: which of the two charts, and which awards it adds up, in words."""

from django.http import QueryDict
from django.urls import reverse

from funding import stats
from funding.explorer import DENSE_CHART_YEARS, download_query, funder_chart, year_chart
from funding.filters import AwardFilterSet
from funding.models import Award
from mmip.filtering import shown
from mmip.formatting import money

# The explorer's two charts, by the value of the widget's `chart` parameter.
CHARTS = {"year": "by year", "funder": "by funder"}
DEFAULT_CHART = "year"
# The parameters that choose awards: the explorer's filter, less its order, which changes no
# figure. Anything else in an address (a page, a page size) is left out of a widget's.
FILTER_PARAMETERS = tuple(name for name in AwardFilterSet.base_filters if name != "sort")
NAMED_AT_MOST = 3  # choices named in words; past this many, only how many
# Choices of records named in words: (filter, the word before their names, their plural).
NAMED = (("funder", "from", "funders"), ("recipient", "to", "recipients"), ("programme", "in", "programmes"))  # fmt: skip
# A range in words: how its ends are written, and the words for one end, the other, or both
# the same ("from 2018", "up to 2021", "in 2018").
YEARS = (str, "from", "up to", "in")
AMOUNTS = (money, "at least", "at most", "exactly")


def chart_choice(value: str | None) -> tuple[str, str | None]:
    """The chart asked for, or the default with a message saying why."""
    if not value:
        return DEFAULT_CHART, None
    if value in CHARTS:
        return value, None
    return DEFAULT_CHART, (
        f"There is no chart “{shown(value)}”, so the chart by year is shown. "
        "Choose “year” or “funder”."
    )


def filter_query(data: QueryDict, *, leave_out=()) -> str:
    """The query string of the filter in data ("?funder=innovate-uk", or "" for every award):
    the explorer's filter parameters only, less empty values and those named in leave_out."""
    chosen = QueryDict(mutable=True)
    for name in FILTER_PARAMETERS:
        if name in data and name not in leave_out:
            chosen.setlist(name, data.getlist(name))
    return download_query(chosen)


def chart_url(query: str, chart: str) -> str:
    """The widget's address for a filter's query string (filter_query()) and a chart."""
    params = QueryDict(query.removeprefix("?"), mutable=True)
    if chart != DEFAULT_CHART:
        params["chart"] = chart
    encoded = params.urlencode()
    return reverse("embed-funding-chart") + (f"?{encoded}" if encoded else "")


def funding_chart(data: QueryDict) -> dict:
    """What the chart widget shows for an address's query: the filter (with its messages),
    the awards it chooses in words, their summary and the chart asked for (None when no
    award matches), and the explorer's address for the same awards."""
    # Only the filter's own parameters: a sort changes no figure, so says nothing here.
    filterset = AwardFilterSet(QueryDict(filter_query(data).removeprefix("?")))
    chart, chart_problem = chart_choice(data.get("chart"))
    figures = stats.figures(filterset.qs)
    summary, years, funders = figures.summary, figures.years, figures.funders
    if chart == "year":
        drawn = year_chart(years) if years else None
    else:
        drawn = funder_chart(funders) if funders else None
    return {
        "messages": [*filterset.messages, *([chart_problem] if chart_problem else [])],
        "chart_name": chart,
        "chart": drawn,
        "dense": chart == "year" and len(years) > DENSE_CHART_YEARS,
        "summary": summary,
        "awards_in_words": awards_in_words(filterset),
        # The explorer's address for the same awards: the parts of the filter used.
        "explorer_url": reverse("funding-explorer")
        + filter_query(filterset.data, leave_out=filterset.left_out),
    }


def chart_title(chart: str, awards: str) -> str:
    """A chart widget's title: "Amount awarded by year: awards from Innovate UK"."""
    return f"Amount awarded {CHARTS[chart]}: {awards[0].lower()}{awards[1:]}"


def awards_in_words(filterset: AwardFilterSet) -> str:
    """The awards a filter chooses, in words, from the parts of it that could be used:
    "Every published award", or "Awards from Innovate UK to Cell and Gene Therapy Catapult,
    awarded 2018 to 2021, matching “skills”". A part of the filter this does not know (one
    the explorer gains later) is named by its label, so no part is ever left unsaid."""
    form = filterset.form
    form.is_valid()
    chosen = {
        name: value
        for name, value in form.cleaned_data.items()
        if name != "sort" and value not in (None, "") and not _empty_list(value)
    }
    parts = []
    for name, before, plural in NAMED:
        if name in chosen:
            parts.append(f"{before} {_names(chosen.pop(name), plural)}")
    if "workstream" in chosen:
        workstreams = list(chosen.pop("workstream"))
        if len(workstreams) > NAMED_AT_MOST:
            parts.append(f"for {len(workstreams)} workstreams")
        else:
            plural = "s" if len(workstreams) > 1 else ""
            parts.append(f"for the {_names(workstreams, '')} workstream{plural}")
    if years := _range(chosen.pop("year_from", None), chosen.pop("year_to", None), *YEARS):
        parts.append(f"awarded {years}")
    if amounts := _range(chosen.pop("amount_min", None), chosen.pop("amount_max", None), *AMOUNTS):
        parts.append(f"of {amounts}")
    if "status" in chosen:
        parts.append(
            " or ".join(Award.Status(value).label.lower() for value in chosen.pop("status"))
        )
    if "q" in chosen:
        parts.append(f"matching “{shown(chosen.pop('q'))}”")
    for name, value in chosen.items():
        parts.append(f"{form.fields[name].label.lower()}: {_value_in_words(value)}")
    return "Awards " + ", ".join(parts) if parts else "Every published award"


def _empty_list(value) -> bool:
    # A multiple choice with nothing chosen is an empty list, or an empty queryset (whose
    # rows the filter reads anyway, so asking costs no query of its own).
    return (isinstance(value, list | tuple) or hasattr(value, "model")) and not value


def _names(records, plural: str) -> str:
    records = list(records)
    if len(records) > NAMED_AT_MOST:
        return f"{len(records)} {plural}"
    return " or ".join(shown(record.name, limit=80) for record in records)


def _range(low, high, written, lowest: str, highest: str, only: str) -> str:
    """ "2018 to 2021", "in 2018", "from 2018", "up to 2021", or "" for no range."""
    if low is not None and high is not None:
        return f"{only} {written(low)}" if low == high else f"{written(low)} to {written(high)}"
    if low is not None:
        return f"{lowest} {written(low)}"
    if high is not None:
        return f"{highest} {written(high)}"
    return ""


def _value_in_words(value) -> str:
    if isinstance(value, list | tuple) or hasattr(value, "model"):
        return " or ".join(shown(getattr(item, "name", item)) for item in value)
    return shown(value)
