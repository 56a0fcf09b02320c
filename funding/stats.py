"""Totals of any set of awards, for the explorer's figures, charts and summary tables.

Each function costs one query however many awards there are, so the explorer can show the
totals of a filter over 100,000 awards as cheaply as over three. Pass any award queryset,
usually ``AwardFilterSet(...).qs``; none of them looks at publication, so the caller decides
(the FilterSet already keeps to public awards).
"""

from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DecimalField,
    FloatField,
    Max,
    Min,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear

from funding.filters import organisations_in_role
from funding.models import Award
from funding.region_map import RegionTotal, by_region
from mmip import pagecache
from mmip.models import Organisation

_MONEY = DecimalField(max_digits=16, decimal_places=2)


class Median(Aggregate):
    """PostgreSQL's continuous median. It works in double precision, exact to the penny for
    any amount an award can hold (14 digits); callers cast it back to money."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _money(expression):
    return Cast(expression, output_field=_MONEY)


class Summary(NamedTuple):
    count: int
    total: Decimal
    smallest: Decimal | None
    largest: Decimal | None
    median: Decimal | None


class YearTotal(NamedTuple):
    year: int
    count: int
    total: Decimal


class FunderTotal(NamedTuple):
    slug: str
    name: str
    count: int
    total: Decimal


def summary(awards) -> Summary:
    """Number of awards, total, smallest, largest and median. An empty set totals £0 and has
    no smallest, largest or median (None)."""
    figures = awards.order_by().aggregate(
        # COUNT(*), not of the id: the explorer's figures index does not hold the id, and
        # reading it would turn an index-only scan into a pass over the table.
        count=Count("*"),
        total=Coalesce(Sum("amount"), Value(Decimal("0")), output_field=_MONEY),
        smallest=Min("amount"),
        largest=Max("amount"),
        median=_money(Median("amount")),
    )
    return Summary(**figures)


def by_year(awards) -> list[YearTotal]:
    """(year, count, total) for every year from the first award to the last, in order. Years
    with no awards are there with zeros, so a chart's bars sit at honest intervals."""
    rows = (
        awards.annotate(year=ExtractYear("award_date"))
        .totals_by("year")
        .values_list("year", "count", "total")
    )
    found = {year: YearTotal(year, count, total) for year, count, total in rows}
    if not found:
        return []
    return [
        found.get(year, YearTotal(year, 0, Decimal("0")))
        for year in range(min(found), max(found) + 1)
    ]


def by_funder(awards) -> list[FunderTotal]:
    """(funder slug, name, count, total) for each funder in the set, largest total first.
    The awards are grouped by funder id on their own (an index-only scan at scale) and the
    few funders named after: grouping every award joined to its funder costs several times
    as much."""
    rows = list(awards.totals_by("funder").values_list("funder", "count", "total"))
    funders = Organisation.objects.filter(pk__in=[funder for funder, _, _ in rows])
    names = {pk: (slug, name) for pk, slug, name in funders.values_list("pk", "slug", "name")}
    totals = [FunderTotal(*names[funder], count, total) for funder, count, total in rows]
    return sorted(totals, key=lambda row: (-row.total, row.name))


class Figures(NamedTuple):
    summary: Summary
    years: list[YearTotal]
    funders: list[FunderTotal]
    regions: dict[str, RegionTotal]


def figures(awards) -> Figures:
    """summary(), by_year(), by_funder() and region_map.by_region() of a set of awards,
    remembered in the shared cache until the record changes. At 100,000 awards each takes
    tens of milliseconds, and paging or re-sorting a filter asks for the same figures again.
    The key is the set's own SQL (ordering left out, as it changes no total) under the record
    generation, so two addresses that choose the same awards share figures and any write
    starts afresh."""
    try:
        sql, params = awards.order_by().query.sql_with_params()
    except EmptyResultSet:  # a filter Django knows matches nothing: no query to remember
        return _compute_figures(awards)
    return pagecache.remembered(
        "award-figures",
        # Figures' fields too: figures of another shape, kept by another version, are not these.
        (Figures._fields, sql, params),
        lambda: _compute_figures(awards),
        seconds=settings.RECORD_FIGURES_CACHE_SECONDS,
    )


def _compute_figures(awards) -> Figures:
    totals = summary(awards)
    if not totals.count:
        return Figures(totals, [], [], {})
    return Figures(totals, by_year(awards), by_funder(awards), by_region(awards))


ROLES = ("funder", "recipient")


def organisation_summary(role: str) -> "OrganisationSummary":
    """Public organisations in one role ("funder" or "recipient") with the figures of their
    public awards in that role, largest total first, then by name. Each organisation
    carries ``award_count``, ``award_total``, ``award_average`` (to the penny),
    ``award_largest`` and ``award_smallest``. Organisations with no public award in the
    role are left out, as the explorer offers no filter for them."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {list(ROLES)}, not {role!r}")
    return OrganisationSummary(role)


class OrganisationSummary:
    """The summary, read a page at a time: it slices like a queryset, so a Paginator can page
    through it, and each slice (or a whole iteration) is one query.

    The awards are added up per organisation id first and the organisations joined to those
    few rows after: adding up every award joined to its organisation cost several times as
    much at 100,000 awards. Django's ORM cannot join a grouped subquery, hence the SQL."""

    def __init__(self, role: str):
        self.role = role

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, window: slice) -> list[Organisation]:
        if not isinstance(window, slice) or window.step is not None:
            raise TypeError("The summary is read in slices, such as summary[50:100].")
        offset = window.start or 0
        limit = None if window.stop is None else max(0, window.stop - offset)
        sql, params = self._sql()
        return list(Organisation.objects.raw(sql, [*params, limit, offset]))

    def count(self) -> int:
        # The same organisations as the explorer offers for the role, counted without adding up.
        return organisations_in_role(self.role).count()

    def _sql(self) -> tuple[str, tuple]:
        """The statement, less LIMIT and OFFSET's values, and its parameters. Its two inner
        queries are the ORM's, from public(), so the tables keep to the rule every page does."""
        figures = (
            Award.objects.public()
            .totals_by(self.role)
            .annotate(
                award_average=_money(Avg("amount")),
                award_largest=Max("amount"),
                award_smallest=Min("amount"),
            )
        )
        figures_sql, figures_params = figures.query.sql_with_params()
        public_sql, public_params = (
            Organisation.objects.public().order_by().values("pk").query.sql_with_params()
        )
        organisations = Organisation._meta.db_table
        sql = f"""
            SELECT o.*, g."count" AS award_count, g.total AS award_total, g.award_average,
                   g.award_largest, g.award_smallest
            FROM ({figures_sql}) g
            JOIN "{organisations}" o ON o.id = g.{self.role}
            WHERE o.id IN ({public_sql})
            ORDER BY g.total DESC, o.name, o.id
            LIMIT %s OFFSET %s
        """
        return sql, (*figures_params, *public_params)
