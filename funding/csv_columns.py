"""The columns a visitor chooses for /funding/awards.csv (GrantNav's users asked for this:
#1067, #544).

The address names them by key, ``?columns=identifier&columns=title&columns=amount``
(repeated, or separated by commas). The rows are what the explorer lists for the same
filter, in its order, as in the whole file; the columns always come in the file's own
order (CSV_COLUMNS), whatever order they were named or ticked in, each once. No column, or
only empty values, means every column: the file as it is without the parameter. A key that
is not a column is refused with a page that names it and lists the keys (the view in
funding/downloads.py): a file quietly missing a column asked for would look complete.

The keys are public and stable: they are in the addresses people save and in the
documentation (/about/data/ lists them from COLUMNS). Most are the JSON download's keys.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse

from funding.explorer import download_query
from mmip.breadcrumbs import trail
from mmip.filtering import shown

PARAMETER = "columns"
# A visitor's unknown values named back at most this many (the rest are counted), so a
# query string of thousands of them does not become a page of thousands.
UNKNOWN_NAMED = 5


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # in the CSV's header: funding.exports.CSV_COLUMNS
    holds: str  # what /about/data/ says the column holds


# In the CSV's order, which is the order of the columns of every download that chooses some.
COLUMNS = (
    Column("identifier", "Identifier", "The award's stable identifier, 360G-MMIP-… or the funder's own"),
    Column("title", "Title", "The award's title"),
    Column("description", "Description", "What the money is for"),
    Column("currency", "Currency", "GBP: every amount is in pounds sterling"),
    Column("amount", "Amount Awarded", "Pounds and pence, such as 1500000.00"),
    Column("award_date", "Award Date", "The first day of the year, month or day the award was made"),
    Column("funder_identifier", "Funding Org:Identifier", "The funder's org-id where the record has one, else 360G-MMIP-ORG- and the end of its page's address"),
    Column("funder_name", "Funding Org:Name", "The funder's name"),
    Column("recipient_identifier", "Recipient Org:Identifier", "The recipient's org-id where the record has one, else 360G-MMIP-ORG- and the end of its page's address"),
    Column("recipient_name", "Recipient Org:Name", "The recipient's name"),
    Column("programme", "Grant Programme:Title", "The funding programme, if any"),
    Column("planned_start", "Planned Dates:Start Date", "When the work was planned to start, if known"),
    Column("planned_end", "Planned Dates:End Date", "When the work was planned to end, if known"),
    Column("award_date_precision", "Award Date Precision", "Whether the source gave the award date as a year, a month or a day"),
    Column("routed_through_identifier", "Routed Through:Identifier", "The identifier of the body the money passed through on its way, if any"),
    Column("routed_through_name", "Routed Through:Name", "The name of the body the money passed through, if any"),
    Column("workstreams", "Workstreams", "The workstreams, each as the end of its page's address (such as skills), separated by semicolons"),
    Column("follow_on_of", "Follow On Of", "The identifier of the earlier award this one follows on from"),
    Column("status", "Status", "awarded, active, closed or withdrawn"),
    Column("source_url", "Source URL", "The source staff entered the award from, if any"),
    Column("origin", "Origin", "Imported from a funder's 360Giving data (named), or entered here"),
    Column("data_source", "Data Source", "The address of that data, or of the source it was entered from"),
)  # fmt: skip
BY_KEY = {column.key: column for column in COLUMNS}


@dataclass(frozen=True)
class ColumnChoice:
    """The columns an address asks for. ``keys`` are the known ones in the CSV's order, each
    once (none: every column); ``unknown`` the values that are not keys, as given."""

    keys: tuple[str, ...]
    unknown: tuple[str, ...]

    @property
    def titles(self) -> list[str]:
        return [BY_KEY[key].title for key in self.keys]


def chosen_columns(data: QueryDict) -> ColumnChoice:
    values = [part.strip() for value in data.getlist(PARAMETER) for part in value.split(",")]
    values = [value for value in values if value]
    asked = set(values)
    return ColumnChoice(
        keys=tuple(column.key for column in COLUMNS if column.key in asked),
        unknown=tuple(dict.fromkeys(value for value in values if value not in BY_KEY)),
    )


def chooser(query: str, left_out: Iterable[str] = ()) -> dict:
    """What the chooser's form needs, from the explorer's download query ("?funder=a&…"):
    the filter and sort as hidden fields, less the columns and the parameters the filter
    left out (which the download would leave out too: a 10,000-character search need not
    travel again), and each column with whether the address already ticks it (it does when
    a visitor comes back from a refused choice)."""
    data = QueryDict(query.removeprefix("?"))
    skipped = {PARAMETER, *left_out}
    ticked = set(chosen_columns(data).keys)
    return {
        "action": reverse("award-download-csv"),
        "hidden": [
            (name, value)
            for name, values in data.lists()
            if name not in skipped
            for value in values
        ],
        "columns": [(column, column.key in ticked) for column in COLUMNS],
        "any_ticked": bool(ticked),
    }


def refused(request, choice: ColumnChoice):
    """A 400 page for an address that names columns the CSV does not have: which ones, the
    keys it does have, and the way back to the explorer with the filter and the good
    choices kept, or to the whole file."""
    filter_only = request.GET.copy()
    filter_only.pop(PARAMETER, None)
    kept = filter_only.copy()
    if choice.keys:
        kept.setlist(PARAMETER, list(choice.keys))
    named = [shown(value) for value in choice.unknown[:UNKNOWN_NAMED]]
    return render(
        request,
        "funding/csv_columns_refused.html",
        {
            "named": named,
            "more": len(choice.unknown) - len(named),
            "explorer_url": reverse("funding-explorer") + download_query(kept) + "#csv-columns",
            "whole_file_url": reverse("award-download-csv") + download_query(filter_only),
            "breadcrumbs": trail(
                ("Funding", reverse("funding-explorer")), ("Columns not in the CSV", None)
            ),
        },
        status=400,
    )
