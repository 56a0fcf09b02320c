"""Totals of a set of awards, against numbers worked out by hand, at one query each."""

import datetime
from decimal import Decimal

import psycopg
import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from funding.filters import AwardFilterSet
from funding.models import Award
from funding.region_map import by_region
from funding.stats import (
    Figures,
    FunderTotal,
    Summary,
    YearTotal,
    by_funder,
    by_year,
    figures,
    organisation_summary,
    summary,
)
from tests.factories import AwardFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    """Four published awards over 2016-2020 (nothing in 2017 or 2019) and a draft."""
    alpha = OrganisationFactory(slug="alpha", name="Alpha Fund")
    beta = OrganisationFactory(slug="beta", name="Beta Council")
    uni = OrganisationFactory(slug="uni", name="A University")
    firm = OrganisationFactory(slug="firm", name="A Firm")
    for funder, recipient, amount, date in [
        (alpha, uni, "100.00", datetime.date(2016, 1, 1)),
        (alpha, firm, "200.50", datetime.date(2018, 5, 1)),
        (beta, uni, "300.00", datetime.date(2018, 1, 1)),
        (alpha, uni, "1000.00", datetime.date(2020, 1, 1)),
    ]:
        AwardFactory(
            funder=funder,
            recipient=recipient,
            amount=Decimal(amount),
            award_date=date,
            award_date_precision="month",
        )
    AwardFactory(funder=beta, recipient=firm, amount=Decimal("99999"), is_published=False)


def published():
    return Award.objects.published()


def test_summary_of_an_even_number_of_awards(record):
    assert summary(published()) == Summary(
        count=4,
        total=Decimal("1600.50"),
        smallest=Decimal("100.00"),
        largest=Decimal("1000.00"),
        median=Decimal("250.25"),  # halfway between 200.50 and 300.00
    )


def test_summary_of_an_odd_number_of_awards(record):
    assert summary(published().exclude(amount=1000)).median == Decimal("200.50")


def test_summary_of_nothing_is_zero_with_no_extremes(record):
    assert summary(Award.objects.none()) == Summary(0, Decimal("0"), None, None, None)
    assert summary(published().filter(amount__gt=10**6)) == Summary(
        0, Decimal("0"), None, None, None
    )


def test_summary_of_a_filtered_and_sorted_set(record):
    filterset = AwardFilterSet({"funder": ["alpha"], "sort": "-amount"})
    assert summary(filterset.qs) == Summary(
        3, Decimal("1300.50"), Decimal("100.00"), Decimal("1000.00"), Decimal("200.50")
    )


def test_by_year_fills_the_empty_years_with_zeros(record):
    assert by_year(published()) == [
        YearTotal(2016, 1, Decimal("100.00")),
        YearTotal(2017, 0, Decimal("0")),
        YearTotal(2018, 2, Decimal("500.50")),
        YearTotal(2019, 0, Decimal("0")),
        YearTotal(2020, 1, Decimal("1000.00")),
    ]
    assert by_year(Award.objects.none()) == []


def test_by_year_ignores_the_sort_order_of_a_filtered_set(record):
    filterset = AwardFilterSet({"sort": "title"})
    assert [row.count for row in by_year(filterset.qs)] == [1, 0, 2, 0, 1]


def test_by_funder_puts_the_largest_total_first(record):
    assert by_funder(published()) == [
        FunderTotal("alpha", "Alpha Fund", 3, Decimal("1300.50")),
        FunderTotal("beta", "Beta Council", 1, Decimal("300.00")),
    ]


def test_funders_table_counts_only_published_awards(record):
    rows = [
        (
            org.slug,
            org.award_count,
            org.award_total,
            org.award_average,
            org.award_largest,
            org.award_smallest,
        )
        for org in organisation_summary("funder")
    ]
    assert rows == [
        ("alpha", 3, Decimal("1300.50"), Decimal("433.50"), Decimal("1000.00"), Decimal("100.00")),
        ("beta", 1, Decimal("300.00"), Decimal("300.00"), Decimal("300.00"), Decimal("300.00")),
    ]


def test_recipients_table_leaves_out_drafts_and_organisations_with_only_draft_awards(record):
    hidden = OrganisationFactory(slug="hidden", is_published=False)
    AwardFactory(recipient=hidden, amount=Decimal("5"))
    only_drafts = OrganisationFactory(slug="only-drafts")
    AwardFactory(recipient=only_drafts, is_published=False)
    rows = [
        (org.slug, org.award_count, org.award_total) for org in organisation_summary("recipient")
    ]
    assert rows == [("uni", 3, Decimal("1400.00")), ("firm", 1, Decimal("200.50"))]


def test_an_unknown_role_is_refused():
    with pytest.raises(ValueError, match="role"):
        organisation_summary("partner")


def _make(size: int):
    funders = [OrganisationFactory() for _ in range(3)]
    for number in range(size):
        AwardFactory(
            funder=funders[number % 3],
            award_date=datetime.date(2005 + number % 20, 1, 1),
            amount=Decimal(1000 + number),
        )


@pytest.mark.parametrize("size", [3, 30])
def test_every_figure_costs_the_same_queries_for_3_awards_as_for_30(
    size, django_assert_num_queries
):
    _make(size)
    awards = AwardFilterSet({"q": "award"}).qs
    with django_assert_num_queries(1):  # count, total, smallest, largest and median together
        assert summary(awards).count == size
    with django_assert_num_queries(1):  # amounts grouped by year
        assert sum(row.count for row in by_year(awards)) == size
    with django_assert_num_queries(2):  # amounts grouped by funder id, then the funders' names
        assert len(by_funder(awards)) == 3
    for role in ("funder", "recipient"):
        with django_assert_num_queries(1):  # organisations with their award figures
            assert sum(org.award_count for org in organisation_summary(role)) == size


def test_figures_are_remembered_until_the_record_changes(record, settings):
    settings.RECORD_FIGURES_CACHE_SECONDS = 60
    awards = AwardFilterSet({}).qs
    first = figures(awards)
    assert first == Figures(summary(awards), by_year(awards), by_funder(awards), by_region(awards))
    with CaptureQueriesContext(connection) as queries:
        assert figures(AwardFilterSet({"sort": "-amount"}).qs) == first  # order changes nothing
    assert len(queries) == 2  # the record generation and the cache entry

    Award.objects.filter(amount=Decimal("1000.00")).update(amount=Decimal("2000.00"))
    changed = figures(AwardFilterSet({}).qs)
    assert changed.summary.total == Decimal("2600.50")
    assert changed.summary.largest == Decimal("2000.00")


def test_different_filters_have_their_own_figures(record, settings):
    settings.RECORD_FIGURES_CACHE_SECONDS = 60
    everyone = figures(AwardFilterSet({}).qs)
    beta = figures(AwardFilterSet(QueryDict("funder=beta")).qs)
    assert everyone.summary.count == 4
    assert beta.summary.count == 1
    assert beta.funders == [FunderTotal("beta", "Beta Council", 1, Decimal("300.00"))]


def test_figures_of_no_awards_have_no_years_funders_or_regions(record, settings):
    settings.RECORD_FIGURES_CACHE_SECONDS = 60
    none = figures(AwardFilterSet({"year_from": "2030"}).qs)
    assert none.summary.count == 0
    assert none.years == [] and none.funders == [] and none.regions == {}


@pytest.mark.django_db(transaction=True)
def test_figures_made_while_a_write_is_under_way_are_not_kept(settings):
    settings.RECORD_FIGURES_CACHE_SECONDS = 60
    AwardFactory(amount=Decimal("100.00"))
    table = Award._meta.db_table
    with psycopg.connect(**connection.get_connection_params()) as writer:
        writer.execute(f"UPDATE {table} SET amount = 200")
        # The generation has moved, but the write is not yet there to be added up.
        assert figures(AwardFilterSet({}).qs).summary.total == Decimal("100.00")
        writer.commit()
    assert figures(AwardFilterSet({}).qs).summary.total == Decimal("200.00")


def test_the_summary_is_read_in_slices_in_order_of_total_then_name(django_assert_num_queries):
    for name, amount in [("Cedar", "50"), ("Birch", "50"), ("Ash", "70"), ("Dogwood", "10")]:
        AwardFactory(funder=OrganisationFactory(name=name), amount=Decimal(amount))
    summary = organisation_summary("funder")
    assert summary.count() == 4
    with django_assert_num_queries(1):
        assert [org.name for org in summary[1:3]] == ["Birch", "Cedar"]  # equal totals by name
    assert [org.name for org in summary[3:]] == ["Dogwood"]
    assert summary[10:20] == []
    with pytest.raises(TypeError, match="slices"):
        summary[0]
